import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import {
	providers,
	sign,
	SmartComplyApiError,
	type ProviderId,
	type ReceiveResult,
	type SmartComplyErrorCode,
} from '../../src/internal';
import { PROVIDERS, type ProviderRow } from '../providers';

const byProvider = (pick: (p: ProviderRow) => string) =>
	Object.fromEntries(PROVIDERS.map((p) => [p.id, pick(p)])) as Record<ProviderId, string>;
/** Test secrets per provider, shaped like the real ones (test/providers.ts). */
export const SECRETS = byProvider((p) => p.secret);
/** The header each provider authenticates with, as documented (test/providers.ts). */
export const AUTH_HEADER = byProvider((p) => p.authHeader);

/** A fixed clock so timestamps are deterministic. */
export const NOW_S = 1_777_777_777;
export const NOW_MS = NOW_S * 1000;

/** Event names each provider is exercised with: the documented catalogue, or illustrative names for SmarterMeasure. */
export function eventsOf(id: ProviderId): string[] {
	const events = providers[id].events;
	return events ? events.map((e) => e.name) : ['AssessmentCompleted', 'AssessmentStarted'];
}

type Payload = Record<string, unknown>;
export type Delivery = { payload: Payload; body: Buffer; headers: Record<string, string> };

/** A genuine delivery: the provider's sample for the event, serialised and signed as the provider would. */
export function delivery(
	id: ProviderId,
	event: string,
	opts: Parameters<typeof sign>[3] & { secret?: string; payload?: Payload } = {},
): Delivery {
	const payload = opts.payload ?? providers[id].sample(event, { now: new Date(NOW_MS) });
	const body = Buffer.from(JSON.stringify(payload), 'utf8');
	const headers = sign(id, body, opts.secret ?? SECRETS[id], {
		timestamp: opts.timestamp ?? NOW_S,
		deliveryId: opts.deliveryId,
	});
	return { payload, body, headers };
}

/** A refusal must say why, and never leak the secret or the signature we expected (either layout, at NOW_S). */
export function assertSafeReason(result: ReceiveResult, secret: string, body: Buffer): void {
	if (typeof result.reason !== 'string' || result.reason.length === 0)
		throw new Error(`refusal without a reason: ${JSON.stringify(result)}`);
	const reason = result.reason.toLowerCase();
	if (secret && reason.includes(secret.toLowerCase()))
		throw new Error(`reason leaks the secret: ${result.reason}`);
	for (const signed of [body, Buffer.concat([Buffer.from(`${NOW_S}.`), body])]) {
		const digest = createHmac('sha256', secret).update(signed).digest('hex');
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
export function withHeader(headers: Record<string, string>, name: string, value: unknown) {
	const others = Object.entries(headers).filter(([k]) => k.toLowerCase() !== name.toLowerCase());
	return { ...Object.fromEntries(others), ...(value === undefined ? {} : { [name]: value }) };
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

/** A delivery as n8n hands it to a trigger (signed on the real clock, header names lower-cased). */
export function signedRequest(
	id: ProviderId,
	payload: Payload,
	secret = SECRETS[id],
	options: Parameters<typeof sign>[3] = {},
) {
	const rawBody = Buffer.from(JSON.stringify(payload));
	return { payload, rawBody, headers: lowerCaseHeaders(sign(id, rawBody, secret, options)) };
}

/** A server on 127.0.0.1 (a webhook receiver) that answers each request with what `answer` makes of it. */
type Answer = { status: number; body: string };
export async function loopback(
	answer: (request: { headers: IncomingHttpHeaders; rawBody: Buffer }) => Answer | Promise<Answer>,
) {
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', async () => {
			const { status, body } = await Promise.resolve()
				.then(() => answer({ headers: req.headers, rawBody: Buffer.concat(chunks) }))
				.catch(() => ({ status: 599, body: '' }));
			res.writeHead(status, { 'Content-Type': 'application/json' });
			res.end(body);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		close: () => new Promise((resolve) => server.close(resolve)),
	};
}

/** The call fails with a SmartComplyApiError of `code` whose message, stack and JSON contain none of `secrets`. */
export async function expectApiError(
	promise: Promise<unknown>,
	code: SmartComplyErrorCode,
	...secrets: string[]
): Promise<SmartComplyApiError> {
	const error = await promise.catch((e: unknown) => e); // what it resolved to fails the next check
	expect(error).toBeInstanceOf(SmartComplyApiError);
	const apiError = error as SmartComplyApiError;
	expect(apiError.code, apiError.message).toBe(code);
	const text = `${apiError.message}\n${apiError.stack}\n${JSON.stringify(apiError)}`;
	for (const secret of secrets) expect(text).not.toContain(secret);
	return apiError;
}
