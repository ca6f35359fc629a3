import { describe, expect, it } from 'vitest';
import {
	providers,
	receive,
	toOutputItem,
	type ProviderId,
	type ReceiveOptions,
	type ReceiveResult,
} from '../../src/internal';
import { memoryKeyStore } from '../key-store';
import { METADATA_FIELD, SCHEMA_ISSUES_FIELD } from '../../src/output';
import { parseTimestampedHeader } from '../../src/signatures/schemes';
import { NOW_MS, SECRETS, delivery, type Delivery } from './helpers';

describe('toOutputItem', () => {
	/** An SMP delivery through receive() with the SMP secret (and `options`). */
	const smp = (d: Delivery, options: ReceiveOptions = {}) =>
		receive('smp', { headers: d.headers, rawBody: d.body }, { secret: SECRETS.smp, ...options });
	const accepted = (): ReceiveResult => smp(delivery('smp', 'project.completed'), { now: NOW_MS });

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
		const data = { projectId: 7 }; // a number where the schema wants a string
		const payload = { id: 'evt_1', type: 'project.completed', createdAt: 'x', data };
		const d = delivery('smp', '', { payload });
		const result = smp(d);
		expect(result.schemaIssues?.length).toBeGreaterThan(0);
		const plain = toOutputItem('smp', result)!;
		expect(SCHEMA_ISSUES_FIELD).toBe('_schemaIssues');
		expect(plain._schemaIssues).toEqual(result.schemaIssues);
		expect(plain).not.toHaveProperty('_delivery');
		const withMeta = toOutputItem('smp', result, { includeMetadata: true })!;
		expect(withMeta._schemaIssues).toEqual(result.schemaIssues);
		const smpMeta = { provider: 'smp', event: 'project.completed', deliveryId: 'evt_1' };
		expect(withMeta._delivery).toMatchObject(smpMeta);
		expect(result.items[0]).not.toHaveProperty('_schemaIssues');
	});

	it('reports unverified, test and XML deliveries in the metadata', () => {
		const meta = (id: ProviderId, result: ReceiveResult) =>
			toOutputItem(id, result, { includeMetadata: true })!._delivery;
		const payload = { ...providers.smartMaintenance.sample('task.assigned'), test: true };
		const { body } = delivery('smartMaintenance', '', { payload });
		const unsigned = { headers: { 'X-SMTM-Delivery': 'abc' }, rawBody: body };
		expect(meta('smartMaintenance', receive('smartMaintenance', unsigned))).toMatchObject({
			provider: 'smartMaintenance',
			verified: false,
			test: true,
			deliveryId: 'abc',
			event: 'task.assigned',
		});
		const xml = Buffer.from('<r><EventType>X</EventType></r>');
		const keyed = { headers: { 'x-smartermeasure-verification-key': 'k' }, rawBody: xml };
		const r2 = receive('smarterMeasure', keyed, { secret: 'k' });
		const xmlMeta = { provider: 'smarterMeasure', format: 'xml', event: 'X', verified: 'key' };
		expect(meta('smarterMeasure', r2)).toMatchObject(xmlMeta);
	});

	it('returns undefined for refused, filtered and duplicate results', () => {
		const d = delivery('smp', 'project.completed');
		const refused = smp(d, { secret: 'wrong' });
		expect(toOutputItem('smp', refused, { includeMetadata: true })).toBeUndefined();
		expect(toOutputItem('smp', smp(d, { events: ['x'] }))).toBeUndefined();
		const dedupe = memoryKeyStore();
		expect(toOutputItem('smp', smp(d, { dedupe }))).toBeDefined();
		const dup = smp(d, { dedupe });
		expect(dup.duplicate).toBe(true);
		expect(toOutputItem('smp', dup)).toBeUndefined();
	});
});

describe('parseTimestampedHeader', () => {
	const hex = 'ab'.repeat(32);

	it('parses t and one or more v1 entries', () => {
		const parsed = (timestamp: number, signatures: string[]) => ({ timestamp, signatures });
		expect(parseTimestampedHeader(`t=1700000000,v1=${hex}`)).toEqual(parsed(1700000000, [hex]));
		expect(parseTimestampedHeader(`v1=a, t=5 ,v1=b,v0=c,x=y`)).toEqual(parsed(5, ['a', 'b']));
		expect(parseTimestampedHeader(`t=5,v1=a=b`)).toEqual({ timestamp: 5, signatures: ['a=b'] });
	});

	it('keeps at most 8 signatures', () => {
		const many = `t=1,${Array.from({ length: 20 }, (_, i) => `v1=${i}`).join(',')}`;
		expect(parseTimestampedHeader(many)?.signatures).toHaveLength(8);
	});

	const invalid = (value: string) => expect(parseTimestampedHeader(value)).toBeUndefined();
	const missing = ['', 'garbage', 't=', 'v1=abc', 't=123'];
	const otherKeys = ['T=1,V1=x', '=,=,=', ',,,,', 't = ,v1 = '];
	const badTime = ['t=abc,v1=x', 't=-5,v1=x', 't=1.5,v1=x', 't=1e9,v1=x', 't=0x10,v1=x'];
	const rest = ['t=1234567890123,v1=x', 't=1,t=2,v1=x', `t=1,v1=${'a'.repeat(3000)}`];
	it.each(missing)('returns undefined without t or v1: %j', invalid);
	it.each(otherKeys)('returns undefined for keys other than t and v1: %j', invalid);
	it.each(badTime)('returns undefined for t not in whole Unix seconds: %j', invalid);
	it.each(rest)('returns undefined for t in milliseconds, t twice, an over-long v1: %j', invalid);

	it('is total: never throws and always answers undefined or a well-formed value on random junk', () => {
		let seed = 42;
		const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
		// the characters header values are made of, odd ones included (NUL, non-ASCII, a surrogate pair, quotes)
		const alphabet = [...'tv1=, 09af-.\u0000\u00e9', '\ud83d\ude00', ...'\\"\n'];
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
