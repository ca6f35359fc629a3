import { valuesOf } from '../headers';
import { encodedDigestMatches, hmacDigest, type DigestEncoding, type HmacAlgorithm } from './hmac';
import type { SignatureScheme } from './schemes';

export interface DigestFormat {
	algorithm: HmacAlgorithm;
	encoding: DigestEncoding;
}

/** The most copies of a signature header looked at (a header may be repeated; each copy is a candidate). */
const MAX_CANDIDATES = 8;

/**
 * Whether any candidate is the digest of the parts under any secret. Every pair is compared, without an early exit,
 * so timing does not depend on which secret or copy matched.
 */
export function anyEncodedDigestMatches(
	candidates: readonly string[],
	secrets: readonly string[],
	format: DigestFormat,
	parts: Array<Buffer | string>,
): boolean {
	let matched = false;
	for (const secret of secrets) {
		const expected = hmacDigest(format.algorithm, secret, ...parts);
		for (const candidate of candidates)
			matched = encodedDigestMatches(candidate, expected, format.encoding) || matched;
	}
	return matched;
}

/**
 * The values of the header that start with the prefix (compared without regard to case, as `sha256=` and `SHA256=`
 * name the same thing), the prefix removed; without a prefix, every non-empty value.
 */
export function prefixedValues(values: readonly string[], prefix: string): string[] {
	const lower = prefix.toLowerCase();
	return values
		.map((v) => v.trim())
		.filter((v) => v !== '' && v.slice(0, prefix.length).toLowerCase() === lower)
		.map((v) => v.slice(prefix.length).trim())
		.slice(0, MAX_CANDIDATES);
}

/**
 * `Header: <prefix><digest>` where digest = HMAC(secret, raw body), e.g. GitHub's `X-Hub-Signature-256: sha256=<hex>`
 * or Shopify's `X-Shopify-Hmac-Sha256: <base64>`. The secret's UTF-8 bytes are the key, as those senders use it.
 */
export function bodyHmacScheme(header: string, format: DigestFormat, prefix = ''): SignatureScheme {
	return {
		kind: 'bodyHmac',
		header,
		verify(request, body, { secrets }) {
			const values = valuesOf(request.headers, header);
			if (values.every((v) => v.trim() === ''))
				return { ok: false, reason: `missing ${header} header` };
			const digests = prefixedValues(values, prefix);
			if (digests.length === 0) return { ok: false, reason: `malformed ${header} header` };
			return anyEncodedDigestMatches(digests, secrets, format, [body])
				? { ok: true }
				: { ok: false, reason: 'signature does not match' };
		},
		sign(body, secret) {
			return {
				[header]: prefix + hmacDigest(format.algorithm, secret, body).toString(format.encoding),
			};
		},
	};
}
