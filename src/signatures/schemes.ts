import { firstValue, valuesOf } from '../headers';
import type { WebhookRequest } from '../types';
import { hexDigestMatches, hmacSha256, secretsMatch } from './hmac';
import { parseSignatureList } from './signature-list';
import { checkTolerance } from './tolerance';
import type { Verification } from './verification';

export type SchemeKind =
	| 'hmacHex'
	| 'hmacPrefixedHex'
	| 'hmacTimestamped'
	| 'staticKey'
	// The user-configured schemes of a signed webhook (src/signed/).
	| 'standardWebhooks'
	| 'bodyHmac'
	| 'templateHmac';

export interface VerifyContext {
	/** Every secret that may have signed the delivery (more than one while a secret is rotated). */
	secrets: readonly string[];
	nowSeconds: number;
	/** Allowed distance between the signed timestamp and now; 0 turns the check off. */
	toleranceSeconds: number;
}

export type { Verification };

export interface SignOptions {
	/** Unix seconds to sign with (timestamped schemes only); defaults to now. */
	timestamp?: number;
	/** The delivery's id, for schemes that sign one (Standard Webhooks' webhook-id); a fresh one by default. */
	deliveryId?: string;
}

export interface SignatureScheme {
	kind: SchemeKind;
	/** The header that carries the signature or key, as the provider spells it. */
	header: string;
	/** The query parameter that may carry the key instead, for senders that cannot set headers (static keys only). */
	queryParameter?: string;
	verify(request: WebhookRequest, body: Buffer, context: VerifyContext): Verification;
	/** The headers the provider would send for this body. */
	sign(body: Buffer, secret: string, options?: SignOptions): Record<string, string>;
}

const mismatch: Verification = { ok: false, reason: 'signature does not match' };

function missing(header: string): Verification {
	return { ok: false, reason: `missing ${header} header` };
}

function malformed(header: string): Verification {
	return { ok: false, reason: `malformed ${header} header` };
}

/** The values, trimmed, without the empty ones. */
function present(values: string[]): string[] {
	return values.map((v) => v.trim()).filter(Boolean);
}

function anyDigestMatches(
	candidates: readonly string[],
	secrets: readonly string[],
	parts: Array<Buffer | string>,
): boolean {
	let matched = false;
	for (const secret of secrets) {
		const expected = hmacSha256(secret, ...parts);
		// No early exit: every candidate is compared so timing does not depend on which one matched.
		for (const candidate of candidates) matched = hexDigestMatches(candidate, expected) || matched;
	}
	return matched;
}

/** `Header: <hex>` where hex = HMAC-SHA256(secret, raw body) (SMP). */
export function hmacHexScheme(header: string): SignatureScheme {
	return {
		kind: 'hmacHex',
		header,
		verify(request, body, { secrets }) {
			const values = present(valuesOf(request.headers, header));
			if (values.length === 0) return missing(header);
			return anyDigestMatches(values, secrets, [body]) ? { ok: true } : mismatch;
		},
		sign(body, secret) {
			return { [header]: hmacSha256(secret, body).toString('hex') };
		},
	};
}

/** `Header: sha256=<hex>` where hex = HMAC-SHA256(secret, raw body) (SmartMaintenance). */
export function hmacPrefixedHexScheme(header: string, prefix = 'sha256='): SignatureScheme {
	const lowerPrefix = prefix.toLowerCase();
	return {
		kind: 'hmacPrefixedHex',
		header,
		verify(request, body, { secrets }) {
			const values = present(valuesOf(request.headers, header));
			if (values.length === 0) return missing(header);
			const digests = values
				.filter((v) => v.slice(0, prefix.length).toLowerCase() === lowerPrefix)
				.map((v) => v.slice(prefix.length).trim());
			if (digests.length === 0) return malformed(header);
			return anyDigestMatches(digests, secrets, [body]) ? { ok: true } : mismatch;
		},
		sign(body, secret) {
			return { [header]: prefix + hmacSha256(secret, body).toString('hex') };
		},
	};
}

export interface TimestampedHeader {
	timestamp: number;
	signatures: string[];
}

/** Parses `t=<unix>,v1=<hex>[,v1=<hex>…]`. Total: returns undefined for anything else, never throws. */
export function parseTimestampedHeader(value: string): TimestampedHeader | undefined {
	// the providers' own headers carry one or two signatures: half the limit of a sender we do not know
	const list = parseSignatureList(value, 't', 'v1', 2048);
	if (!list || !/^\d{1,12}$/.test(list.timestamp)) return undefined;
	return { timestamp: Number(list.timestamp), signatures: list.signatures };
}

/** `Header: t=<unix>,v1=<hex>` where hex = HMAC-SHA256(secret, `${t}.${raw body}`) (SmartComply, SmartlyQ). */
export function hmacTimestampedScheme(header: string): SignatureScheme {
	return {
		kind: 'hmacTimestamped',
		header,
		verify(request, body, { secrets, nowSeconds, toleranceSeconds }) {
			const value = firstValue(request.headers, header);
			if (value === undefined) return missing(header);
			const parsed = parseTimestampedHeader(value);
			if (!parsed) return malformed(header);
			// The signature is checked before the clock, so a stale-but-genuine delivery is told apart from a forgery.
			if (!anyDigestMatches(parsed.signatures, secrets, [`${parsed.timestamp}.`, body]))
				return mismatch;
			return checkTolerance(parsed.timestamp, nowSeconds, toleranceSeconds);
		},
		sign(body, secret, options = {}) {
			const t = options.timestamp ?? Math.floor(Date.now() / 1000);
			return { [header]: `t=${t},v1=${hmacSha256(secret, `${t}.`, body).toString('hex')}` };
		},
	};
}

/** A static verification key in a header, or in a query parameter for integrations that cannot read headers (SmarterMeasure). */
export function staticKeyScheme(header: string, queryParameter: string): SignatureScheme {
	return {
		kind: 'staticKey',
		header,
		queryParameter,
		verify(request, _body, { secrets }) {
			const candidates = present([
				...valuesOf(request.headers, header),
				...valuesOf(request.query, queryParameter),
			]);
			if (candidates.length === 0) {
				return {
					ok: false,
					reason: `missing ${header} header or ${queryParameter} query parameter`,
				};
			}
			let matched = false;
			for (const secret of secrets) {
				for (const candidate of candidates) matched = secretsMatch(candidate, secret) || matched;
			}
			return matched ? { ok: true } : { ok: false, reason: 'verification key does not match' };
		},
		sign(_body, secret) {
			return { [header]: secret };
		},
	};
}
