import { sleep } from 'n8n-workflow';

/**
 * Recording deliveries in n8n's processed-data store so that they stay recorded when several n8n processes (queue-mode
 * workers) write the same row.
 *
 * What n8n offers a node (n8n-core's deduplication helpers, identical on 1.123 and 2.41): every call that names keys
 * is a read-modify-write of ONE row per node (findOne, change in memory, update; no lock, no transaction) that writes
 * the whole row even when every key was already there. There is no read-only check of a key, so checking a key is
 * recording it again. Entries past maxEntries are dropped oldest first.
 *
 * The protocol has two parts:
 * - the claim (claim()): one store call that says whether a delivery's keys were there. It is all an execution
 *   waits for; it queues behind nothing but this process's call in flight on the same row (requests that queue
 *   meanwhile share the next call).
 * - the check (check()): after the execution has gone on, in the background, the keys are recorded again once every
 *   other process's write that could have dropped them has landed, until a call finds them all still there.
 */

/** n8n's checkProcessedAndRecord bound to the trigger's row and size: returns the keys that were already there. */
export type RecordCall = (keys: string[]) => Promise<{ processed: Array<string | number> }>;

/** Where a check that gave up says so (the logger of the execution that claimed the keys). */
export type Warn = (message: string) => void;

/** Bounds of the check's waits (ms), how many times slower than our slowest recent call another process's may be. */
export const SETTLE = { floorMs: 250, gapFloorMs: 10, capMs: 5_000, factor: 4, maxRounds: 5 };

/**
 * Checks waiting in this process, at most. Each holds only its keys (about 3 short strings) and a number or two, so
 * the bound is a few MB; past it a new record goes unchecked and the claim's warn says so.
 */
export const LIMITS = { maxPendingChecks: 10_000 };

/** Only calls that ended this recently tell how long a call takes now (a burst of slow ones long ago says nothing). */
export const RECENT_MS = 60_000;
const RECENT_CALLS = 32;

interface Claim {
	keys: string[];
	resolve(present: Set<string>): void;
	reject(error: unknown): void;
}

interface Check {
	keys: string[];
	dueAt: number;
	/** Calls that could confirm it (made after the pause between calls) so far. */
	rounds: number;
	/** Calls that re-recorded it so far, confirming or not: the bound in time. */
	tries: number;
	warn: Warn;
}

interface Row {
	claims: Claim[];
	checks: Check[];
	running: boolean;
	/** When this process's last call on the row ended (performance.now()). */
	lastEndedAt: number;
	/** When the timer that pumps the row's due checks fires, if one is set. */
	wakeAt?: number;
	/** The newest claim's call: every call on a row names the same row; its options (size) are the latest. */
	call: RecordCall;
}

const rows = new Map<string, Row>();
let pendingChecks = 0;
const recentCalls: Array<{ endedAt: number; ms: number }> = [];

/** How many checks are waiting in this process (for tests and benchmarks). */
export function pendingCheckCount(): number {
	return pendingChecks;
}

/**
 * Records `keys` in the row and returns those that were already there. A key asked for by two requests of one call
 * counts as present for the later one (n8n's helper would call both new). Two calls of one process on one row never
 * overlap: they would drop each other's keys, as two processes do.
 */
export async function claim(row: string, keys: string[], call: RecordCall): Promise<Set<string>> {
	return await new Promise<Set<string>>((resolve, reject) => {
		const state = rowState(row, call);
		state.call = call;
		state.claims.push({ keys, resolve, reject });
		pump(row);
	});
}

/**
 * Keeps `keys` (just claimed as new) recorded against other processes' writes, off the execution's path.
 *
 * Why it holds: another process drops our keys only with a read-modify-write that read the row before a write of
 * ours that had them landed, and wrote after it. A check waits longer than any such call takes (settle wait) AND
 * reads only after a pause since this process's previous call on the row (gap): then every call that read before our
 * last write has landed, so a key still there stays, and a key missing was dropped; the same call records it again
 * (n8n has no read-only check) and the check goes another round. A call made without that pause (the row busy with
 * claims) still records the keys again but confirms nothing. Another process's check drops nothing for good: the
 * keys it may overwrite are re-recorded by their own check.
 *
 * Where it stops holding: a read-modify-write slower than the wait (a stalled database connection); a chain of
 * overlapping writes that drops the keys at every one of maxRounds checks, or a row kept busy for 4 × maxRounds
 * tries (warned); a process that exits before its checks ran (its pending checks are lost: a key another process
 * dropped meanwhile is not recorded again, and a retry of that delivery runs once more). n8n tells a node nothing
 * when it shuts down, so the checks cannot be finished or handed over then.
 */
export function check(row: string, keys: string[], call: RecordCall, warn: Warn): void {
	if (pendingChecks >= LIMITS.maxPendingChecks) {
		warn(
			`${LIMITS.maxPendingChecks} records are waiting for their check in this n8n process; this one is not checked, and a retry of this delivery may run again`,
		);
		return;
	}
	pendingChecks++;
	rowState(row, call).checks.push({
		keys,
		dueAt: performance.now() + settleWaitMs(),
		rounds: 0,
		tries: 0,
		warn,
	});
	pump(row);
}

function rowState(row: string, call: RecordCall): Row {
	let state = rows.get(row);
	if (!state) {
		state = { claims: [], checks: [], running: false, lastEndedAt: -Infinity, call };
		rows.set(row, state);
	}
	return state;
}

function pump(row: string): void {
	const state = rows.get(row);
	if (!state || state.running) return;
	const now = performance.now();
	const due = state.checks.filter((c) => c.dueAt <= now);
	const claims = state.claims.splice(0);
	if (claims.length === 0 && due.length === 0) {
		if (state.checks.length === 0) rows.delete(row);
		else wakeAt(row, state, Math.min(...state.checks.map((c) => c.dueAt)));
		return;
	}
	// A due check waits for the pause since our last call unless claims make a call now anyway: it rides along.
	const canConfirm = now >= state.lastEndedAt + gapMs();
	if (claims.length === 0 && !canConfirm) {
		wakeAt(row, state, state.lastEndedAt + gapMs());
		return;
	}
	state.checks = state.checks.filter((c) => c.dueAt > now);
	state.running = true;
	// checks first: a claim of a copy in the same call sees their keys as already there
	const keys = [...new Set([...due.flatMap((c) => c.keys), ...claims.flatMap((c) => c.keys)])];
	const started = performance.now();
	void state
		.call(keys)
		.then(
			(outcome) => {
				noteDuration(performance.now() - started);
				const present = new Set(outcome.processed.map(String));
				for (const c of due)
					settleCheck(state, c, canConfirm && c.keys.every((k) => present.has(k)), canConfirm);
				const asked = new Set(due.flatMap((c) => c.keys));
				for (const request of claims) {
					request.resolve(new Set(request.keys.filter((k) => present.has(k) || asked.has(k))));
					for (const key of request.keys) asked.add(key);
				}
			},
			(error: unknown) => {
				for (const c of due) settleCheck(state, c, false, false);
				for (const request of claims) request.reject(error);
			},
		)
		.finally(() => {
			state.running = false;
			state.lastEndedAt = performance.now();
			pump(row);
		});
}

/** After a call that carried a check: done, another round, or given up (warned). */
function settleCheck(state: Row, c: Check, confirmed: boolean, couldConfirm: boolean): void {
	c.tries++;
	if (couldConfirm) c.rounds++;
	if (confirmed) {
		pendingChecks--;
		return;
	}
	if (c.rounds >= SETTLE.maxRounds || c.tries >= 4 * SETTLE.maxRounds) {
		pendingChecks--;
		c.warn(
			'the record of this delivery kept being overwritten by other n8n processes; a retry of it may run again',
		);
		return;
	}
	c.dueAt = performance.now() + settleWaitMs();
	state.checks.push(c);
}

/** One timer per row at a time, for the earliest moment something may run. */
function wakeAt(row: string, state: Row, at: number): void {
	if (state.wakeAt !== undefined && state.wakeAt <= at) return;
	state.wakeAt = at;
	void sleep(Math.max(0, at - performance.now())).then(() => {
		if (state.wakeAt === at) state.wakeAt = undefined;
		pump(row);
	});
}

function noteDuration(ms: number): void {
	recentCalls.push({ endedAt: performance.now(), ms });
	if (recentCalls.length > RECENT_CALLS) recentCalls.shift();
}

function slowestRecentMs(): number {
	const since = performance.now() - RECENT_MS;
	let slowest = 0;
	for (const call of recentCalls) if (call.endedAt >= since) slowest = Math.max(slowest, call.ms);
	return slowest;
}

/** The pause since this process's previous call before a check may confirm: longer than another process's call. */
function gapMs(): number {
	return Math.min(SETTLE.capMs, Math.max(SETTLE.gapFloorMs, SETTLE.factor * slowestRecentMs()));
}

/** How long after a write its keys are checked: longer than any read-modify-write should take, measured, bounded. */
export function settleWaitMs(): number {
	return Math.min(SETTLE.capMs, Math.max(SETTLE.floorMs, SETTLE.factor * slowestRecentMs()));
}
