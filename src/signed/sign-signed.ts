import { newUuid } from '../ids';
import { detectFormat } from '../parse';
import type { SignOptions } from '../signatures/schemes';
import { signedWebhookDefinition } from './definition';
import type { SignedWebhookSettings } from './settings';

export interface SignedSignOptions extends SignOptions {
	/** Sent in the event name's header, when the settings read the event name from a header. */
	event?: string;
	/** Content-Type to send; default from the body (application/json or application/xml). */
	contentType?: string;
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
	const wanted = name.toLowerCase();
	return Object.keys(headers).some((k) => k.toLowerCase() === wanted);
}

/**
 * The headers a sender set up like these settings would send with this body: the signature (and its timestamp
 * and id headers), Content-Type, the copy key's header (the delivery id; a fresh UUID by default) and the event
 * name's header when given. Throws when the settings have a problem or the secret is empty: there is nothing
 * meaningful to sign with.
 */
export function signSigned(
	settings: SignedWebhookSettings,
	rawBody: Buffer | string,
	secret: string,
	options: SignedSignOptions = {},
): Record<string, string> {
	const built = signedWebhookDefinition(settings);
	if (built.problems) throw new Error(`signed webhook is not set up: ${built.problems.join('; ')}`);
	if (secret.trim() === '') throw new Error('signing secret is empty');
	const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
	const format = detectFormat({ 'content-type': options.contentType }, body);
	const headers: Record<string, string> = {
		'Content-Type':
			options.contentType ?? (format === 'xml' ? 'application/xml' : 'application/json'),
		...built.definition.scheme.sign(body, secret.trim(), options),
	};
	const copyKey = settings.copyKey;
	if (copyKey?.from === 'header' && !hasHeader(headers, copyKey.name))
		headers[copyKey.name.trim()] = options.deliveryId ?? newUuid();
	const eventName = settings.eventName;
	if (eventName?.from === 'header' && options.event !== undefined)
		headers[eventName.name.trim()] = options.event;
	return headers;
}
