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
		// No answer at all (timeout, refused connection) becomes a TransportError, the transport contract the client
		// classifies (retry on timeout, then SmartComplyApiError); the node wraps that in a NodeOperationError before
		// n8n sees it. Thrown after the catch block, as n8n's lint wants only Node*Error thrown from inside one.
		let response: { statusCode: number; body: unknown } | undefined;
		let failure: TransportError | undefined;
		try {
			response = await context.helpers.httpRequestWithAuthentication.call(context, 'smartComplyApi', options);
		} catch (error) {
			const { code, message } = error as { code?: string; message?: string };
			const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(message ?? '');
			failure = new TransportError(timedOut ? 'timeout' : 'network', timedOut ? 'request timed out' : 'could not connect');
		}
		if (failure || !response) throw failure ?? new TransportError('network', 'no response');
		return { status: response.statusCode, body: response.body };
	};
	return new SmartComplyClient({ baseUrl: credential.baseUrl as string, transport });
}
