import { describe, expect, it } from 'vitest';
import { receive, toOutputItem, type ReceiveResult } from '../../src/internal';
import { memoryKeyStore } from '../key-store';
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
		const store = memoryKeyStore();
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
