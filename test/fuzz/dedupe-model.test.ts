/**
 * DedupeStore keeps its keys in a FIFO with lazy deletion and compaction (src/dedupe.ts) so a claim into a full store
 * does not iterate a Map full of holes. That bookkeeping is checked here against a model that is obviously right:
 * a Map in insertion order, expired keys dropped from its front. Random operation sequences, clocks that go backwards.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DedupeStore } from '../../src';
import { counter, params, TEST_TIMEOUT_MS } from './fuzz-config';

/** The model: a Map in insertion order, expired keys dropped from the front on every claim (the store before its FIFO). */
class ModelStore {
	private readonly seen = new Map<string, number>();
	constructor(
		readonly maxEntries: number,
		readonly ttlMs: number,
	) {}
	get size() {
		return this.seen.size;
	}
	private id(key: string) {
		return key.length > 256 ? key.slice(0, 256) : key;
	}
	claim(key: string, nowMs: number): boolean {
		const id = this.id(key);
		for (const [k, at] of this.seen) {
			if (nowMs - at < this.ttlMs) break;
			this.seen.delete(k);
		}
		const at = this.seen.get(id);
		if (at !== undefined && nowMs - at < this.ttlMs) return true;
		this.seen.delete(id);
		this.seen.set(id, nowMs);
		if (this.seen.size > this.maxEntries) this.seen.delete(this.seen.keys().next().value as string);
		return false;
	}
	has(key: string, nowMs: number) {
		const at = this.seen.get(this.id(key));
		return at !== undefined && nowMs - at < this.ttlMs;
	}
	release(key: string) {
		this.seen.delete(this.id(key));
	}
	clear() {
		this.seen.clear();
	}
}

describe('DedupeStore answers as a plain Map-in-insertion-order model does', () => {
	it(
		'random claim/has/release/clear sequences, including clocks that go backwards',
		() => {
			const c = counter('DedupeStore: same answers as the model');
			const key = fc.oneof(
				fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'),
				fc.string({ maxLength: 3 }),
				fc.constant('k'.repeat(300)),
			);
			const op = fc.oneof(
				{
					weight: 6,
					arbitrary: fc.tuple(fc.constant('claim' as const), key, fc.integer({ min: -5, max: 40 })),
				},
				{
					weight: 2,
					arbitrary: fc.tuple(fc.constant('has' as const), key, fc.integer({ min: -5, max: 40 })),
				},
				{ weight: 2, arbitrary: fc.tuple(fc.constant('release' as const), key, fc.constant(0)) },
				{ weight: 1, arbitrary: fc.tuple(fc.constant('clear' as const), key, fc.constant(0)) },
			);
			fc.assert(
				fc.property(
					fc.integer({ min: 1, max: 6 }),
					fc.integer({ min: 1, max: 30 }),
					fc.array(op, { maxLength: 400 }),
					(maxEntries, ttlSeconds, ops) => {
						c.tick();
						const ours = new DedupeStore({ maxEntries, ttlSeconds });
						const ref = new ModelStore(maxEntries, ttlSeconds * 1000);
						let now = 1_000_000;
						for (const [kind, k, dt] of ops) {
							now += dt * 1000;
							if (kind === 'claim') expect(ours.claim(k, now)).toBe(ref.claim(k, now));
							else if (kind === 'has') expect(ours.has(k, now)).toBe(ref.has(k, now));
							else if (kind === 'release') {
								ours.release(k);
								ref.release(k);
							} else {
								ours.clear();
								ref.clear();
							}
							expect(ours.size).toBe(ref.size);
						}
					},
				),
				params(21),
			);
			c.report();
		},
		TEST_TIMEOUT_MS,
	);

	it('claim/release churn does not grow the store’s internal queue without bound', () => {
		const store = new DedupeStore({ maxEntries: 1_000_000, ttlSeconds: 3600 });
		for (let i = 0; i < 200_000; i++) {
			store.claim('same', 1000 + i);
			store.release('same');
		}
		const queue = (store as unknown as { order: unknown[] }).order;
		expect(queue.length).toBeLessThan(200);
	});
});
