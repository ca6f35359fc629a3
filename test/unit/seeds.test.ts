// The providers' own verification code, copied from their webhook documents (/work/shared/seeds/*.txt) and adapted
// only as far as needed to run here: the secret, body and header become arguments instead of process.env / req.
// If `sign()` produced anything these snippets would not accept, a real receiver written from the docs would
// refuse our test deliveries, and our verifier would be checking a different scheme from the provider's.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { providers, receive, sign, type ProviderId } from '../../src/internal';
import { NOW_MS, NOW_S, SECRETS, eventsOf, headerOf } from './helpers';

// ---- SMP (seed 000): verifySignature, with the secret as an argument instead of process.env.SMP_WEBHOOK_SECRET.
function smpVerifySignature(body: Buffer, signature: string | undefined, secret: string): boolean {
	if (!signature) return false;
	const expected = crypto.createHmac('sha256', secret).update(body).digest('hex');
	return crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}

// ---- SmartComply (seed 001): the "1. Verify the signature" block of the Express receiver, as a function that
// returns what the handler would answer (400 "Signature too old" / 400 "Invalid signature" / 200).
function smartComplyVerify(
	sigHeader: string,
	rawBody: Buffer,
	secret: string,
	nowMs: number,
): 200 | 400 {
	const parts = Object.fromEntries(sigHeader.split(',').map((p) => p.split('=')));
	const t = Number(parts.t);
	const v1 = parts.v1;
	const body = rawBody.toString();
	const age = Math.floor(nowMs / 1000) - t;
	if (age > 300) return 400; // "Signature too old"
	const expected = crypto.createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
	if (!crypto.timingSafeEqual(Buffer.from(v1), Buffer.from(expected))) {
		return 400; // "Invalid signature"
	}
	return 200;
}

// ---- SmartlyQ (seed 002): verifySignature(rawBody, signatureHeader, secret), unchanged.
function smartlyQVerifySignature(
	rawBody: Buffer,
	signatureHeader: string,
	secret: string,
): boolean {
	const parts = Object.fromEntries(signatureHeader.split(',').map((kv) => kv.split('=')));
	const expected = crypto
		.createHmac('sha256', secret)
		.update(`${parts.t}.${rawBody}`)
		.digest('hex');
	return crypto.timingSafeEqual(Buffer.from(parts.v1), Buffer.from(expected));
}

// ---- SmartMaintenance (seed 003): the four documented steps, literally.
function smtmVerify(rawBody: Buffer, signatureHeader: string, secret: string): boolean {
	// 1. Take the raw request body as bytes.
	const bytes = Buffer.from(rawBody);
	// 2. Compute HMAC-SHA256(body, secret).
	const computed = crypto.createHmac('sha256', secret).update(bytes).digest();
	// 3. Compare to the hex value in X-SMTM-Signature (after the sha256= prefix).
	if (!signatureHeader.startsWith('sha256=')) return false;
	const provided = Buffer.from(signatureHeader.slice('sha256='.length), 'hex');
	// 4. Use a constant-time comparison (not ==) to prevent timing attacks.
	return provided.length === computed.length && crypto.timingSafeEqual(provided, computed);
}

// ---- SmarterMeasure (seed 004): the verification key is sent as is in X-SmarterMeasure-Verification-Key.
function smarterMeasureVerify(headerValue: string | undefined, key: string): boolean {
	return headerValue === key;
}

const body = (id: ProviderId, event: string) =>
	Buffer.from(JSON.stringify(providers[id].sample(event, { now: new Date(NOW_MS) })));

describe('SMP seed verifySignature', () => {
	it.each(eventsOf('smp'))('accepts sign() output for %s', (event) => {
		const raw = body('smp', event);
		const headers = sign('smp', raw, SECRETS.smp);
		expect(smpVerifySignature(raw, headerOf(headers, 'X-SMP-Signature'), SECRETS.smp)).toBe(true);
	});

	it('and refuses what our receive() refuses (wrong secret, changed body)', () => {
		const raw = body('smp', 'project.completed');
		const other = sign('smp', raw, 'another-secret');
		expect(smpVerifySignature(raw, headerOf(other, 'X-SMP-Signature'), SECRETS.smp)).toBe(false);
		expect(receive('smp', { headers: other, rawBody: raw }, { secret: SECRETS.smp }).status).toBe(
			401,
		);
		const changed = Buffer.concat([raw.subarray(0, -1), Buffer.from(' }')]);
		const good = headerOf(sign('smp', raw, SECRETS.smp), 'X-SMP-Signature');
		expect(smpVerifySignature(changed, good, SECRETS.smp)).toBe(false);
	});
});

describe('SmartComply seed receiver', () => {
	it.each(eventsOf('smartComply'))('accepts sign() output for %s', (event) => {
		const raw = body('smartComply', event);
		const headers = sign('smartComply', raw, SECRETS.smartComply, { timestamp: NOW_S });
		expect(
			smartComplyVerify(
				headerOf(headers, 'X-SmartComply-Signature'),
				raw,
				SECRETS.smartComply,
				NOW_MS,
			),
		).toBe(200);
	});

	it('uses the whole whsec_… string as the HMAC key, as our receive() does', () => {
		const raw = body('smartComply', 'notice.created');
		const stripped = sign('smartComply', raw, SECRETS.smartComply.replace(/^whsec_/, ''), {
			timestamp: NOW_S,
		});
		expect(
			smartComplyVerify(
				headerOf(stripped, 'X-SmartComply-Signature'),
				raw,
				SECRETS.smartComply,
				NOW_MS,
			),
		).toBe(400);
		expect(
			receive(
				'smartComply',
				{ headers: stripped, rawBody: raw },
				{ secret: SECRETS.smartComply, now: NOW_MS },
			).status,
		).toBe(401);
	});

	it('agrees with receive() on the replay window', () => {
		const raw = body('smartComply', 'test.submitted');
		const headers = sign('smartComply', raw, SECRETS.smartComply, { timestamp: NOW_S - 301 });
		expect(
			smartComplyVerify(
				headerOf(headers, 'X-SmartComply-Signature'),
				raw,
				SECRETS.smartComply,
				NOW_MS,
			),
		).toBe(400);
		expect(
			receive(
				'smartComply',
				{ headers, rawBody: raw },
				{ secret: SECRETS.smartComply, now: NOW_MS },
			).status,
		).toBe(401);
		const fresh = sign('smartComply', raw, SECRETS.smartComply, { timestamp: NOW_S - 299 });
		expect(
			smartComplyVerify(
				headerOf(fresh, 'X-SmartComply-Signature'),
				raw,
				SECRETS.smartComply,
				NOW_MS,
			),
		).toBe(200);
		expect(
			receive(
				'smartComply',
				{ headers: fresh, rawBody: raw },
				{ secret: SECRETS.smartComply, now: NOW_MS },
			).status,
		).toBe(200);
	});
});

describe('SmartlyQ seed verifySignature', () => {
	it.each(eventsOf('smartlyQ'))('accepts sign() output for %s', (event) => {
		const raw = body('smartlyQ', event);
		const headers = sign('smartlyQ', raw, SECRETS.smartlyQ, { timestamp: NOW_S });
		expect(
			smartlyQVerifySignature(raw, headerOf(headers, 'X-SmartlyQ-Signature'), SECRETS.smartlyQ),
		).toBe(true);
		expect(headerOf(headers, 'X-SmartlyQ-Event')).toBe(event);
	});

	it('refuses a signature made with another secret', () => {
		const raw = body('smartlyQ', 'job.completed');
		const headers = sign('smartlyQ', raw, 'nope', { timestamp: NOW_S });
		expect(
			smartlyQVerifySignature(raw, headerOf(headers, 'X-SmartlyQ-Signature'), SECRETS.smartlyQ),
		).toBe(false);
	});
});

describe('SmartMaintenance documented steps', () => {
	it.each(eventsOf('smartMaintenance'))('accept sign() output for %s', (event) => {
		const raw = body('smartMaintenance', event);
		const headers = sign('smartMaintenance', raw, SECRETS.smartMaintenance);
		expect(smtmVerify(raw, headerOf(headers, 'X-SMTM-Signature'), SECRETS.smartMaintenance)).toBe(
			true,
		);
		expect(headerOf(headers, 'X-SMTM-Event')).toBe(event);
		expect(headerOf(headers, 'X-SMTM-Delivery')).toMatch(
			/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
		);
	});

	it('refuse a signature over another body', () => {
		const raw = body('smartMaintenance', 'task.completed');
		const headers = sign(
			'smartMaintenance',
			body('smartMaintenance', 'task.rejected'),
			SECRETS.smartMaintenance,
		);
		expect(smtmVerify(raw, headerOf(headers, 'X-SMTM-Signature'), SECRETS.smartMaintenance)).toBe(
			false,
		);
	});
});

describe('SmarterMeasure verification key', () => {
	it.each(['AssessmentCompleted', 'AssessmentStarted'])(
		'sign() sends the key unchanged for %s',
		(event) => {
			const raw = body('smarterMeasure', event);
			const headers = sign('smarterMeasure', raw, SECRETS.smarterMeasure);
			expect(
				smarterMeasureVerify(
					headerOf(headers, 'X-SmarterMeasure-Verification-Key'),
					SECRETS.smarterMeasure,
				),
			).toBe(true);
			expect(
				smarterMeasureVerify(headerOf(headers, 'X-SmarterMeasure-Verification-Key'), 'other'),
			).toBe(false);
		},
	);
});
