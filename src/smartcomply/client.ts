import * as z from 'zod/v4';
import {
	fetchTransport,
	MAX_ANSWER_BYTES,
	TransportError,
	type HttpRequest,
	type HttpResponse,
	type Transport,
} from './transport';

export const SMARTCOMPLY_DEFAULT_BASE_URL = 'https://app.smartcomply.app/api/v1';

/**
 * The documented shape of an endpoint id (`whe_` and hex in SmartComply's examples; letters, digits, `_` and `-` are
 * allowed). Ids are put into request paths, so nothing else is accepted: `..` or `a/b` would address another resource.
 */
export const ENDPOINT_ID = /^whe_[A-Za-z0-9_-]{1,200}$/;

export function isEndpointId(id: unknown): id is string {
	return typeof id === 'string' && ENDPOINT_ID.test(id);
}

export const endpointSchema = z
	.object({
		id: z.string().min(1),
		url: z.string(),
		events: z.array(z.string()).default([]),
		description: z.string().nullish(),
		status: z.string().optional(),
		created_at: z.string().optional(),
	})
	.loose();

export type SmartComplyEndpoint = z.infer<typeof endpointSchema>;
export type CreatedSmartComplyEndpoint = SmartComplyEndpoint & { signing_secret: string };

const createdSchema = endpointSchema.extend({
	id: z.string().regex(ENDPOINT_ID),
	signing_secret: z.string().min(1),
});
const secretSchema = z.object({ signing_secret: z.string().min(1) }).loose();

export type SmartComplyErrorCode =
	| 'unauthorized'
	| 'forbidden'
	| 'not_found'
	| 'rate_limited'
	| 'rejected'
	| 'server_error'
	| 'timeout'
	| 'network'
	| 'invalid_response'
	| 'invalid_base_url'
	| 'redirected'
	| 'too_large'
	| 'invalid_endpoint_id';

/** An API failure explained in plain words; never contains the API key or a signing secret. */
export class SmartComplyApiError extends Error {
	constructor(
		readonly code: SmartComplyErrorCode,
		message: string,
		readonly status?: number,
		options?: { cause?: unknown; endpointId?: string },
	) {
		super(message, options);
		this.name = 'SmartComplyApiError';
		this.endpointId = options?.endpointId;
	}

	/** A create call that succeeded at SmartComply but answered unusably: the endpoint it made, to be removed. */
	readonly endpointId?: string;
}

export interface SmartComplyClientOptions {
	baseUrl?: string;
	/**
	 * The API key: sent as `Authorization: Bearer …` unless `transportAuthenticates` (n8n adds it itself), and in
	 * every case masked out of any text taken from the API.
	 */
	apiKey?: string;
	/** The transport adds the credential on its own (n8n's httpRequestWithAuthentication): send no header. */
	transportAuthenticates?: boolean;
	transport?: Transport;
	/** The deadline of each call, the whole exchange included (connect, headers, body). */
	timeoutMs?: number;
	/** The largest answer read; larger ones fail with 'too_large'. */
	maxAnswerBytes?: number;
}

// Anything shaped like a SmartComply key or secret, or sent as a bearer token, is masked out of server messages.
const TOKEN = /\b(sc_(?:live|test)_|whsec_)[A-Za-z0-9_-]+/g;
const BEARER = /\b(Bearer\s+)[^\s"',;)}\]]+/gi;

/** `text` with the given secrets (whatever their shape), bearer tokens and sc_…/whsec_… tokens masked. */
export function redact(text: string, ...secrets: Array<string | undefined>): string {
	let out = text;
	// Longest first, so a secret containing another is masked whole.
	const known = secrets.filter((s): s is string => !!s && s.length >= 4);
	for (const secret of known.sort((a, b) => b.length - a.length)) out = out.split(secret).join('…');
	return out.replace(BEARER, '$1…').replace(TOKEN, '$1…');
}

/** A value from the API quoted for a message: redacted, short, and with no control characters. */
function quote(value: unknown, secrets: Array<string | undefined>): string {
	const text = JSON.stringify(typeof value === 'string' ? value : String(value));
	return redact(text.length > 80 ? `${text.slice(0, 77)}…"` : text, ...secrets);
}

export function normaliseBaseUrl(baseUrl: string | undefined): string {
	const value = (baseUrl ?? '').trim() || SMARTCOMPLY_DEFAULT_BASE_URL;
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		throw new SmartComplyApiError(
			'invalid_base_url',
			'The SmartComply base URL is not a valid URL',
		);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new SmartComplyApiError(
			'invalid_base_url',
			'The SmartComply base URL must start with https://',
		);
	}
	return value.replace(/\/+$/, '');
}

/** The SmartComply webhook-endpoint API: create, list, read, delete, send a test event, rotate the secret. */
export class SmartComplyClient {
	readonly baseUrl: string;
	private readonly apiKey?: string;
	private readonly sendApiKey: boolean;
	private readonly transport: Transport;
	private readonly timeoutMs: number;
	private readonly maxAnswerBytes: number;
	/** Secrets this client has seen (the key, signing secrets it received): masked out of every later message. */
	private readonly secrets: string[] = [];

	constructor(options: SmartComplyClientOptions = {}) {
		this.baseUrl = normaliseBaseUrl(options.baseUrl);
		this.apiKey = options.apiKey?.trim() || undefined;
		this.sendApiKey = !options.transportAuthenticates;
		this.transport = options.transport ?? fetchTransport;
		this.timeoutMs = options.timeoutMs ?? 10_000;
		this.maxAnswerBytes = options.maxAnswerBytes ?? MAX_ANSWER_BYTES;
		if (options.apiKey) this.secrets.push(options.apiKey, this.apiKey ?? '');
	}

	/** `text` with the API key, every signing secret seen and anything token-shaped masked. */
	redact(text: string): string {
		return redact(text, ...this.secrets);
	}

	async createEndpoint(input: {
		url: string;
		events: string[];
		description?: string;
	}): Promise<CreatedSmartComplyEndpoint> {
		const action = 'create the webhook endpoint';
		const body = await this.call('POST', '/webhooks/endpoints', action, input);
		const secret = (body as { signing_secret?: unknown } | undefined)?.signing_secret;
		if (typeof secret === 'string' && secret) this.secrets.push(secret);
		const result = createdSchema.safeParse(body);
		if (result.success) return result.data as CreatedSmartComplyEndpoint;
		// Created at SmartComply (2xx) but unusable here: say what is missing, and name the id so it can be removed.
		const id = (body as { id?: unknown } | undefined)?.id;
		const problem =
			id === undefined
				? 'no endpoint id'
				: !isEndpointId(id)
					? `an endpoint id of an unexpected shape (${quote(id, this.secrets)}; expected whe_ followed by letters, digits, _ or -)`
					: typeof secret !== 'string' || !secret
						? 'no signing_secret'
						: 'an endpoint of an unexpected shape';
		throw new SmartComplyApiError(
			'invalid_response',
			`SmartComply answered the call to ${action} with ${problem}`,
			undefined,
			{ endpointId: isEndpointId(id) ? id : undefined },
		);
	}

	async listEndpoints(): Promise<SmartComplyEndpoint[]> {
		const body = await this.call('GET', '/webhooks/endpoints', 'list webhook endpoints');
		const list = Array.isArray(body)
			? body
			: ((body as { data?: unknown; endpoints?: unknown })?.data ??
				(body as { endpoints?: unknown })?.endpoints);
		return this.shape(z.array(endpointSchema), list, 'list webhook endpoints');
	}

	/** The endpoint, or undefined when SmartComply no longer has it. */
	async getEndpoint(id: string): Promise<SmartComplyEndpoint | undefined> {
		const body = await this.call(
			'GET',
			`/webhooks/endpoints/${this.endpointPath(id)}`,
			'read the webhook endpoint',
			undefined,
			true,
		);
		return body === undefined
			? undefined
			: this.shape(endpointSchema, body, 'read the webhook endpoint');
	}

	/** True when deleted, false when it was already gone. */
	async deleteEndpoint(id: string): Promise<boolean> {
		const body = await this.call(
			'DELETE',
			`/webhooks/endpoints/${this.endpointPath(id)}`,
			'delete the webhook endpoint',
			undefined,
			true,
		);
		return body !== undefined;
	}

	async sendTestEvent(id: string): Promise<void> {
		await this.call(
			'POST',
			`/webhooks/endpoints/${this.endpointPath(id)}/test`,
			'send a test event',
		);
	}

	async rotateSecret(id: string): Promise<string> {
		const body = await this.call(
			'POST',
			`/webhooks/endpoints/${this.endpointPath(id)}/rotate-secret`,
			'rotate the signing secret',
		);
		return this.shape(secretSchema, body, 'rotate the signing secret').signing_secret;
	}

	/** The id as a path segment, refused unless of the documented shape: no id can leave /webhooks/endpoints/{id}. */
	private endpointPath(id: string): string {
		if (!isEndpointId(id))
			throw new SmartComplyApiError(
				'invalid_endpoint_id',
				`The endpoint id ${quote(id, this.secrets)} is not of the shape SmartComply documents (whe_ followed by letters, digits, _ or -); no request was sent for it`,
			);
		return encodeURIComponent(id);
	}

	private async call(
		method: HttpRequest['method'],
		path: string,
		action: string,
		body?: unknown,
		notFoundIsUndefined = false,
	): Promise<unknown> {
		const headers: Record<string, string> = { Accept: 'application/json' };
		if (this.apiKey && this.sendApiKey) headers.Authorization = `Bearer ${this.apiKey}`;
		let response: HttpResponse;
		try {
			response = await this.transport({
				method,
				url: this.baseUrl + path,
				headers,
				body,
				timeoutMs: this.timeoutMs,
				// One deadline for connect, headers and body: a trickling answer cannot keep the call alive.
				signal: AbortSignal.timeout(this.timeoutMs),
				maxBytes: this.maxAnswerBytes,
			});
		} catch (error) {
			if (error instanceof TransportError && error.kind === 'too_large') {
				throw new SmartComplyApiError(
					'too_large',
					`SmartComply's answer when trying to ${action} was larger than ${this.maxAnswerBytes / (1024 * 1024)} MiB; it was not read further`,
					undefined,
					{ cause: error },
				);
			}
			// The transport's error stays as `cause`; only a transport failure (no answer at all) is "could not reach".
			if (error instanceof TransportError && error.kind === 'timeout') {
				throw new SmartComplyApiError(
					'timeout',
					`SmartComply did not answer within ${this.timeoutMs / 1000} s when trying to ${action}`,
					undefined,
					{ cause: error },
				);
			}
			if (error instanceof TransportError) {
				throw new SmartComplyApiError(
					'network',
					`Could not reach SmartComply at ${this.baseUrl} to ${action}: check the base URL and the network`,
					undefined,
					{ cause: error },
				);
			}
			throw error;
		}
		const { status } = response;
		if (status >= 300 && status < 400) throw this.redirected(status, response.location, action);
		if (status >= 200 && status < 300) return response.body ?? {};
		if (status === 404 && notFoundIsUndefined) return undefined;
		throw this.failure(status, response.body, action);
	}

	/** A redirect is never followed: it would carry the API key (and the registration) to wherever it points. */
	private redirected(status: number, location: string | undefined, action: string) {
		let target = '';
		try {
			if (location) target = ` to ${this.redact(new URL(location, this.baseUrl).origin)}`;
		} catch {
			target = '';
		}
		return new SmartComplyApiError(
			'redirected',
			`SmartComply answered the call to ${action} with a redirect (${status})${target}, which is not followed so the API key is sent only to the Base URL; set the Base URL in the SmartComply credential to the address the API really answers at`,
			status,
		);
	}

	private failure(status: number, body: unknown, action: string): SmartComplyApiError {
		const detail = serverMessage(body);
		// Redacted before it is shortened, so no part of a secret cut at the edge survives.
		const said = detail ? `: ${shorten(this.redact(detail))}` : '';
		if (status === 401)
			return new SmartComplyApiError(
				'unauthorized',
				`SmartComply rejected the API key (401) when trying to ${action}. Check the API key in the SmartComply credential`,
				status,
			);
		if (status === 403)
			return new SmartComplyApiError(
				'forbidden',
				`The API key may not ${action} (403)${said}`,
				status,
			);
		if (status === 404)
			return new SmartComplyApiError(
				'not_found',
				`SmartComply could not find what was needed to ${action} (404)${said}`,
				status,
			);
		if (status === 429)
			return new SmartComplyApiError(
				'rate_limited',
				`SmartComply is rate-limiting requests (429); try again shortly`,
				status,
			);
		if (status >= 500)
			return new SmartComplyApiError(
				'server_error',
				`SmartComply failed with ${status} when trying to ${action}; try again later${said}`,
				status,
			);
		return new SmartComplyApiError(
			'rejected',
			`SmartComply refused to ${action} (${status})${said}`,
			status,
		);
	}

	private shape<S extends z.ZodType>(schema: S, body: unknown, action: string): z.output<S> {
		const result = schema.safeParse(body);
		if (!result.success)
			throw new SmartComplyApiError(
				'invalid_response',
				`SmartComply sent an unexpected answer when trying to ${action}`,
			);
		return result.data;
	}
}

function shorten(text: string): string {
	const flat = text.replace(/\s+/g, ' ');
	return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
}

function serverMessage(body: unknown): string | undefined {
	if (typeof body === 'string') return body.trim() || undefined;
	if (body && typeof body === 'object') {
		const b = body as { message?: unknown; error?: unknown };
		const inner =
			typeof b.error === 'object' && b.error !== null
				? (b.error as { message?: unknown }).message
				: b.error;
		const text =
			typeof b.message === 'string' ? b.message : typeof inner === 'string' ? inner : undefined;
		return text?.trim() || undefined;
	}
	return undefined;
}
