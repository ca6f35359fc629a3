import { checkShape, MAX_DEPTH, type ParseOutcome } from './limits';
import { decodeUtf8 } from './text';

/** Parses a JSON webhook body: must be one JSON object, UTF-8, bounded in depth, without `__proto__` keys. */
export function parseJsonBody(raw: Buffer): ParseOutcome {
	const decoded = decodeUtf8(raw);
	if (!decoded.ok) return decoded;
	if (raw.length >= DEPTH_SCAN_FROM_BYTES && nestsTooDeep(raw))
		return { ok: false, reason: `JSON body refused: nesting deeper than ${MAX_DEPTH} levels` };
	let value: unknown;
	try {
		value = JSON.parse(decoded.text);
	} catch {
		return { ok: false, reason: raw.length === 0 ? 'body is empty' : 'body is not valid JSON' };
	}
	if (value === null || typeof value !== 'object' || Array.isArray(value)) {
		return { ok: false, reason: 'JSON body is not an object' };
	}
	const problem = checkShape(value);
	if (problem) return { ok: false, reason: `JSON body refused: ${problem}` };
	return { ok: true, value: value as Record<string, unknown> };
}

/** Bodies at least this large are scanned for nesting depth before JSON.parse (see nestsTooDeep). */
const DEPTH_SCAN_FROM_BYTES = 1024 * 1024;

/**
 * True if brackets outside strings nest deeper than MAX_DEPTH (the root is level 1, as in checkShape).
 * JSON.parse spends ~0.2 µs per level of nesting: a 16 MiB `[[[[…` took ~4 s before checkShape could refuse it,
 * and SmartMaintenance deliveries may be unsigned (test/corpus). Below 1 MiB the worst case is ~0.2 s and the
 * scan is skipped, so ordinary deliveries pay nothing; above it the scan costs ~1 ms per MiB.
 */
function nestsTooDeep(bytes: Buffer): boolean {
	let depth = 0;
	let inString = false;
	for (let i = 0; i < bytes.length; i++) {
		const b = bytes[i];
		if (inString) {
			if (b === 0x5c)
				i++; // backslash: skip the escaped byte
			else if (b === 0x22) inString = false;
		} else if (b === 0x22) inString = true;
		else if (b === 0x5b || b === 0x7b) {
			if (++depth > MAX_DEPTH) return true;
		} else if (b === 0x5d || b === 0x7d) depth--;
	}
	return false;
}
