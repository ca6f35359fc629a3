import { sleep } from 'n8n-workflow';

/**
 * Recording a delivery in n8n's processed-data store so that it stays recorded when several n8n processes (queue-mode
 * workers) record at once, and the in-process memory that lets the webhook phase answer a copy without an execution.
 *
 * What n8n offers a node (n8n-core's deduplication helpers, identical on 1.123 and 2.41): checkProcessedAndRecord,
 * checkProcessedItemsAndRecord, removeProcessed, clearAllProcessedItems and getProcessedDataCount. Every call that
 * names keys is a read-modify-write of ONE row per node (findOne, change in memory, update; no lock, no transaction),
 * and it writes the whole row even when every key was already there. There is no read-only check of a key (the only
 * read-only helper, getProcessedDataCount, returns a count), so checking a key is recording it again. Entries past
 * maxEntries are dropped oldest first, by the order they were first added.
 */

/** Deliveries remembered per trigger to recognise copies, by default: the one place this figure lives. */
export const DEFAULT_RETRY_MEMORY = 10_000;

/** n8n's checkProcessedAndRecord bound to the trigger's row and size: returns the keys that were already there. */
export type RecordCall = (keys: string[]) => Promise<{ processed: Array<string | number> }>;

interface Pending {
	keys: string[];
	call: RecordCall;
	resolve(present: Set<string>): void;
	reject(error: unknown): void;
}

const queues = new Map<string, { pending: Pending[]; running: boolean }>();

/**
 * This process's recent store calls (when each ended, and how long it took, in ms): the measure the settle wait is
 * derived from. Recent means the last RECENT_CALLS calls that ended within RECENT_MS. Without the age bound a burst of
 * slow calls (a retry storm, a stalled database) kept every later execution waiting the 5 s cap until 32 newer calls
 * had pushed it out, which on a quiet trigger took hours. What tells how long another process's call takes now is
 * how long ours take now; the call each delivery has just made is always among them.
 */
const recentCalls: Array<{ endedAt: number; ms: number }> = [];
const RECENT_CALLS = 32;
export const RECENT_MS = 60_000;

/**
 * One store call at a time per row in this process (two at once would drop each other's keys, like two workers),
 * and the requests that queued meanwhile share the next call: one row write for several deliveries, which matters
 * when the row is a full Retry Memory (n8n rewrites all of it on every call). A key asked for by two requests of
 * one call counts as present for the later one: n8n's helper would call both new.
 */
export async function recordBatched(
	row: string,
	keys: string[],
	call: RecordCall,
): Promise<Set<string>> {
	return await new Promise<Set<string>>((resolve, reject) => {
		const queue = queues.get(row) ?? { pending: [], running: false };
		queues.set(row, queue);
		queue.pending.push({ keys, call, resolve, reject });
		pump(row);
	});
}

function pump(row: string): void {
	const queue = queues.get(row);
	if (!queue || queue.running) return;
	const batch = queue.pending.splice(0);
	if (batch.length === 0) {
		queues.delete(row);
		return;
	}
	queue.running = true;
	const all = [...new Set(batch.flatMap((p) => p.keys))];
	const started = performance.now();
	// The newest request's call: every request of a batch names the same row; its options (size) are the latest.
	void batch[batch.length - 1]
		.call(all)
		.then(
			(outcome) => {
				noteDuration(performance.now() - started);
				const present = new Set(outcome.processed.map(String));
				const asked = new Set<string>();
				for (const request of batch) {
					request.resolve(new Set(request.keys.filter((k) => present.has(k) || asked.has(k))));
					for (const key of request.keys) asked.add(key);
				}
			},
			(error: unknown) => {
				for (const request of batch) request.reject(error);
			},
		)
		.finally(() => {
			// A pause before this process's next read of the row: every other process's call that was in flight when
			// ours landed has landed too, so the next read sees their writes (see recordDurably). Without it, two
			// processes calling back to back each read their own last write and keep two diverging rows, and a check
			// sees its own keys even though the other process's last write will drop them.
			void sleep(gapMs()).then(() => {
				queue.running = false;
				pump(row);
			});
		});
}

function noteDuration(ms: number): void {
	recentCalls.push({ endedAt: performance.now(), ms });
	if (recentCalls.length > RECENT_CALLS) recentCalls.shift();
}

/** Bounds of the settle wait (ms) and how many times slower than our slowest recent call another RMW may be. */
export const SETTLE = { floorMs: 250, gapFloorMs: 10, capMs: 5_000, factor: 4, maxRounds: 5 };

function slowestRecentMs(): number {
	const since = performance.now() - RECENT_MS;
	let slowest = 0;
	for (const call of recentCalls) if (call.endedAt >= since) slowest = Math.max(slowest, call.ms);
	return slowest;
}

/** The pause between two calls of this process on one row: longer than another process's call should take. */
function gapMs(): number {
	return Math.min(SETTLE.capMs, Math.max(SETTLE.gapFloorMs, SETTLE.factor * slowestRecentMs()));
}

/** How long to wait before checking a record: longer than any read-modify-write should take, measured, bounded. */
export function settleWaitMs(): number {
	return Math.min(SETTLE.capMs, Math.max(SETTLE.floorMs, SETTLE.factor * slowestRecentMs()));
}

export type Outcome =
	{ fresh: true; confirmedAfterRounds: number | undefined } | { fresh: false; present: string[] };

/**
 * Records a delivery's keys and, when they were new, keeps them recorded against other processes' writes.
 *
 * Why it holds: another process drops our keys only with a read-modify-write that read the row before our write
 * landed and wrote after it. Once we have waited longer than any such call takes, every one of them has landed, so
 * a call then sees what survived: keys still present are kept; a key missing was dropped, and that same call (n8n has
 * no read-only check) records it again, so we wait and check once more. The check is itself a write and can drop a
 * key another process recorded during it, but that process runs the same loop after its own write and re-records it.
 * The pause between two calls of one process (recordBatched) makes every read see the other processes' calls that
 * were in flight at our previous write; without it a check can read our own last write while another process's
 * diverging row, written later, drops our key (measured in test/unit/record.test.ts).
 *
 * Where it stops holding: a read-modify-write slower than the wait (a stalled database connection, a long pause of
 * the other process) can still drop a key after we saw it; so can a chain of overlapping writes that keeps dropping
 * it for more than maxRounds checks (logged as a warning by the caller). Two copies of one delivery that both read
 * the row before either wrote both see "new" and both run: n8n offers nodes no atomic claim (see docs/duplicates-and-queue-mode.md).
 */
export async function recordDurably(
	row: string,
	keys: string[],
	call: RecordCall,
	hooks: { onFresh?: () => void; sleep?: (ms: number) => Promise<void> } = {},
): Promise<Outcome> {
	const pause = hooks.sleep ?? sleep;
	const first = await recordOnceRetryingInsert(row, keys, call);
	if (first.size > 0) return { fresh: false, present: [...first] };
	hooks.onFresh?.();
	for (let round = 1; round <= SETTLE.maxRounds; round++) {
		await pause(settleWaitMs());
		const present = await recordBatched(row, keys, call);
		if (present.size === keys.length) return { fresh: true, confirmedAfterRounds: round };
	}
	return { fresh: true, confirmedAfterRounds: undefined };
}

async function recordOnceRetryingInsert(
	row: string,
	keys: string[],
	call: RecordCall,
): Promise<Set<string>> {
	try {
		return await recordBatched(row, keys, call);
	} catch {
		// A trigger's first record is an INSERT; another process inserting at the same moment makes it fail once.
		return await recordBatched(row, keys, call);
	}
}

/**
 * The deliveries this process's execute() recorded as new and ran, per trigger, so the webhook phase of the same
 * process (regular mode: one process does both) answers a later copy without starting an execution. Only execute()
 * fills it, so a delivery whose execution never started still runs when retried. It holds at most the trigger's
 * Retry Memory (the same count of keys as n8n's row), so it never remembers a delivery n8n's store has forgotten;
 * in queue mode a webhook processor runs no executions, its memory stays empty and n8n's database decides.
 */
export class RanHere {
	private readonly triggers = new Map<string, Map<string, true>>();

	constructor(private readonly maxTriggers = 1_000) {}

	remember(trigger: string, keys: string[], maxKeys: number): void {
		let known = this.triggers.get(trigger);
		if (!known) {
			if (this.triggers.size >= this.maxTriggers)
				this.triggers.delete(this.triggers.keys().next().value as string);
			known = new Map();
			this.triggers.set(trigger, known);
		}
		for (const key of keys) known.set(key, true);
		for (const oldest of known.keys()) {
			if (known.size <= maxKeys) break;
			known.delete(oldest);
		}
	}

	ran(trigger: string, keys: string[] | undefined): boolean {
		const known = this.triggers.get(trigger);
		return !!known && !!keys?.some((key) => known.has(key));
	}
}
