import type { DigestEncoding, HmacAlgorithm } from '../signatures/hmac';

/**
 * The schemes a signed webhook can be checked with:
 * - `standardWebhooks`: the Standard Webhooks specification (Svix and others), headers and content fixed by it;
 * - `bodyHmac`: an HMAC of the raw body in one header (GitHub, Shopify, many more);
 * - `timestampedHmac`: an HMAC of a template of a timestamp and the body (Stripe, Slack).
 */
export type SignedSchemeKind = 'standardWebhooks' | 'bodyHmac' | 'timestampedHmac';

export const SIGNED_SCHEME_KINDS: readonly SignedSchemeKind[] = [
	'standardWebhooks',
	'bodyHmac',
	'timestampedHmac',
];

/**
 * A scheme as the user sets it up: flat, as a form would hold it. Fields a kind does not use are ignored; every
 * field a kind needs is checked (signedSetupProblems), and a scheme with a problem verifies nothing.
 */
export interface SignedSchemeSettings {
	kind: SignedSchemeKind;
	/** bodyHmac, timestampedHmac: the header that carries the signature, e.g. `X-Hub-Signature-256`. */
	header?: string;
	/** bodyHmac, timestampedHmac: default sha256. */
	algorithm?: HmacAlgorithm;
	/** bodyHmac, timestampedHmac: how the digest is written; default hex. */
	encoding?: DigestEncoding;
	/**
	 * bodyHmac, and timestampedHmac with a timestamp header: text before the digest, e.g. `sha256=` (GitHub) or `v0=`
	 * (Slack); default none.
	 */
	prefix?: string;
	/** timestampedHmac: the signed content, from `{timestamp}` and `{body}`, e.g. `{timestamp}.{body}` (Stripe). */
	template?: string;
	/**
	 * timestampedHmac: the header the timestamp comes in (Slack: `X-Slack-Request-Timestamp`). Absent: the signature
	 * header is a list, `t=<timestamp>,v1=<digest>` (Stripe).
	 */
	timestampHeader?: string;
	/** timestampedHmac, list form: the key of the timestamp entry; default `t`. */
	timestampKey?: string;
	/** timestampedHmac, list form: the key of the signature entries; default `v1` (others, e.g. `v0`, are ignored). */
	signatureKey?: string;
	/** standardWebhooks, timestampedHmac: allowed distance from now, in seconds; default 300; 0 turns it off. */
	toleranceSeconds?: number;
}

/** Where a delivery's id (its copy key) or its event name is read from. */
export type FieldSource = { from: 'header'; name: string } | { from: 'jsonPath'; path: string };

export interface SignedWebhookSettings {
	scheme: SignedSchemeSettings;
	/**
	 * The delivery's id, so a retry is recognised as a copy. The body's hash is always a copy key as well; `bodyHash`
	 * makes it the only one. Default: the signed message id for Standard Webhooks (`webhook-id`, or Svix's `svix-id`),
	 * else the body's hash.
	 */
	copyKey?: FieldSource | { from: 'bodyHash' };
	/** Where the event name is, for the events filter; absent: deliveries have no event name (filter with none). */
	eventName?: FieldSource;
}

export const DEFAULT_TOLERANCE_SECONDS = 300;
export const DEFAULT_TIMESTAMP_KEY = 't';
export const DEFAULT_SIGNATURE_KEY = 'v1';
