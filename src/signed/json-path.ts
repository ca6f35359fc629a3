/**
 * A path into a parsed body, written `data.object.id` (an optional leading `$.` is allowed, as people copy paths
 * from JSONPath tools); array items by index, `items.0.id`. Returns the segments, or undefined when the path has
 * an empty segment or a `__proto__` one (parsed bodies never have that key, so such a path could never match).
 */
export function parseJsonPath(path: string): string[] | undefined {
	const trimmed = path.trim().replace(/^\$\./, '');
	if (trimmed === '') return undefined;
	const segments = trimmed.split('.');
	return segments.every((s) => s.trim() === s && s !== '' && s !== '__proto__')
		? segments
		: undefined;
}

/**
 * The string (or finite number, as text) at the path, or undefined. Own properties only, so a path such as
 * `constructor.name` never reads from Object.prototype.
 */
export function readJsonPath(value: unknown, segments: readonly string[]): string | undefined {
	let at: unknown = value;
	for (const segment of segments) {
		if (at === null || typeof at !== 'object') return undefined;
		if (!Object.prototype.hasOwnProperty.call(at, segment)) return undefined;
		at = (at as Record<string, unknown>)[segment];
	}
	if (typeof at === 'string' && at.trim() !== '') return at.trim();
	if (typeof at === 'number' && Number.isFinite(at)) return String(at);
	return undefined;
}
