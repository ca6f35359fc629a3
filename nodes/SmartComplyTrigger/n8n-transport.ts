import type { IHookFunctions, IHttpRequestOptions } from 'n8n-workflow';
import { SmartComplyClient, TransportError, type Transport } from '../../src';

/**
 * A SmartComply API client whose requests go through n8n's `httpRequestWithAuthentication`,
 * so n8n adds the API key (never seen by our code paths that build messages) and applies its proxy settings.
 */
export async function smartComplyClient(context: IHookFunctions): Promise<SmartComplyClient> {
	const credential = await context.getCredentials('smartComplyApi');
	const transport: Transport = async (request) => {
		const options: IHttpRequestOptions = {
			method: request.method,
			url: request.url,
			headers: request.headers,
			body: request.body as IHttpRequestOptions['body'],
			json: true,
			timeout: request.timeoutMs,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		};
		// No answer at all (timeout, refused connection) becomes a TransportError carrying the original as `cause`: the
		// transport contract the client turns into a SmartComplyApiError, which the node wraps in a NodeOperationError
		// before n8n sees it. Thrown after the catch block, as n8n's lint wants only Node*Error thrown from inside one.
		let response: { statusCode: number; body: unknown } | undefined;
		let failure: TransportError | undefined;
		try {
			response = await context.helpers.httpRequestWithAuthentication.call(
				context,
				'smartComplyApi',
				options,
			);
		} catch (error) {
			const timedOut = isTimeout(error);
			failure = new TransportError(
				timedOut ? 'timeout' : 'network',
				timedOut ? 'request timed out' : 'could not connect',
				{ cause: error },
			);
		}
		if (failure || !response) throw failure ?? new TransportError('network', 'no response');
		return { status: response.statusCode, body: response.body };
	};
	return new SmartComplyClient({ baseUrl: credential.baseUrl as string, transport });
}

const TIMEOUT_CODES = new Set([
	'ECONNABORTED',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'UND_ERR_HEADERS_TIMEOUT',
	'UND_ERR_BODY_TIMEOUT',
]);

/**
 * Whether a failed request ran out of time. n8n 1.x wraps the HTTP library's error in a NodeApiError whose message
 * reads "The connection was aborted, perhaps the server is offline" and keeps the original (code ECONNABORTED,
 * "timeout of 10000ms exceeded") as `errorResponse`, with `cause` left undefined; 2.x passes it through. So the chain
 * through `cause` and `errorResponse` is looked at, a few links deep.
 */
export function isTimeout(error: unknown): boolean {
	let link: unknown = error;
	for (let depth = 0; depth < 5 && link && typeof link === 'object'; depth++) {
		const { code, name, message, messages, cause, errorResponse } = link as Record<string, unknown>;
		if (typeof code === 'string' && TIMEOUT_CODES.has(code)) return true;
		if (name === 'TimeoutError') return true;
		const texts = [message, ...(Array.isArray(messages) ? messages : [])];
		if (
			texts.some((t) => typeof t === 'string' && /\btime(?:d)?\s?out\b|timeout of \d+ms/i.test(t))
		)
			return true;
		link = cause ?? errorResponse;
	}
	return false;
}
