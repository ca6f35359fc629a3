/**
 * The performance changes in src/ must not change behaviour. Each is checked here against the code it replaced:
 * - schemaIssues() answers "no issues" through a compiled pre-check before zod: same answer as zod alone;
 * - DedupeStore keeps its order in a FIFO instead of iterating the Map: same answers as the Map-only store;
 * - checkShape uses two stacks instead of a stack of pairs: same first problem;
 * - hexDigestMatches checks length and decoded size instead of a regex; header lookup pre-tests name length.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DedupeStore, getProvider, providerIds, MAX_DEPTH, parseTimestampedHeader } from '../../src';
import { schemaIssues } from '../../src/providers/schema';
import { checkShape } from '../../src/parse/limits';
import { hexDigestMatches } from '../../src/signatures/hmac';
import { valuesOf } from '../../src/headers';
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

// ---- hex digest check and header lookup against the versions they replaced -------------------

describe('hexDigestMatches and header lookup answer as before', () => {
	it('hexDigestMatches == regex test + timingSafeEqual', () => {
		const c = counter('hexDigestMatches: same as the regex version');
		const expected = createHash('sha256').update('x').digest();
		const hexChar = fc.constantFrom(...'0123456789abcdefABCDEF');
		const near = fc.tuple(fc.array(hexChar, { minLength: 60, maxLength: 66 }), fc.nat(70), fc.constantFrom('g', ' ', 'x', '-', 'é', '\u0000', '١', 'Ａ'))
			.map(([chars, at, bad]) => {
				const s = chars.join('');
				return at < s.length ? s.slice(0, at) + bad + s.slice(at + 1) : s;
			});
		const exact = fc.constantFrom(expected.toString('hex'), expected.toString('hex').toUpperCase());
		fc.assert(
			fc.property(fc.oneof(near, exact, fc.string({ maxLength: 70 }), fc.array(hexChar, { minLength: 64, maxLength: 64 }).map((a) => a.join(''))), (s) => {
				c.tick();
				const before = /^[0-9a-fA-F]{64}$/.test(s) && timingSafeEqual(Buffer.from(s, 'hex'), expected);
				expect(hexDigestMatches(s, expected)).toBe(before);
			}),
			params(23),
		);
		c.report();
	}, TEST_TIMEOUT_MS);

	it('valuesOf == the scan without the length pre-test', () => {
		const c = counter('header lookup: same as before');
		const before = (bag: Record<string, unknown>, name: string): unknown => {
			if (Object.prototype.hasOwnProperty.call(bag, name)) return bag[name];
			const wanted = name.toLowerCase();
			for (const key of Object.keys(bag)) if (key.toLowerCase() === wanted) return bag[key];
			return undefined;
		};
		const names = ['X-SMP-Signature', 'X-SmarterMeasure-Verification-Key', 'X-SMTM-Delivery', 'content-type', 'VerificationKey'];
		const variant = fc.tuple(fc.constantFrom(...names), fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), fc.constantFrom('', 'K', 'İ', 'ı', 'ſ', ' ', 'ß'))
			.map(([n, mask, odd]) => [...n].map((ch, i) => (mask[i] ? ch.toUpperCase() : ch.toLowerCase())).join('').replace(/k/i, (k) => (odd && mask[0] ? odd : k)));
		fc.assert(
			fc.property(fc.constantFrom(...names), fc.array(fc.tuple(fc.oneof(variant, fc.string({ maxLength: 8 })), fc.string({ maxLength: 4 })), { maxLength: 6 }), (name, entries) => {
				c.tick();
				const bag = Object.fromEntries(entries);
				expect(valuesOf(bag, name)).toEqual(asStrings(before(bag, name)));
			}),
			params(24),
		);
		c.report();
	}, TEST_TIMEOUT_MS);
});

function asStrings(value: unknown): string[] {
	if (typeof value === 'string') return [value];
	if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string').slice(0, 8);
	return [];
}

// ---- parseTimestampedHeader against the split/regex version -----------------------------------

function referenceParseTimestamped(value: string): { timestamp: number; signatures: string[] } | undefined {
	if (value.length > 2048) return undefined;
	let timestamp: number | undefined;
	const signatures: string[] = [];
	for (const part of value.split(',')) {
		const eq = part.indexOf('=');
		if (eq < 0) continue;
		const key = part.slice(0, eq).trim();
		const val = part.slice(eq + 1).trim();
		if (key === 't') {
			if (timestamp !== undefined || !/^\d{1,12}$/.test(val)) return undefined;
			timestamp = Number(val);
		} else if (key === 'v1' && signatures.length < 8) {
			signatures.push(val);
		}
	}
	if (timestamp === undefined || signatures.length === 0) return undefined;
	return { timestamp, signatures };
}

describe('parseTimestampedHeader answers as the split/regex version did', () => {
	it('random header-like strings', () => {
		const c = counter('parseTimestampedHeader: same as the reference');
		const fragment = fc.oneof(
			fc.constantFrom('t=', 'v1=', 'v0=', ',', '=', ' ', '\u00a0', '\n', 't', 'v1', ',,', '==', ' t = ', ' v1 = ', '١', '\u2028'),
			fc.stringMatching(/^[0-9]{0,14}$/),
			fc.stringMatching(/^[0-9a-fA-F]{0,66}$/),
			fc.string({ unit: 'binary', maxLength: 6 }),
		);
		const header = fc.oneof(fc.array(fragment, { maxLength: 30 }).map((a) => a.join('')), fc.string({ maxLength: 2100 }), fc.constant(`t=1,${'v1=a,'.repeat(500)}`));
		fc.assert(
			fc.property(header, (value) => {
				c.tick();
				expect(parseTimestampedHeader(value)).toEqual(referenceParseTimestamped(value));
			}),
			params(25),
		);
		c.report();
	}, TEST_TIMEOUT_MS);
});
