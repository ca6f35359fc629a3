import { firstValue, valuesOf } from '../headers';
import type { HeaderBag } from '../types';
import { hmacDigest } from './hmac';
import { anyEncodedDigestMatches, prefixedValues, type DigestFormat } from './body-hmac';
import type { SignatureScheme, Verification } from './schemes';
import { parseSignatureList, type SignatureList } from './signature-list';
import { checkTolerance } from './tolerance';

export const TEMPLATE_TIMESTAMP = '{timestamp}';
export const TEMPLATE_BODY = '{body}';

/** What is signed, in order: literal text, the timestamp as sent, the raw body. */
type Segment = { text: string } | 'timestamp' | 'body';

/**
 * The signed content of a template such as Stripe's `{timestamp}.{body}` or Slack's `v0:{timestamp}:{body}`, or
 * why it cannot be used: each placeholder exactly once, no other `{…}` (a typo such as `{ts}` would otherwise be
 * signed as literal text and nothing would ever verify).
 */
export function compileTemplate(template: string): Segment[] | { problem: string } {
	const segments: Segment[] = [];
	const seen = new Set<string>();
	for (const piece of template.split(/(\{[^{}]*\})/)) {
		if (piece === '') continue;
		if (piece === TEMPLATE_TIMESTAMP || piece === TEMPLATE_BODY) {
			if (seen.has(piece)) return { problem: `template has ${piece} more than once` };
			seen.add(piece);
			segments.push(piece === TEMPLATE_BODY ? 'body' : 'timestamp');
		} else if (/^\{[^{}]*\}$/.test(piece)) {
			return {
				problem: `template has ${piece}; it may use only ${TEMPLATE_TIMESTAMP} and ${TEMPLATE_BODY}`,
			};
		} else segments.push({ text: piece });
	}
	for (const needed of [TEMPLATE_TIMESTAMP, TEMPLATE_BODY])
		if (!seen.has(needed)) return { problem: `template must contain ${needed}` };
	return segments;
}

export interface TemplateHmacOptions extends DigestFormat {
	/** The header that carries the signature. */
	header: string;
	/** A compiled template (compileTemplate). */
	segments: readonly Segment[];
	/**
	 * Where the timestamp comes from: its own header (Slack's X-Slack-Request-Timestamp, the signature header then
	 * holding `<prefix><digest>`), or, when absent, an entry of the signature header (Stripe's `t=…,v1=…`).
	 */
	timestampHeader?: string;
	/** Signature header as a list: the key of the timestamp entry (Stripe: `t`). */
	timestampKey: string;
	/** Signature header as a list: the key of the signature entries (Stripe: `v1`); other keys are ignored. */
	signatureKey: string;
	/** Timestamp in its own header: the signature's prefix (Slack: `v0=`). */
	prefix: string;
}

/** Unix seconds without leading zeros, so the digits signed are the same whether a library re-prints the number or not. */
const UNIX_SECONDS = /^(?:0|[1-9]\d{0,11})$/;
/** Lists carry several signatures only while a secret is rotated; a few is plenty. */
type Read = SignatureList | { missing: string } | { malformed: string };

/** The timestamp and candidate signatures of a delivery, or which header is missing or malformed. */
function readSigned(headers: HeaderBag, o: TemplateHmacOptions): Read {
	if (o.timestampHeader === undefined) {
		const value = firstValue(headers, o.header);
		if (value === undefined) return { missing: o.header };
		return parseSignatureList(value, o.timestampKey, o.signatureKey) ?? { malformed: o.header };
	}
	const values = valuesOf(headers, o.header);
	if (values.every((v) => v.trim() === '')) return { missing: o.header };
	const stamps = [...new Set(valuesOf(headers, o.timestampHeader).map((v) => v.trim()))];
	if (stamps.length === 0 || stamps[0] === '') return { missing: o.timestampHeader };
	// Copies that disagree leave no one timestamp to check.
	if (stamps.length > 1) return { malformed: o.timestampHeader };
	const signatures = prefixedValues(values, o.prefix);
	if (signatures.length === 0) return { malformed: o.header };
	return { timestamp: stamps[0], signatures };
}

function contentOf(segments: readonly Segment[], timestamp: string, body: Buffer) {
	return segments.map((s) => (s === 'body' ? body : s === 'timestamp' ? timestamp : s.text));
}

/**
 * A signature over a template of a timestamp and the raw body, the timestamp checked against a tolerance:
 * Stripe (`Stripe-Signature: t=…,v1=<hex>` over `{timestamp}.{body}`) and Slack (`X-Slack-Signature: v0=<hex>` over
 * `v0:{timestamp}:{body}`, the timestamp in X-Slack-Request-Timestamp) are two settings of it.
 */
export function templateHmacScheme(o: TemplateHmacOptions): SignatureScheme {
	return {
		kind: 'templateHmac',
		header: o.header,
		verify(request, body, { secrets, nowSeconds, toleranceSeconds }): Verification {
			const read = readSigned(request.headers, o);
			if ('missing' in read) return { ok: false, reason: `missing ${read.missing} header` };
			if ('malformed' in read) return { ok: false, reason: `malformed ${read.malformed} header` };
			if (!UNIX_SECONDS.test(read.timestamp))
				return {
					ok: false,
					reason: `malformed timestamp in ${o.timestampHeader ?? o.header} header`,
				};
			const timestamp = Number(read.timestamp);
			const parts = contentOf(o.segments, read.timestamp, body);
			// The signature is checked before the clock, so a stale-but-genuine delivery is told apart from a forgery.
			if (!anyEncodedDigestMatches(read.signatures, secrets, o, parts))
				return { ok: false, reason: 'signature does not match' };
			return checkTolerance(timestamp, nowSeconds, toleranceSeconds);
		},
		sign(body, secret, options = {}) {
			const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
			const digest = hmacDigest(o.algorithm, secret, ...contentOf(o.segments, timestamp, body));
			const encoded = digest.toString(o.encoding);
			if (o.timestampHeader === undefined)
				return { [o.header]: `${o.timestampKey}=${timestamp},${o.signatureKey}=${encoded}` };
			return { [o.timestampHeader]: timestamp, [o.header]: o.prefix + encoded };
		},
	};
}
