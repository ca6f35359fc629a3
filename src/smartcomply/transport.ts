export interface HttpRequest {
	method: 'GET' | 'POST' | 'DELETE';
	url: string;
	headers: Record<string, string>;
	body?: unknown;
	timeoutMs: number;
}

export interface HttpResponse {
	status: number;
	body: unknown;
}

/**
 * How the client talks HTTP. Outside n8n it is `fetchTransport`; inside n8n the node passes one built on
 * `httpRequestWithAuthentication`, so n8n adds the credential and its proxy settings.
 * A transport resolves with any HTTP status and rejects only when no answer came.
 */
export type Transport = (request: HttpRequest) => Promise<HttpResponse>;

export class TransportError extends Error {
	constructor(
		readonly kind: 'timeout' | 'network',
		message: string,
		options?: { cause?: unknown },
	) {
		super(message, options);
		this.name = 'TransportError';
	}
}

/** A transport on the platform's `fetch`, with a timeout that needs no timer of ours. */
export const fetchTransport: Transport = async (request) => {
	let response: Response;
	try {
		response = await fetch(request.url, {
			method: request.method,
			headers:
				request.body === undefined
					? request.headers
					: { 'Content-Type': 'application/json', ...request.headers },
			body: request.body === undefined ? undefined : JSON.stringify(request.body),
			signal: AbortSignal.timeout(request.timeoutMs),
		});
	} catch (error) {
		const name = (error as { name?: string })?.name;
		if (name === 'TimeoutError' || name === 'AbortError')
			throw new TransportError('timeout', 'request timed out', { cause: error });
		throw new TransportError('network', 'could not connect', { cause: error });
	}
	const text = await response.text();
	let body: unknown = text;
	if (text !== '') {
		try {
			body = JSON.parse(text);
		} catch {
			body = text;
		}
	}
	return { status: response.status, body };
};
