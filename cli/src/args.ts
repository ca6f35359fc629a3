// The send options both senders (providers and signed webhooks) read the same way.
import { HEADER_NAME_PATTERN } from '../../src/internal';
import { UsageError } from './usage';

/** Where a secret may come from instead of --secret, to keep it out of shell history. */
export const SECRET_ENV = 'SMART_WEBHOOKS_SECRET';

/** The options given, by name: a value, or true for a switch. */
export type Flags = Map<string, string | true>;

export interface ExtraHeader {
	name: string;
	value: string;
}

/** `--url`: where to POST, http or https. */
export function urlArg(flags: Flags): URL {
	const rawUrl = flags.get('url') as string | undefined;
	if (!rawUrl) throw new UsageError('--url is required: the webhook URL to send to');
	let url: URL;
	try {
		url = new URL(rawUrl);
	} catch {
		throw new UsageError(`--url "${rawUrl}" is not a URL`);
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:')
		throw new UsageError('--url must be http:// or https://');
	return url;
}

/** `--times`: how often to send the same delivery, 1 by default. */
export function timesArg(flags: Flags): number {
	const timesFlag = (flags.get('times') as string | undefined) ?? '1';
	if (!/^\d+$/.test(timesFlag) || Number(timesFlag) < 1 || Number(timesFlag) > 100)
		throw new UsageError('--times is a whole number from 1 to 100');
	return Number(timesFlag);
}

/** `--header "Name: value"`: a header name as the SmartMaintenance credential accepts it, a value without line breaks. */
export function headerArg(raw: string | undefined): ExtraHeader | undefined {
	if (raw === undefined) return undefined;
	const colon = raw.indexOf(':');
	const name = colon < 0 ? '' : raw.slice(0, colon).trim();
	const value = colon < 0 ? '' : raw.slice(colon + 1).trim();
	if (!HEADER_NAME_PATTERN.test(name) || value === '' || /[\r\n]/.test(value))
		throw new UsageError('--header is "Name: value", e.g. --header "X-Webhook-Token: abc123"');
	return { name, value };
}
