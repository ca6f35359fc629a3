import { z } from 'zod';
import { fetchTransport, TransportError, type HttpRequest, type Transport } from './transport';

export const SMARTCOMPLY_DEFAULT_BASE_URL = 'https://app.smartcomply.app/api/v1';

export const endpointSchema = z
	.object({
		id: z.string().min(1),
		url: z.string(),
		events: z.array(z.string()).default([]),
		description: z.string().nullish(),
		status: z.string().optional(),
		created_at: z.string().optional(),
	})
	.passthrough();

export type SmartComplyEndpoint = z.infer<typeof endpointSchema>;
export type CreatedSmartComplyEndpoint = SmartComplyEndpoint & { signing_secret: string };

const createdSchema = endpointSchema.extend({ signing_secret: z.string().min(1) });
const secretSchema = z.object({ signing_secret: z.string().min(1) }).passthrough();

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
	| 'invalid_base_url';

/** An API failure explained in plain words; never contains the API key or a signing secret. */
export class SmartComplyApiError extends Error {
	constructor(
		readonly code: SmartComplyErrorCode,
		message: string,
		readonly status?: number,
		options?: { cause?: unknown },
	) {
		super(message, options);
		this.name = 'SmartComplyApiError';
	}
}

export interface SmartComplyClientOptions {
	baseUrl?: string;
	/** Sent as `Authorization: Bearer …` unless the transport authenticates on its own (n8n does). */
	apiKey?: string;
	transport?: Transport;
	timeoutMs?: number;
}

// Anything shaped like a SmartComply key or secret is masked out of server messages before they are shown.
const TOKEN = /\b(sc_(?:live|test)_|whsec_)[A-Za-z0-9_-]+/g;

export function redact(text: string, ...secrets: Array<string | undefined>): string {
	let out = text.replace(TOKEN, '$1…');
	for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join('…');
	return out;
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
	private readonly transport: Transport;
	private readonly timeoutMs: number;

	constructor(options: SmartComplyClientOptions = {}) {
		this.baseUrl = normaliseBaseUrl(options.baseUrl);
		this.apiKey = options.apiKey?.trim() || undefined;
		this.transport = options.transport ?? fetchTransport;
		this.timeoutMs = options.timeoutMs ?? 10_000;
	}

	async createEndpoint(input: {
		url: string;
		events: string[];
		description?: string;
	}): Promise<CreatedSmartComplyEndpoint> {
		const body = await this.call(
			'POST',
			'/webhooks/endpoints',
			'create the webhook endpoint',
			input,
		);
		return this.shape(
			createdSchema,
			body,
			'create the webhook endpoint',
		) as CreatedSmartComplyEndpoint;
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
			`/webhooks/endpoints/${encodeURIComponent(id)}`,
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
			`/webhooks/endpoints/${encodeURIComponent(id)}`,
			'delete the webhook endpoint',
			undefined,
			true,
		);
		return body !== undefined;
	}

	async sendTestEvent(id: string): Promise<void> {
		await this.call(
			'POST',
			`/webhooks/endpoints/${encodeURIComponent(id)}/test`,
			'send a test event',
		);
	}

	async rotateSecret(id: string): Promise<string> {
		const body = await this.call(
			'POST',
			`/webhooks/endpoints/${encodeURIComponent(id)}/rotate-secret`,
			'rotate the signing secret',
		);
		return this.shape(secretSchema, body, 'rotate the signing secret').signing_secret;
	}

	private async call(
		method: HttpRequest['method'],
		path: string,
		action: string,
		body?: unknown,
		notFoundIsUndefined = false,
	): Promise<unknown> {
		const headers: Record<string, string> = { Accept: 'application/json' };
		if (this.apiKey) headers.Authorization = `Bearer ${this.apiKey}`;
		let response;
		try {
			response = await this.transport({
				method,
				url: this.baseUrl + path,
				headers,
				body,
				timeoutMs: this.timeoutMs,
			});
		} catch (error) {
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
		if (status >= 200 && status < 300) return response.body ?? {};
		if (status === 404 && notFoundIsUndefined) return undefined;
		throw this.failure(status, response.body, action);
	}

	private failure(status: number, body: unknown, action: string): SmartComplyApiError {
		const detail = serverMessage(body);
		const said = detail ? `: ${redact(detail, this.apiKey)}` : '';
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

	private shape<S extends z.ZodTypeAny>(schema: S, body: unknown, action: string): z.output<S> {
		const result = schema.safeParse(body);
		if (!result.success)
			throw new SmartComplyApiError(
				'invalid_response',
				`SmartComply sent an unexpected answer when trying to ${action}`,
			);
		return result.data;
	}
}

function serverMessage(body: unknown): string | undefined {
	if (typeof body === 'string') return body.trim().slice(0, 200) || undefined;
	if (body && typeof body === 'object') {
		const b = body as { message?: unknown; error?: unknown };
		const inner =
			typeof b.error === 'object' && b.error !== null
				? (b.error as { message?: unknown }).message
				: b.error;
		const text =
			typeof b.message === 'string' ? b.message : typeof inner === 'string' ? inner : undefined;
		return text?.trim().slice(0, 200) || undefined;
	}
	return undefined;
}
