/**
 * The performance changes in src/ must not change behaviour. Each is checked here against the code it replaced:
 * - schemaIssues() answers "no issues" through a compiled pre-check before zod: same answer as zod alone;
 * - DedupeStore keeps its order in a FIFO instead of iterating the Map: same answers as the Map-only store;
 * - checkShape uses two stacks instead of a stack of pairs: same first problem.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DedupeStore, getProvider, providerIds, MAX_DEPTH } from '../../src';
import { schemaIssues } from '../../src/providers/schema';
import { checkShape } from '../../src/parse/limits';
import { counter, params, TEST_TIMEOUT_MS } from './fuzz-config';

// ---- schema pre-check ------------------------------------------------------------------------

const scalar = fc.oneof(
	fc.string({ maxLength: 6 }),
	fc.constant(''),
	fc.integer(),
	fc.double(),
	fc.constant(Number.NaN),
	fc.boolean(),
	fc.constant(null),
	fc.constant(undefined),
);
const loose = fc.oneof(
	scalar,
	fc.array(scalar, { maxLength: 2 }),
	fc.dictionary(fc.string({ maxLength: 4 }), scalar, { maxKeys: 2 }),
	fc.constant(Object.create(null)),
	fc.constant({ then: () => 1, catch: () => 1 }),
	fc.constant(new Date(0)),
);
const dataArb = fc.oneof(
	loose,
	fc.record(
		{
			projectId: loose,
			name: loose,
			completedAt: loose,
			task_id: loose,
			asset_id: loose,
			technician_id: loose,
			job_id: loose,
			type: loose,
			status: loose,
		},
		{ requiredKeys: [] },
	),
);
const eventArb = fc.oneof(
	fc.constantFrom('project.completed', 'task.completed', 'task.assigned', 'job.completed', 'job.failed', 'webhook.test', 'constructor', 'toString', '__proto__', ''),
	fc.string({ maxLength: 8 }),
	loose,
);
const payloadArb = fc.oneof(
	fc.record(
		{
			id: loose,
			type: eventArb,
			event: eventArb,
			createdAt: loose,
			created_at: loose,
			timestamp: loose,
			company_id: loose,
			company_name: loose,
			data: dataArb,
			test: loose,
			extra: loose,
		},
		{ requiredKeys: [] },
	),
	loose,
);

describe('schemaIssues() with its fast pre-check agrees with zod', () => {
	it.each(providerIds)('%s', (provider) => {
		const c = counter(`${provider}: schema pre-check agrees with zod`);
		const schema = getProvider(provider).schema;
		fc.assert(
			fc.property(payloadArb, (payload) => {
				c.tick();
				const zod = schema.safeParse(payload);
				const ours = schemaIssues(schema, payload);
				expect(ours === undefined).toBe(zod.success);
			}),
			params(20),
		);
		// And on each provider's own samples (all valid).
		for (const event of getProvider(provider).events?.map((e) => e.name) ?? ['AssessmentCompleted']) {
			expect(schemaIssues(schema, getProvider(provider).sample(event))).toBeUndefined();
		}
		c.report();
	}, TEST_TIMEOUT_MS);
});

// ---- DedupeStore against the Map-only implementation it replaced -----------------------------

/** The previous DedupeStore (before the FIFO), verbatim in behaviour. */
class ReferenceStore {
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

describe('DedupeStore behaves exactly like the Map-only store it replaced', () => {
	it('random claim/has/release/clear sequences, including clocks that go backwards', () => {
		const c = counter('DedupeStore: same answers as the reference');
		const key = fc.oneof(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'), fc.string({ maxLength: 3 }), fc.constant('k'.repeat(300)));
		const op = fc.oneof(
			{ weight: 6, arbitrary: fc.tuple(fc.constant('claim' as const), key, fc.integer({ min: -5, max: 40 })) },
			{ weight: 2, arbitrary: fc.tuple(fc.constant('has' as const), key, fc.integer({ min: -5, max: 40 })) },
			{ weight: 2, arbitrary: fc.tuple(fc.constant('release' as const), key, fc.constant(0)) },
			{ weight: 1, arbitrary: fc.tuple(fc.constant('clear' as const), key, fc.constant(0)) },
		);
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 30 }), fc.array(op, { maxLength: 400 }), (maxEntries, ttlSeconds, ops) => {
				c.tick();
				const ours = new DedupeStore({ maxEntries, ttlSeconds });
				const ref = new ReferenceStore(maxEntries, ttlSeconds * 1000);
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
			}),
			params(21),
		);
		c.report();
	}, TEST_TIMEOUT_MS);

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

// ---- checkShape against the pair-stack version -----------------------------------------------

function referenceCheckShape(root: unknown): string | undefined {
	const stack: Array<[unknown, number]> = [[root, 1]];
	while (stack.length > 0) {
		const [value, depth] = stack.pop()!;
		if (depth > MAX_DEPTH) return `nesting deeper than ${MAX_DEPTH} levels`;
		if (Array.isArray(value)) {
			for (const child of value) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
		} else if (value !== null && typeof value === 'object') {
			if (Object.prototype.hasOwnProperty.call(value, '__proto__')) return `forbidden key "__proto__"`;
			for (const key in value) {
				const child = (value as Record<string, unknown>)[key];
				if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
			}
		}
	}
	return undefined;
}

describe('checkShape reports the same first problem as before', () => {
	it('random JSON with deep chains and __proto__ keys', () => {
		const c = counter('checkShape: same as the reference');
		const deep = fc.integer({ min: 1, max: 80 }).map((n) => {
			let v: unknown = {};
			for (let i = 0; i < n; i++) v = i % 2 ? { a: v } : [v];
			return v;
		});
		const proto = fc.json({ maxDepth: 2 }).map((s) => JSON.parse(`{"__proto__": ${s}}`));
		const tree = fc.letrec<{ node: unknown }>((tie) => ({
			node: fc.oneof(
				{ depthSize: 'small', withCrossShrink: true },
				fc.jsonValue({ maxDepth: 1 }),
				deep,
				proto,
				fc.array(tie('node'), { maxLength: 3 }),
				fc.dictionary(fc.string({ maxLength: 3 }), tie('node'), { maxKeys: 3 }),
			),
		})).node;
		fc.assert(
			fc.property(tree, (value) => {
				c.tick();
				expect(checkShape(value)).toBe(referenceCheckShape(value));
			}),
			params(22),
		);
		c.report();
	}, TEST_TIMEOUT_MS);
});
