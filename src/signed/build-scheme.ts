import { HEADER_NAME_PATTERN } from '../signatures/required-header';
import { HMAC_ALGORITHMS, isHmacAlgorithm, type HmacAlgorithm } from '../signatures/hmac';
import type { SignatureScheme } from '../signatures/schemes';
import { bodyHmacScheme } from '../signatures/body-hmac';
import { standardWebhooksScheme } from '../signatures/standard-webhooks';
import { compileTemplate, templateHmacScheme } from '../signatures/template-hmac';
import {
	DEFAULT_SIGNATURE_KEY,
	DEFAULT_TIMESTAMP_KEY,
	DEFAULT_TOLERANCE_SECONDS,
	SIGNED_SCHEME_KINDS,
	type SignedSchemeSettings,
} from './settings';

export type BuiltScheme =
	| { scheme: SignatureScheme; toleranceSeconds?: number; problems?: undefined }
	| { problems: string[] };

/** A header name given as text, or why it cannot be one. */
function headerName(value: unknown, what: string, problems: string[]): string {
	const name = typeof value === 'string' ? value.trim() : '';
	if (name === '') problems.push(`${what} is not set`);
	else if (!HEADER_NAME_PATTERN.test(name)) problems.push(`${what} "${name}" is not a header name`);
	return name;
}

/** An optional header name: undefined when empty. */
function optionalHeaderName(value: unknown, what: string, problems: string[]): string | undefined {
	if (value === undefined || (typeof value === 'string' && value.trim() === '')) return undefined;
	return headerName(value, what, problems);
}

/** A list key (`t`, `v1`): text without the list's own separators. */
function listKey(value: unknown, fallback: string, what: string, problems: string[]): string {
	if (value === undefined || value === '') return fallback;
	if (typeof value !== 'string' || !/^[^\s,=]+$/.test(value))
		problems.push(`${what} must be a word without spaces, "," or "="`);
	return String(value);
}

function tolerance(value: unknown, problems: string[]): number {
	if (value === undefined) return DEFAULT_TOLERANCE_SECONDS;
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
		problems.push('tolerance must be a whole number of seconds, 0 or more');
	return Number(value);
}

/** A digest's prefix: printable text without line breaks (it is compared with a header's start). */
function prefixOf(value: unknown, problems: string[]): string {
	if (value === undefined) return '';
	if (typeof value !== 'string' || /[\r\n]/.test(value)) {
		problems.push('prefix must be text on one line');
		return '';
	}
	return value.trim();
}

function digestFormat(settings: SignedSchemeSettings, problems: string[]) {
	const algorithm = settings.algorithm ?? 'sha256';
	const encoding = settings.encoding ?? 'hex';
	if (!isHmacAlgorithm(algorithm))
		problems.push(`algorithm must be one of ${Object.keys(HMAC_ALGORITHMS).join(', ')}`);
	if (encoding !== 'hex' && encoding !== 'base64') problems.push('encoding must be hex or base64');
	return { algorithm: algorithm as HmacAlgorithm, encoding };
}

/**
 * The verifier for the user's scheme settings, or every problem that keeps it from being one. A scheme with a
 * problem is never built: a half set-up scheme must refuse deliveries, not let unsigned ones through.
 */
export function buildSignedScheme(settings: SignedSchemeSettings | undefined): BuiltScheme {
	const problems: string[] = [];
	const kind = settings?.kind;
	if (!settings || !SIGNED_SCHEME_KINDS.includes(kind as never))
		return { problems: [`scheme must be one of ${SIGNED_SCHEME_KINDS.join(', ')}`] };
	if (kind === 'standardWebhooks') {
		const toleranceSeconds = tolerance(settings.toleranceSeconds, problems);
		return problems.length ? { problems } : { scheme: standardWebhooksScheme(), toleranceSeconds };
	}
	const header = headerName(settings.header, 'signature header', problems);
	const format = digestFormat(settings, problems);
	if (kind === 'bodyHmac') {
		const prefix = prefixOf(settings.prefix, problems);
		return problems.length ? { problems } : { scheme: bodyHmacScheme(header, format, prefix) };
	}
	const toleranceSeconds = tolerance(settings.toleranceSeconds, problems);
	const compiled =
		typeof settings.template === 'string' && settings.template !== ''
			? compileTemplate(settings.template)
			: { problem: 'template is not set (e.g. {timestamp}.{body})' };
	if ('problem' in compiled) problems.push(compiled.problem);
	const timestampHeader = optionalHeaderName(
		settings.timestampHeader,
		'timestamp header',
		problems,
	);
	const timestampKey = listKey(
		settings.timestampKey,
		DEFAULT_TIMESTAMP_KEY,
		'timestamp key',
		problems,
	);
	const signatureKey = listKey(
		settings.signatureKey,
		DEFAULT_SIGNATURE_KEY,
		'signature key',
		problems,
	);
	if (timestampHeader === undefined && timestampKey === signatureKey)
		problems.push('timestamp key and signature key must differ');
	if (timestampHeader !== undefined && timestampHeader.toLowerCase() === header.toLowerCase())
		problems.push('timestamp header and signature header must differ');
	const prefix = prefixOf(settings.prefix, problems);
	if (problems.length || 'problem' in compiled) return { problems };
	return {
		scheme: templateHmacScheme({
			header,
			...format,
			segments: compiled,
			timestampHeader,
			timestampKey,
			signatureKey,
			prefix,
		}),
		toleranceSeconds,
	};
}
