import { firstValue, valuesOf } from '../headers';
import { newId } from '../ids';
import { encodedDigestMatches, hmacDigest } from './hmac';
import type { HeaderBag } from '../types';
import type { SignatureScheme, Verification } from './schemes';
import { checkTolerance } from './tolerance';

// The Standard Webhooks specification (standardwebhooks.com, spec v1), which Svix and others implement.
export const STANDARD_WEBHOOKS_HEADERS = {
	id: 'webhook-id',
	timestamp: 'webhook-timestamp',
	signature: 'webhook-signature',
} as const;
/**
 * Svix sends the same scheme under `svix-` names unless an account has them white-labelled to `webhook-`; its
 * library reads each `svix-` header first and falls back to the `webhook-` one, and so does this scheme.
 */
export const SVIX_HEADERS = {
	id: 'svix-id',
	timestamp: 'svix-timestamp',
	signature: 'svix-signature',
} as const;
export const STANDARD_WEBHOOKS_SECRET_PREFIX = 'whsec_';
/** The specification's default tolerance, five minutes either way. */
export const STANDARD_WEBHOOKS_TOLERANCE_SECONDS = 300;

/** The most `v1,` entries looked at: several are sent only while a secret is rotated. */
const MAX_V1_SIGNATURES = 16;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Unix seconds without leading zeros: the reference library signs the parsed number, so `017` would sign `17`. */
const UNIX_SECONDS = /^(?:0|[1-9]\d{0,11})$/;

/**
 * The HMAC key of a Standard Webhooks secret: the base64 after `whsec_`. The reference libraries also take the
 * base64 without the prefix (they strip it when present, then decode either way), so that is accepted too;
 * anything that is not base64 of at least one byte is undefined, a setup error rather than a key.
 */
export function standardWebhooksKey(secret: string): Buffer | undefined {
	const encoded = secret.startsWith(STANDARD_WEBHOOKS_SECRET_PREFIX)
		? secret.slice(STANDARD_WEBHOOKS_SECRET_PREFIX.length)
		: secret;
	if (encoded === '' || !BASE64.test(encoded)) return undefined;
	return Buffer.from(encoded, 'base64');
}

type Part = keyof typeof STANDARD_WEBHOOKS_HEADERS;

/** The header a part is read from: Svix's name when the delivery has it, else the specification's. */
function headerFor(headers: HeaderBag, part: Part): string {
	return valuesOf(headers, SVIX_HEADERS[part]).some((v) => v.trim() !== '')
		? SVIX_HEADERS[part]
		: STANDARD_WEBHOOKS_HEADERS[part];
}

/** The delivery's message id (`svix-id`, else `webhook-id`): signed, so a safe copy key. */
export function standardWebhooksId(headers: HeaderBag): string | undefined {
	return firstValue(headers, headerFor(headers, 'id'));
}

/** The `v1,<base64>` signatures of the header's copies; other versions (`v1a,` asymmetric ones) are ignored. */
function v1Signatures(values: readonly string[]): string[] {
	const out: string[] = [];
	for (const value of values) {
		for (const entry of value.split(/\s+/)) {
			const comma = entry.indexOf(',');
			if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
			if (out.length < MAX_V1_SIGNATURES) out.push(entry.slice(comma + 1));
		}
	}
	return out;
}

function digest(key: Buffer, id: string, timestamp: number, body: Buffer): Buffer {
	return hmacDigest('sha256', key, `${id}.${timestamp}.`, body);
}

/**
 * `webhook-signature: v1,<base64>[ v1,<base64>…]` over `{webhook-id}.{webhook-timestamp}.{body}`, HMAC-SHA256 keyed
 * with the decoded secret. The id and timestamp are signed, so the id is a safe copy key.
 */
export function standardWebhooksScheme(): SignatureScheme {
	const { id: idName, timestamp: timestampName, signature: header } = STANDARD_WEBHOOKS_HEADERS;
	return {
		kind: 'standardWebhooks',
		header,
		verify(request, body, { secrets, nowSeconds, toleranceSeconds }): Verification {
			const idHeader = headerFor(request.headers, 'id');
			const timestampHeader = headerFor(request.headers, 'timestamp');
			const signatureHeader = headerFor(request.headers, 'signature');
			const id = firstValue(request.headers, idHeader);
			const rawTimestamp = firstValue(request.headers, timestampHeader);
			const values = valuesOf(request.headers, signatureHeader);
			if (id === undefined) return { ok: false, reason: `missing ${idHeader} header` };
			if (rawTimestamp === undefined)
				return { ok: false, reason: `missing ${timestampHeader} header` };
			if (values.every((v) => v.trim() === ''))
				return { ok: false, reason: `missing ${signatureHeader} header` };
			if (!UNIX_SECONDS.test(rawTimestamp))
				return { ok: false, reason: `malformed ${timestampHeader} header` };
			const timestamp = Number(rawTimestamp);
			const candidates = v1Signatures(values);
			if (candidates.length === 0)
				return { ok: false, reason: `no v1 signature in ${signatureHeader}` };
			let matched = false;
			for (const secret of secrets) {
				const key = standardWebhooksKey(secret);
				if (!key) return { ok: false, reason: 'signing secret is not a whsec_ (base64) secret' };
				const expected = digest(key, id, timestamp, body);
				// No early exit: every candidate is compared so timing does not depend on which one matched.
				for (const candidate of candidates)
					matched = encodedDigestMatches(candidate, expected, 'base64') || matched;
			}
			if (!matched) return { ok: false, reason: 'signature does not match' };
			return checkTolerance(timestamp, nowSeconds, toleranceSeconds);
		},
		sign(body, secret, options = {}) {
			const key = standardWebhooksKey(secret);
			if (!key) throw new Error('signing secret is not a whsec_ (base64) secret');
			const id = options.deliveryId ?? newId('msg_');
			const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
			return {
				[idName]: id,
				[timestampName]: String(timestamp),
				[header]: `v1,${digest(key, id, timestamp, body).toString('base64')}`,
			};
		},
	};
}
