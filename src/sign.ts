import type { SignOptions } from './signatures/schemes';
import { getProvider } from './providers';
import type { ProviderId } from './types';
import { detectFormat, parseBody } from './parse';

export interface ProviderSignOptions extends SignOptions {
	/** SmartMaintenance's X-SMTM-Delivery; a fresh UUID by default. */
	deliveryId?: string;
	/** Content-Type to send; default from the body (application/json or application/xml). */
	contentType?: string;
}

/**
 * The headers a provider would send with this body: its signature (or key), Content-Type and its other delivery headers.
 * For SmartMaintenance an empty secret means an unsigned delivery, as when no secret is configured there.
 */
export function sign(
	providerId: ProviderId,
	rawBody: Buffer | string,
	secret: string,
	options: ProviderSignOptions = {},
): Record<string, string> {
	const provider = getProvider(providerId);
	const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
	const format = detectFormat({ 'content-type': options.contentType }, body);
	const headers: Record<string, string> = {
		'Content-Type':
			options.contentType ?? (format === 'xml' ? 'application/xml' : 'application/json'),
	};
	if (provider.deliveryHeaders) {
		const parsed = parseBody(body, format);
		const event = parsed.ok ? provider.facts(parsed.value, {}, body).event : undefined;
		Object.assign(headers, provider.deliveryHeaders(event, { deliveryId: options.deliveryId }));
	}
	if (secret !== '' || provider.signature === 'required')
		Object.assign(headers, provider.scheme.sign(body, secret, options));
	return headers;
}
