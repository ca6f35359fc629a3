// What the signed-webhook tests against senders' code share: a delivery through receiveSigned, a one-byte change,
// and the verdicts.
import { expect } from 'vitest';
import { receiveSigned, type ReceiveResult, type SignedWebhookSettings } from '../../src/internal';

export const nowS = () => Math.floor(Date.now() / 1000);
export const STALE_S = 10 * 60;

export function body(fields: Record<string, unknown>): Buffer {
	return Buffer.from(JSON.stringify({ ...fields, note: 'naïve café ✓' }), 'utf8');
}

export function deliver(
	settings: SignedWebhookSettings,
	headers: Record<string, string>,
	rawBody: Buffer,
	secret: string | string[],
): ReceiveResult {
	return receiveSigned(settings, { headers, rawBody }, { secret });
}

/** One byte changed, in the middle: the body stays the same length. */
export function flipped(raw: Buffer): Buffer {
	const copy = Buffer.from(raw);
	copy[Math.floor(copy.length / 2)] ^= 0x01;
	return copy;
}

export function expectAccepted(result: ReceiveResult): void {
	expect(result.reason).toBeUndefined();
	expect(result.status).toBe(200);
	expect(result.verified).toBe('signature');
	expect(result.items).toHaveLength(1);
}

export function expectRefused(result: ReceiveResult, reason: RegExp): void {
	expect(result.status).toBe(401);
	expect(result.items).toEqual([]);
	expect(result.reason).toMatch(reason);
}
