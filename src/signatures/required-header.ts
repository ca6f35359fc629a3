import { valuesOf } from '../headers';
import type { HeaderBag } from '../types';
import { secretsMatch } from './hmac';
import type { Verification } from './schemes';

/**
 * A header the sender must send with a fixed value, e.g. `Authorization: Bearer …`: what SmartMaintenance's webhook
 * form offers ("Headers (optional)") besides, or instead of, its optional HMAC secret.
 */
export interface RequiredHeader {
	/** The header's name, in any case. */
	name: string;
	/** Its value, compared in constant time; never part of a reason. */
	value: string;
}

/** Header names are HTTP tokens (RFC 9110 §5.1). */
export const HEADER_NAME_PATTERN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Whether the delivery carries the header with the value. Every copy is compared, without an early exit; Node
 * strips the spaces around a header value, so the expected value is trimmed as well.
 */
export function checkRequiredHeader(headers: HeaderBag, required: RequiredHeader): Verification {
	const name = required.name.trim();
	const values = valuesOf(headers, name);
	if (values.length === 0) return { ok: false, reason: `missing ${name} header` };
	const expected = required.value.trim();
	let matched = false;
	for (const value of values) matched = secretsMatch(value.trim(), expected) || matched;
	return matched ? { ok: true } : { ok: false, reason: `${name} header does not match` };
}
