/** Deeper documents are refused: real provider payloads are a few levels deep, and n8n copies items recursively. */
export const MAX_DEPTH = 64;

/** n8n's own default body cap; anything larger never reaches a trigger in a default install anyway. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Keys that could change an object's prototype if a later node merges the item naively. */
export const FORBIDDEN_KEY = '__proto__';

export type ParseOutcome =
	{ ok: true; value: Record<string, unknown> } | { ok: false; reason: string };

/**
 * One iterative pass over a parsed value: refuses nesting deeper than MAX_DEPTH and own `__proto__` keys.
 * Iterative so a hostile document cannot exhaust the call stack here.
 */
export function checkShape(root: unknown): string | undefined {
	const stack: Array<[unknown, number]> = [[root, 1]];
	while (stack.length > 0) {
		const [value, depth] = stack.pop()!;
		if (depth > MAX_DEPTH) return `nesting deeper than ${MAX_DEPTH} levels`;
		if (Array.isArray(value)) {
			for (const child of value)
				if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
		} else if (value !== null && typeof value === 'object') {
			if (Object.prototype.hasOwnProperty.call(value, FORBIDDEN_KEY))
				return `forbidden key "${FORBIDDEN_KEY}"`;
			for (const key in value) {
				const child = (value as Record<string, unknown>)[key];
				if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
			}
		}
	}
	return undefined;
}
