// What every command shares: the I/O it is given, usage errors and "did you mean".
/** A mistake on the command line: printed with a pointer to --help, exit 2. */
export class UsageError extends Error {}

export interface CliIo {
	out(line: string): void;
	err(line: string): void;
	env: Record<string, string | undefined>;
	fetch: typeof fetch;
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
	const row = Array.from({ length: b.length + 1 }, (_, i) => i);
	for (let i = 1; i <= a.length; i++) {
		let previous = row[0];
		row[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const current = row[j];
			row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
			previous = current;
		}
	}
	return row[b.length];
}

/** The candidate nearest to what was typed, if it is near enough to be a typo. */
export function closest(input: string, candidates: readonly string[]): string | undefined {
	const lower = input.toLowerCase();
	let best: { name: string; d: number } | undefined;
	for (const name of candidates) {
		const d = distance(lower, name.toLowerCase());
		if (!best || d < best.d) best = { name, d };
	}
	return best && best.d <= Math.max(2, Math.floor(input.length / 3)) ? best.name : undefined;
}
