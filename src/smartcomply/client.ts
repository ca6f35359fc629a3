import * as z from 'zod/v4';
import {
	fetchTransport,
	MAX_ANSWER_BYTES,
	TransportError,
	type HttpRequest,
	type HttpResponse,
	type Transport,
} from './transport';
import {
	createdSchema,
	endpointSchema,
	isEndpointId,
	normaliseBaseUrl,
	quote,
	redact,
	secretSchema,
	serverMessage,
	shorten,
	SmartComplyApiError,
	type CreatedSmartComplyEndpoint,
	type SmartComplyEndpoint,
} from './api';

export {
	ENDPOINT_ID,
	isEndpointId,
	normaliseBaseUrl,
	redact,
	SMARTCOMPLY_DEFAULT_BASE_URL,
	SmartComplyApiError,
	type CreatedSmartComplyEndpoint,
	type SmartComplyEndpoint,
	type SmartComplyErrorCode,
} from './api';

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
