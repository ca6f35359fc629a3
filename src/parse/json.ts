import { checkShape, type ParseOutcome } from './limits';
import { decodeUtf8 } from './text';

/** Parses a JSON webhook body: must be one JSON object, UTF-8, bounded in depth, without `__proto__` keys. */
export function parseJsonBody(raw: Buffer): ParseOutcome {
	const decoded = decodeUtf8(raw);
	if (!decoded.ok) return decoded;
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
