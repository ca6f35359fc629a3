import { randomUUID } from 'node:crypto';
import * as ahead from './ahead';
import { DeliveryMemory } from './memory';
import { check, claim, type RecordCall, type Warn } from './store';

export { AHEAD_LIMITS, waitingCount } from './ahead';
export { LIMITS, pendingCheckCount } from './store';
export { paceMs, RECENT_MS, SETTLE, settleMs } from './waits';

/**
 * Copy detection, the one place that decides whether a delivery already ran: the webhook phase asks ranHere() and,
 * in regular mode, starts the claim (claimAhead()); the execute phase claims the delivery in
 * n8n's processed-data store with claimDelivery(). State lives here, in ./ahead and in ./store, reached only through
 * these functions.
 */

/** Deliveries remembered per trigger to recognise copies, by default: the one place this figure lives. */
export const DEFAULT_RETRY_MEMORY = 10_000;

/**
 * This process (this load of the node's code), as the webhook phase writes it on a delivery: when execute() finds
 * its own, the execution runs where the delivery was taken (regular mode), every store call on the trigger's row
 * is this process's own and queued one at a time, so no other process can drop a record: the claim does not wait for
 * the pause between calls and none is checked; the trigger keeps the execution's store call, so its later deliveries
 * are claimed as the webhook phase takes them (./ahead).
 * n8n gives a node no other sign of its mode; a random id needs no environment access. Several regular-mode n8n
 * processes on one database (which n8n does not support) each take this path: their writes can drop each other's
 * records unchecked, and a retry of a dropped delivery runs again.
 */
export const THIS_PROCESS = randomUUID();

const memory = new DeliveryMemory();

/** Whether an execution of this process already claimed one of these keys for the trigger. */
export function ranHere(trigger: string, keys: string[] | undefined): boolean {
	return memory.knows(trigger, keys);
}

/**
 * Regular mode (see ./ahead): starts the delivery's claim now and returns the ticket for its note; undefined where no
 * execution of this trigger ran in this process (queue mode's webhook processors, the first delivery after start).
 */
export function claimAhead(trigger: string, keys: string[]): string | undefined {
	return ahead.claimNow(trigger, keys, claimUnpaced);
}

/** What n8n answered a delivery claimed ahead: an error means it created no execution (see ./ahead). */
export function answeredAhead(ticket: string, status: number): void {
	if (status >= 300) ahead.abandon(ticket);
}

export interface ClaimRequest {
	/** The trigger (triggerId): n8n keeps one processed-data row per trigger node. */
	trigger: string;
	/** The delivery's copy keys (receive()'s dedupeKeys). */
	keys: string[];
	/**
	 * The execution claiming it, where n8n may run that same execution again (n8n 1.x re-runs a stalled job from the
	 * trigger): its marker is recorded beside the keys, so the re-run is not taken for a copy.
	 */
	rerunnable?: { executionId: string };
	/** n8n's checkProcessedAndRecord on the trigger's row, keeping at most `maxEntries` entries (oldest dropped). */
	record: (keys: string[], maxEntries: number) => ReturnType<RecordCall>;
	/** Deliveries the trigger remembers (its Retry Memory). */
	retryMemory: number;
	/** The execution runs in the process whose webhook took the delivery (see THIS_PROCESS). */
	sameProcess: boolean;
	/** claimAhead()'s ticket from the delivery's note: the claim already started (or starts now) in this process. */
	ticket?: string;
	warn: Warn;
}

export type ClaimOutcome = { fresh: true } | { fresh: false; copyOf: string };

/**
 * One store call decides (in regular mode usually made ahead, ./ahead): new keys run; keys already there are a copy,
 * unless this very execution recorded them (its marker is there too, where n8n re-runs executions) or they were
 * recorded ahead for a delivery n8n never ran. A new record is then checked in the background when other processes
 * write the row.
 */
export async function claimDelivery(request: ClaimRequest): Promise<ClaimOutcome> {
	const { trigger, keys, retryMemory } = request;
	const early = request.ticket ? ahead.take(request.ticket) : undefined;
	// Each entry makes every store call longer (n8n reads and writes the row whole): the marker only where needed. A
	// claim made ahead carries none: n8n re-runs a stalled job only in queue mode.
	const marker =
		request.rerunnable && !early ? `execution:${request.rerunnable.executionId}` : undefined;
	const entries = marker ? [...keys, marker] : keys;
	// n8n's row counts entries: Retry Memory deliveries of this one's size
	const maxEntries = retryMemory * entries.length;
	const call: RecordCall = async (batch) => await request.record(batch, maxEntries);
	if (request.sameProcess) ahead.keepOwnCall(trigger, call);
	const present = await (early ??
		claimRetryingInsert(trigger, entries, call, !request.sameProcess));
	const rerun = marker !== undefined && present.has(marker);
	const found = keys.filter((key) => present.has(key));
	const copy = found.length > 0 && !rerun && !ahead.recordedButNotRun(trigger, found);
	if (copy) return { fresh: false, copyOf: keys[0] };
	// as many deliveries as n8n's row keeps: the memory does not outlive the store
	memory.remember(trigger, keys, retryMemory * keys.length);
	if (!request.sameProcess) check(trigger, entries, call, request.warn);
	return { fresh: true };
}

async function claimUnpaced(row: string, keys: string[], call: RecordCall) {
	return await claimRetryingInsert(row, keys, call, false);
}

async function claimRetryingInsert(row: string, keys: string[], call: RecordCall, paced: boolean) {
	try {
		return await claim(row, keys, call, paced);
	} catch {
		// A trigger's first record is an INSERT; another process inserting at the same moment makes it fail once.
		return await claim(row, keys, call, paced);
	}
}
