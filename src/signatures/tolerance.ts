import type { Verification } from './verification';

/**
 * Whether a signed timestamp (Unix seconds) is within the tolerance of now, either way; a tolerance of 0 accepts
 * any. Asked only after the signature matched, so the reason tells a stale delivery from a forgery.
 */
export function checkTolerance(
	timestamp: number,
	nowSeconds: number,
	toleranceSeconds: number,
): Verification {
	if (toleranceSeconds <= 0 || Math.abs(nowSeconds - timestamp) <= toleranceSeconds)
		return { ok: true };
	return {
		ok: false,
		reason: `timestamp is ${timestamp < nowSeconds ? 'older' : 'newer'} than the ${toleranceSeconds} s tolerance`,
	};
}
