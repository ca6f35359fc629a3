import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
	providerIds,
	providers,
	receive,
	serializePayload,
	sign,
	type ProviderId,
	type ReceiveOptions,
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
	lowerCaseHeaders,
	tamper,
	withHeader,
	type Delivery,
} from './helpers';

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const hmacProviders = idsWhere((p) => p.scheme !== 'staticKey');
const timestamped = idsWhere((p) => p.scheme === 'hmacTimestamped');
const required = idsWhere((p) => p.secretRequired);
const verifiedBy = (id: ProviderId) => (id === 'smarterMeasure' ? 'key' : 'signature');

function run(
	id: ProviderId,
	headers: Record<string, unknown>,
	body: Buffer | string,
	options: ReceiveOptions = {},
): ReceiveResult {
	return receive(
		id,
		{ headers: headers as Record<string, string>, rawBody: body },
		{ secret: SECRETS[id], now: NOW_MS, ...options },
	);
}

/** A delivery made by delivery(), through run(). */
const send = (id: ProviderId, d: Delivery, options: ReceiveOptions = {}) =>
	run(id, d.headers, d.body, options);

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

/** Answered 200 without items: filtered out, for `reason`. */
const expectFiltered = (result: ReceiveResult, reason = 'event not selected') =>
	expect(result).toMatchObject({ status: 200, filtered: true, items: [], reason });

/** The delivery id each provider is deduplicated by. */
function expectedDeliveryId(id: ProviderId, d: Delivery): string {
	const key = row(id).dedupeKey;
	if (key === 'payloadId') return d.payload.id as string;
	if (key === 'deliveryHeader') return headerOf(d.headers, 'X-SMTM-Delivery');
	return sha256(d.body);
}

describe.each(providerIds)('%s: genuine deliveries', (id) => {
	const first = delivery(id, eventsOf(id)[0]);
	const { body, headers } = first;
	const withAuth = (value: unknown) => run(id, withHeader(headers, AUTH_HEADER[id], value), body);

	it.each(eventsOf(id))(
		'accepts a signed %s delivery with its payload, event and delivery id',
		(event) => {
			const d = delivery(id, event);
			const result = send(id, d);
			expect(result.status).toBe(200);
			expect(result.reason).toBeUndefined();
			expect(result.items).toHaveLength(1);
			expect(result.items[0]).toEqual(d.payload);
			expect(result.event).toBe(event);
			expect(result.deliveryId).toBe(expectedDeliveryId(id, d));
			expect(result.schemaIssues).toBeUndefined();
			expect(result.verified).toBe(verifiedBy(id));
			expect(result.duplicate).toBe(false);
			expect(result.filtered).toBeUndefined();
			expect(result.format).toBe('json');
			const documentedTest = providers[id].events?.find((e) => e.name === event)?.test === true;
			expect(result.test).toBe(documentedTest);
		},
	);

	it('accepts the body as a Buffer, a Uint8Array and a string alike', () => {
		const view = new Uint8Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.length));
		for (const raw of [body, view, body.toString('utf8')]) {
			const result = run(id, headers, raw as Buffer);
			expect(result.status).toBe(200);
			expect(result.items[0]).toEqual(first.payload);
		}
	});

	it('accepts lower-case (Express-style) and odd-case header names', () => {
		expect(run(id, lowerCaseHeaders(headers), body).status).toBe(200);
		const odd = AUTH_HEADER[id]
			.split('')
			.map((c, i) => (i % 2 ? c.toLowerCase() : c.toUpperCase()))
			.join('');
		expect(odd).not.toBe(AUTH_HEADER[id]);
		const result = run(id, withHeader(headers, odd, headerOf(headers, AUTH_HEADER[id])), body);
		expect(result.status).toBe(200);
		expect(result.verified).toBe(verifiedBy(id));
	});

	it('accepts the authentication header given as an array (duplicated header)', () => {
		const value = headerOf(headers, AUTH_HEADER[id]);
		expect(withAuth([value]).status).toBe(200);
		expect(withAuth([value, value]).status).toBe(200);
		expect(withAuth([]).status).toBe(401);
	});

	it('refuses a delivery without the authentication header (401, names the header)', () => {
		expectRefused(withAuth(undefined), 401, id, body, new RegExp(`missing ${AUTH_HEADER[id]}`));
		expectRefused(withAuth('   '), 401, id, body, /missing/);
	});

	it('refuses a delivery signed with another secret (or carrying another key)', () => {
		const forged = delivery(id, eventsOf(id)[0], { secret: 'not-the-configured-secret-0000' });
		const result = send(id, forged);
		expectRefused(result, 401, id, forged.body, /does not match/);
		expect(result.verified).toBeUndefined();
	});

	it('refuses when the secret is right but was configured for another provider', () => {
		const other = id === 'smp' ? 'smartlyQ' : 'smp';
		expectRefused(run(id, headers, body, { secret: SECRETS[other] }), 401, id, body);
	});
});

describe.each(hmacProviders)('%s: signature checks', (id) => {
	const { body, headers } = delivery(id, eventsOf(id)[0]);
	const value = headerOf(headers, AUTH_HEADER[id]);
	const withAuth = (v: unknown) => run(id, withHeader(headers, AUTH_HEADER[id], v), body);

	it('refuses a body with one byte flipped', () => {
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
		const short = ['garbage', 'sha256=', 't=,v1=', 'v1=abc', '=', ',,,', '\u0000\u00ff'];
		const long = ['sha256=zz' + 'a'.repeat(62), 't=notanumber,v1=' + 'a'.repeat(64)];
		const only = (v: string) => ({ 'Content-Type': 'application/json', [AUTH_HEADER[id]]: v });
		for (const v of [...short, ...long, 'x'.repeat(5000)])
			expectRefused(run(id, only(v), body), 401, id, body);
	});

	it('compares hex case-insensitively (upper-case hex is accepted)', () => {
		const upper = value.replace(/[0-9a-f]{64}/, (hex) => hex.toUpperCase());
		expect(upper).not.toBe(value);
		const result = withAuth(upper);
		expect(result.status).toBe(200);
		expect(result.verified).toBe('signature');
	});

	it('refuses a digest of the wrong length without throwing', () => {
		for (const cut of [value.slice(0, -1), value + 'a', value.slice(0, -32)])
			expectRefused(withAuth(cut), 401, id, body);
	});

	it('accepts any of several configured secrets (rotation on our side)', () => {
		const old = 'old-secret-no-longer-used';
		expect(run(id, headers, body, { secret: [old, SECRETS[id]] }).status).toBe(200);
		expect(run(id, headers, body, { secret: [old, 'another-wrong-one'] }).status).toBe(401);
	});
});

describe('SMP signature', () => {
	it('is HMAC-SHA256 of the raw body in hex, as documented', () => {
		const { body, headers } = delivery('smp', 'project.completed');
		const hex = createHmac('sha256', SECRETS.smp).update(body).digest('hex');
		expect(headerOf(headers, 'X-SMP-Signature')).toBe(hex);
	});
});

describe.each(timestamped)('%s: timestamped signature', (id) => {
	const header = AUTH_HEADER[id];
	const v1 = (secret: string, t: number, body: Buffer) =>
		createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
	const { body, headers } = delivery(id, eventsOf(id)[0]);
	const at = (seconds: number, options: ReceiveOptions = {}) =>
		run(id, headers, body, { now: seconds * 1000, ...options });

	it('signs t=<unix>,v1=HMAC(secret, `${t}.${body}`)', () => {
		expect(headerOf(headers, header)).toBe(`t=${NOW_S},v1=${v1(SECRETS[id], NOW_S, body)}`);
	});

	it('accepts a header with several v1= entries when one matches (provider-side rotation)', () => {
		const good = v1(SECRETS[id], NOW_S, body);
		const bad = v1('previous-secret', NOW_S, body);
		const t = `t=${NOW_S}`;
		const orders = [`${t},v1=${bad},v1=${good}`, `${t},v1=${good},v1=${bad}`];
		for (const value of [...orders, `v1=${bad}, ${t}, v1=${good}`])
			expect(run(id, { [header]: value }, body).status).toBe(200);
		const none = run(id, { [header]: `t=${NOW_S},v1=${bad},v1=${'0'.repeat(64)}` }, body);
		expectRefused(none, 401, id, body, /does not match/);
	});

	it('refuses a v1 signed for another timestamp than t', () => {
		const result = run(id, { [header]: `t=${NOW_S},v1=${v1(SECRETS[id], NOW_S - 1, body)}` }, body);
		expectRefused(result, 401, id, body, /does not match/);
	});

	it('enforces the 300 s tolerance both ways, inclusive at the edge', () => {
		expect(at(NOW_S + 300).status).toBe(200);
		expect(at(NOW_S - 300).status).toBe(200);
		expectRefused(at(NOW_S + 301), 401, id, body, /older than the 300 s tolerance/);
		const future = run(id, headers, body, { now: new Date((NOW_S - 301) * 1000) });
		expectRefused(future, 401, id, body, /newer than the 300 s tolerance/);
	});

	it('uses the clock when no `now` is given', () => {
		const now = Math.floor(Date.now() / 1000);
		const status = (d: Delivery) =>
			receive(id, { headers: d.headers, rawBody: d.body }, { secret: SECRETS[id] }).status;
		expect(status(delivery(id, eventsOf(id)[0], { timestamp: now }))).toBe(200);
		expect(status(delivery(id, eventsOf(id)[0], { timestamp: now - 3600 }))).toBe(401);
	});

	it('honours a custom tolerance, and 0 turns the check off', () => {
		expect(at(NOW_S + 61, { toleranceSeconds: 60 }).status).toBe(401);
		expect(at(NOW_S + 59, { toleranceSeconds: 60 }).status).toBe(200);
		const years = at(NOW_S + 10 * 365 * 86400, { toleranceSeconds: 0 });
		expect(years.status).toBe(200);
		expect(years.verified).toBe('signature');
		// Off means the clock is ignored, not the signature.
		expect(run(id, headers, tamper(body), { toleranceSeconds: 0 }).status).toBe(401);
	});

	it('checks the signature before the clock (a stale forgery is a mismatch, not "too old")', () => {
		const stale = delivery(id, eventsOf(id)[0], { secret: 'forger', timestamp: NOW_S - 10_000 });
		expectRefused(send(id, stale), 401, id, stale.body, /does not match/);
	});
});

describe('SmartMaintenance signing is optional', () => {
	const id = 'smartMaintenance' as const;

	it('signs sha256=<hex> of the raw body and sends its delivery headers', () => {
		const deliveryId = '6a1f4c1e-8f55-4f7e-9d4b-0c8f3f2c9a10';
		const { body, headers } = delivery(id, 'task.completed', { deliveryId });
		const hex = createHmac('sha256', SECRETS[id]).update(body).digest('hex');
		expect(headerOf(headers, 'X-SMTM-Signature')).toBe(`sha256=${hex}`);
		expect(headerOf(headers, 'X-SMTM-Event')).toBe('task.completed');
		expect(headerOf(headers, 'X-SMTM-Delivery')).toBe(deliveryId);
		expect(headerOf(headers, 'User-Agent')).toBe('SmartMaintenance/1.0');
	});

	it('with no secret configured, accepts an unsigned delivery as unverified', () => {
		const { payload, body } = delivery(id, 'task.assigned');
		const headers = sign(id, body, '');
		expect(Object.keys(headers).map((k) => k.toLowerCase())).not.toContain('x-smtm-signature');
		for (const secret of [undefined, '', '   ', []]) {
			const result = run(id, headers, body, { secret: secret as string | undefined });
			expect(result.status).toBe(200);
			expect(result.verified).toBe(false);
			expect(result.items[0]).toEqual(payload);
		}
	});

	it('with a secret configured, refuses an unsigned delivery', () => {
		const { body } = delivery(id, 'task.assigned');
		expectRefused(run(id, sign(id, body, ''), body), 401, id, body, /missing X-SMTM-Signature/);
	});

	it('accepts an upper-case sha256= prefix and refuses another algorithm prefix', () => {
		const { body, headers } = delivery(id, 'task.assigned');
		const hex = headerOf(headers, 'X-SMTM-Signature').slice('sha256='.length);
		const signature = (v: string) => run(id, withHeader(headers, 'X-SMTM-Signature', v), body);
		expect(signature(`SHA256=${hex}`).status).toBe(200);
		expectRefused(signature(hex), 401, id, body, /malformed/);
		expectRefused(signature(`sha1=${hex}`), 401, id, body, /malformed/);
	});
});

describe.each(required)('%s: a required secret that is not configured', (id) => {
	it('refuses every delivery with 401', () => {
		const { body, headers } = delivery(id, eventsOf(id)[0]);
		for (const secret of [undefined, '', '  ', [], ['', ' ']]) {
			const result = run(id, headers, body, { secret: secret as string[] | undefined });
			expect(result.status).toBe(401);
			expect(result.items).toEqual([]);
			expect(result.reason).toMatch(/not configured/);
		}
	});
});

/** A SmarterMeasure request through receive() with the configured key: the key in its header unless told otherwise. */
const key = SECRETS.smarterMeasure;
const KEY_HEADER = { 'X-SmarterMeasure-Verification-Key': key };
type SmOptions = ReceiveOptions & { query?: Record<string, unknown> };
function sm(
	rawBody: Buffer,
	headers: Record<string, string> = KEY_HEADER,
	options: SmOptions = {},
) {
	const request = { headers, query: options.query, rawBody };
	return receive('smarterMeasure', request, { secret: key, ...options });
}

describe('SmarterMeasure verification key', () => {
	const id = 'smarterMeasure' as const;
	const { payload, body, headers } = delivery(id, 'AssessmentCompleted');

	it('sends the key itself in X-SmarterMeasure-Verification-Key', () => {
		expect(headerOf(headers, 'X-SmarterMeasure-Verification-Key')).toBe(key);
	});

	it('accepts the key in the header, or in the VerificationKey query parameter', () => {
		const viaHeader = sm(body, { 'x-smartermeasure-verification-key': key });
		expect(viaHeader.status).toBe(200);
		expect(viaHeader.items[0]).toEqual(payload);
		const json = { 'content-type': 'application/json' };
		const viaQuery = sm(body, json, { query: { VerificationKey: key } });
		expect(viaQuery.status).toBe(200);
		expect(viaQuery.verified).toBe('key');
		expect(sm(body, {}, { query: { VerificationKey: [key] } }).status).toBe(200);
	});

	it('refuses a wrong key in the header or the query, and a key that only differs in case or length', () => {
		const wrongKeys = ['SM-VERIFY-0000000000000000', key.toLowerCase(), key.slice(0, -1)];
		for (const wrong of [...wrongKeys, key + 'X', `${key} ${key}`]) {
			const inHeader = sm(body, { 'X-SmarterMeasure-Verification-Key': wrong });
			expectRefused(inHeader, 401, id, body, /does not match/);
			const inQuery = sm(body, {}, { query: { VerificationKey: wrong } });
			expectRefused(inQuery, 401, id, body, /does not match/);
		}
	});

	it('refuses a delivery with the key in neither place', () => {
		const result = sm(body, { 'content-type': 'application/json' }, { query: { OtherParam: key } });
		const reason =
			/missing X-SmarterMeasure-Verification-Key header or VerificationKey query parameter/;
		expectRefused(result, 401, id, body, reason);
	});

	it('does not bind the key to the body: a changed body with the right key is still accepted', () => {
		const changed = tamper(body);
		const result = run(id, headers, changed);
		expect(result.status).toBe(200);
		expect(result.items[0]).toEqual(JSON.parse(changed.toString()));
	});
});

describe('SmarterMeasure JSON and XML bodies', () => {
	const id = 'smarterMeasure' as const;
	const now = new Date(NOW_MS);
	const payload = providers.smarterMeasure.sample('AssessmentCompleted', { id: 'E-1', now });
	const xml = serializePayload(payload, 'xml');
	const json = Buffer.from(JSON.stringify(payload));
	const typed = (contentType: string) => ({ 'Content-Type': contentType, ...KEY_HEADER });
	const expectXml = (result: ReceiveResult) => {
		expect(result).toMatchObject({ status: 200, format: 'xml' });
		expect(result.items).toEqual([{ Webhook: payload }]);
	};

	it('reads XML when Content-Type is application/xml or text/xml', () => {
		const xmlTypes = ['application/xml', 'text/xml; charset=utf-8', 'application/soap+xml'];
		for (const contentType of xmlTypes) {
			const result = sm(xml, typed(contentType));
			expectXml(result);
			expect(result.event).toBe('AssessmentCompleted');
			expect(result.deliveryId).toBe(sha256(xml));
		}
	});

	it('signs an XML body with an XML content type', () => {
		expect(headerOf(sign(id, xml, key), 'Content-Type')).toBe('application/xml');
	});

	it('keeps XML attributes (prefixed) and leaves values as strings', () => {
		const text =
			'<Event type="x"><EventType>AssessmentCompleted</EventType><Score>007</Score></Event>';
		const body = Buffer.from(text);
		const lowerCase = { 'content-type': 'text/xml', 'x-smartermeasure-verification-key': key };
		const result = sm(body, lowerCase);
		expect(result.status).toBe(200);
		const event = { '@_type': 'x', EventType: 'AssessmentCompleted', Score: '007' };
		expect(result.items[0]).toEqual({ Event: event });
		expect(result.event).toBe('AssessmentCompleted');
	});

	it('sniffs XML from a leading < when no Content-Type is sent (also after whitespace or a UTF-8 BOM)', () => {
		// (Whitespace may not precede an XML declaration, so that case is sent without one.)
		const bare = Buffer.from(xml.toString().replace(/^<\?xml[^>]*>\n/, ''));
		expect(bare.subarray(0, 9).toString()).toBe('<Webhook>');
		const spaced = Buffer.concat([Buffer.from('\n  '), bare]);
		const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), xml]);
		for (const raw of [xml, spaced, bom]) expectXml(sm(raw));
		const asJson = sm(json);
		expect(asJson.format).toBe('json');
		expect(asJson.items[0]).toEqual(payload);
	});

	it('honours a forced format over the Content-Type', () => {
		expectXml(sm(xml, typed('application/json'), { format: 'xml' }));
		const forcedJson = sm(xml, typed('application/xml'), { format: 'json' });
		expectRefused(forcedJson, 400, id, xml, /not valid JSON/);
	});

	it.each([
		[{ event: 'a', type: 'b', EventType: 'c' }, 'a'],
		[{ type: 'b', eventType: 'c' }, 'b'],
		[{ eventType: 'c', EventType: 'd' }, 'c'],
		[{ EventType: 'd' }, 'd'],
		[{ Other: 'x' }, undefined],
	])(
		'reads the event name from event, type, eventType or EventType, first found: %j',
		(body, event) => {
			const result = sm(Buffer.from(JSON.stringify(body)));
			expect(result.status).toBe(200);
			expect(result.event).toBe(event);
		},
	);

	it('filters by the typed event names, in JSON and XML', () => {
		for (const raw of [json, xml]) {
			expect(sm(raw, KEY_HEADER, { events: ['AssessmentCompleted'] }).items).toHaveLength(1);
			expectFiltered(sm(raw, KEY_HEADER, { events: ['AssessmentStarted'] }));
		}
	});
});

// SmarterMeasure XML in UTF-16, as .NET writes it (XmlWriter with Encoding.Unicode: BOM + encoding="utf-16"), LE and
// BE, with and without BOM: decoded and verified; JSON stays UTF-8 only (RFC 8259 §8.1).
describe('SmarterMeasure XML in UTF-16', () => {
	const now = new Date(NOW_MS);
	const payload = providers.smarterMeasure.sample('AssessmentCompleted', { id: 'E-16', now });
	// .NET's declaration for UTF-16 output; a non-ASCII value and a character outside the BMP check the decoding.
	const text = serializePayload(payload, 'xml')
		.toString('utf8')
		.replace('encoding="UTF-8"', 'encoding="utf-16"')
		.replace('</Webhook>', '<Note>Zoë 😀</Note></Webhook>');
	const asXml = { 'Content-Type': 'application/xml', ...KEY_HEADER };

	function utf16(value: string, order: 'le' | 'be', bom: boolean): Buffer {
		const le = Buffer.from(value, 'utf16le');
		const body = order === 'le' ? le : Buffer.from(le).swap16();
		const mark = order === 'le' ? [0xff, 0xfe] : [0xfe, 0xff];
		return bom ? Buffer.concat([Buffer.from(mark), body]) : body;
	}

	const orders = [
		['LE with BOM', 'le', true],
		['BE with BOM', 'be', true],
		['LE without BOM', 'le', false],
		['BE without BOM', 'be', false],
	] as const;
	it.each(orders)('%s: decoded, verified by key, and parsed as its UTF-8 twin', (_, order, bom) => {
		const body = utf16(text, order, bom);
		const twin = sm(Buffer.from(text.replace('encoding="utf-16"', 'encoding="UTF-8"')), asXml);
		for (const contentType of ['application/xml', 'text/xml; charset=utf-16', '']) {
			const typed: Record<string, string> = contentType ? { 'Content-Type': contentType } : {};
			const result = sm(body, { ...typed, ...KEY_HEADER });
			expect(result.status, result.reason).toBe(200);
			expect(result.format).toBe('xml');
			expect(result.verified).toBe('key');
			expect(result.items).toEqual(twin.items);
			expect((result.items[0] as { Webhook: { Note: string } }).Webhook.Note).toBe('Zoë 😀');
			// deduplicated by the raw bytes as received, not by the decoded text
			expect(result.deliveryId).toBe(sha256(body));
		}
	});

	it('a wrong or missing key is still 401, whatever the encoding', () => {
		const body = utf16(text, 'le', true);
		expect(sm(body, { 'X-SmarterMeasure-Verification-Key': 'wrong' }).status).toBe(401);
		expect(sm(body, { 'Content-Type': 'application/xml' }).status).toBe(401);
	});

	const odd = Buffer.concat([utf16(text, 'le', true), Buffer.from([0x3c])]);
	const lone = utf16('<a>\ud800</a>', 'le', true); // a high surrogate with no low one after it
	it.each([
		['an odd number of bytes', odd],
		['a lone surrogate', lone],
	])('UTF-16 XML with %s is refused (400) after verification', (_name, body) => {
		const result = sm(body, asXml);
		expect(result.status).toBe(400);
		expect(result.reason).toMatch(/not valid UTF-16/);
		expect(result.items).toEqual([]);
	});

	it('JSON in UTF-16 is still refused: JSON is UTF-8 only', () => {
		const body = utf16('{"EventType":"AssessmentCompleted"}', 'le', true);
		const result = sm(body, { 'Content-Type': 'application/json', ...KEY_HEADER });
		expect(result.status).toBe(400);
		expect(result.reason).toMatch(/UTF-16; only UTF-8 is accepted/);
	});
});

describe('JSON-only providers and XML', () => {
	it.each(hmacProviders)('%s refuses an XML body (400) even when signed', (id) => {
		const body = Buffer.from('<Webhook><type>project.completed</type></Webhook>');
		const headers = sign(id, body, SECRETS[id], { timestamp: NOW_S });
		expectRefused(run(id, headers, body), 400, id, body, /JSON, not XML/);
		const asJson = { ...headers, 'Content-Type': 'application/json' };
		expectRefused(run(id, asJson, body, { format: 'xml' }), 400, id, body, /not XML/);
	});
});

describe('malformed bodies are refused with 400 after verification', () => {
	const deep = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
	const utf16le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"a":1}', 'utf16le')]);
	const jsonCases: Array<[string, Buffer | string, RegExp]> = [
		['bad JSON', '{"type":"project.completed",', /not valid JSON/],
		['a JSON array', '[{"type":"project.completed"}]', /not an object/],
		['a JSON string', '"hello"', /not an object/],
		['JSON null', 'null', /not an object/],
		['an empty body', '', /empty/],
		['a UTF-16 LE body with BOM', utf16le, /UTF-16/],
		['a UTF-16 BE body with BOM', Buffer.from([0xfe, 0xff, 0x00, 0x7b, 0x00, 0x7d]), /UTF-16/],
		['invalid UTF-8 (0xc3 0x28)', Buffer.from('7b2261223a22c328227d', 'hex'), /not valid UTF-8/],
		['a __proto__ key', '{"type":"x","data":{"__proto__":{"polluted":true}}}', /__proto__/],
		['a top-level __proto__ key', '{"__proto__":{"isAdmin":true}}', /__proto__/],
		['nesting deeper than 64', deep(100), /nesting deeper than 64/],
	];

	it.each(jsonCases)('SMP: %s', (_name, raw, reason) => {
		const body = Buffer.from(raw);
		expectRefused(run('smp', sign('smp', body, SECRETS.smp), body), 400, 'smp', body, reason);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	it.each(hmacProviders)('%s: malformed JSON is 400 when signed, 401 when not', (id) => {
		const body = Buffer.from('{"event":');
		const signedWith = (secret: string) => sign(id, body, secret, { timestamp: NOW_S });
		expectRefused(run(id, signedWith(SECRETS[id]), body), 400, id, body);
		expectRefused(run(id, signedWith('wrong'), body), 401, id, body);
	});

	it('accepts nesting of exactly 64 levels and a UTF-8 BOM', () => {
		const ok = Buffer.from(deep(63));
		expect(run('smp', sign('smp', ok, SECRETS.smp), ok).status).toBe(200);
		const envelope = '{"id":"evt_1","type":"t","createdAt":"x","data":{}}';
		const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(envelope)]);
		const result = run('smp', sign('smp', bom, SECRETS.smp), bom);
		expect(result.status).toBe(200);
		expect(result.items[0]).toEqual({ id: 'evt_1', type: 't', createdAt: 'x', data: {} });
	});

	const laughs =
		'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><lolz>&lol2;</lolz>';
	const external = '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><r>&xxe;</r>';
	const proto = '<Webhook><__proto__><polluted>yes</polluted></__proto__></Webhook>';
	const xmlCases: Array<[string, string, RegExp]> = [
		['mismatched tags', '<Webhook><EventType>A</Type></Webhook>', /well-formed/],
		['an unclosed root', '<Webhook><EventType>A</EventType>', /well-formed/],
		['text that is not XML', '< not xml at all', /well-formed/],
		['a DOCTYPE', '<?xml version="1.0"?><!DOCTYPE r [<!ELEMENT r ANY>]><r>1</r>', /DOCTYPE/],
		['an entity declaration (billion laughs)', laughs, /DOCTYPE/],
		['an external entity', external, /DOCTYPE/],
		['a __proto__ tag', proto, /__proto__|well-formed/],
		['nesting deeper than 64', '<a>'.repeat(100) + 'x' + '</a>'.repeat(100), /nesting|well-formed/],
		['only whitespace', '   \n ', /empty/],
	];

	it.each(xmlCases)('SmarterMeasure XML: %s', (_name, text, reason) => {
		const body = Buffer.from(text);
		const result = sm(body, { 'Content-Type': 'application/xml', ...KEY_HEADER });
		expectRefused(result, 400, 'smarterMeasure', body, reason);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	it('SmarterMeasure: a __proto__ key in JSON is refused too', () => {
		const body = Buffer.from('{"EventType":"A","__proto__":{"x":1}}');
		expectRefused(sm(body), 400, 'smarterMeasure', body, /__proto__/);
	});

	it('refuses a missing body and a body over the size limit', () => {
		expect(run('smp', {}, undefined as unknown as Buffer).status).toBe(400);
		const padded = { id: 'evt_1', type: 'x', createdAt: 'y', data: { pad: 'p'.repeat(2000) } };
		const big = Buffer.from(JSON.stringify(padded));
		const result = run('smp', sign('smp', big, SECRETS.smp), big, { maxBodyBytes: 1000 });
		expectRefused(result, 400, 'smp', big, /too large/);
	});
});

describe('duplicates', () => {
	/** Answered 200 as a copy of a delivery the store remembers: nothing to run. */
	const expectDuplicate = (result: ReceiveResult) =>
		expect(result).toMatchObject({ status: 200, duplicate: true, items: [] });

	it.each(providerIds)('%s: the same delivery twice through one store runs once', (id) => {
		const dedupe = memoryKeyStore();
		const d = delivery(id, eventsOf(id)[0]);
		const first = send(id, d, { dedupe });
		expect(first.status).toBe(200);
		expect(first.duplicate).toBe(false);
		expect(first.items).toHaveLength(1);
		const second = send(id, d, { dedupe });
		expectDuplicate(second);
		expect(second.deliveryId).toBe(first.deliveryId);
		// Without a store nothing is remembered.
		expect(send(id, d).items).toHaveLength(1);
		expect(send(id, d, { dedupe: false }).items).toHaveLength(1);
	});

	it.each(providerIds)('%s: different deliveries through one store both run', (id) => {
		const dedupe = memoryKeyStore();
		expect(send(id, delivery(id, eventsOf(id)[0]), { dedupe }).items).toHaveLength(1);
		expect(send(id, delivery(id, eventsOf(id)[1]), { dedupe }).items).toHaveLength(1);
	});

	it.each(idsWhere((p) => p.dedupeKey === 'payloadId'))(
		'%s is keyed by the envelope id (a re-signed retry with another body is a duplicate)',
		(id) => {
			const dedupe = memoryKeyStore();
			const now = new Date(NOW_MS);
			const payload = providers[id].sample(eventsOf(id)[0], { id: 'evt_RETRY1', now });
			const first = delivery(id, '', { payload });
			const later = { payload: { ...payload, attempt: 2 }, timestamp: NOW_S + 60 };
			const retry = delivery(id, '', later);
			expect(retry.body.equals(first.body)).toBe(false);
			const accepted = send(id, first, { dedupe });
			expect(accepted.deliveryId).toBe('evt_RETRY1');
			// the id is in the signed body: the same body cannot come under another id, so the id is the only key
			expect(accepted.dedupeKeys).toEqual(['evt_RETRY1']);
			expectDuplicate(send(id, retry, { dedupe }));
			const other = delivery(id, '', { payload: { ...payload, id: 'evt_OTHER2' } });
			expect(send(id, other, { dedupe }).items).toHaveLength(1);
		},
	);

	const smtm = (d: Delivery, dedupe: ReceiveOptions['dedupe']) =>
		send('smartMaintenance', d, { dedupe });

	it('SmartMaintenance is keyed by X-SMTM-Delivery and by the body', () => {
		const store = memoryKeyStore();
		const a = delivery('smartMaintenance', 'task.completed', { deliveryId: 'd-1' });
		const first = smtm(a, store);
		expect(first.deliveryId).toBe('d-1');
		expect(first.dedupeKeys).toEqual(['d-1', sha256(a.body)]);
		// Same body, new delivery id: the unsigned header changed, the signed body did not (a replay).
		const b = delivery('smartMaintenance', '', { deliveryId: 'd-2', payload: a.payload });
		expect(b.body.equals(a.body)).toBe(true);
		expectDuplicate(smtm(b, store));
		// Different body, same delivery id: a retry.
		const c = delivery('smartMaintenance', 'task.approved', { deliveryId: 'd-1' });
		expectDuplicate(smtm(c, store));
	});

	it('very long delivery ids are hashed, so two that share a 256-character prefix stay distinct', () => {
		const store = memoryKeyStore();
		const prefix = 'x'.repeat(300);
		const a = delivery('smartMaintenance', 'task.completed', { deliveryId: `${prefix}-a` });
		const b = delivery('smartMaintenance', 'task.completed', {
			deliveryId: `${prefix}-b`,
			payload: { ...a.payload, timestamp: 'other' },
		});
		expect(smtm(a, store).deliveryId).toBe(sha256(Buffer.from(`${prefix}-a`)));
		expect(smtm(b, store).items).toHaveLength(1);
		expectDuplicate(smtm(a, store));
	});

	it('SmartMaintenance without X-SMTM-Delivery falls back to the body hash', () => {
		const store = memoryKeyStore();
		const a = delivery('smartMaintenance', 'task.completed');
		const headers = withHeader(a.headers, 'X-SMTM-Delivery', undefined) as Record<string, string>;
		expect(smtm({ ...a, headers }, store).deliveryId).toBe(sha256(a.body));
		expectDuplicate(smtm({ ...a, headers }, store));
	});

	it.each(idsWhere((p) => p.dedupeKey === 'bodyHash'))(
		'%s is keyed by the SHA-256 of the body (a re-signed retry is a duplicate)',
		(id) => {
			const dedupe = memoryKeyStore();
			const a = delivery(id, eventsOf(id)[0]);
			expect(send(id, a, { dedupe }).deliveryId).toBe(sha256(a.body));
			const resigned = delivery(id, '', { payload: a.payload, timestamp: NOW_S + 120 });
			expect(resigned.body.equals(a.body)).toBe(true);
			expectDuplicate(send(id, resigned, { dedupe, now: (NOW_S + 120) * 1000 }));
			const changed = delivery(id, '', { payload: { ...a.payload, extra: 1 } });
			expect(send(id, changed, { dedupe }).items).toHaveLength(1);
		},
	);

	it('a refused delivery is not remembered (the genuine one still runs afterwards)', () => {
		const dedupe = memoryKeyStore();
		const genuine = delivery('smp', 'project.completed');
		const forged = delivery('smp', '', { payload: genuine.payload, secret: 'forger' });
		expect(send('smp', forged, { dedupe }).status).toBe(401);
		expect(dedupe.size).toBe(0);
		expect(send('smp', genuine, { dedupe }).items).toHaveLength(1);
	});

	it('a filtered delivery is not remembered', () => {
		const dedupe = memoryKeyStore();
		const d = delivery('smp', 'project.completed');
		expectFiltered(send('smp', d, { dedupe, events: ['webhook.delivery_failed'] }));
		expect(dedupe.size).toBe(0);
		expect(send('smp', d, { dedupe }).items).toHaveLength(1);
	});
});

describe('event filter and test events', () => {
	it.each(hmacProviders)('%s: an event not selected is 200, filtered, with no items', (id) => {
		const isTest = (event: string) => providers[id].events?.find((e) => e.name === event)?.test;
		const [first, second] = eventsOf(id).filter((event) => !isTest(event));
		const d = delivery(id, first);
		const result = send(id, d, { events: [second] });
		expectFiltered(result);
		expect(result.event).toBe(first);
		const kept = send(id, d, { events: [second, first] });
		expect(kept.filtered).toBeUndefined();
		expect(kept.items).toHaveLength(1);
		expect(send(id, d, { events: [] }).items).toHaveLength(1);
	});

	it.each(idsWhere((p) => p.testEvent === 'webhook.test'))(
		'%s: webhook.test follows the filter, passes it while listening, and ignoreTestEvents drops it',
		(id) => {
			const d = delivery(id, 'webhook.test');
			const selected = [eventsOf(id)[0] === 'webhook.test' ? eventsOf(id)[1] : eventsOf(id)[0]];
			expectFiltered(send(id, d, { events: selected }));
			expect(send(id, d, { events: ['webhook.test'] }).items).toEqual([d.payload]);
			expect(send(id, d, {}).items).toEqual([d.payload]);
			const listening = { events: selected, listening: true, ignoreTestEvents: true };
			const result = send(id, d, listening);
			expect(result).toMatchObject({ status: 200, test: true });
			expect(result.items).toEqual([d.payload]);
			expectFiltered(send(id, d, { ignoreTestEvents: true }), 'test event ignored');
		},
	);

	it('SmartMaintenance: a payload flagged "test": true passes the filter while listening, unless ignoreTestEvents in production', () => {
		const now = new Date(NOW_MS);
		const sample = providers.smartMaintenance.sample('shutdown.reported', { now });
		const payload = { ...sample, test: true };
		const d = delivery('smartMaintenance', '', { payload });
		const other = { events: ['task.completed'] };
		expectFiltered(send('smartMaintenance', d, other));
		const own = send('smartMaintenance', d, { events: ['shutdown.reported'] });
		expect(own.items).toEqual([payload]);
		const result = send('smartMaintenance', d, { ...other, listening: true });
		expect(result).toMatchObject({ status: 200, test: true });
		expect(result.items).toEqual([payload]);
		const ignored = send('smartMaintenance', d, { ...other, ignoreTestEvents: true });
		expectFiltered(ignored, 'test event ignored');
		// "test": "true" (a string) is not the documented flag.
		const stringy = delivery('smartMaintenance', '', { payload: { ...payload, test: 'true' } });
		expectFiltered(send('smartMaintenance', stringy, { ...other, listening: true }));
	});

	it('ignoreTestEvents leaves ordinary events alone', () => {
		const d = delivery('smp', 'project.completed');
		expect(send('smp', d, { ignoreTestEvents: true }).items).toHaveLength(1);
	});
});

describe('schema validation', () => {
	const now = new Date(NOW_MS);
	const issuesOf = (id: ProviderId, payload: Record<string, unknown>) =>
		send(id, delivery(id, '', { payload })).schemaIssues?.map((i) => i.path);

	it('delivers a verified SMP project.completed with data.projectId a number, with schemaIssues', () => {
		const payload = providers.smp.sample('project.completed', { now });
		const bad = { ...payload, data: { ...(payload.data as object), projectId: 12345 } };
		const result = send('smp', delivery('smp', '', { payload: bad }));
		expect(result.status).toBe(200);
		expect(result.items[0]).toEqual(bad);
		expect(result.schemaIssues).toBeDefined();
		expect(result.schemaIssues!.map((i) => i.path)).toContain('data.projectId');
	});

	it('reports a missing envelope field at its path', () => {
		const payload = providers.smp.sample('webhook.test', { now });
		delete payload.createdAt;
		const result = send('smp', delivery('smp', '', { payload }));
		expect(result.items).toHaveLength(1);
		expect(result.schemaIssues?.map((i) => i.path)).toEqual(['createdAt']);
	});

	it('SmartMaintenance task events need a numeric task_id; SmartlyQ jobs need job_id/type/status', () => {
		const smtm = providers.smartMaintenance.sample('task.completed', { now });
		const smtmIssues = issuesOf('smartMaintenance', { ...smtm, data: { task_id: '12345' } });
		expect(smtmIssues).toEqual(['data.task_id']);
		const slq = providers.smartlyQ.sample('job.failed', { now });
		const slqIssues = issuesOf('smartlyQ', { ...slq, data: { job_id: 'j' } });
		expect(slqIssues).toEqual(expect.arrayContaining(['data.type', 'data.status']));
	});

	it('lets unknown fields and unknown events pass without issues', () => {
		const sample = providers.smp.sample('project.completed', { now });
		const payload = { ...sample, extra: { nested: [1, 2] } };
		const result = send('smp', delivery('smp', '', { payload }));
		expect(result.schemaIssues).toBeUndefined();
		expect(result.items[0]).toEqual(payload);
		const unknown = send('smp', delivery('smp', 'project.created'));
		expect(unknown.event).toBe('project.created');
		expect(unknown.schemaIssues).toBeUndefined();
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
		const unknown = () => receive('nope' as ProviderId, { headers: {}, rawBody: '' });
		expect(unknown).toThrow(/Unknown provider/);
	});
});
