export interface HttpRequest {
	method: 'GET' | 'POST' | 'DELETE';
	url: string;
	headers: Record<string, string>;
	body?: unknown;
	/** The whole exchange (connect, headers, body) ends by then: `signal` fires at this deadline. */
	timeoutMs: number;
	/** Aborts at the deadline; a transport hands it to its HTTP library and stops reading the body when it fires. */
	signal: AbortSignal;
	/** An answer larger than this is not read: the transport stops and fails with kind 'too_large'. */
	maxBytes: number;
}

export interface HttpResponse {
	status: number;
	body: unknown;
	/** The Location header of a redirect, which the client reports but never follows. */
	location?: string;
}

/**
 * How the client talks HTTP. Outside n8n it is `fetchTransport`; inside n8n the node passes one built on
 * `httpRequestWithAuthentication`, so n8n adds the credential and its proxy settings.
 * A transport resolves with any HTTP status, follows NO redirect (a 3xx is an answer like any other: the API key
 * must never travel to wherever a Location points), and rejects only when no complete answer came in time and size.
 */
export type Transport = (request: HttpRequest) => Promise<HttpResponse>;

export type TransportErrorKind = 'timeout' | 'network' | 'too_large';

export class TransportError extends Error {
	constructor(
		readonly kind: TransportErrorKind,
		message: string,
		options?: { cause?: unknown },
	) {
		super(message, options);
		this.name = 'TransportError';
	}
}

/** The largest management answer read (a list of thousands of endpoints fits; a hostile endless body does not). */
export const MAX_ANSWER_BYTES = 2 * 1024 * 1024;

/**
 * Refuses an answer whose declared Content-Length is already over the cap, before a byte of it is read. `release`
 * closes its connection first: the server goes on writing into a socket nobody reads, and what it wrote sits in the
 * buffers of both ends until the connection closes.
 */
export function checkDeclaredLength(
	contentLength: unknown,
	maxBytes: number,
	release: () => void,
): void {
	const declared = Number(contentLength);
	if (!Number.isFinite(declared) || declared <= maxBytes) return;
	release();
	throw new TransportError('too_large', `answer of ${declared} bytes declared`);
}

/**
 * Reads a body chunk by chunk until it ends, the deadline passes or it grows over `maxBytes`; then `cancel` is called
 * (it must release the connection) and the read fails at once, whether or not the stream ever yields again.
 */
export async function readBounded(
	chunks: AsyncIterable<Uint8Array | string>,
	request: Pick<HttpRequest, 'signal' | 'maxBytes'>,
	cancel: () => void,
): Promise<Uint8Array> {
	const iterator = chunks[Symbol.asyncIterator]();
	const parts: Uint8Array[] = [];
	let size = 0;
	let onAbort: (() => void) | undefined;
	const aborted = new Promise<never>((_, reject) => {
		onAbort = () => reject(new TransportError('timeout', 'answer not complete in time'));
		if (request.signal.aborted) onAbort();
		else request.signal.addEventListener('abort', onAbort, { once: true });
	});
	aborted.catch(() => {}); // observed below; keeps an unraced rejection from being reported as unhandled
	try {
		for (;;) {
			const next = await Promise.race([iterator.next(), aborted]);
			if (next.done) break;
			const chunk =
				typeof next.value === 'string' ? new TextEncoder().encode(next.value) : next.value;
			size += chunk.byteLength;
			if (size > request.maxBytes)
				throw new TransportError('too_large', `answer over ${request.maxBytes} bytes`);
			parts.push(chunk);
		}
	} catch (error) {
		cancel();
		if (error instanceof TransportError) throw error;
		if (request.signal.aborted)
			throw new TransportError('timeout', 'answer not complete in time', { cause: error });
		throw new TransportError('network', 'the connection broke while reading the answer', {
			cause: error,
		});
	} finally {
		if (onAbort) request.signal.removeEventListener('abort', onAbort);
	}
	const out = new Uint8Array(size);
	let at = 0;
	for (const part of parts) {
		out.set(part, at);
		at += part.byteLength;
	}
	return out;
}

/** The answer as JSON when it parses, else as text (an HTML error page, a plain message). */
export function parseAnswer(bytes: Uint8Array): unknown {
	const text = new TextDecoder().decode(bytes);
	if (text === '') return text;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

/** A transport on the platform's `fetch`: no redirect followed, one deadline for the whole exchange, a size cap. */
export const fetchTransport: Transport = async (request) => {
	// Its own controller, aborted at the deadline or by `stop`: the body stream cannot be cancelled while readBounded's
	// iterator holds its lock, and aborting the fetch is what closes the connection.
	const controller = new AbortController();
	const stop = () => controller.abort();
	if (request.signal.aborted) stop();
	else request.signal.addEventListener('abort', stop, { once: true });
	let response: Response;
	try {
		response = await fetch(request.url, {
			method: request.method,
			redirect: 'manual',
			headers:
				request.body === undefined
					? request.headers
					: { 'Content-Type': 'application/json', ...request.headers },
			body: request.body === undefined ? undefined : JSON.stringify(request.body),
			signal: controller.signal,
		});
	} catch (error) {
		request.signal.removeEventListener('abort', stop);
		if (request.signal.aborted)
			throw new TransportError('timeout', 'request timed out', { cause: error });
		throw new TransportError('network', 'could not connect', { cause: error });
	}
	let bytes: Uint8Array;
	try {
		checkDeclaredLength(response.headers.get('content-length'), request.maxBytes, stop);
		bytes = response.body
			? await readBounded(response.body as unknown as AsyncIterable<Uint8Array>, request, stop)
			: new Uint8Array(0);
	} catch (error) {
		stop();
		throw error;
	} finally {
		request.signal.removeEventListener('abort', stop);
	}
	return {
		status: response.status,
		body: parseAnswer(bytes),
		location: response.headers.get('location') ?? undefined,
	};
};
