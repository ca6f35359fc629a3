import { createHmac } from 'node:crypto';
import { providers, sign, type ProviderId, type ReceiveResult } from '../../src/internal';
import { PROVIDERS } from '../providers';

/** Test secrets per provider, shaped like the real ones (test/providers.ts). */
export const SECRETS = Object.fromEntries(PROVIDERS.map((p) => [p.id, p.secret])) as Record<
	ProviderId,
	string
>;

/** The header each provider authenticates with, as documented (test/providers.ts). */
export const AUTH_HEADER = Object.fromEntries(PROVIDERS.map((p) => [p.id, p.authHeader])) as Record<
	ProviderId,
	string
>;

/** A fixed clock so timestamps are deterministic. */
export const NOW_S = 1_777_777_777;
export const NOW_MS = NOW_S * 1000;

/** Event names each provider is exercised with: the documented catalogue, or illustrative names for SmarterMeasure. */
export function eventsOf(id: ProviderId): string[] {
	const events = providers[id].events;
	return events ? events.map((e) => e.name) : ['AssessmentCompleted', 'AssessmentStarted'];
}

export interface Delivery {
	payload: Record<string, unknown>;
	body: Buffer;
	headers: Record<string, string>;
}

/** A genuine delivery: the provider's sample for the event, serialised and signed as the provider would. */
export function delivery(
	id: ProviderId,
	event: string,
	opts: {
		secret?: string;
		timestamp?: number;
		deliveryId?: string;
		payload?: Record<string, unknown>;
	} = {},
): Delivery {
	const payload = opts.payload ?? providers[id].sample(event, { now: new Date(NOW_MS) });
	const body = Buffer.from(JSON.stringify(payload), 'utf8');
	const headers = sign(id, body, opts.secret ?? SECRETS[id], {
		timestamp: opts.timestamp ?? NOW_S,
		deliveryId: opts.deliveryId,
	});
	return { payload, body, headers };
}

/** Every HMAC-SHA256 hex digest the secret could produce for this body, in any signing layout the providers use. */
export function expectedDigests(
	secret: string,
	body: Buffer,
	timestamps: number[] = [NOW_S],
): string[] {
	const out = [createHmac('sha256', secret).update(body).digest('hex')];
	for (const t of timestamps)
		out.push(createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex'));
	return out;
}

/** A refusal must say why, and never leak the secret or the signature we expected. */
export function assertSafeReason(
	result: ReceiveResult,
	secret: string,
	body: Buffer,
	timestamps: number[] = [NOW_S],
): void {
	if (typeof result.reason !== 'string' || result.reason.length === 0)
		throw new Error(`refusal without a reason: ${JSON.stringify(result)}`);
	const reason = result.reason.toLowerCase();
	if (secret && reason.includes(secret.toLowerCase()))
		throw new Error(`reason leaks the secret: ${result.reason}`);
	for (const digest of expectedDigests(secret, body, timestamps)) {
		if (reason.includes(digest) || reason.includes(digest.slice(0, 16)))
			throw new Error(`reason leaks the expected signature: ${result.reason}`);
	}
}

/** Flips one bit of one byte inside the body (a letter inside a JSON string, so only the signature can notice). */
export function tamper(body: Buffer): Buffer {
	const copy = Buffer.from(body);
	const strings = [...copy.toString('latin1').matchAll(/"([A-Za-z][A-Za-z ]*)"/g)];
	const last = strings[strings.length - 1];
	const at = last?.index !== undefined ? last.index + 1 : copy.length - 1;
	copy[at] ^= 0x01;
	return copy;
}

/** Replaces the header of a name (any case) in a copy of the headers. */
export function withHeader(
	headers: Record<string, string>,
	name: string,
	value: unknown,
): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(headers))
		if (k.toLowerCase() !== name.toLowerCase()) out[k] = v;
	if (value !== undefined) out[name] = value;
	return out;
}

/** The value of a header whatever the case of its name. */
export function headerOf(headers: Record<string, unknown>, name: string): string {
	const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
	if (!key) throw new Error(`no ${name} header in ${JSON.stringify(headers)}`);
	return headers[key] as string;
}

/** Express-style headers: lower-case names, as n8n hands them to a trigger. */
export function lowerCaseHeaders(headers: Record<string, string>): Record<string, string> {
	return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
