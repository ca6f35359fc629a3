import type { DedupeStore } from './dedupe';
import { sha256Hex } from './signatures/hmac';
import { detectFormat, MAX_BODY_BYTES, parseBody, type FormatChoice } from './parse';
import { getProvider } from './providers';
import { schemaIssues } from './providers/schema';
import type { ProviderId, ReceiveResult, WebhookRequest } from './types';

export interface ReceiveOptions {
	/** The signing secret or verification key; several while a secret is being rotated. */
	secret?: string | readonly string[];
	/** Event names to accept; empty or absent accepts every event. */
	events?: readonly string[];
	/** Signed-timestamp tolerance in seconds (timestamped schemes); 0 turns the check off. Default: the provider's. */
	toleranceSeconds?: number;
	/** The current time (a Date, or milliseconds since the epoch); default the clock. */
	now?: Date | number;
	/** Body format; 'auto' (default) reads Content-Type. Only providers that send XML accept 'xml'. */
	format?: FormatChoice;
	/** Where accepted delivery keys are remembered; absent means no duplicate detection. */
	dedupe?: DedupeStore | false;
	/** Drop deliveries the provider marks as tests (they are delivered by default, whatever the event filter). */
	ignoreTestEvents?: boolean;
	/** Bodies larger than this are refused (default 16 MiB, n8n's own limit). */
	maxBodyBytes?: number;
}

function normaliseSecrets(secret: ReceiveOptions['secret']): string[] {
	// The common single-secret case without the three intermediate arrays below (bench/run.ts, reject figures).
	if (typeof secret === 'string') {
		const trimmed = secret.trim();
		return trimmed === '' ? [] : [trimmed];
	}
	const list = typeof secret === 'string' ? [secret] : (secret ?? []);
	return list.map((s) => (typeof s === 'string' ? s.trim() : '')).filter((s) => s !== '');
}

function toBuffer(body: WebhookRequest['rawBody']): Buffer | undefined {
	if (Buffer.isBuffer(body)) return body;
	if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
	if (typeof body === 'string') return Buffer.from(body, 'utf8');
	return undefined;
}

function reject(status: 400 | 401, reason: string): ReceiveResult {
	return { status, reason, items: [] };
}

/**
 * The whole receiving pipeline, without n8n: verify the raw bytes, parse, identify, filter, deduplicate, validate.
 * Synchronous on purpose, so the duplicate check and its record happen without another delivery in between.
 * Never throws for anything a client can send.
 */
export function receive(providerId: ProviderId, request: WebhookRequest, options: ReceiveOptions = {}): ReceiveResult {
	const provider = getProvider(providerId);
	const body = toBuffer(request?.rawBody);
	if (!body) return reject(400, 'request body is missing');
	if (body.length > (options.maxBodyBytes ?? MAX_BODY_BYTES)) return reject(400, 'body is too large');
	const headers = request.headers ?? {};
	const nowMs = options.now === undefined ? Date.now() : typeof options.now === 'number' ? options.now : options.now.getTime();

	const secrets = normaliseSecrets(options.secret);
	let verified = false;
	if (secrets.length > 0) {
		// Copy the request only when its headers had to be defaulted (the copy showed up in the reject profile).
		const check = provider.scheme.verify(request.headers === headers ? request : { ...request, headers }, body, {
			secrets,
			nowSeconds: Math.floor(nowMs / 1000),
			toleranceSeconds: options.toleranceSeconds ?? provider.toleranceSeconds ?? 0,
		});
		if (!check.ok) return reject(401, check.reason);
		verified = true;
	} else if (provider.signature === 'required') {
		return reject(401, provider.scheme.kind === 'staticKey' ? 'verification key is not configured' : 'signing secret is not configured');
	}

	const choice = options.format ?? 'auto';
	const format = choice === 'auto' ? detectFormat(headers, body) : choice;
	if (!provider.formats.includes(format)) {
		return reject(400, `${provider.displayName} sends ${provider.formats.join(' or ').toUpperCase()}, not ${format.toUpperCase()}`);
	}
	const parsed = parseBody(body, format);
	if (!parsed.ok) return reject(400, parsed.reason);
	const payload = parsed.value;

	const facts = provider.facts(payload, headers, body);
	const base = { event: facts.event, verified, test: facts.test, format };
	if (facts.test ? options.ignoreTestEvents === true : !eventSelected(facts.event, options.events)) {
		return { status: 200, ...base, filtered: true, reason: facts.test ? 'test event ignored' : 'event not selected', items: [] };
	}

	// Without a provider id the body's hash stands in, so an identical retry is still caught; an absurdly long
	// id (a header is attacker-sized) is hashed so the store's key cap can never merge two different ids.
	const deliveryId =
		facts.deliveryId === undefined ? `sha256:${sha256Hex(body)}` : facts.deliveryId.length > 128 ? `sha256:${sha256Hex(facts.deliveryId)}` : facts.deliveryId;
	if (options.dedupe && options.dedupe.claim(deliveryId, nowMs)) {
		return { status: 200, ...base, deliveryId, duplicate: true, reason: 'duplicate delivery', items: [] };
	}

	const issues = schemaIssues(provider.schema, payload);
	// Written out rather than spread from `base` (the spreads were measurable on a 1 KiB delivery); same keys, same order.
	if (issues) {
		return { status: 200, event: base.event, verified, test: base.test, format, deliveryId, duplicate: false, schemaIssues: issues, items: [payload] };
	}
	return { status: 200, event: base.event, verified, test: base.test, format, deliveryId, duplicate: false, items: [payload] };
}

function eventSelected(event: string | undefined, selected: readonly string[] | undefined): boolean {
	if (!selected || selected.length === 0) return true;
	return event !== undefined && selected.includes(event);
}
