import type { HeaderBag } from './types';

/** Never trust more than this many copies of one header (duplicated headers arrive as arrays). */
const MAX_HEADER_COPIES = 8;

function lookup(bag: Record<string, unknown> | undefined, name: string): unknown {
	if (!bag) return undefined;
	if (Object.prototype.hasOwnProperty.call(bag, name)) return bag[name];
	const wanted = name.toLowerCase();
	for (const key of Object.keys(bag)) {
		if (key.toLowerCase() === wanted) return bag[key];
	}
	return undefined;
}

function asStrings(value: unknown): string[] {
	if (typeof value === 'string') return [value];
	if (Array.isArray(value)) {
		return value.filter((v): v is string => typeof v === 'string').slice(0, MAX_HEADER_COPIES);
	}
	return [];
}

/** Every value of a header (or query parameter), whatever the case of its name. */
export function valuesOf(
	bag: HeaderBag | Record<string, unknown> | undefined,
	name: string,
): string[] {
	return asStrings(lookup(bag as Record<string, unknown>, name));
}

/** The first value of a header, trimmed, or undefined when absent or empty. */
export function firstValue(
	bag: HeaderBag | Record<string, unknown> | undefined,
	name: string,
): string | undefined {
	const value = valuesOf(bag, name)[0]?.trim();
	return value ? value : undefined;
}
