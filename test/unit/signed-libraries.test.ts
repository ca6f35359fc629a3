// The signed-webhook verifier against the senders' own code: deliveries signed by standardwebhooks, stripe and
// @octokit/webhooks-methods are accepted, one changed byte or a stale timestamp is refused, and what our signer
// writes verifies with those libraries. Slack and Shopify publish no verification library for Node that signs: their
// algorithms are implemented here from their documents.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { sign as octokitSign, verify as octokitVerify } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
	receiveSigned,
	SIGNED_PRESETS,
	signSigned,
	signedWebhookDefinition,
	type ReceiveResult,
	type SignedWebhookSettings,
} from '../../src/internal';

const nowS = () => Math.floor(Date.now() / 1000);
const STALE_S = 10 * 60;

const body = (fields: object) => Buffer.from(JSON.stringify({ ...fields, note: 'naïve café ✓' }));

const deliver = (
	settings: SignedWebhookSettings,
	headers: Record<string, string>,
	rawBody: Buffer,
	secret: string | string[],
) => receiveSigned(settings, { headers, rawBody }, { secret });

/** One byte changed, in the middle: the body stays the same length. */
function flipped(raw: Buffer): Buffer {
	const copy = Buffer.from(raw);
	copy[Math.floor(copy.length / 2)] ^= 0x01;
	return copy;
}

/** Accepted as signed, with one item (and these fields: the event, the copy key). */
function expectAccepted(result: ReceiveResult, fields: Partial<ReceiveResult> = {}): void {
	expect(result.reason).toBeUndefined();
	expect(result.status).toBe(200);
	expect(result.verified).toBe('signature');
	expect(result.items).toHaveLength(1);
	expect(result).toMatchObject(fields);
}

function expectRefused(result: ReceiveResult, reason = /does not match/): void {
	expect(result.status).toBe(401);
	expect(result.items).toEqual([]);
	expect(result.reason).toMatch(reason);
}

const stripe = new Stripe('sk_test_not_used_offline');

describe('Standard Webhooks (standardwebhooks 1.3.0)', () => {
	const settings = SIGNED_PRESETS.standardWebhooks.settings;
	const secret = `whsec_${randomBytes(24).toString('base64')}`;
	const wh = new Webhook(secret);
	const raw = body({ type: 'invoice.paid', data: { id: 'inv_1' } });

	function libraryHeaders(rawBody: Buffer, t: number, id = 'msg_2Lh9KRb0pzN4LePd3XiA4xbf') {
		return {
			'webhook-id': id,
			'webhook-timestamp': String(t),
			'webhook-signature': wh.sign(id, new Date(t * 1000), rawBody),
		};
	}

	it('accepts what Webhook.sign signed; the signed webhook-id is the copy key', () => {
		const result = deliver(settings, libraryHeaders(raw, nowS()), raw, secret);
		expectAccepted(result, { event: 'invoice.paid', deliveryId: 'msg_2Lh9KRb0pzN4LePd3XiA4xbf' });
		// signed with the body, the id alone recognises a copy
		expect(result.dedupeKeys).toEqual(['msg_2Lh9KRb0pzN4LePd3XiA4xbf']);
	});

	it('refuses one changed byte, a changed id, and a stale timestamp', () => {
		const headers = libraryHeaders(raw, nowS());
		expectRefused(deliver(settings, headers, flipped(raw), secret));
		expectRefused(deliver(settings, { ...headers, 'webhook-id': 'msg_other' }, raw, secret));
		const stale = libraryHeaders(raw, nowS() - STALE_S);
		expectRefused(deliver(settings, stale, raw, secret), /older than the 300 s tolerance/);
	});

	it('finds the v1 signature among several, ignoring other versions (rotation, v1a)', () => {
		const headers = libraryHeaders(raw, nowS());
		const other = new Webhook(`whsec_${randomBytes(24).toString('base64')}`);
		const extra = other.sign(headers['webhook-id'], new Date(), raw);
		headers['webhook-signature'] =
			`v1a,${randomBytes(64).toString('base64')} ${extra} ${headers['webhook-signature']}`;
		expectAccepted(deliver(settings, headers, raw, secret));
		expect(() => wh.verify(raw, headers)).not.toThrow();
	});

	it('takes the secret without its whsec_ prefix, as the library does (base64 either way)', () => {
		const bare = secret.slice('whsec_'.length);
		expectAccepted(deliver(settings, libraryHeaders(raw, nowS()), raw, bare));
		expect(() => new Webhook(bare).verify(raw, libraryHeaders(raw, nowS()))).not.toThrow();
	});

	it('accepts Svix’s documented example, under the svix- header names Svix sends by default', () => {
		// docs.svix.com, "Verifying Webhooks": this secret, id, timestamp and payload give this signature.
		const svix = {
			secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
			id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
			t: 1614265330,
			payload: '{"test": 2432232314}',
			signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
		};
		const signed = new Webhook(svix.secret).sign(svix.id, new Date(svix.t * 1000), svix.payload);
		expect(signed).toBe(svix.signature);
		const headers = {
			'svix-id': svix.id,
			'svix-timestamp': String(svix.t),
			'svix-signature': svix.signature,
		};
		const request = { headers, rawBody: svix.payload };
		const at = (t: number) =>
			receiveSigned(settings, request, { secret: svix.secret, now: t * 1000 });
		expectAccepted(at(svix.t), { deliveryId: svix.id });
		expectRefused(at(svix.t + STALE_S), /older than/);
	});

	it('our signer verifies with Webhook.verify', () => {
		const headers = signSigned(settings, raw, secret);
		expect(wh.verify(raw, headers)).toMatchObject({ type: 'invoice.paid' });
		expect(() => wh.verify(flipped(raw), headers)).toThrow(/No matching signature/);
	});
});

describe('Stripe (stripe 23.2.0)', () => {
	const settings = SIGNED_PRESETS.stripe.settings;
	const secret = `whsec_${randomBytes(16).toString('hex')}`;
	const raw = body({ id: 'evt_1Nv0', object: 'event', type: 'payment_intent.succeeded' });
	const payload = raw.toString('utf8');
	const header = (timestamp: number) =>
		stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });

	it('accepts generateTestHeaderString; the event id is the copy key', () => {
		const result = deliver(settings, { 'Stripe-Signature': header(nowS()) }, raw, secret);
		expectAccepted(result, { event: 'payment_intent.succeeded', deliveryId: 'evt_1Nv0' });
	});

	it('refuses one changed byte and a stale timestamp', () => {
		const fresh = { 'Stripe-Signature': header(nowS()) };
		expectRefused(deliver(settings, fresh, flipped(raw), secret));
		const stale = { 'Stripe-Signature': header(nowS() - STALE_S) };
		expectRefused(deliver(settings, stale, raw, secret), /older than/);
	});

	it('accepts a header with a second v1 (rotation) and a v0 entry, as constructEvent does', () => {
		const t = nowS();
		const genuine = header(t).split(',v1=')[1];
		const value = `t=${t},v1=${'0'.repeat(64)},v0=${'f'.repeat(64)},v1=${genuine}`;
		expectAccepted(deliver(settings, { 'Stripe-Signature': value }, raw, secret));
		expect(stripe.webhooks.constructEvent(raw, value, secret).id).toBe('evt_1Nv0');
	});

	it('our signer verifies with constructEvent', () => {
		const headers = signSigned(settings, raw, secret);
		const event = stripe.webhooks.constructEvent(raw, headers['Stripe-Signature'], secret);
		expect(event.type).toBe('payment_intent.succeeded');
		expect(() =>
			stripe.webhooks.constructEvent(flipped(raw), headers['Stripe-Signature'], secret),
		).toThrow(/No signatures found matching/);
	});
});

describe('GitHub (@octokit/webhooks-methods 6.0.0)', () => {
	const settings = SIGNED_PRESETS.github.settings;
	const secret = "It's a Secret to Everybody";
	const raw = body({ ref: 'refs/heads/main', repository: { full_name: 'octocat/Hello-World' } });
	const headers = async () => ({
		'X-Hub-Signature-256': await octokitSign(secret, raw.toString('utf8')),
		'X-GitHub-Delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
		'X-GitHub-Event': 'push',
	});

	it('accepts what sign() signed; the delivery header is the copy key, the event header the event', async () => {
		const result = deliver(settings, await headers(), raw, secret);
		expectAccepted(result, { event: 'push', deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958' });
	});

	it('matches GitHub’s documented test vector', async () => {
		// docs.github.com, "Validating webhook deliveries": this secret and "Hello, World!" give this signature.
		const vector = {
			'X-Hub-Signature-256':
				'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
		};
		// The body is not JSON, so the scheme is asked alone.
		const built = signedWebhookDefinition(settings);
		if (built.problems) throw new Error(built.problems.join('; '));
		const verify = (headers: Record<string, string>, text: string) =>
			built.definition.scheme.verify({ headers, rawBody: text }, Buffer.from(text), {
				secrets: [secret],
				nowSeconds: nowS(),
				toleranceSeconds: 0,
			});
		expect(verify(vector, 'Hello, World!')).toEqual({ ok: true });
		const mismatch = { ok: false, reason: 'signature does not match' };
		expect(verify(vector, 'Hello, World?')).toEqual(mismatch);
		expect(await octokitSign(secret, 'Hello, World!')).toBe(vector['X-Hub-Signature-256']);
	});

	it('refuses one changed byte', async () => {
		expectRefused(deliver(settings, await headers(), flipped(raw), secret));
	});

	it('our signer verifies with verify()', async () => {
		const signed = signSigned(settings, raw, secret, { event: 'push' });
		expect(signed['X-GitHub-Event']).toBe('push');
		expect(signed['X-GitHub-Delivery']).toMatch(/^[0-9a-f-]{36}$/);
		const value = signed['X-Hub-Signature-256'];
		expect(await octokitVerify(secret, raw.toString('utf8'), value)).toBe(true);
		expect(await octokitVerify(secret, flipped(raw).toString('utf8'), value)).toBe(false);
	});
});

describe('Slack (the documented v0 algorithm)', () => {
	const settings = SIGNED_PRESETS.slack.settings;
	const secret = '8f742231b10e8888abcd99yyyzzz85a5';
	const event = { type: 'app_mention' };
	const raw = body({ type: 'event_callback', event_id: 'Ev0PV52K21', event });

	// api.slack.com/authentication/verifying-requests-from-slack: sig_basestring = 'v0:' + timestamp + ':' + body,
	// signature = 'v0=' + hex(HMAC-SHA256(signing secret, sig_basestring)); refuse when |now - timestamp| > 5 min.
	const slackSign = (t: number, payload: Buffer) =>
		`v0=${createHmac('sha256', secret).update(`v0:${t}:`).update(payload).digest('hex')}`;
	function slackVerify(headers: Record<string, string>, payload: Buffer): boolean {
		const t = Number(headers['X-Slack-Request-Timestamp']);
		if (Math.abs(nowS() - t) > 60 * 5) return false;
		const mine = Buffer.from(slackSign(t, payload));
		const theirs = Buffer.from(headers['X-Slack-Signature']);
		return mine.length === theirs.length && timingSafeEqual(mine, theirs);
	}
	const headersAt = (t: number) => ({
		'X-Slack-Request-Timestamp': String(t),
		'X-Slack-Signature': slackSign(t, raw),
	});

	it('accepts a delivery signed as documented; event_id is the copy key, event.type the event', () => {
		const result = deliver(settings, headersAt(nowS()), raw, secret);
		expectAccepted(result, { event: 'app_mention', deliveryId: 'Ev0PV52K21' });
	});

	it('refuses one changed byte, a changed timestamp and a stale one', () => {
		const t = nowS();
		expectRefused(deliver(settings, headersAt(t), flipped(raw), secret));
		const moved = { ...headersAt(t), 'X-Slack-Request-Timestamp': String(t - 1) };
		expectRefused(deliver(settings, moved, raw, secret));
		expectRefused(deliver(settings, headersAt(t - STALE_S), raw, secret), /older than/);
	});

	it('our signer passes the documented check', () => {
		const signed = signSigned(settings, raw, secret);
		expect(slackVerify(signed, raw)).toBe(true);
		expect(slackVerify(signed, flipped(raw))).toBe(false);
	});
});

describe('Shopify (the documented X-Shopify-Hmac-Sha256)', () => {
	const settings = SIGNED_PRESETS.shopify.settings;
	const secret = 'shpss_' + randomBytes(16).toString('hex');
	const raw = body({ id: 820982911946154500, email: 'jon@example.com' });
	// shopify.dev, "About webhooks" → verify: base64(HMAC-SHA256(app client secret, raw body)) in X-Shopify-Hmac-Sha256.
	const shopifySign = (payload: Buffer) =>
		createHmac('sha256', secret).update(payload).digest('base64');
	const headers = {
		'X-Shopify-Hmac-Sha256': shopifySign(raw),
		'X-Shopify-Topic': 'orders/create',
		'X-Shopify-Webhook-Id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
	};

	it('accepts a delivery signed as documented; the webhook id header is the copy key', () => {
		const deliveryId = 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043';
		expectAccepted(deliver(settings, headers, raw, secret), { event: 'orders/create', deliveryId });
	});

	it('refuses one changed byte, and the signature re-cased (base64 is case-sensitive)', () => {
		expectRefused(deliver(settings, headers, flipped(raw), secret));
		const lower = headers['X-Shopify-Hmac-Sha256'].toLowerCase();
		expectRefused(deliver(settings, { ...headers, 'X-Shopify-Hmac-Sha256': lower }, raw, secret));
	});

	it('our signer writes the documented value', () => {
		expect(signSigned(settings, raw, secret)['X-Shopify-Hmac-Sha256']).toBe(shopifySign(raw));
	});
});
