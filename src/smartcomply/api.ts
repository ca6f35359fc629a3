import * as z from 'zod/v4';

// What the SmartComply webhook-endpoint API sends and how its failures are named; the client (client.ts) calls it.

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

export const createdSchema = endpointSchema.extend({
	id: z.string().regex(ENDPOINT_ID),
	signing_secret: z.string().min(1),
});
export const secretSchema = z.object({ signing_secret: z.string().min(1) }).loose();

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
export function quote(value: unknown, secrets: Array<string | undefined>): string {
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

/** A server's text for a message: one line, at most 200 characters. */
export function shorten(text: string): string {
	const flat = text.replace(/\s+/g, ' ');
	return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
}

/** The message an API error answer carries (`message`, `error` or `error.message`), if any. */
export function serverMessage(body: unknown): string | undefined {
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
