import type { IHookFunctions, IHttpRequestOptions } from 'n8n-workflow';
import {
	checkDeclaredLength,
	parseAnswer,
	readBounded,
	SmartComplyClient,
	TransportError,
	type HttpRequest,
	type HttpResponse,
	type Transport,
} from '../../src/internal';

interface FullResponse {
	statusCode: number;
	headers?: Record<string, unknown>;
	body: unknown;
}

/** What n8n's helper hands back with `encoding: 'stream'`: the HTTP library's response stream (n8n 1.x and 2.x). */
interface BodyStream extends AsyncIterable<Uint8Array | string> {
	destroy(): void;
}

function isBodyStream(body: unknown): body is BodyStream {
	return (
		typeof body === 'object' &&
		body !== null &&
		Symbol.asyncIterator in body &&
		typeof (body as { destroy?: unknown }).destroy === 'function'
	);
}

/**
 * A SmartComply API client whose requests go through n8n's `httpRequestWithAuthentication`, so n8n adds the API key
 * and applies its proxy settings. What n8n's helper does not bound on its own is bounded here, the same way on n8n 1.x
 * and 2.x (read from n8n-core's convertN8nRequestToAxios): `disableFollowRedirect` (axios maxRedirects 0: a 3xx comes
 * back as an answer and the key goes nowhere else; by default n8n follows and re-sends it), `abortSignal` (n8n's
 * `timeout` is axios' idle-socket timeout, which a byte every few seconds never trips; the signal covers the whole
 * exchange), and `encoding: 'stream'` (n8n reads any size into memory: the stream is read here up to the cap).
 */
export async function smartComplyClient(context: IHookFunctions): Promise<SmartComplyClient> {
	const credential = await context.getCredentials('smartComplyApi');
	const transport: Transport = async (request) => {
		// Its own controller, aborted at the deadline or when an answer is refused: aborting is what closes the
		// connection whatever stream n8n's helper hands back (a stream piped from the response closes only itself).
		const controller = new AbortController();
		const stop = () => controller.abort();
		if (request.signal.aborted) stop();
		else request.signal.addEventListener('abort', stop, { once: true });
		try {
			return await exchange(request, controller.signal, stop);
		} finally {
			request.signal.removeEventListener('abort', stop);
		}
	};
	const exchange = async (
		request: HttpRequest,
		abortSignal: AbortSignal,
		stop: () => void,
	): Promise<HttpResponse> => {
		const options: IHttpRequestOptions = {
			method: request.method,
			url: request.url,
			headers: request.headers,
			body: request.body as IHttpRequestOptions['body'],
			json: true,
			timeout: request.timeoutMs,
			abortSignal,
			disableFollowRedirect: true,
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		};
		// No answer at all (timeout, refused connection) becomes a TransportError: the transport contract the client
		// turns into a SmartComplyApiError. n8n's error is not kept as its cause: it carries the request, Authorization
		// header included, into whatever logs or stores the error. Thrown after the catch block, as n8n's lint wants
		// only Node*Error thrown from inside one.
		let response: FullResponse | undefined;
		let failure: TransportError | undefined;
		try {
			response = (await context.helpers.httpRequestWithAuthentication.call(
				context,
				'smartComplyApi',
				options,
			)) as FullResponse;
		} catch (error) {
			const { timedOut: chainTimedOut, code } = failureOf(error);
			const timedOut = request.signal.aborted || chainTimedOut;
			failure = new TransportError(
				timedOut ? 'timeout' : 'network',
				timedOut ? 'request timed out' : `could not connect${code ? ` (${code})` : ''}`,
			);
		}
		if (failure || !response) throw failure ?? new TransportError('network', 'no response');
		const body = response.body;
		const location = response.headers?.location;
		const answer = {
			status: response.statusCode,
			location: typeof location === 'string' ? location : undefined,
		};
		if (!isBodyStream(body)) {
			// An n8n that ignored `encoding: 'stream'` read the body itself; it is still held to the cap.
			const text = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
			if (text.length > request.maxBytes)
				throw new TransportError('too_large', `answer over ${request.maxBytes} bytes`);
			return {
				...answer,
				body: typeof body === 'string' ? parseAnswer(new TextEncoder().encode(body)) : body,
			};
		}
		const release = () => {
			body.destroy();
			stop();
		};
		checkDeclaredLength(response.headers?.['content-length'], request.maxBytes, release);
		const bytes = await readBounded(body, request, release);
		return { ...answer, body: parseAnswer(bytes) };
	};
	return new SmartComplyClient({
		baseUrl: credential.baseUrl as string,
		// Not sent by the client (n8n adds it): given so that every text taken from the API is redacted of it.
		apiKey: typeof credential.apiKey === 'string' ? credential.apiKey : undefined,
		transportAuthenticates: true,
		transport,
	});
}

const TIMEOUT_CODES = new Set([
	'ECONNABORTED',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'UND_ERR_HEADERS_TIMEOUT',
	'UND_ERR_BODY_TIMEOUT',
]);

/**
 * What n8n's error chain says about a failed request: whether it ran out of time, and the first system error code
 * (ECONNREFUSED, ENOTFOUND…), which is safe to show, unlike its messages. n8n 1.x wraps the HTTP library's error in a
 * NodeApiError whose message reads "The connection was aborted, perhaps the server is offline" and keeps the original
 * (code ECONNABORTED, "timeout of 10000ms exceeded") as `errorResponse`, with `cause` left undefined; 2.x passes it
 * through. So the chain through `cause` and `errorResponse` is looked at, a few links deep.
 */
export function failureOf(error: unknown): { timedOut: boolean; code?: string } {
	let timedOut = false;
	let code: string | undefined;
	let link: unknown = error;
	for (let depth = 0; depth < 5 && link && typeof link === 'object'; depth++) {
		const fields = link as Record<string, unknown>;
		const texts = [fields.message, ...(Array.isArray(fields.messages) ? fields.messages : [])];
		if (
			(typeof fields.code === 'string' && TIMEOUT_CODES.has(fields.code)) ||
			fields.name === 'TimeoutError' ||
			texts.some((t) => typeof t === 'string' && /\btime(?:d)?\s?out\b|timeout of \d+ms/i.test(t))
		)
			timedOut = true;
		if (
			code === undefined &&
			typeof fields.code === 'string' &&
			/^E[A-Z_]{2,30}$/.test(fields.code)
		)
			code = fields.code;
		link = fields.cause ?? fields.errorResponse;
	}
	return code === undefined ? { timedOut } : { timedOut, code };
}
