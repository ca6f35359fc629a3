import { sha256Hex } from './signatures/hmac';
import { checkRequiredHeader, type RequiredHeader } from './signatures/required-header';
import { detectFormat, MAX_BODY_BYTES, parseBody, type FormatChoice } from './parse';
import { getProvider } from './providers';
import { schemaIssues as findSchemaIssues } from './providers/schema';
import type { ReceivingDefinition } from './providers/types';
import type { ProviderId, ReceiveResult, Verified, WebhookRequest } from './types';

/**
 * Remembers delivery keys for receive()'s duplicate check, for callers of the core outside n8n (the n8n triggers
 * record `dedupeKeys` in n8n's own database instead). Across processes it must be shared storage with an atomic
 * insert, for example a table whose primary key is the key.
 */
export interface KeyStore {
	/** Records `key`; true when it was already there (the delivery is a copy). */
	claim(key: string, nowMs: number): boolean;
}

export interface ReceiveOptions {
	/** The signing secret or verification key; several while a secret is being rotated. */
	secret?: string | readonly string[];
	/**
	 * A header every delivery must carry with this value (SmartMaintenance's custom webhook headers, e.g.
	 * `Authorization: Bearer …`), checked in constant time alone or together with the signature. Missing or wrong → 401.
	 * Absent, or an empty name, checks no header.
	 */
	requiredHeader?: RequiredHeader;
	/** Event names to accept; empty or absent accepts every event. */
	events?: readonly string[];
	/** Signed-timestamp tolerance in seconds (timestamped schemes); 0 turns the check off. Default: the provider's. */
	toleranceSeconds?: number;
	/** The current time (a Date, or milliseconds since the epoch); default the clock. */
	now?: Date | number;
	/** Body format; 'auto' (default) reads Content-Type. Only providers that send XML accept 'xml'. */
	format?: FormatChoice;
	/** Where accepted delivery keys are remembered (your own store); absent means no duplicate detection. */
	dedupe?: KeyStore | false;
	/** Drop deliveries the provider marks as tests, whatever the event filter (not while `listening`). */
	ignoreTestEvents?: boolean;
	/**
	 * Someone is waiting for a test delivery (n8n's editor is listening): deliveries the provider marks as tests
	 * pass whatever the event filter says, so a provider's "Send test event" always shows up there.
	 */
	listening?: boolean;
	/** Bodies larger than this are refused (default 16 MiB, n8n's own limit). */
	maxBodyBytes?: number;
}

function normaliseSecrets(secret: ReceiveOptions['secret']): string[] {
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
export function receive(
	providerId: ProviderId,
	request: WebhookRequest,
	options: ReceiveOptions = {},
): ReceiveResult {
	return receiveAs(getProvider(providerId), request, options);
}

/**
 * receive() for a definition that is not in the providers list: a signed webhook's, built from the user's scheme
 * settings (src/signed/). Same pipeline, same guarantees.
 */
export function receiveAs(
	provider: ReceivingDefinition,
	request: WebhookRequest,
	options: ReceiveOptions = {},
): ReceiveResult {
	const body = toBuffer(request?.rawBody);
	if (!body) return reject(400, 'request body is missing');
	if (body.length > (options.maxBodyBytes ?? MAX_BODY_BYTES))
		return reject(400, 'body is too large');
	const headers = request.headers ?? {};
	const nowMs =
		options.now === undefined
			? Date.now()
			: typeof options.now === 'number'
				? options.now
				: options.now.getTime();

	const secrets = normaliseSecrets(options.secret);
	const header = options.requiredHeader?.name.trim() ? options.requiredHeader : undefined;
	if (header) {
		if (header.value.trim() === '') return reject(401, 'required header value is not configured');
		const check = checkRequiredHeader(headers, header);
		if (!check.ok) return reject(401, check.reason);
	}
	let signed: 'signature' | 'key' | undefined;
	if (secrets.length > 0) {
		const check = provider.scheme.verify({ ...request, headers }, body, {
			secrets,
			nowSeconds: Math.floor(nowMs / 1000),
			toleranceSeconds: options.toleranceSeconds ?? provider.toleranceSeconds ?? 0,
		});
		if (!check.ok) return reject(401, check.reason);
		signed = provider.scheme.kind === 'staticKey' ? 'key' : 'signature';
	} else if (provider.signature === 'required') {
		return reject(
			401,
			provider.scheme.kind === 'staticKey'
				? 'verification key is not configured'
				: 'signing secret is not configured',
		);
	}
	const verified: Verified = signed
		? header
			? `${signed}+header`
			: signed
		: header
			? 'header'
			: false;

	const choice = options.format ?? 'auto';
	const format = choice === 'auto' ? detectFormat(headers, body) : choice;
	if (!provider.formats.includes(format)) {
		return reject(
			400,
			`${provider.displayName} sends ${provider.formats.join(' or ').toUpperCase()}, not ${format.toUpperCase()}`,
		);
	}
	const parsed = parseBody(body, format);
	if (!parsed.ok) return reject(400, parsed.reason);
	const payload = parsed.value;

	const facts = provider.facts(payload, headers, body);
	const base = { event: facts.event, verified, test: facts.test, format };
	const skip = filterReason(facts, options);
	if (skip) return { status: 200, ...base, filtered: true, reason: skip, items: [] };

	const bodyKey = `sha256:${sha256Hex(body)}`;
	// An absurdly long id (a header is attacker-sized) is hashed so a key store's length cap can never merge two ids.
	const deliveryId =
		facts.deliveryId === undefined
			? bodyKey
			: facts.deliveryId.length > 128
				? `sha256:${sha256Hex(facts.deliveryId)}`
				: facts.deliveryId;
	// A delivery is a copy when its id was seen, or its body where a copy could come under a new id: an id header the
	// signature does not cover (SmartMaintenance's X-SMTM-Delivery) would let a captured delivery run again. Where the
	// signature covers the id (read from the body, or Standard Webhooks' signed id) the body's hash adds nothing, and
	// each key costs: it is an entry of n8n's processed-data row, which every store call reads and writes whole.
	const dedupeKeys =
		deliveryId === bodyKey || facts.idSigned === true ? [deliveryId] : [deliveryId, bodyKey];
	if (options.dedupe) {
		const seen = dedupeKeys.map((key) => (options.dedupe as KeyStore).claim(key, nowMs));
		if (seen.some(Boolean))
			return {
				status: 200,
				...base,
				deliveryId,
				dedupeKeys,
				duplicate: true,
				reason: 'duplicate delivery',
				items: [],
			};
	}

	const schemaIssues = findSchemaIssues(provider.schema, payload);
	return {
		status: 200,
		...base,
		deliveryId,
		dedupeKeys,
		duplicate: false,
		...(schemaIssues ? { schemaIssues } : {}),
		items: [payload],
	};
}

/**
 * Why an accepted delivery does not start the workflow, if it does not. A test delivery is an event like any other
 * (so a filter of project.completed leaves SMP's webhook.test out in production), except while someone is listening
 * in the editor, where it always shows; "Ignore Test Events" drops test deliveries even when every event is selected.
 */
function filterReason(
	facts: { event?: string; test: boolean },
	options: ReceiveOptions,
): string | undefined {
	if (facts.test && options.listening) return undefined;
	if (facts.test && options.ignoreTestEvents) return 'test event ignored';
	return eventSelected(facts.event, options.events) ? undefined : 'event not selected';
}

function eventSelected(
	event: string | undefined,
	selected: readonly string[] | undefined,
): boolean {
	if (!selected || selected.length === 0) return true;
	return event !== undefined && selected.includes(event);
}
