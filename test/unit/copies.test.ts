// Copy detection (nodes/shared/copies) against a double of n8n's processed-data store that behaves like n8n's (read
// the row, change it in memory, write it back: no lock), with a delay between read and write so that calls from
// several "processes" interleave. Each process is its own instance of the node modules (vi.resetModules), as each
// n8n worker has its own module state.
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DELIVERY_FIELD } from '../../nodes/shared/delivery-note';
import type { ProviderDefinition } from '../../src/internal';

/** n8n's DeduplicationHelper.handleHashedItems in 'entries' mode, as a read-modify-write with a pause inside. */
class InterleavingStore {
	private row: string[] = [];
	writes = 0;
	constructor(private readonly pauseMs: () => number) {}

	async checkProcessedAndRecord(items: string[], maxEntries: number) {
		const read = [...this.row];
		await new Promise((r) => setTimeout(r, this.pauseMs()));
		const seen = new Set(read);
		const out = { new: [] as string[], processed: [] as string[] };
		for (const item of items) {
			if (seen.has(item)) out.processed.push(item);
			else {
				out.new.push(item);
				read.push(item);
			}
		}
		read.splice(0, Math.max(0, read.length - maxEntries));
		this.row = read; // the whole row, as n8n's update() writes it: whatever landed since our read is gone
		this.writes++;
		return out;
	}

	has(key: string): boolean {
		return this.row.includes(key);
	}

	get size(): number {
		return this.row.length;
	}
}

type ExecutePhase = typeof import('../../nodes/shared/execute-phase');
type Copies = typeof import('../../nodes/shared/copies');
interface Process {
	execute: ExecutePhase;
	copies: Copies;
}

/** A fresh copy of the node modules: one n8n process. */
/** `settleFloorMs`: longer than any call of the store double (as the production floor is than a database's). */
async function process_(settleFloorMs = 20): Promise<Process> {
	vi.resetModules();
	const copies = await import('../../nodes/shared/copies');
	copies.SETTLE.paceFloorMs = 10;
	copies.SETTLE.settleFloorMs = settleFloorMs;
	const execute = await import('../../nodes/shared/execute-phase');
	return { execute, copies };
}

const provider = { displayName: 'SMP' } as ProviderDefinition;
const workflow = { id: 'wf-record', name: 'Record', active: true };
const node = {
	id: 'node-record',
	name: 'SMP Trigger',
	type: 'x',
	typeVersion: 1,
	position: [0, 0] as [number, number],
	parameters: {},
};

function keysOf(n: number): string[] {
	return [`id-${n}`, `sha256:body-${n}`];
}

let executions = 0;

/**
 * Runs one delivery's execution on a process: true when the trigger emitted it (the workflow's nodes ran). `via` is
 * the process whose webhook took it (default: another one, as in queue mode); `executionId` a new one by default.
 */
async function execute(
	on: Process,
	store: InterleavingStore,
	n: number,
	options: {
		logs?: string[];
		customData?: Record<string, string>;
		via?: Process;
		executionId?: string;
		/** claimAhead()'s ticket, as the webhook phase of `via` put it on the note. */
		ticket?: string;
		/** n8n 1.x: no custom data on a node's context (which is how the trigger tells the lines apart). */
		line1?: boolean;
	} = {},
): Promise<boolean> {
	const note = {
		keys: keysOf(n),
		...(options.via ? { via: options.via.copies.THIS_PROCESS } : {}),
		...(options.ticket ? { ticket: options.ticket } : {}),
	};
	const items: INodeExecutionData[] = [
		{ json: { n }, [DELIVERY_FIELD]: note } as INodeExecutionData,
	];
	const executionId = options.executionId ?? `exec-${++executions}`;
	const context = {
		getInputData: () => items,
		getNodeParameter: () => ({ retryMemory: 1_000 }),
		getNode: () => node,
		getWorkflow: () => workflow,
		getMode: () => 'webhook',
		getExecutionId: () => executionId,
		logger: { warn: (m: string) => options.logs?.push(m), error() {}, info() {}, debug() {} },
		...(options.line1
			? {}
			: {
					customData: { set: (k: string, v: string) => void ((options.customData ?? {})[k] = v) },
				}),
		helpers: {
			checkProcessedAndRecord: async (
				batch: string[],
				_scope: string,
				processed: { maxEntries: number },
			) => await store.checkProcessedAndRecord(batch, processed.maxEntries),
		},
	} as unknown as IExecuteFunctions;
	const [out] = await on.execute.emitOnce.call(context, provider);
	return out.length === 1;
}

async function inFlight<T>(count: number, limit: number, work: (i: number) => Promise<T>) {
	const results: T[] = new Array<T>(count);
	let next = 0;
	await Promise.all(
		Array.from({ length: limit }, async () => {
			while (next < count) {
				const i = next++;
				results[i] = await work(i);
			}
		}),
	);
	return results;
}

// Virtual time: the store's pauses, the protocol's waits and its measured call durations (performance.now) all run
// on vitest's fake clock, so no verdict depends on how fast or loaded the machine is.
beforeEach(() => {
	vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
});
afterEach(() => {
	vi.useRealTimers();
});

const LIMIT_MS = 600_000;

/** Advances the fake clock 1 ms at a time until `work` settles (bounded: 10 virtual minutes); returns its value and the virtual ms it took. */
async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
	let done = false;
	const tracked = work.finally(() => (done = true));
	let ms = 0;
	for (; !done && ms < LIMIT_MS; ms++) await vi.advanceTimersByTimeAsync(1);
	return { value: await tracked, ms };
}

async function settled<T>(work: Promise<T>): Promise<T> {
	return (await timed(work)).value;
}

/** Advances the fake clock until every process's background checks are done (bounded like timed()). */
async function checksDone(...processes: Process[]): Promise<void> {
	let ms = 0;
	for (; processes.some((p) => p.copies.pendingCheckCount() > 0) && ms < LIMIT_MS; ms++)
		await vi.advanceTimersByTimeAsync(1);
	expect(processes.map((p) => p.copies.pendingCheckCount())).toEqual(processes.map(() => 0));
}

describe('recording a delivery with several processes writing n8n’s row at once', () => {
	it.each([
		['calls of 1 to 7 ms', () => 1 + Math.random() * 6, 20],
		// a database slow now and then: the other worker's calls are in flight much of the time, so one record can be
		// dropped several times in a row before it stays
		['calls mostly 2 ms, one in five 40 ms', () => (Math.random() < 0.2 ? 40 : 2), 50],
	])(
		'distinct deliveries on two processes (%s), then every one retried once the checks are done: each ran once, none lost',
		async (_, pauseMs, settleFloorMs) => {
			const store = new InterleavingStore(pauseMs);
			const a = await process_(settleFloorMs);
			const b = await process_(settleFloorMs);
			const total = 200;
			const logs: string[] = [];
			const first = await settled(
				inFlight(total, 16, (i) => execute(i % 2 ? a : b, store, i, { logs })),
			);
			expect(first.filter(Boolean)).toHaveLength(total);
			await checksDone(a, b);
			// every delivery is still recorded once the background checks are done…
			const lost = Array.from({ length: total }, (_, i) => i).filter(
				(i) => !keysOf(i).every((k) => store.has(k)),
			);
			expect({ lost, warnings: logs }).toEqual({ lost: [], warnings: [] });
			// …so every retry, on the other process, is recognised
			const again = await settled(inFlight(total, 16, (i) => execute(i % 2 ? b : a, store, i)));
			expect(again.filter(Boolean)).toHaveLength(0);
		},
	);

	it('deliveries flowing on two processes, each copied to the other process 200 ms later: each ran once', async () => {
		// what n8n's queue mode does to a provider's retry while other deliveries keep both workers' calls going: a
		// record dropped by the other process's overlapping write must be back before the copy reads the row
		const store = new InterleavingStore(() => 1 + Math.random() * 6);
		const a = await process_();
		const b = await process_();
		const total = 150;
		const runs = new Array<number>(total).fill(0);
		const work: Array<Promise<void>> = [];
		const at = (ms: number, on: Process, i: number) =>
			work.push(
				new Promise<void>((resolve) =>
					setTimeout(
						() =>
							void execute(on, store, i)
								.then((ran) => void (runs[i] += ran ? 1 : 0), resolve)
								.then(resolve),
						ms,
					),
				),
			);
		for (let i = 0; i < total; i++) {
			at(i * 2, i % 2 ? a : b, i);
			at(i * 2 + 200, i % 2 ? b : a, i);
		}
		await settled(Promise.all(work));
		expect(runs.filter((n) => n !== 1)).toEqual([]);
	});

	it('copies at the same moment on two processes: at least one runs, and a retry after they settled runs none', async () => {
		const store = new InterleavingStore(() => 5);
		const a = await process_();
		const b = await process_();
		const ran = await settled(Promise.all([execute(a, store, 7), execute(b, store, 7)]));
		// both may run (both read the row before either wrote: n8n has no atomic claim), never neither
		expect(ran.filter(Boolean).length).toBeGreaterThanOrEqual(1);
		await checksDone(a, b);
		const c = await process_();
		expect(await settled(execute(c, store, 7))).toBe(false);
	});

	it('a copy whose original ran in another process emits nothing and says whose copy it is', async () => {
		const store = new InterleavingStore(() => 0);
		const a = await process_();
		const b = await process_();
		expect(await settled(execute(a, store, 1))).toBe(true);
		const customData: Record<string, string> = {};
		expect(await settled(execute(b, store, 1, { customData }))).toBe(false);
		expect(customData).toEqual({ duplicateOf: 'id-1' });
	});

	it('one process batches the claims that queue up into one row write', async () => {
		const store = new InterleavingStore(() => 2);
		const a = await process_();
		const ran = await settled(
			Promise.all(Array.from({ length: 20 }, (_, i) => execute(a, store, 100 + i))),
		);
		expect(ran.every(Boolean)).toBe(true);
		// 20 deliveries claimed: without batching 20 writes (one in flight, the other 19 share the next)
		expect(store.writes).toBeLessThan(20);
	});
});

describe('what an execution waits for', () => {
	it('one store call: the execution goes on as soon as its claim is written; the check follows in the background', async () => {
		const store = new InterleavingStore(() => 5);
		const a = await process_();
		const run = await timed(execute(a, store, 1));
		expect(run.value).toBe(true);
		expect(store.writes).toBe(1);
		expect(run.ms).toBeLessThanOrEqual(6); // the one call's 5 ms
		expect(a.copies.pendingCheckCount()).toBe(1);
		await checksDone(a);
		// the check: a call a while after the claim finds the keys there, and one more confirms them if that call came
		// before the settle wait was over
		expect(store.writes).toBeGreaterThanOrEqual(2);
		expect(store.writes).toBeLessThanOrEqual(3);
	});

	it('a claim waits for the call in flight on its row and the pause after it; in the process that took it, not the pause', async () => {
		const store = new InterleavingStore(() => 5);
		const a = await process_();
		const first = execute(a, store, 1);
		await vi.advanceTimersByTimeAsync(1);
		// queued behind the first call (in flight), then the pause (4 × 5 ms, up to twice that), then its own call
		const second = await timed(Promise.all([first, execute(a, store, 2)]));
		expect(second.value).toEqual([true, true]);
		expect(second.ms).toBeGreaterThanOrEqual(4 + a.copies.paceMs() + 5);
		expect(second.ms).toBeLessThanOrEqual(4 + 2 * a.copies.paceMs() + 5 + 2);
		// regular mode: a claim of the process that took the delivery goes while the others wait for the pause
		const third = execute(a, store, 3);
		await vi.advanceTimersByTimeAsync(1);
		const fourth = await timed(execute(a, store, 4, { via: a }));
		expect(fourth.value).toBe(true);
		expect(fourth.ms).toBeLessThanOrEqual(5 + 1);
		expect(await settled(third)).toBe(true);
	});

	it('in the process that took the delivery (regular mode): one call, no check; another process’s delivery is checked (control)', async () => {
		const store = new InterleavingStore(() => 5);
		const a = await process_();
		const run = await timed(execute(a, store, 1, { via: a }));
		expect(run.value).toBe(true);
		expect(a.copies.pendingCheckCount()).toBe(0);
		// control: a delivery taken by another process's webhook is checked in this same time frame
		const b = await process_();
		expect(await settled(execute(a, store, 2, { via: b }))).toBe(true);
		expect(a.copies.pendingCheckCount()).toBe(1);
		await checksDone(a);
		// delivery 1: one call; delivery 2: its claim and its check's one or two calls
		expect(store.writes).toBeGreaterThanOrEqual(3);
		expect(store.writes).toBeLessThanOrEqual(4);
	});

	it('a burst of slow store calls lengthens the settle wait only while it is recent (RECENT_MS)', async () => {
		let pauseMs = 1_000;
		const store = new InterleavingStore(() => pauseMs);
		const a = await process_();
		expect(await settled(execute(a, store, 1))).toBe(true);
		expect(a.copies.settleMs()).toBe(4_000); // 4 × the slowest recent call
		pauseMs = 1;
		// within the window the slow calls still count, whatever came after them…
		expect(await settled(execute(a, store, 2))).toBe(true);
		expect(a.copies.settleMs()).toBe(4_000);
		// …once they are older than it, the wait follows the calls made since
		await vi.advanceTimersByTimeAsync(a.copies.RECENT_MS);
		expect(await settled(execute(a, store, 3))).toBe(true);
		expect(a.copies.settleMs()).toBe(a.copies.SETTLE.settleFloorMs);
	});

	it('warns, once the execution is over, when its record keeps being dropped past the bound', async () => {
		const forgetful = new InterleavingStore(() => 0);
		forgetful.checkProcessedAndRecord = async (items) => ({ new: items, processed: [] });
		const a = await process_();
		const logs: string[] = [];
		expect(await settled(execute(a, forgetful, 9, { logs }))).toBe(true);
		expect(logs).toEqual([]);
		await checksDone(a);
		expect(logs.join('\n')).toMatch(/kept being overwritten/);
		expect(a.copies.SETTLE.maxDrops).toBeGreaterThan(1);
	});

	it('holds at most LIMITS.maxPendingChecks checks and warns for a record it cannot check', async () => {
		const store = new InterleavingStore(() => 1);
		const a = await process_();
		a.copies.LIMITS.maxPendingChecks = 1;
		const logs: string[] = [];
		const ran = await settled(Promise.all([1, 2, 3].map((n) => execute(a, store, n, { logs }))));
		expect(ran).toEqual([true, true, true]);
		// delivery 1's check was confirmed by the call that claimed 2 and 3; 2 took the one place, 3 found none
		expect(a.copies.pendingCheckCount()).toBe(1);
		expect(logs.join('\n')).toMatch(/records are waiting for their check/);
	});
});

const TRIGGER = `${workflow.id}:${node.id}`;

/** The webhook phase of `on` taking delivery `n`: its ticket, if it claimed ahead, and n8n's answer to it. */
function taken(on: Process, n: number) {
	const ticket = on.copies.claimAhead(TRIGGER, keysOf(n));
	return {
		ticket,
		answered: (status: number) => ticket && on.copies.answeredAhead(ticket, status),
	};
}

describe('regular mode: the webhook phase starts the claim', () => {
	it('after the trigger’s first execution here, an execution finds its claim made and makes no store call', async () => {
		const store = new InterleavingStore(() => 5);
		const a = await process_();
		// the first delivery after start: no execution of the trigger ran here yet, so its execution claims
		expect(taken(a, 1).ticket).toBeUndefined();
		const firstRun = await timed(execute(a, store, 1, { via: a }));
		expect(firstRun.value).toBe(true);
		expect(firstRun.ms).toBeGreaterThanOrEqual(5); // it waited for its store call
		expect(store.writes).toBe(1);
		const second = taken(a, 2);
		expect(second.ticket).toBeDefined();
		second.answered(200);
		await vi.advanceTimersByTimeAsync(10); // n8n creates the execution meanwhile
		expect(store.writes).toBe(2);
		const run = await timed(execute(a, store, 2, { via: a, ticket: second.ticket }));
		expect(run.value).toBe(true);
		expect(run.ms).toBeLessThanOrEqual(1); // the clock's first step: no store call waited for
		expect(store.writes).toBe(2);
		expect(store.has('id-2')).toBe(true);
		expect(a.copies.waitingCount()).toBe(0);
		expect(a.copies.pendingCheckCount()).toBe(0);
	});

	it.each([
		['the first’s execution first', [0, 1]],
		['the copy’s execution first', [1, 0]],
	])(
		'a copy taken before the first’s execution started (%s): exactly one runs',
		async (_, order) => {
			const store = new InterleavingStore(() => 5);
			const a = await process_();
			expect(await settled(execute(a, store, 1, { via: a }))).toBe(true);
			const both = [taken(a, 7), taken(a, 7)];
			for (const t of both) t.answered(200);
			const ran: boolean[] = [];
			for (const i of order)
				ran[i] = await settled(execute(a, store, 7, { via: a, ticket: both[i].ticket }));
			expect(ran).toEqual([true, false]);
		},
	);

	it.each([
		[500, [true, false]],
		[200, [false, false]], // control: answered 2xx, so its execution exists (and runs it)
	])(
		'a delivery recorded ahead that n8n answered %i: its retries run %j',
		async (status, retriesRan) => {
			const store = new InterleavingStore(() => 5);
			const a = await process_();
			expect(await settled(execute(a, store, 1, { via: a }))).toBe(true);
			taken(a, 3).answered(status); // an error: n8n could not create its execution
			await vi.advanceTimersByTimeAsync(10);
			expect(store.has('id-3')).toBe(true);
			const ran: boolean[] = [];
			for (const retry of [taken(a, 3), taken(a, 3)]) {
				retry.answered(200);
				ran.push(await settled(execute(a, store, 3, { via: a, ticket: retry.ticket })));
			}
			expect(ran).toEqual(retriesRan);
		},
	);

	it('a webhook processor (queue mode) runs no executions and never claims ahead; past the bound, nor does regular mode', async () => {
		const store = new InterleavingStore(() => 1);
		const webhookProcessor = await process_();
		const worker = await process_();
		expect(await settled(execute(worker, store, 1, { via: webhookProcessor }))).toBe(true);
		expect(taken(webhookProcessor, 2).ticket).toBeUndefined();
		expect(taken(worker, 2).ticket).toBeUndefined(); // the worker's executions were not its own deliveries
		const a = await process_();
		a.copies.AHEAD_LIMITS.maxWaiting = 1;
		expect(await settled(execute(a, store, 3, { via: a }))).toBe(true);
		expect(taken(a, 4).ticket).toBeDefined();
		expect(taken(a, 5).ticket).toBeUndefined();
		await vi.advanceTimersByTimeAsync(10);
	});
});

describe('the same execution running again (n8n 1.x re-runs a stalled job from the trigger)', () => {
	it('runs again; a copy in another execution does not', async () => {
		const store = new InterleavingStore(() => 2);
		const a = await process_();
		const b = await process_();
		expect(await settled(execute(a, store, 5, { executionId: 'exec-stalled', line1: true }))).toBe(
			true,
		);
		await checksDone(a);
		// the worker died; another worker runs the same execution from the trigger
		expect(await settled(execute(b, store, 5, { executionId: 'exec-stalled', line1: true }))).toBe(
			true,
		);
		// a provider's retry is another execution
		expect(await settled(execute(b, store, 5, { line1: true }))).toBe(false);
	});

	it("records the execution's marker only on n8n 1.x: every entry lengthens every store call", async () => {
		const store = new InterleavingStore(() => 2);
		const a = await process_();
		expect(await settled(execute(a, store, 1, { executionId: 'exec-2x' }))).toBe(true);
		await checksDone(a);
		expect(store.size).toBe(keysOf(1).length);
		expect(await settled(execute(a, store, 2, { executionId: 'exec-1x', line1: true }))).toBe(true);
		await checksDone(a);
		expect(store.size).toBe(keysOf(1).length + keysOf(2).length + 1);
		expect(store.has('execution:exec-1x')).toBe(true);
		// n8n 2.x fails a stalled job instead of running it again: the same execution id again is a copy there
		const customData: Record<string, string> = {};
		expect(
			await settled(execute(a, store, 1, { executionId: 'exec-2x', customData, via: undefined })),
		).toBe(false);
		expect(customData).toEqual({ duplicateOf: 'id-1' });
	});
});
