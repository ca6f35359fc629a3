// The signed-webhook verifier against the senders' own code: deliveries signed by standardwebhooks, stripe and
// @octokit/webhooks-methods are accepted, one changed byte or a stale timestamp is refused, and what our signer
// writes verifies with those libraries. Slack and Shopify: signed-documented.test.ts.
import { randomBytes } from 'node:crypto';
import { sign as octokitSign, verify as octokitVerify } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
	receiveSigned,
	SIGNED_PRESETS,
	signSigned,
	signedWebhookDefinition,
} from '../../src/internal';
import {
	body,
	deliver,
	expectAccepted,
	expectRefused,
	flipped,
	nowS,
	STALE_S,
} from './signed-verdicts';

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
		expectAccepted(result);
		expect(result.event).toBe('invoice.paid');
		expect(result.deliveryId).toBe('msg_2Lh9KRb0pzN4LePd3XiA4xbf');
		expect(result.dedupeKeys).toHaveLength(2);
	});

	it('refuses one changed byte, a changed id, and a stale timestamp', () => {
		const headers = libraryHeaders(raw, nowS());
		expectRefused(deliver(settings, headers, flipped(raw), secret), /does not match/);
		expectRefused(
			deliver(settings, { ...headers, 'webhook-id': 'msg_other' }, raw, secret),
			/does not match/,
		);
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
		expect(new Webhook(svix.secret).sign(svix.id, new Date(svix.t * 1000), svix.payload)).toBe(
			svix.signature,
		);
		const headers = {
			'svix-id': svix.id,
			'svix-timestamp': String(svix.t),
			'svix-signature': svix.signature,
		};
		const at = (t: number) =>
			receiveSigned(
				settings,
				{ headers, rawBody: svix.payload },
				{ secret: svix.secret, now: t * 1000 },
			);
		expectAccepted(at(svix.t));
		expect(at(svix.t).deliveryId).toBe(svix.id);
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
	const header = (t: number, payload = raw) =>
		stripe.webhooks.generateTestHeaderString({
			payload: payload.toString('utf8'),
			secret,
			timestamp: t,
		});

	it('accepts generateTestHeaderString; the event id is the copy key', () => {
		const result = deliver(settings, { 'Stripe-Signature': header(nowS()) }, raw, secret);
		expectAccepted(result);
		expect(result.event).toBe('payment_intent.succeeded');
		expect(result.deliveryId).toBe('evt_1Nv0');
	});

	it('refuses one changed byte and a stale timestamp', () => {
		const fresh = { 'Stripe-Signature': header(nowS()) };
		expectRefused(deliver(settings, fresh, flipped(raw), secret), /does not match/);
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
		expect(stripe.webhooks.constructEvent(raw, headers['Stripe-Signature'], secret).type).toBe(
			'payment_intent.succeeded',
		);
		expect(() =>
			stripe.webhooks.constructEvent(flipped(raw), headers['Stripe-Signature'], secret),
		).toThrow(/No signatures found matching/);
	});
});

describe('GitHub (@octokit/webhooks-methods 6.0.0)', () => {
	const settings = SIGNED_PRESETS.github.settings;
	const secret = "It's a Secret to Everybody";
	const raw = body({ ref: 'refs/heads/main', repository: { full_name: 'octocat/Hello-World' } });
	const headers = async (payload = raw) => ({
		'X-Hub-Signature-256': await octokitSign(secret, payload.toString('utf8')),
		'X-GitHub-Delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
		'X-GitHub-Event': 'push',
	});

	it('accepts what sign() signed; the delivery header is the copy key, the event header the event', async () => {
		const result = deliver(settings, await headers(), raw, secret);
		expectAccepted(result);
		expect(result.event).toBe('push');
		expect(result.deliveryId).toBe('72d3162e-cc78-11e3-81ab-4c9367dc0958');
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
		expect(verify(vector, 'Hello, World?')).toEqual({
			ok: false,
			reason: 'signature does not match',
		});
		expect(await octokitSign(secret, 'Hello, World!')).toBe(vector['X-Hub-Signature-256']);
	});

	it('refuses one changed byte', async () => {
		expectRefused(deliver(settings, await headers(), flipped(raw), secret), /does not match/);
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
