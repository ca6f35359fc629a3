// The signed-webhook verifier against Slack's and Shopify's signatures as their documents describe them (neither
// publishes a verification library for Node that signs), implemented here from those documents.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SIGNED_PRESETS, signSigned } from '../../src/internal';
import {
	body,
	deliver,
	expectAccepted,
	expectRefused,
	flipped,
	nowS,
	STALE_S,
} from './signed-verdicts';

describe('Slack (the documented v0 algorithm)', () => {
	const settings = SIGNED_PRESETS.slack.settings;
	const secret = '8f742231b10e8888abcd99yyyzzz85a5';
	const raw = body({
		type: 'event_callback',
		event_id: 'Ev0PV52K21',
		event: { type: 'app_mention' },
	});

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
		expectAccepted(result);
		expect(result.event).toBe('app_mention');
		expect(result.deliveryId).toBe('Ev0PV52K21');
	});

	it('refuses one changed byte, a changed timestamp and a stale one', () => {
		const t = nowS();
		expectRefused(deliver(settings, headersAt(t), flipped(raw), secret), /does not match/);
		const moved = { ...headersAt(t), 'X-Slack-Request-Timestamp': String(t - 1) };
		expectRefused(deliver(settings, moved, raw, secret), /does not match/);
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
		const result = deliver(settings, headers, raw, secret);
		expectAccepted(result);
		expect(result.event).toBe('orders/create');
		expect(result.deliveryId).toBe('b54557e4-bdd9-4b37-8a5f-bf7d70bcd043');
	});

	it('refuses one changed byte, and the signature re-cased (base64 is case-sensitive)', () => {
		expectRefused(deliver(settings, headers, flipped(raw), secret), /does not match/);
		const recased = {
			...headers,
			'X-Shopify-Hmac-Sha256': headers['X-Shopify-Hmac-Sha256'].toLowerCase(),
		};
		expectRefused(deliver(settings, recased, raw, secret), /does not match/);
	});

	it('our signer writes the documented value', () => {
		expect(signSigned(settings, raw, secret)['X-Shopify-Hmac-Sha256']).toBe(shopifySign(raw));
	});
});
