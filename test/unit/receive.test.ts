import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
	providerIds,
	providers,
	receive,
	serializePayload,
	sign,
	type ProviderId,
	type ReceiveResult,
} from '../../src/internal';
import { memoryKeyStore } from '../key-store';
import { idsWhere, row } from '../providers';
import {
	AUTH_HEADER,
	NOW_MS,
	NOW_S,
	SECRETS,
	assertSafeReason,
	delivery,
	eventsOf,
	headerOf,
	tamper,
	withHeader,
} from './helpers';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const hmacProviders = idsWhere((p) => p.scheme !== 'staticKey');
const timestamped = idsWhere((p) => p.scheme === 'hmacTimestamped');
const required = idsWhere((p) => p.secretRequired);

function run(
	id: ProviderId,
	headers: Record<string, unknown>,
	body: Buffer | string,
	options: Parameters<typeof receive>[2] = {},
): ReceiveResult {
	return receive(
		id,
		{ headers: headers as Record<string, string>, rawBody: body },
		{ secret: SECRETS[id], now: NOW_MS, ...options },
	);
}

function expectRefused(
	result: ReceiveResult,
	status: 400 | 401,
	id: ProviderId,
	body: Buffer,
	reason?: RegExp,
): void {
	expect(result.status).toBe(status);
	expect(result.items).toEqual([]);
	if (reason) expect(result.reason).toMatch(reason);
	assertSafeReason(result, SECRETS[id], body);
}

/** The delivery id each provider is deduplicated by. */
function expectedDeliveryId(
	id: ProviderId,
	payload: Record<string, unknown>,
	headers: Record<string, string>,
	body: Buffer,
): string {
	const key = row(id).dedupeKey;
	if (key === 'payloadId') return payload.id as string;
	if (key === 'deliveryHeader') return headerOf(headers, 'X-SMTM-Delivery');
	return `sha256:${sha256(body)}`;
}

describe.each(providerIds)('%s: genuine deliveries', (id) => {
	it.each(eventsOf(id))(
		'accepts a signed %s delivery with its payload, event and delivery id',
		(event) => {
			const { payload, body, headers } = delivery(id, event);
			const result = run(id, headers, body);
			expect(result.status).toBe(200);
			expect(result.reason).toBeUndefined();
			expect(result.items).toHaveLength(1);
			expect(result.items[0]).toEqual(payload);
			expect(result.event).toBe(event);
			expect(result.deliveryId).toBe(expectedDeliveryId(id, payload, headers, body));
			expect(result.schemaIssues).toBeUndefined();
			expect(result.verified).toBe(id === 'smarterMeasure' ? 'key' : 'signature');
			expect(result.duplicate).toBe(false);
			expect(result.filtered).toBeUndefined();
			expect(result.format).toBe('json');
			const documentedTest = providers[id].events?.find((e) => e.name === event)?.test === true;
			expect(result.test).toBe(documentedTest);
		},
	);

	it('accepts the body as a Buffer, a Uint8Array and a string alike', () => {
		const { payload, body, headers } = delivery(id, eventsOf(id)[0]);
		const view = new Uint8Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.length));
		for (const raw of [body, view, body.toString('utf8')]) {
			const result = run(id, headers, raw as Buffer);
			expect(result.status).toBe(200);
			expect(result.items[0]).toEqual(payload);
		}
	});

	it('accepts lower-case (Express-style) and odd-case header names', () => {
		const { body, headers } = delivery(id, eventsOf(id)[0]);
		const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
		expect(run(id, lower, body).status).toBe(200);
		const odd = AUTH_HEADER[id]
			.split('')
			.map((c, i) => (i % 2 ? c.toLowerCase() : c.toUpperCase()))
			.join('');
		expect(odd).not.toBe(AUTH_HEADER[id]);
		const result = run(id, withHeader(headers, odd, headerOf(headers, AUTH_HEADER[id])), body);
		expect(result.status).toBe(200);
		expect(result.verified).toBe(id === 'smarterMeasure' ? 'key' : 'signature');
	});

	it('accepts the authentication header given as an array (duplicated header)', () => {
		const { body, headers } = delivery(id, eventsOf(id)[0]);
		const value = headerOf(headers, AUTH_HEADER[id]);
		expect(run(id, withHeader(headers, AUTH_HEADER[id], [value]), body).status).toBe(200);
		expect(run(id, withHeader(headers, AUTH_HEADER[id], [value, value]), body).status).toBe(200);
		expect(run(id, withHeader(headers, AUTH_HEADER[id], []), body).status).toBe(401);
	});

	it('refuses a delivery without the authentication header (401, names the header)', () => {
		const { body, headers } = delivery(id, eventsOf(id)[0]);
		const result = run(id, withHeader(headers, AUTH_HEADER[id], undefined), body);
		expectRefused(result, 401, id, body, new RegExp(`missing ${AUTH_HEADER[id]}`));
		const blank = run(id, withHeader(headers, AUTH_HEADER[id], '   '), body);
		expectRefused(blank, 401, id, body, /missing/);
	});

	it('refuses a delivery signed with another secret (or carrying another key)', () => {
		const { body, headers } = delivery(id, eventsOf(id)[0], {
			secret: 'not-the-configured-secret-0000',
		});
		const result = run(id, headers, body);
		expectRefused(result, 401, id, body, /does not match/);
		expect(result.verified).toBeUndefined();
	});

	it('refuses when the secret is right but was configured for another provider', () => {
		const other = id === 'smp' ? 'smartlyQ' : 'smp';
		const { body, headers } = delivery(id, eventsOf(id)[0]);
		expectRefused(run(id, headers, body, { secret: SECRETS[other] }), 401, id, body);
	});
});

describe.each(hmacProviders)('%s: signature checks', (id) => {
	it('refuses a body with one byte flipped', () => {
		const { body, headers } = delivery(id, eventsOf(id)[0]);
		const changed = tamper(body);
		expect(changed.equals(body)).toBe(false);
		expect(changed.length).toBe(body.length);
		const result = run(id, headers, changed);
		expectRefused(result, 401, id, changed, /signature does not match/);
		assertSafeReason(result, SECRETS[id], body);
		// The untouched body still passes with the same headers, so it is the flipped byte that was caught.
		expect(run(id, headers, body).status).toBe(200);
	});

	it('refuses malformed signature headers without throwing', () => {
		const { body } = delivery(id, eventsOf(id)[0]);
		const junk = [
			'garbage',
			'sha256=',
			't=,v1=',
			'v1=abc',
			'=',
			',,,',
			'sha256=zz' + 'a'.repeat(62),
			't=notanumber,v1=' + 'a'.repeat(64),
			'\u0000\u00ff',
			'x'.repeat(5000),
		];
		for (const value of junk) {
			const result = run(
				id,
				{ 'Content-Type': 'application/json', [AUTH_HEADER[id]]: value },
				body,
			);
			expectRefused(result, 401, id, body);
		}
	});

	it('compares hex case-insensitively (upper-case hex is accepted)', () => {
		const { body, headers } = delivery(id, eventsOf(id)[0]);
		const value = headerOf(headers, AUTH_HEADER[id]);
		const upper = value.replace(/[0-9a-f]{64}/, (hex) => hex.toUpperCase());
		expect(upper).not.toBe(value);
		const result = run(id, withHeader(headers, AUTH_HEADER[id], upper), body);
		expect(result.status).toBe(200);
		expect(result.verified).toBe(id === 'smarterMeasure' ? 'key' : 'signature');
	});

	it('refuses a digest of the wrong length without throwing', () => {
		const { body, headers } = delivery(id, eventsOf(id)[0]);
		const value = headerOf(headers, AUTH_HEADER[id]);
		for (const cut of [value.slice(0, -1), value + 'a', value.slice(0, -32)]) {
			expectRefused(run(id, withHeader(headers, AUTH_HEADER[id], cut), body), 401, id, body);
		}
	});

	it('accepts any of several configured secrets (rotation on our side)', () => {
		const { body, headers } = delivery(id, eventsOf(id)[0]);
		expect(
			run(id, headers, body, { secret: ['old-secret-no-longer-used', SECRETS[id]] }).status,
		).toBe(200);
		expect(
			run(id, headers, body, { secret: ['old-secret-no-longer-used', 'another-wrong-one'] }).status,
		).toBe(401);
	});
});

describe('SMP signature', () => {
	it('is HMAC-SHA256 of the raw body in hex, as documented', () => {
		const { body, headers } = delivery('smp', 'project.completed');
		expect(headerOf(headers, 'X-SMP-Signature')).toBe(
			createHmac('sha256', SECRETS.smp).update(body).digest('hex'),
		);
	});
});

describe.each(timestamped)('%s: timestamped signature', (id) => {
	const header = AUTH_HEADER[id];
	const v1 = (secret: string, t: number, body: Buffer) =>
		createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');

	it('signs t=<unix>,v1=HMAC(secret, `${t}.${body}`)', () => {
		const { body, headers } = delivery(id, eventsOf(id)[0]);
		expect(headerOf(headers, header)).toBe(`t=${NOW_S},v1=${v1(SECRETS[id], NOW_S, body)}`);
	});

	it('accepts a header with several v1= entries when one matches (provider-side rotation)', () => {
		const { body } = delivery(id, eventsOf(id)[0]);
		const good = v1(SECRETS[id], NOW_S, body);
		const bad = v1('previous-secret', NOW_S, body);
		for (const value of [
			`t=${NOW_S},v1=${bad},v1=${good}`,
			`t=${NOW_S},v1=${good},v1=${bad}`,
			`v1=${bad}, t=${NOW_S}, v1=${good}`,
		]) {
			expect(run(id, { [header]: value }, body).status).toBe(200);
		}
		const none = run(id, { [header]: `t=${NOW_S},v1=${bad},v1=${'0'.repeat(64)}` }, body);
		expectRefused(none, 401, id, body, /does not match/);
	});

	it('refuses a v1 signed for another timestamp than t', () => {
		const { body } = delivery(id, eventsOf(id)[0]);
		const result = run(id, { [header]: `t=${NOW_S},v1=${v1(SECRETS[id], NOW_S - 1, body)}` }, body);
		expectRefused(result, 401, id, body, /does not match/);
	});

	it('enforces the 300 s tolerance both ways, inclusive at the edge', () => {
		const { body, headers } = delivery(id, eventsOf(id)[0]);
		expect(run(id, headers, body, { now: (NOW_S + 300) * 1000 }).status).toBe(200);
		expect(run(id, headers, body, { now: (NOW_S - 300) * 1000 }).status).toBe(200);
		const expired = run(id, headers, body, { now: (NOW_S + 301) * 1000 });
		expectRefused(expired, 401, id, body, /older than the 300 s tolerance/);
		const future = run(id, headers, body, { now: new Date((NOW_S - 301) * 1000) });
		expectRefused(future, 401, id, body, /newer than the 300 s tolerance/);
	});

	it('uses the clock when no `now` is given', () => {
		const fresh = delivery(id, eventsOf(id)[0], { timestamp: Math.floor(Date.now() / 1000) });
		expect(
			receive(id, { headers: fresh.headers, rawBody: fresh.body }, { secret: SECRETS[id] }).status,
		).toBe(200);
		const old = delivery(id, eventsOf(id)[0], { timestamp: Math.floor(Date.now() / 1000) - 3600 });
		expect(
			receive(id, { headers: old.headers, rawBody: old.body }, { secret: SECRETS[id] }).status,
		).toBe(401);
	});

	it('honours a custom tolerance, and 0 turns the check off', () => {
		const { body, headers } = delivery(id, eventsOf(id)[0]);
		expect(run(id, headers, body, { now: (NOW_S + 61) * 1000, toleranceSeconds: 60 }).status).toBe(
			401,
		);
		expect(run(id, headers, body, { now: (NOW_S + 59) * 1000, toleranceSeconds: 60 }).status).toBe(
			200,
		);
		const years = run(id, headers, body, {
			now: (NOW_S + 10 * 365 * 86400) * 1000,
			toleranceSeconds: 0,
		});
		expect(years.status).toBe(200);
		expect(years.verified).toBe('signature');
		// Off means the clock is ignored, not the signature.
		expect(run(id, headers, tamper(body), { toleranceSeconds: 0 }).status).toBe(401);
	});

	it('checks the signature before the clock (a stale forgery is a mismatch, not "too old")', () => {
		const { body } = delivery(id, eventsOf(id)[0], { secret: 'forger', timestamp: NOW_S - 10_000 });
		const headers = sign(id, body, 'forger', { timestamp: NOW_S - 10_000 });
		expectRefused(run(id, headers, body), 401, id, body, /does not match/);
	});
});

describe('SmartMaintenance signing is optional', () => {
	const id = 'smartMaintenance' as const;

	it('signs sha256=<hex> of the raw body and sends its delivery headers', () => {
		const { body, headers } = delivery(id, 'task.completed', {
			deliveryId: '6a1f4c1e-8f55-4f7e-9d4b-0c8f3f2c9a10',
		});
		expect(headerOf(headers, 'X-SMTM-Signature')).toBe(
			'sha256=' + createHmac('sha256', SECRETS[id]).update(body).digest('hex'),
		);
		expect(headerOf(headers, 'X-SMTM-Event')).toBe('task.completed');
		expect(headerOf(headers, 'X-SMTM-Delivery')).toBe('6a1f4c1e-8f55-4f7e-9d4b-0c8f3f2c9a10');
		expect(headerOf(headers, 'User-Agent')).toBe('SmartMaintenance/1.0');
	});

	it('with no secret configured, accepts an unsigned delivery as unverified', () => {
		const { payload, body } = delivery(id, 'task.assigned');
		const headers = sign(id, body, '');
		expect(Object.keys(headers).map((k) => k.toLowerCase())).not.toContain('x-smtm-signature');
		for (const secret of [undefined, '', '   ', []]) {
			const result = receive(
				id,
				{ headers, rawBody: body },
				{ secret: secret as string | undefined, now: NOW_MS },
			);
			expect(result.status).toBe(200);
			expect(result.verified).toBe(false);
			expect(result.items[0]).toEqual(payload);
		}
	});

	it('with a secret configured, refuses an unsigned delivery', () => {
		const { body } = delivery(id, 'task.assigned');
		const result = run(id, sign(id, body, ''), body);
		expectRefused(result, 401, id, body, /missing X-SMTM-Signature/);
	});

	it('accepts an upper-case sha256= prefix and refuses another algorithm prefix', () => {
		const { body, headers } = delivery(id, 'task.assigned');
		const hex = headerOf(headers, 'X-SMTM-Signature').slice('sha256='.length);
		expect(run(id, withHeader(headers, 'X-SMTM-Signature', `SHA256=${hex}`), body).status).toBe(
			200,
		);
		expectRefused(
			run(id, withHeader(headers, 'X-SMTM-Signature', hex), body),
			401,
			id,
			body,
			/malformed/,
		);
		expectRefused(
			run(id, withHeader(headers, 'X-SMTM-Signature', `sha1=${hex}`), body),
			401,
			id,
			body,
			/malformed/,
		);
	});
});

describe.each(required)('%s: a required secret that is not configured', (id) => {
	it('refuses every delivery with 401', () => {
		const { body, headers } = delivery(id, eventsOf(id)[0]);
		for (const secret of [undefined, '', '  ', [], ['', ' ']]) {
			const result = receive(
				id,
				{ headers, rawBody: body },
				{ secret: secret as string[] | undefined, now: NOW_MS },
			);
			expect(result.status).toBe(401);
			expect(result.items).toEqual([]);
			expect(result.reason).toMatch(/not configured/);
		}
	});
});

describe('SmarterMeasure verification key', () => {
	const id = 'smarterMeasure' as const;
	const key = SECRETS[id];

	it('sends the key itself in X-SmarterMeasure-Verification-Key', () => {
		const { headers } = delivery(id, 'AssessmentCompleted');
		expect(headerOf(headers, 'X-SmarterMeasure-Verification-Key')).toBe(key);
	});

	it('accepts the key in the header, or in the VerificationKey query parameter', () => {
		const { payload, body } = delivery(id, 'AssessmentCompleted');
		const viaHeader = receive(
			id,
			{ headers: { 'x-smartermeasure-verification-key': key }, rawBody: body },
			{ secret: key },
		);
		expect(viaHeader.status).toBe(200);
		expect(viaHeader.items[0]).toEqual(payload);
		const viaQuery = receive(
			id,
			{
				headers: { 'content-type': 'application/json' },
				query: { VerificationKey: key },
				rawBody: body,
			},
			{ secret: key },
		);
		expect(viaQuery.status).toBe(200);
		expect(viaQuery.verified).toBe('key');
		const queryArray = receive(
			id,
			{ headers: {}, query: { VerificationKey: [key] }, rawBody: body },
			{ secret: key },
		);
		expect(queryArray.status).toBe(200);
	});

	it('refuses a wrong key in the header or the query, and a key that only differs in case or length', () => {
		const { body } = delivery(id, 'AssessmentCompleted');
		for (const wrong of [
			'SM-VERIFY-0000000000000000',
			key.toLowerCase(),
			key.slice(0, -1),
			key + 'X',
			`${key} ${key}`,
		]) {
			expectRefused(
				receive(
					id,
					{ headers: { 'X-SmarterMeasure-Verification-Key': wrong }, rawBody: body },
					{ secret: key },
				),
				401,
				id,
				body,
				/does not match/,
			);
			expectRefused(
				receive(
					id,
					{ headers: {}, query: { VerificationKey: wrong }, rawBody: body },
					{ secret: key },
				),
				401,
				id,
				body,
				/does not match/,
			);
		}
	});

	it('refuses a delivery with the key in neither place', () => {
		const { body } = delivery(id, 'AssessmentCompleted');
		const result = receive(
			id,
			{
				headers: { 'content-type': 'application/json' },
				query: { OtherParam: key },
				rawBody: body,
			},
			{ secret: key },
		);
		expectRefused(
			result,
			401,
			id,
			body,
			/missing X-SmarterMeasure-Verification-Key header or VerificationKey query parameter/,
		);
	});

	it('does not bind the key to the body: a changed body with the right key is still accepted', () => {
		const { body, headers } = delivery(id, 'AssessmentCompleted');
		const changed = tamper(body);
		const result = run(id, headers, changed);
		expect(result.status).toBe(200);
		expect(result.items[0]).toEqual(JSON.parse(changed.toString()));
	});
});

describe('SmarterMeasure JSON and XML bodies', () => {
	const id = 'smarterMeasure' as const;
	const key = SECRETS[id];
	const payload = providers.smarterMeasure.sample('AssessmentCompleted', {
		id: 'E-1',
		now: new Date(NOW_MS),
	});
	const xml = serializePayload(payload, 'xml');

	it('reads XML when Content-Type is application/xml or text/xml', () => {
		for (const contentType of [
			'application/xml',
			'text/xml; charset=utf-8',
			'application/soap+xml',
		]) {
			const result = receive(
				id,
				{
					headers: { 'Content-Type': contentType, 'X-SmarterMeasure-Verification-Key': key },
					rawBody: xml,
				},
				{ secret: key },
			);
			expect(result.status).toBe(200);
			expect(result.format).toBe('xml');
			expect(result.items[0]).toEqual({ Webhook: payload });
			expect(result.event).toBe('AssessmentCompleted');
			expect(result.deliveryId).toBe(`sha256:${sha256(xml)}`);
		}
	});

	it('signs an XML body with an XML content type', () => {
		expect(headerOf(sign(id, xml, key), 'Content-Type')).toBe('application/xml');
	});

	it('keeps XML attributes (prefixed) and leaves values as strings', () => {
		const body = Buffer.from(
			'<Event type="x"><EventType>AssessmentCompleted</EventType><Score>007</Score></Event>',
		);
		const result = receive(
			id,
			{
				headers: { 'content-type': 'text/xml', 'x-smartermeasure-verification-key': key },
				rawBody: body,
			},
			{ secret: key },
		);
		expect(result.status).toBe(200);
		expect(result.items[0]).toEqual({
			Event: { '@_type': 'x', EventType: 'AssessmentCompleted', Score: '007' },
		});
		expect(result.event).toBe('AssessmentCompleted');
	});

	it('sniffs XML from a leading < when no Content-Type is sent (also after whitespace or a UTF-8 BOM)', () => {
		// (Whitespace may not precede an XML declaration, so that case is sent without one.)
		const bare = Buffer.from(xml.toString().replace(/^<\?xml[^>]*>\n/, ''));
		expect(bare.subarray(0, 9).toString()).toBe('<Webhook>');
		for (const raw of [
			xml,
			Buffer.concat([Buffer.from('\n  '), bare]),
			Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), xml]),
		]) {
			const result = receive(
				id,
				{ headers: { 'X-SmarterMeasure-Verification-Key': key }, rawBody: raw },
				{ secret: key },
			);
			expect(result.status).toBe(200);
			expect(result.format).toBe('xml');
			expect(result.items[0]).toEqual({ Webhook: payload });
		}
		const json = Buffer.from(JSON.stringify(payload));
		const asJson = receive(
			id,
			{ headers: { 'X-SmarterMeasure-Verification-Key': key }, rawBody: json },
			{ secret: key },
		);
		expect(asJson.format).toBe('json');
		expect(asJson.items[0]).toEqual(payload);
	});

	it('honours a forced format over the Content-Type', () => {
		const forcedXml = receive(
			id,
			{
				headers: { 'Content-Type': 'application/json', 'X-SmarterMeasure-Verification-Key': key },
				rawBody: xml,
			},
			{ secret: key, format: 'xml' },
		);
		expect(forcedXml.status).toBe(200);
		expect(forcedXml.format).toBe('xml');
		expect(forcedXml.items[0]).toEqual({ Webhook: payload });
		const forcedJson = receive(
			id,
			{
				headers: { 'Content-Type': 'application/xml', 'X-SmarterMeasure-Verification-Key': key },
				rawBody: xml,
			},
			{ secret: key, format: 'json' },
		);
		expectRefused(forcedJson, 400, id, xml, /not valid JSON/);
	});

	it('reads the event name from event, type, eventType or EventType, first found', () => {
		const cases: Array<[Record<string, unknown>, string | undefined]> = [
			[{ event: 'a', type: 'b', EventType: 'c' }, 'a'],
			[{ type: 'b', eventType: 'c' }, 'b'],
			[{ eventType: 'c', EventType: 'd' }, 'c'],
			[{ EventType: 'd' }, 'd'],
			[{ Other: 'x' }, undefined],
		];
		for (const [body, event] of cases) {
			const raw = Buffer.from(JSON.stringify(body));
			const result = receive(
				id,
				{ headers: { 'X-SmarterMeasure-Verification-Key': key }, rawBody: raw },
				{ secret: key },
			);
			expect(result.status).toBe(200);
			expect(result.event).toBe(event);
		}
	});

	it('filters by the typed event names, in JSON and XML', () => {
		const json = Buffer.from(JSON.stringify(payload));
		for (const raw of [json, xml]) {
			const kept = receive(
				id,
				{ headers: { 'X-SmarterMeasure-Verification-Key': key }, rawBody: raw },
				{ secret: key, events: ['AssessmentCompleted'] },
			);
			expect(kept.items).toHaveLength(1);
			const dropped = receive(
				id,
				{ headers: { 'X-SmarterMeasure-Verification-Key': key }, rawBody: raw },
				{ secret: key, events: ['AssessmentStarted'] },
			);
			expect(dropped.status).toBe(200);
			expect(dropped.filtered).toBe(true);
			expect(dropped.items).toEqual([]);
		}
	});
});

describe('JSON-only providers and XML', () => {
	it.each(hmacProviders)('%s refuses an XML body (400) even when signed', (id) => {
		const body = Buffer.from('<Webhook><type>project.completed</type></Webhook>');
		const headers = sign(id, body, SECRETS[id], { timestamp: NOW_S });
		expectRefused(run(id, headers, body), 400, id, body, /JSON, not XML/);
		expectRefused(
			run(id, { ...headers, 'Content-Type': 'application/json' }, body, { format: 'xml' }),
			400,
			id,
			body,
			/not XML/,
		);
	});
});

describe('malformed bodies are refused with 400 after verification', () => {
	const deep = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
	const jsonCases: Array<[string, Buffer, RegExp]> = [
		['bad JSON', Buffer.from('{"type":"project.completed",'), /not valid JSON/],
		['a JSON array', Buffer.from('[{"type":"project.completed"}]'), /not an object/],
		['a JSON string', Buffer.from('"hello"'), /not an object/],
		['JSON null', Buffer.from('null'), /not an object/],
		['an empty body', Buffer.alloc(0), /empty/],
		[
			'a UTF-16 LE body with BOM',
			Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"a":1}', 'utf16le')]),
			/UTF-16/,
		],
		['a UTF-16 BE body with BOM', Buffer.from([0xfe, 0xff, 0x00, 0x7b, 0x00, 0x7d]), /UTF-16/],
		[
			'invalid UTF-8',
			Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
			/not valid UTF-8/,
		],
		[
			'a __proto__ key',
			Buffer.from('{"type":"x","data":{"__proto__":{"polluted":true}}}'),
			/__proto__/,
		],
		['a top-level __proto__ key', Buffer.from('{"__proto__":{"isAdmin":true}}'), /__proto__/],
		['nesting deeper than 64', Buffer.from(deep(100)), /nesting deeper than 64/],
	];

	it.each(jsonCases)('SMP: %s', (_name, body, reason) => {
		const headers = sign('smp', body, SECRETS.smp);
		const result = run('smp', headers, body);
		expectRefused(result, 400, 'smp', body, reason);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	it.each(hmacProviders)('%s: malformed JSON is 400 when signed, 401 when not', (id) => {
		const body = Buffer.from('{"event":');
		expectRefused(run(id, sign(id, body, SECRETS[id], { timestamp: NOW_S }), body), 400, id, body);
		expectRefused(run(id, sign(id, body, 'wrong', { timestamp: NOW_S }), body), 401, id, body);
	});

	it('accepts nesting of exactly 64 levels and a UTF-8 BOM', () => {
		const ok = Buffer.from(deep(63));
		const headers = sign('smp', ok, SECRETS.smp);
		expect(run('smp', headers, ok).status).toBe(200);
		const bom = Buffer.concat([
			Buffer.from([0xef, 0xbb, 0xbf]),
			Buffer.from('{"id":"evt_1","type":"t","createdAt":"x","data":{}}'),
		]);
		const result = run('smp', sign('smp', bom, SECRETS.smp), bom);
		expect(result.status).toBe(200);
		expect(result.items[0]).toEqual({ id: 'evt_1', type: 't', createdAt: 'x', data: {} });
	});

	const key = SECRETS.smarterMeasure;
	const xmlCases: Array<[string, string, RegExp]> = [
		['mismatched tags', '<Webhook><EventType>A</Type></Webhook>', /well-formed/],
		['an unclosed root', '<Webhook><EventType>A</EventType>', /well-formed/],
		['text that is not XML', '< not xml at all', /well-formed/],
		['a DOCTYPE', '<?xml version="1.0"?><!DOCTYPE r [<!ELEMENT r ANY>]><r>1</r>', /DOCTYPE/],
		[
			'an entity declaration (billion laughs)',
			'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><lolz>&lol2;</lolz>',
			/DOCTYPE/,
		],
		[
			'an external entity',
			'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><r>&xxe;</r>',
			/DOCTYPE/,
		],
		[
			'a __proto__ tag',
			'<Webhook><__proto__><polluted>yes</polluted></__proto__></Webhook>',
			/__proto__|well-formed/,
		],
		['nesting deeper than 64', '<a>'.repeat(100) + 'x' + '</a>'.repeat(100), /nesting|well-formed/],
		['only whitespace', '   \n ', /empty/],
	];

	it.each(xmlCases)('SmarterMeasure XML: %s', (_name, text, reason) => {
		const body = Buffer.from(text);
		const result = receive(
			'smarterMeasure',
			{
				headers: { 'Content-Type': 'application/xml', 'X-SmarterMeasure-Verification-Key': key },
				rawBody: body,
			},
			{ secret: key },
		);
		expectRefused(result, 400, 'smarterMeasure', body, reason);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	it('SmarterMeasure: a __proto__ key in JSON is refused too', () => {
		const body = Buffer.from('{"EventType":"A","__proto__":{"x":1}}');
		const result = receive(
			'smarterMeasure',
			{ headers: { 'X-SmarterMeasure-Verification-Key': key }, rawBody: body },
			{ secret: key },
		);
		expectRefused(result, 400, 'smarterMeasure', body, /__proto__/);
	});

	it('refuses a missing body and a body over the size limit', () => {
		const missing = receive(
			'smp',
			{ headers: {}, rawBody: undefined as unknown as Buffer },
			{ secret: SECRETS.smp },
		);
		expect(missing.status).toBe(400);
		const big = Buffer.from(
			JSON.stringify({ id: 'evt_1', type: 'x', createdAt: 'y', data: { pad: 'p'.repeat(2000) } }),
		);
		const result = run('smp', sign('smp', big, SECRETS.smp), big, { maxBodyBytes: 1000 });
		expectRefused(result, 400, 'smp', big, /too large/);
	});
});

describe('duplicates', () => {
	it.each(providerIds)('%s: the same delivery twice through one store runs once', (id) => {
		const store = memoryKeyStore();
		const { body, headers } = delivery(id, eventsOf(id)[0]);
		const first = run(id, headers, body, { dedupe: store });
		expect(first.status).toBe(200);
		expect(first.duplicate).toBe(false);
		expect(first.items).toHaveLength(1);
		const second = run(id, headers, body, { dedupe: store });
		expect(second.status).toBe(200);
		expect(second.duplicate).toBe(true);
		expect(second.items).toEqual([]);
		expect(second.deliveryId).toBe(first.deliveryId);
		// Without a store nothing is remembered.
		expect(run(id, headers, body).items).toHaveLength(1);
		expect(run(id, headers, body, { dedupe: false }).items).toHaveLength(1);
	});

	it.each(providerIds)('%s: different deliveries through one store both run', (id) => {
		const store = memoryKeyStore();
		const a = delivery(id, eventsOf(id)[0]);
		const b = delivery(id, eventsOf(id)[1]);
		expect(run(id, a.headers, a.body, { dedupe: store }).items).toHaveLength(1);
		expect(run(id, b.headers, b.body, { dedupe: store }).items).toHaveLength(1);
	});

	it.each(idsWhere((p) => p.dedupeKey === 'payloadId'))(
		'%s is keyed by the envelope id (a re-signed retry with another body is a duplicate)',
		(id) => {
			const store = memoryKeyStore();
			const payload = providers[id].sample(eventsOf(id)[0], {
				id: 'evt_RETRY1',
				now: new Date(NOW_MS),
			});
			const first = delivery(id, '', { payload });
			const retry = delivery(id, '', {
				payload: { ...payload, attempt: 2 },
				timestamp: NOW_S + 60,
			});
			expect(retry.body.equals(first.body)).toBe(false);
			expect(run(id, first.headers, first.body, { dedupe: store }).deliveryId).toBe('evt_RETRY1');
			const second = run(id, retry.headers, retry.body, { dedupe: store });
			expect(second.duplicate).toBe(true);
			expect(second.items).toEqual([]);
			const other = delivery(id, '', { payload: { ...payload, id: 'evt_OTHER2' } });
			expect(run(id, other.headers, other.body, { dedupe: store }).items).toHaveLength(1);
		},
	);

	it('SmartMaintenance is keyed by X-SMTM-Delivery and by the body', () => {
		const store = memoryKeyStore();
		const a = delivery('smartMaintenance', 'task.completed', { deliveryId: 'd-1' });
		const first = run('smartMaintenance', a.headers, a.body, { dedupe: store });
		expect(first.deliveryId).toBe('d-1');
		expect(first.dedupeKeys).toEqual(['d-1', `sha256:${sha256(a.body)}`]);
		// Same body, new delivery id: the unsigned header changed, the signed body did not (a replay).
		const b = delivery('smartMaintenance', 'task.completed', {
			deliveryId: 'd-2',
			payload: a.payload,
		});
		expect(b.body.equals(a.body)).toBe(true);
		expect(run('smartMaintenance', b.headers, b.body, { dedupe: store }).duplicate).toBe(true);
		// Different body, same delivery id: a retry.
		const c = delivery('smartMaintenance', 'task.approved', { deliveryId: 'd-1' });
		const result = run('smartMaintenance', c.headers, c.body, { dedupe: store });
		expect(result.duplicate).toBe(true);
		expect(result.items).toEqual([]);
	});

	it('very long delivery ids are hashed, so two that share a 256-character prefix stay distinct', () => {
		const store = memoryKeyStore();
		const prefix = 'x'.repeat(300);
		const a = delivery('smartMaintenance', 'task.completed', { deliveryId: `${prefix}-a` });
		const b = delivery('smartMaintenance', 'task.completed', {
			deliveryId: `${prefix}-b`,
			payload: { ...a.payload, timestamp: 'other' },
		});
		const first = run('smartMaintenance', a.headers, a.body, { dedupe: store });
		expect(first.deliveryId).toBe(`sha256:${sha256(Buffer.from(`${prefix}-a`))}`);
		expect(run('smartMaintenance', b.headers, b.body, { dedupe: store }).items).toHaveLength(1);
		expect(run('smartMaintenance', a.headers, a.body, { dedupe: store }).duplicate).toBe(true);
	});

	it('SmartMaintenance without X-SMTM-Delivery falls back to the body hash', () => {
		const store = memoryKeyStore();
		const a = delivery('smartMaintenance', 'task.completed');
		const headers = withHeader(a.headers, 'X-SMTM-Delivery', undefined) as Record<string, string>;
		const first = run('smartMaintenance', headers, a.body, { dedupe: store });
		expect(first.deliveryId).toBe(`sha256:${sha256(a.body)}`);
		expect(run('smartMaintenance', headers, a.body, { dedupe: store }).duplicate).toBe(true);
	});

	it.each(idsWhere((p) => p.dedupeKey === 'bodyHash'))(
		'%s is keyed by the SHA-256 of the body (a re-signed retry is a duplicate)',
		(id) => {
			const store = memoryKeyStore();
			const a = delivery(id, eventsOf(id)[0]);
			const first = run(id, a.headers, a.body, { dedupe: store });
			expect(first.deliveryId).toBe(`sha256:${sha256(a.body)}`);
			const resigned = delivery(id, '', { payload: a.payload, timestamp: NOW_S + 120 });
			expect(resigned.body.equals(a.body)).toBe(true);
			const second = run(id, resigned.headers, resigned.body, {
				dedupe: store,
				now: (NOW_S + 120) * 1000,
			});
			expect(second.duplicate).toBe(true);
			expect(second.items).toEqual([]);
			const changed = delivery(id, '', { payload: { ...a.payload, extra: 1 } });
			expect(run(id, changed.headers, changed.body, { dedupe: store }).items).toHaveLength(1);
		},
	);

	it('a refused delivery is not remembered (the genuine one still runs afterwards)', () => {
		const store = memoryKeyStore();
		const genuine = delivery('smp', 'project.completed');
		const forged = delivery('smp', '', { payload: genuine.payload, secret: 'forger' });
		expect(run('smp', forged.headers, forged.body, { dedupe: store }).status).toBe(401);
		expect(store.size).toBe(0);
		expect(run('smp', genuine.headers, genuine.body, { dedupe: store }).items).toHaveLength(1);
	});

	it('a filtered delivery is not remembered', () => {
		const store = memoryKeyStore();
		const d = delivery('smp', 'project.completed');
		expect(
			run('smp', d.headers, d.body, { dedupe: store, events: ['webhook.delivery_failed'] })
				.filtered,
		).toBe(true);
		expect(store.size).toBe(0);
		expect(run('smp', d.headers, d.body, { dedupe: store }).items).toHaveLength(1);
	});
});

describe('event filter and test events', () => {
	it.each(hmacProviders)('%s: an event not selected is 200, filtered, with no items', (id) => {
		const [first, second] = eventsOf(id).filter(
			(e) => !providers[id].events?.find((x) => x.name === e)?.test,
		);
		const { body, headers } = delivery(id, first);
		const result = run(id, headers, body, { events: [second] });
		expect(result.status).toBe(200);
		expect(result.filtered).toBe(true);
		expect(result.items).toEqual([]);
		expect(result.event).toBe(first);
		expect(result.reason).toBe('event not selected');
		const kept = run(id, headers, body, { events: [second, first] });
		expect(kept.filtered).toBeUndefined();
		expect(kept.items).toHaveLength(1);
		expect(run(id, headers, body, { events: [] }).items).toHaveLength(1);
	});

	it.each(idsWhere((p) => p.testEvent === 'webhook.test'))(
		'%s: webhook.test follows the filter, passes it while listening, and ignoreTestEvents drops it',
		(id) => {
			const { payload, body, headers } = delivery(id, 'webhook.test');
			const selected = [eventsOf(id)[0] === 'webhook.test' ? eventsOf(id)[1] : eventsOf(id)[0]];
			const filtered = run(id, headers, body, { events: selected });
			expect(filtered).toMatchObject({
				status: 200,
				filtered: true,
				reason: 'event not selected',
				items: [],
			});
			expect(run(id, headers, body, { events: ['webhook.test'] }).items).toEqual([payload]);
			expect(run(id, headers, body, {}).items).toEqual([payload]);
			const result = run(id, headers, body, {
				events: selected,
				listening: true,
				ignoreTestEvents: true,
			});
			expect(result.status).toBe(200);
			expect(result.test).toBe(true);
			expect(result.items[0]).toEqual(payload);
			const ignored = run(id, headers, body, { ignoreTestEvents: true });
			expect(ignored.status).toBe(200);
			expect(ignored.filtered).toBe(true);
			expect(ignored.items).toEqual([]);
			expect(ignored.reason).toBe('test event ignored');
		},
	);

	it('SmartMaintenance: a payload flagged "test": true passes the filter while listening, unless ignoreTestEvents in production', () => {
		const payload = {
			...providers.smartMaintenance.sample('shutdown.reported', { now: new Date(NOW_MS) }),
			test: true,
		};
		const { body, headers } = delivery('smartMaintenance', '', { payload });
		expect(run('smartMaintenance', headers, body, { events: ['task.completed'] }).filtered).toBe(
			true,
		);
		expect(run('smartMaintenance', headers, body, { events: ['shutdown.reported'] }).items).toEqual(
			[payload],
		);
		const result = run('smartMaintenance', headers, body, {
			events: ['task.completed'],
			listening: true,
		});
		expect(result.status).toBe(200);
		expect(result.test).toBe(true);
		expect(result.items[0]).toEqual(payload);
		const ignored = run('smartMaintenance', headers, body, {
			events: ['task.completed'],
			ignoreTestEvents: true,
		});
		expect(ignored.filtered).toBe(true);
		expect(ignored.items).toEqual([]);
		// "test": "true" (a string) is not the documented flag.
		const stringy = delivery('smartMaintenance', '', { payload: { ...payload, test: 'true' } });
		expect(
			run('smartMaintenance', stringy.headers, stringy.body, {
				events: ['task.completed'],
				listening: true,
			}).filtered,
		).toBe(true);
	});

	it('ignoreTestEvents leaves ordinary events alone', () => {
		const { body, headers } = delivery('smp', 'project.completed');
		expect(run('smp', headers, body, { ignoreTestEvents: true }).items).toHaveLength(1);
	});
});

describe('schema validation', () => {
	it('delivers a verified SMP project.completed with data.projectId a number, with schemaIssues', () => {
		const payload = providers.smp.sample('project.completed', { now: new Date(NOW_MS) });
		const bad = { ...payload, data: { ...(payload.data as object), projectId: 12345 } };
		const { body, headers } = delivery('smp', '', { payload: bad });
		const result = run('smp', headers, body);
		expect(result.status).toBe(200);
		expect(result.items[0]).toEqual(bad);
		expect(result.schemaIssues).toBeDefined();
		expect(result.schemaIssues!.map((i) => i.path)).toContain('data.projectId');
	});

	it('reports a missing envelope field at its path', () => {
		const payload = providers.smp.sample('webhook.test', { now: new Date(NOW_MS) });
		delete payload.createdAt;
		const { body, headers } = delivery('smp', '', { payload });
		const result = run('smp', headers, body);
		expect(result.items).toHaveLength(1);
		expect(result.schemaIssues?.map((i) => i.path)).toEqual(['createdAt']);
	});

	it('SmartMaintenance task events need a numeric task_id; SmartlyQ jobs need job_id/type/status', () => {
		const smtm = providers.smartMaintenance.sample('task.completed', { now: new Date(NOW_MS) });
		const smtmBad = delivery('smartMaintenance', '', {
			payload: { ...smtm, data: { task_id: '12345' } },
		});
		expect(
			run('smartMaintenance', smtmBad.headers, smtmBad.body).schemaIssues?.map((i) => i.path),
		).toEqual(['data.task_id']);
		const slq = providers.smartlyQ.sample('job.failed', { now: new Date(NOW_MS) });
		const slqBad = delivery('smartlyQ', '', { payload: { ...slq, data: { job_id: 'j' } } });
		const issues = run('smartlyQ', slqBad.headers, slqBad.body).schemaIssues?.map((i) => i.path);
		expect(issues).toEqual(expect.arrayContaining(['data.type', 'data.status']));
	});

	it('lets unknown fields and unknown events pass without issues', () => {
		const payload = {
			...providers.smp.sample('project.completed', { now: new Date(NOW_MS) }),
			extra: { nested: [1, 2] },
		};
		const known = delivery('smp', '', { payload });
		const result = run('smp', known.headers, known.body);
		expect(result.schemaIssues).toBeUndefined();
		expect(result.items[0]).toEqual(payload);
		const unknown = delivery('smp', 'project.created');
		const r2 = run('smp', unknown.headers, unknown.body);
		expect(r2.event).toBe('project.created');
		expect(r2.schemaIssues).toBeUndefined();
	});
});

describe('receive() never throws on hostile input', () => {
	it('answers 400/401 for odd requests', () => {
		const weird: unknown[] = [
			{ headers: undefined, rawBody: Buffer.from('{}') },
			{ headers: { 'X-SMP-Signature': 42 }, rawBody: Buffer.from('{}') },
			{ headers: { 'X-SMP-Signature': [null, 1, {}] }, rawBody: Buffer.from('{}') },
			{ headers: {}, rawBody: 12345 },
			{ headers: {}, rawBody: null },
			{ headers: {}, rawBody: {} },
		];
		for (const request of weird) {
			for (const id of providerIds) {
				const result = receive(id, request as never, { secret: SECRETS[id] });
				expect([400, 401]).toContain(result.status);
				expect(result.items).toEqual([]);
			}
		}
	});

	it('throws only for an unknown provider id (a programming error)', () => {
		expect(() => receive('nope' as ProviderId, { headers: {}, rawBody: '' })).toThrow(
			/Unknown provider/,
		);
	});
});
