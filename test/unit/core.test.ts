import { describe, expect, it } from 'vitest';
import { DedupeStore, dedupeStoreFor, receive, toOutputItem, type ReceiveResult } from '../../src';
import { DEFAULT_DEDUPE_MAX_ENTRIES, DEFAULT_DEDUPE_TTL_SECONDS } from '../../src/dedupe';
import { METADATA_FIELD, SCHEMA_ISSUES_FIELD } from '../../src/output';
import { parseTimestampedHeader } from '../../src/signatures/schemes';
import { NOW_MS, SECRETS, delivery } from './helpers';

describe('toOutputItem', () => {
	const accepted = (): ReceiveResult => {
		const d = delivery('smp', 'project.completed');
		return receive(
			'smp',
			{ headers: d.headers, rawBody: d.body },
			{ secret: SECRETS.smp, now: NOW_MS },
		);
	};

	it('is the payload itself, with no extra fields, by default', () => {
		const result = accepted();
		const item = toOutputItem('smp', result);
		expect(item).toEqual(result.items[0]);
		expect(Object.keys(item!)).not.toContain(METADATA_FIELD);
		expect(Object.keys(item!)).not.toContain(SCHEMA_ISSUES_FIELD);
		expect(toOutputItem('smp', result, { includeMetadata: false })).toEqual(result.items[0]);
	});

	it('adds _delivery only when asked, without touching the payload', () => {
		const result = accepted();
		const before = structuredClone(result.items[0]);
		const receivedAt = new Date('2026-05-02T14:32:12.345Z');
		const item = toOutputItem('smp', result, { includeMetadata: true, receivedAt })!;
		expect(METADATA_FIELD).toBe('_delivery');
		expect(item._delivery).toEqual({
			provider: 'smp',
			event: 'project.completed',
			deliveryId: result.items[0].id,
			verified: 'signature',
			receivedAt: '2026-05-02T14:32:12.345Z',
			test: false,
			format: 'json',
		});
		const { _delivery, ...rest } = item;
		expect(rest).toEqual(before);
		expect(result.items[0]).toEqual(before);
		expect(result.items[0]).not.toHaveProperty('_delivery');
	});

	it('adds _schemaIssues only when the payload has issues (with or without metadata)', () => {
		const d = delivery('smp', '', {
			payload: { id: 'evt_1', type: 'project.completed', createdAt: 'x', data: { projectId: 7 } },
		});
		const result = receive('smp', { headers: d.headers, rawBody: d.body }, { secret: SECRETS.smp });
		expect(result.schemaIssues?.length).toBeGreaterThan(0);
		const plain = toOutputItem('smp', result)!;
		expect(SCHEMA_ISSUES_FIELD).toBe('_schemaIssues');
		expect(plain._schemaIssues).toEqual(result.schemaIssues);
		expect(plain).not.toHaveProperty('_delivery');
		const withMeta = toOutputItem('smp', result, { includeMetadata: true })!;
		expect(withMeta._schemaIssues).toEqual(result.schemaIssues);
		expect(withMeta._delivery).toMatchObject({
			provider: 'smp',
			event: 'project.completed',
			deliveryId: 'evt_1',
		});
		expect(result.items[0]).not.toHaveProperty('_schemaIssues');
	});

	it('reports unverified, test and XML deliveries in the metadata', () => {
		const unsigned = {
			...delivery('smartMaintenance', '', {
				payload: {
					event: 'task.assigned',
					timestamp: 't',
					company_id: 1,
					company_name: 'c',
					data: { task_id: 1 },
					test: true,
				},
			}),
		};
		const r1 = receive('smartMaintenance', {
			headers: { 'X-SMTM-Delivery': 'abc' },
			rawBody: unsigned.body,
		});
		const m1 = toOutputItem('smartMaintenance', r1, { includeMetadata: true })!._delivery as Record<
			string,
			unknown
		>;
		expect(m1).toMatchObject({
			provider: 'smartMaintenance',
			verified: false,
			test: true,
			deliveryId: 'abc',
			event: 'task.assigned',
		});
		const xml = Buffer.from('<r><EventType>X</EventType></r>');
		const r2 = receive(
			'smarterMeasure',
			{ headers: { 'x-smartermeasure-verification-key': 'k' }, rawBody: xml },
			{ secret: 'k' },
		);
		const m2 = toOutputItem('smarterMeasure', r2, { includeMetadata: true })!._delivery as Record<
			string,
			unknown
		>;
		expect(m2).toMatchObject({
			provider: 'smarterMeasure',
			format: 'xml',
			event: 'X',
			verified: 'key',
		});
	});

	it('returns undefined for refused, filtered and duplicate results', () => {
		const d = delivery('smp', 'project.completed');
		const refused = receive('smp', { headers: d.headers, rawBody: d.body }, { secret: 'wrong' });
		expect(toOutputItem('smp', refused, { includeMetadata: true })).toBeUndefined();
		const filtered = receive(
			'smp',
			{ headers: d.headers, rawBody: d.body },
			{ secret: SECRETS.smp, events: ['x'] },
		);
		expect(toOutputItem('smp', filtered)).toBeUndefined();
		const store = new DedupeStore();
		receive('smp', { headers: d.headers, rawBody: d.body }, { secret: SECRETS.smp, dedupe: store });
		const dup = receive(
			'smp',
			{ headers: d.headers, rawBody: d.body },
			{ secret: SECRETS.smp, dedupe: store },
		);
		expect(dup.duplicate).toBe(true);
		expect(toOutputItem('smp', dup)).toBeUndefined();
	});
});

describe('DedupeStore', () => {
	it('has documented defaults', () => {
		const store = new DedupeStore();
		expect(store.maxEntries).toBe(DEFAULT_DEDUPE_MAX_ENTRIES);
		expect(store.ttlMs).toBe(DEFAULT_DEDUPE_TTL_SECONDS * 1000);
		expect(DEFAULT_DEDUPE_TTL_SECONDS).toBeGreaterThanOrEqual(15 * 60); // SMTM retries for ~13 min
		expect(DEFAULT_DEDUPE_TTL_SECONDS).toBeGreaterThanOrEqual(62 * 60); // SmartlyQ retries for ~62 min
	});

	it('claims a key once; the second claim is a duplicate', () => {
		const store = new DedupeStore();
		expect(store.claim('a', 1000)).toBe(false);
		expect(store.claim('a', 1001)).toBe(true);
		expect(store.claim('b', 1002)).toBe(false);
		expect(store.size).toBe(2);
		expect(store.has('a', 1003)).toBe(true);
		expect(store.has('c', 1003)).toBe(false);
		expect(store.size).toBe(2);
	});

	it('evicts the oldest keys beyond maxEntries', () => {
		const store = new DedupeStore({ maxEntries: 3 });
		for (const [i, key] of ['a', 'b', 'c', 'd'].entries())
			expect(store.claim(key, 1000 + i)).toBe(false);
		expect(store.size).toBe(3);
		expect(store.has('a', 2000)).toBe(false);
		expect(store.has('b', 2000)).toBe(true);
		expect(store.has('d', 2000)).toBe(true);
		// 'a' was forgotten, so it counts as new again (and pushes 'b' out).
		expect(store.claim('a', 2001)).toBe(false);
		expect(store.has('b', 2002)).toBe(false);
		expect(store.size).toBe(3);
	});

	it('stays bounded under many distinct keys', () => {
		const store = new DedupeStore({ maxEntries: 100 });
		for (let i = 0; i < 5000; i++) store.claim(`k${i}`, i);
		expect(store.size).toBe(100);
		expect(store.has('k4999', 5000)).toBe(true);
		expect(store.has('k4899', 5000)).toBe(false);
	});

	it('forgets keys after the TTL (with an injected clock)', () => {
		const store = new DedupeStore({ ttlSeconds: 10 });
		expect(store.claim('a', 0)).toBe(false);
		expect(store.claim('b', 5_000)).toBe(false);
		expect(store.claim('a', 9_999)).toBe(true);
		expect(store.has('a', 10_000)).toBe(false);
		expect(store.claim('a', 10_000)).toBe(false);
		// Expired entries are dropped, not only ignored.
		expect(store.claim('c', 15_000)).toBe(false);
		expect(store.size).toBe(2); // 'a' (re-claimed at 10 s) and 'c'; 'b' expired at 15 s
		expect(store.has('b', 15_000)).toBe(false);
	});

	it('takes the clock by default', () => {
		const store = new DedupeStore({ ttlSeconds: 60 });
		expect(store.claim('x')).toBe(false);
		expect(store.claim('x')).toBe(true);
		expect(store.has('x', Date.now() + 61_000)).toBe(false);
	});

	it('treats at least one entry and one second as the minimum bounds', () => {
		const store = new DedupeStore({ maxEntries: 0, ttlSeconds: 0 });
		expect(store.maxEntries).toBe(1);
		expect(store.ttlMs).toBe(1000);
		store.claim('a', 0);
		store.claim('b', 1);
		expect(store.size).toBe(1);
	});

	it('release() forgets a key and clear() forgets all', () => {
		const store = new DedupeStore();
		store.claim('a', 0);
		store.claim('b', 0);
		store.release('a');
		expect(store.claim('a', 1)).toBe(false);
		expect(store.claim('b', 1)).toBe(true);
		store.clear();
		expect(store.size).toBe(0);
		expect(store.claim('b', 2)).toBe(false);
	});

	it('bounds the memory used by absurdly long keys', () => {
		const store = new DedupeStore();
		const long = 'x'.repeat(100_000);
		expect(store.claim(long, 0)).toBe(false);
		expect(store.claim(long, 1)).toBe(true);
		expect(store.has(long, 2)).toBe(true);
	});
});

describe('dedupeStoreFor (the per-trigger registry)', () => {
	it('returns the same store for the same scope and a separate one per scope', () => {
		const a = dedupeStoreFor('wf-core-1:node-a');
		expect(dedupeStoreFor('wf-core-1:node-a')).toBe(a);
		const b = dedupeStoreFor('wf-core-1:node-b');
		expect(b).not.toBe(a);
		a.claim('evt', 0);
		expect(b.has('evt', 0)).toBe(false);
		expect(dedupeStoreFor('wf-core-1:node-a').has('evt', 0)).toBe(true);
	});

	it('keeps the store when options are unchanged, and replaces it when the window changes', () => {
		const first = dedupeStoreFor('wf-core-2:n', { ttlSeconds: 3600 });
		expect(dedupeStoreFor('wf-core-2:n', { ttlSeconds: 3600 })).toBe(first);
		expect(dedupeStoreFor('wf-core-2:n')).toBe(first);
		const changed = dedupeStoreFor('wf-core-2:n', { ttlSeconds: 7200 });
		expect(changed).not.toBe(first);
		expect(changed.ttlMs).toBe(7_200_000);
		const bigger = dedupeStoreFor('wf-core-2:n', { ttlSeconds: 7200, maxEntries: 5 });
		expect(bigger).not.toBe(changed);
		expect(bigger.maxEntries).toBe(5);
	});

	it('is itself bounded (least recently used scopes are dropped)', () => {
		const oldest = dedupeStoreFor('wf-core-3:oldest');
		const kept = dedupeStoreFor('wf-core-3:kept');
		for (let i = 0; i < 1000; i++) {
			dedupeStoreFor(`wf-core-3:filler-${i}`);
			if (i % 100 === 0) dedupeStoreFor('wf-core-3:kept'); // keeps it recently used
		}
		expect(dedupeStoreFor('wf-core-3:kept')).toBe(kept);
		expect(dedupeStoreFor('wf-core-3:oldest')).not.toBe(oldest);
	});
});

describe('parseTimestampedHeader', () => {
	const hex = 'ab'.repeat(32);

	it('parses t and one or more v1 entries', () => {
		expect(parseTimestampedHeader(`t=1700000000,v1=${hex}`)).toEqual({
			timestamp: 1700000000,
			signatures: [hex],
		});
		expect(parseTimestampedHeader(`v1=a, t=5 ,v1=b,v0=c,x=y`)).toEqual({
			timestamp: 5,
			signatures: ['a', 'b'],
		});
		expect(parseTimestampedHeader(`t=5,v1=a=b`)).toEqual({ timestamp: 5, signatures: ['a=b'] });
	});

	it('keeps at most 8 signatures', () => {
		const many = `t=1,${Array.from({ length: 20 }, (_, i) => `v1=${i}`).join(',')}`;
		expect(parseTimestampedHeader(many)?.signatures).toHaveLength(8);
	});

	it.each([
		'',
		'garbage',
		't=',
		'v1=abc',
		't=123',
		't=abc,v1=x',
		't=-5,v1=x',
		't=1.5,v1=x',
		't=1e9,v1=x',
		't=0x10,v1=x',
		't=1234567890123,v1=x',
		't=1,t=2,v1=x',
		'T=1,V1=x',
		`t=1,v1=${'a'.repeat(3000)}`,
		'=,=,=',
		',,,,',
		't = ,v1 = ',
	])('returns undefined for %j', (value) => {
		expect(parseTimestampedHeader(value)).toBeUndefined();
	});

	it('is total: never throws and always answers undefined or a well-formed value on random junk', () => {
		let seed = 42;
		const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
		const alphabet = [
			't',
			'v',
			'1',
			'=',
			',',
			' ',
			'0',
			'9',
			'a',
			'f',
			'-',
			'.',
			'\u0000',
			'\u00e9',
			'\ud83d\ude00',
			'\\',
			'"',
			'\n',
		];
		let parsed = 0;
		for (let i = 0; i < 5000; i++) {
			const length = Math.floor(rnd() * 40);
			let value = i % 3 === 0 ? 't=1' : '';
			for (let j = 0; j < length; j++) value += alphabet[Math.floor(rnd() * alphabet.length)];
			if (i % 5 === 0) value += ',v1=deadbeef';
			let out: ReturnType<typeof parseTimestampedHeader>;
			expect(() => (out = parseTimestampedHeader(value))).not.toThrow();
			if (out !== undefined) {
				parsed++;
				expect(Number.isSafeInteger(out.timestamp)).toBe(true);
				expect(out.timestamp).toBeGreaterThanOrEqual(0);
				expect(out.signatures.length).toBeGreaterThan(0);
				expect(out.signatures.length).toBeLessThanOrEqual(8);
			}
		}
		expect(parsed).toBeGreaterThan(0); // the generator also produced parseable headers
	});
});

describe('DedupeStore against a reference model', () => {
	/** The plain specification: a Map in insertion (= time) order, expired from the front, evicted oldest-first. */
	class ModelStore {
		private readonly seen = new Map<string, number>();
		constructor(
			private readonly max: number,
			private readonly ttlMs: number,
		) {}
		get size() {
			return this.seen.size;
		}
		claim(key: string, now: number): boolean {
			for (const [k, at] of this.seen) {
				if (now - at < this.ttlMs) break;
				this.seen.delete(k);
			}
			const at = this.seen.get(key);
			if (at !== undefined && now - at < this.ttlMs) return true;
			this.seen.delete(key);
			this.seen.set(key, now);
			if (this.seen.size > this.max) this.seen.delete(this.seen.keys().next().value as string);
			return false;
		}
		has(key: string, now: number): boolean {
			const at = this.seen.get(key);
			return at !== undefined && now - at < this.ttlMs;
		}
		release(key: string): void {
			this.seen.delete(key);
		}
	}

	it.each([
		[5, 10],
		[50, 100],
		[1, 3],
		[2000, 30],
	])(
		'agrees with the model over random claim/has/release sequences (max %i, ttl %i s)',
		(max, ttlSeconds) => {
			let seed = max * 7919 + ttlSeconds;
			const rnd = (n: number) =>
				Math.floor(((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * n);
			const store = new DedupeStore({ maxEntries: max, ttlSeconds });
			const model = new ModelStore(max, ttlSeconds * 1000);
			let now = 0;
			const keySpace = Math.max(4, max * 2);
			let duplicates = 0;
			for (let step = 0; step < 20_000; step++) {
				now += rnd(4) === 0 ? rnd(ttlSeconds * 600) : rnd(200);
				const key = `k${rnd(keySpace)}`;
				const op = rnd(10);
				if (op < 7) {
					const got = store.claim(key, now);
					expect(got).toBe(model.claim(key, now));
					if (got) duplicates++;
				} else if (op < 9) {
					expect(store.has(key, now)).toBe(model.has(key, now));
				} else {
					store.release(key);
					model.release(key);
				}
				expect(store.size).toBe(model.size);
				expect(store.size).toBeLessThanOrEqual(max);
			}
			expect(duplicates).toBeGreaterThan(0);
		},
	);
});
