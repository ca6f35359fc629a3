// The record protocol of nodes/shared/record.ts against a double of n8n's processed-data store that behaves like
// n8n's (read the row, change it in memory, write it back: no lock), with a delay between read and write so that
// calls from several "processes" interleave. Each process is its own instance of the node modules (vi.resetModules),
// as each n8n worker has its own module state.
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProviderDefinition } from '../../src';

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
}

type Webhook = typeof import('../../nodes/shared/webhook');
type Record_ = typeof import('../../nodes/shared/record');

/** A fresh copy of the node modules: one n8n process. */
async function process_(floorMs = 20): Promise<{ webhook: Webhook; record: Record_ }> {
	vi.resetModules();
	const record = await import('../../nodes/shared/record');
	record.SETTLE.floorMs = floorMs;
	record.SETTLE.gapFloorMs = 10;
	const webhook = await import('../../nodes/shared/webhook');
	return { webhook, record };
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

/** Runs one delivery's execution on a process: true when the trigger emitted it (the workflow's nodes ran). */
async function execute(
	on: Webhook,
	store: InterleavingStore,
	n: number,
	logs: string[] = [],
	customData: Record<string, string> = {},
): Promise<boolean> {
	const items: INodeExecutionData[] = [
		{ json: { n }, [on.DELIVERY_FIELD]: { keys: keysOf(n) } } as INodeExecutionData,
	];
	const context = {
		getInputData: () => items,
		getNodeParameter: () => ({ retryMemory: 1_000 }),
		getNode: () => node,
		getWorkflow: () => workflow,
		getMode: () => 'webhook',
		logger: { warn: (m: string) => logs.push(m), error() {}, info() {}, debug() {} },
		customData: { set: (k: string, v: string) => void (customData[k] = v) },
		helpers: {
			checkProcessedAndRecord: async (
				batch: string[],
				_scope: string,
				options: { maxEntries: number },
			) => await store.checkProcessedAndRecord(batch, options.maxEntries),
		},
	} as unknown as IExecuteFunctions;
	const [out] = await on.emitOnce.call(context, provider);
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

/** Advances the fake clock 1 ms at a time until `work` settles (bounded: 10 virtual minutes). */
async function settled<T>(work: Promise<T>): Promise<T> {
	let done = false;
	const tracked = work.finally(() => (done = true));
	for (let ms = 0; !done && ms < 600_000; ms++) await vi.advanceTimersByTimeAsync(1);
	return await tracked;
}

describe('recording a delivery with several processes writing n8n’s row at once', () => {
	it('distinct deliveries on two processes, then every one retried: each ran once, none lost', async () => {
		const store = new InterleavingStore(() => 1 + Math.random() * 6);
		const a = await process_();
		const b = await process_();
		const total = 120;
		const first = await settled(
			inFlight(total, 16, (i) => execute(i % 2 ? a.webhook : b.webhook, store, i)),
		);
		expect(first.filter(Boolean)).toHaveLength(total);
		// every delivery is still recorded once all executions finished…
		const lost = Array.from({ length: total }, (_, i) => i).filter(
			(i) => !keysOf(i).every((k) => store.has(k)),
		);
		expect(lost).toEqual([]);
		// …so every retry, on the other process, is recognised
		const again = await settled(
			inFlight(total, 16, (i) => execute(i % 2 ? b.webhook : a.webhook, store, i)),
		);
		expect(again.filter(Boolean)).toHaveLength(0);
	});

	it('copies at the same moment on two processes: at least one runs, and a retry after they settled runs none', async () => {
		const store = new InterleavingStore(() => 5);
		const a = await process_();
		const b = await process_();
		const ran = await settled(
			Promise.all([execute(a.webhook, store, 7), execute(b.webhook, store, 7)]),
		);
		// both may run (both read the row before either wrote: n8n has no atomic claim), never neither
		expect(ran.filter(Boolean).length).toBeGreaterThanOrEqual(1);
		const c = await process_();
		expect(await settled(execute(c.webhook, store, 7))).toBe(false);
	});

	it('a copy whose original ran in another process emits nothing and says whose copy it is', async () => {
		const store = new InterleavingStore(() => 0);
		const a = await process_();
		const b = await process_();
		expect(await settled(execute(a.webhook, store, 1))).toBe(true);
		const customData: Record<string, string> = {};
		expect(await settled(execute(b.webhook, store, 1, [], customData))).toBe(false);
		expect(customData).toEqual({ duplicateOf: 'id-1' });
	});

	it('one process batches the calls that queue up into one row write', async () => {
		const store = new InterleavingStore(() => 2);
		const a = await process_(0);
		const ran = await settled(
			Promise.all(Array.from({ length: 20 }, (_, i) => execute(a.webhook, store, 100 + i))),
		);
		expect(ran.every(Boolean)).toBe(true);
		// 20 deliveries, each recorded and checked once: without batching 40 writes
		expect(store.writes).toBeLessThan(20);
	});

	it('a burst of slow store calls lengthens the waits only while it is recent (RECENT_MS)', async () => {
		let pauseMs = 1_000;
		const store = new InterleavingStore(() => pauseMs);
		const a = await process_();
		expect(await settled(execute(a.webhook, store, 1))).toBe(true);
		expect(a.record.settleWaitMs()).toBe(4_000); // 4 × the slowest recent call
		pauseMs = 1;
		// within the window the slow calls still count, whatever came after them…
		expect(await settled(execute(a.webhook, store, 2))).toBe(true);
		expect(a.record.settleWaitMs()).toBe(4_000);
		// …once they are older than it, the waits follow the calls made since
		await vi.advanceTimersByTimeAsync(a.record.RECENT_MS);
		expect(await settled(execute(a.webhook, store, 3))).toBe(true);
		expect(a.record.settleWaitMs()).toBe(a.record.SETTLE.floorMs);
	});

	it('warns, and still runs the delivery, when its record keeps being dropped past the bound', async () => {
		const forgetful = new InterleavingStore(() => 0);
		forgetful.checkProcessedAndRecord = async (items) => ({ new: items, processed: [] });
		const a = await process_(0);
		const logs: string[] = [];
		expect(await settled(execute(a.webhook, forgetful, 9, logs))).toBe(true);
		expect(logs.join('\n')).toMatch(/kept being overwritten/);
		expect(a.record.SETTLE.maxRounds).toBeGreaterThan(1);
	});
});
