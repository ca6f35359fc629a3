/** Signatures kept from one header: a sender rotating its secret sends two or three; more is noise. */
const MAX_SIGNATURES = 8;
/** A longer header is refused unread: no sender's list comes near it. */
const MAX_LIST_LENGTH = 4096;

export interface SignatureList {
	/** As sent: each caller decides what a valid timestamp looks like. */
	timestamp: string;
	signatures: string[];
}

/**
 * Parses a `t=<timestamp>,v1=<signature>[,v1=<signature>…]` list (Stripe's form, used by SmartComply and SmartlyQ)
 * with the keys given. Entries with other keys are ignored (as Stripe's library ignores `v0=`); a second timestamp
 * makes the header ambiguous, so it is refused. Total: undefined for anything else, never throws.
 */
export function parseSignatureList(
	value: string,
	timestampKey: string,
	signatureKey: string,
	maxLength = MAX_LIST_LENGTH,
): SignatureList | undefined {
	if (value.length > maxLength) return undefined;
	let timestamp: string | undefined;
	const signatures: string[] = [];
	for (const part of value.split(',')) {
		const eq = part.indexOf('=');
		if (eq < 0) continue;
		const key = part.slice(0, eq).trim();
		const val = part.slice(eq + 1).trim();
		if (key === timestampKey) {
			if (timestamp !== undefined) return undefined;
			timestamp = val;
		} else if (key === signatureKey && signatures.length < MAX_SIGNATURES) signatures.push(val);
	}
	return timestamp === undefined || signatures.length === 0 ? undefined : { timestamp, signatures };
}
