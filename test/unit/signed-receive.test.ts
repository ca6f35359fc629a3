// Signed webhooks through receive()'s pipeline: algorithms and encodings, rotation, repeated headers, copy keys
// (header, JSON path, body hash; the body hash always one of them), the events filter, and replays.
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
	receiveSigned,
	SIGNED_PRESET_IDS,
	SIGNED_PRESETS,
	SIGNED_WEBHOOK_SOURCE,
	signSigned,
	toOutputItem,
	type HmacAlgorithm,
	type ReceiveOptions,
	type SignedWebhookSettings,
} from '../../src/internal';
import { memoryKeyStore } from '../key-store';

const SECRET = 'a-signing-secret-0123456789';
const OLD_SECRET = 'the-previous-secret-9876543210';
const NOW_S = 1_780_000_000;
const BODY = Buffer.from('{"id":"evt_1","type":"thing.happened","data":{"n":1}}');
const MISMATCH = 'signature does not match';

function run(
	settings: SignedWebhookSettings,
	headers: Record<string, string | string[]>,
	body: Buffer = BODY,
	options: ReceiveOptions = {},
) {
	const request = { headers, rawBody: body };
	return receiveSigned(settings, request, { secret: SECRET, now: NOW_S * 1000, ...options });
}

const bodyHmac = (algorithm: HmacAlgorithm, encoding: 'hex' | 'base64', prefix?: string) =>
	({ scheme: { kind: 'bodyHmac', header: 'X-Signature', algorithm, encoding, prefix } }) as const;

describe('body HMAC', () => {
	const layouts = [
		['sha256', 'hex', 'sha256='],
		['sha512', 'base64', undefined],
		['sha1', 'hex', 'sha1='],
	] as const;
	it.each(layouts)(
		'%s %s, prefix %s: the documented digest is accepted',
		(algorithm, encoding, prefix) => {
			const digest = createHmac(algorithm, SECRET).update(BODY).digest(encoding);
			const signature = { 'x-signature': `${prefix ?? ''}${digest}` };
			expect(run(bodyHmac(algorithm, encoding, prefix), signature).status).toBe(200);
			// The same digest under another algorithm's settings is refused.
			const other = bodyHmac(algorithm === 'sha512' ? 'sha256' : 'sha512', encoding, prefix);
			expect(run(other, signature).status).toBe(401);
		},
	);

	it('hex in capitals and a capitalised prefix pass; a missing prefix or header is named', () => {
		const settings = bodyHmac('sha256', 'hex', 'sha256=');
		const hex = createHmac('sha256', SECRET).update(BODY).digest('hex');
		expect(run(settings, { 'X-Signature': `SHA256=${hex.toUpperCase()}` }).status).toBe(200);
		expect(run(settings, { 'X-Signature': hex }).reason).toBe('malformed X-Signature header');
		expect(run(settings, {}).reason).toBe('missing X-Signature header');
	});

	it('any secret of a rotation verifies; a repeated header is a candidate per copy', () => {
		const settings = SIGNED_PRESETS.github.settings;
		const headers = signSigned(settings, BODY, OLD_SECRET);
		const value = headers['X-Hub-Signature-256'];
		expect(run(settings, headers, BODY, { secret: [SECRET, OLD_SECRET] }).status).toBe(200);
		expect(run(settings, headers).status).toBe(401);
		const copies = { 'x-hub-signature-256': ['sha256=' + '0'.repeat(64), value] };
		expect(run(settings, copies, BODY, { secret: [OLD_SECRET] }).status).toBe(200);
	});
});

describe('Standard Webhooks', () => {
	const settings = SIGNED_PRESETS.standardWebhooks.settings;
	const secret = 'whsec_' + Buffer.from(SECRET).toString('base64');

	it('a repeated signature header: every copy’s v1 entries are candidates, as Node joins them or as an array', () => {
		const headers = signSigned(settings, BODY, secret, { timestamp: NOW_S });
		const genuine = headers['webhook-signature'];
		const other = `v1,${Buffer.alloc(32).toString('base64')}`;
		const as = (value: string | string[]) =>
			run(settings, { ...headers, 'webhook-signature': value }, BODY, { secret }).status;
		expect(as(`${other}, ${genuine}`)).toBe(200);
		expect(as([other, genuine])).toBe(200);
		expect(as([other, `v2,${genuine.slice(3)}`])).toBe(401);
		expect(as('')).toBe(401);
	});

	it('a missing id or timestamp, or a timestamp that is not Unix seconds, is named', () => {
		const headers = signSigned(settings, BODY, secret, { timestamp: NOW_S });
		const { 'webhook-id': _, ...noId } = headers;
		expect(run(settings, noId, BODY, { secret }).reason).toBe('missing webhook-id header');
		// Milliseconds (13 digits) are not seconds: named as malformed rather than failing as a mismatch.
		const ms = { ...headers, 'webhook-timestamp': `${NOW_S}000` };
		expect(run(settings, ms, BODY, { secret }).reason).toBe('malformed webhook-timestamp header');
		const iso = { ...headers, 'webhook-timestamp': '2026-05-01T00:00:00Z' };
		expect(run(settings, iso, BODY, { secret }).reason).toBe('malformed webhook-timestamp header');
	});
});

describe('timestamped HMAC', () => {
	const stripe = SIGNED_PRESETS.stripe.settings;
	const slack = SIGNED_PRESETS.slack.settings;

	it('a stale or future timestamp is refused only after the signature matched', () => {
		for (const [settings, t, reason] of [
			[stripe, NOW_S - 301, 'timestamp is older than the 300 s tolerance'],
			[slack, NOW_S + 301, 'timestamp is newer than the 300 s tolerance'],
		] as const) {
			const headers = signSigned(settings, BODY, SECRET, { timestamp: t });
			expect(run(settings, headers).reason).toBe(reason);
			expect(run(settings, headers, BODY, { toleranceSeconds: 0 }).status).toBe(200);
			expect(run(settings, headers, BODY, { secret: OLD_SECRET }).reason).toBe(MISMATCH);
		}
	});

	it('Stripe form: a second t= is ambiguous and refused; only the first copy of the header is read', () => {
		const value = signSigned(stripe, BODY, SECRET, { timestamp: NOW_S })['Stripe-Signature'];
		const as = (v: string | string[]) => run(stripe, { 'stripe-signature': v });
		expect(as(`${value},t=${NOW_S}`).reason).toBe('malformed Stripe-Signature header');
		expect(as([value, 't=1,v1=00']).status).toBe(200);
		expect(as(['t=1,v1=00', value]).status).toBe(401);
		expect(as('v1=abc').reason).toBe('malformed Stripe-Signature header');
	});

	it('timestamps with leading zeros, signs or fractions are malformed', () => {
		for (const t of ['0' + NOW_S, '-1', `${NOW_S}.5`, ' ']) {
			const headers = { ...signSigned(slack, BODY, SECRET), 'X-Slack-Request-Timestamp': t };
			expect(run(slack, headers).status).toBe(401);
		}
	});

	it('Slack form: timestamp copies that disagree are refused, equal ones accepted', () => {
		const headers = signSigned(slack, BODY, SECRET, { timestamp: NOW_S });
		const t = headers['X-Slack-Request-Timestamp'];
		const as = (v: string[]) => run(slack, { ...headers, 'X-Slack-Request-Timestamp': v });
		expect(as([t, t]).status).toBe(200);
		expect(as([t, '1']).reason).toBe('malformed X-Slack-Request-Timestamp header');
		const { 'X-Slack-Request-Timestamp': _, ...without } = headers;
		expect(run(slack, without).reason).toBe('missing X-Slack-Request-Timestamp header');
	});
});

describe('rotation', () => {
	it.each(SIGNED_PRESET_IDS)(
		'%s: signed with the previous secret, verified while both are set',
		(id) => {
			const settings = SIGNED_PRESETS[id].settings;
			const current = 'whsec_' + Buffer.from(SECRET).toString('base64');
			const previous = 'whsec_' + Buffer.from(OLD_SECRET).toString('base64');
			const headers = signSigned(settings, BODY, previous, { timestamp: NOW_S });
			expect(run(settings, headers, BODY, { secret: [current, previous] }).status).toBe(200);
			expect(run(settings, headers, BODY, { secret: current }).reason).toBe(MISMATCH);
		},
	);
});

describe('copy keys, event names and the pipeline', () => {
	it('header, JSON path and body hash copy keys; the body hash beside an id only a header gives', () => {
		const bodyKey = `sha256:${createHash('sha256').update(BODY).digest('hex')}`;
		const cases: Array<[SignedWebhookSettings['copyKey'], string[]]> = [
			[{ from: 'header', name: 'X-Delivery' }, ['d-42', bodyKey]],
			[{ from: 'jsonPath', path: '$.id' }, ['evt_1']],
			[{ from: 'jsonPath', path: 'data.missing' }, [bodyKey]],
			[{ from: 'bodyHash' }, [bodyKey]],
			[undefined, [bodyKey]],
		];
		for (const [copyKey, keys] of cases) {
			const settings = { ...bodyHmac('sha256', 'hex'), copyKey };
			const headers = signSigned(settings, BODY, SECRET, { deliveryId: 'd-42' });
			expect(run(settings, headers).dedupeKeys).toEqual(keys);
		}
	});

	it('a retry is a duplicate; the same body under a new unsigned id is a duplicate too', () => {
		const settings = SIGNED_PRESETS.github.settings;
		const dedupe = memoryKeyStore();
		const headers = signSigned(settings, BODY, SECRET, { deliveryId: 'one' });
		expect(run(settings, headers, BODY, { dedupe }).duplicate).toBe(false);
		expect(run(settings, headers, BODY, { dedupe }).duplicate).toBe(true);
		const renamed = { ...headers, 'X-GitHub-Delivery': 'two' };
		expect(run(settings, renamed, BODY, { dedupe })).toMatchObject({ duplicate: true });
	});

	it('the event name from a header or a path drives the events filter', () => {
		const byHeader = SIGNED_PRESETS.github.settings;
		const headers = signSigned(byHeader, BODY, SECRET, { event: 'push' });
		expect(run(byHeader, headers, BODY, { events: ['push'] }).items).toHaveLength(1);
		const filtered = { filtered: true, reason: 'event not selected' };
		expect(run(byHeader, headers, BODY, { events: ['issues'] })).toMatchObject(filtered);
		const byPath = { ...bodyHmac('sha256', 'hex'), eventName: { from: 'jsonPath', path: 'type' } };
		const signed = signSigned(byPath as SignedWebhookSettings, BODY, SECRET);
		expect(run(byPath as SignedWebhookSettings, signed).event).toBe('thing.happened');
	});

	it('the item, with delivery metadata naming the signed webhook as its source', () => {
		const settings = SIGNED_PRESETS.stripe.settings;
		const result = run(settings, signSigned(settings, BODY, SECRET, { timestamp: NOW_S }));
		const item = toOutputItem(SIGNED_WEBHOOK_SOURCE, result, { includeMetadata: true });
		expect(item).toMatchObject({
			id: 'evt_1',
			_delivery: {
				provider: 'signedWebhook',
				event: 'thing.happened',
				deliveryId: 'evt_1',
				verified: 'signature',
			},
		});
	});

	it('XML bodies are parsed after the signature; a body that does not parse is 400', () => {
		const settings = bodyHmac('sha256', 'base64');
		const xml = Buffer.from('<event><type>a.b</type></event>');
		const headers = signSigned(settings, xml, SECRET);
		expect(headers['Content-Type']).toBe('application/xml');
		expect(run(settings, headers, xml)).toMatchObject({ status: 200, format: 'xml' });
		const broken = Buffer.from('{"id":');
		expect(run(settings, signSigned(settings, broken, SECRET), broken).status).toBe(400);
	});
});
