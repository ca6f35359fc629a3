/**
 * Identifiers of the providers this package understands. Written out rather than taken from `providers`
 * (src/providers/index.ts), whose modules import this file; that table is checked against this list: a provider
 * missing from either is a type error there.
 */
export type ProviderId = 'smp' | 'smartComply' | 'smartlyQ' | 'smartMaintenance' | 'smarterMeasure';

export type HeaderValue = string | string[] | undefined;
export type HeaderBag = Record<string, HeaderValue>;

/** A webhook request as it arrived: header names in any case, the body as raw bytes. */
export interface WebhookRequest {
	headers: HeaderBag;
	query?: Record<string, HeaderValue | unknown>;
	rawBody: Buffer | Uint8Array | string;
}

export type BodyFormat = 'json' | 'xml';

export interface SchemaIssue {
	path: string;
	message: string;
}

export type ReceiveStatus = 200 | 400 | 401;

/**
 * What proved a delivery genuine: its HMAC `signature`, SmarterMeasure's static `key`, a required `header`
 * (`ReceiveOptions.requiredHeader`, SmartMaintenance's custom header), or both; `false` when nothing was checked (a
 * provider that allows unsigned deliveries, configured without a secret or header). Truthy exactly when the boolean
 * of earlier builds was true.
 */
export type Verified = false | 'signature' | 'key' | 'header' | 'signature+header' | 'key+header';

export interface ReceiveResult {
	status: ReceiveStatus;
	/** Short, secret-free explanation for every answer except a plain acceptance. */
	reason?: string;
	event?: string;
	deliveryId?: string;
	/**
	 * The keys a duplicate is recognised by: the delivery id where the signature covers it (read from the body, or
	 * a signed header); the id and the body's SHA-256 (`sha256:<hex>`) where it comes from a header the signature does
	 * not cover; the body's hash alone when the provider sends no id. Present on every accepted delivery that passed
	 * the filter.
	 */
	dedupeKeys?: string[];
	duplicate?: boolean;
	/** The event was accepted but not selected in the node's event filter. */
	filtered?: boolean;
	/** What was checked and held (false only where the provider allows unsigned deliveries); see `Verified`. */
	verified?: Verified;
	/** The provider marked this delivery as a test. */
	test?: boolean;
	format?: BodyFormat;
	/** Problems found by the provider's schema; the payload is still delivered. */
	schemaIssues?: SchemaIssue[];
	/** The parsed payload once when accepted; empty when rejected, filtered out or duplicate. */
	items: Array<Record<string, unknown>>;
}
