import { appendFileSync } from 'node:fs';
import fc from 'fast-check';
import { it } from 'vitest';

/**
 * Property-based test settings. A normal `vitest run` does a few hundred cases per property;
 * `npm run fuzz` (scripts/fuzz.mjs) sets FUZZ_RUNS=100000 and a time bound per property.
 */
export const FUZZ = process.env.FUZZ_RUNS !== undefined;
export const NUM_RUNS = FUZZ ? Number(process.env.FUZZ_RUNS) : 300;
/** Per-property wall-clock bound in fuzz mode (ms); fast-check stops early, and we report the count reached. */
export const TIME_LIMIT_MS = Number(process.env.FUZZ_TIME_LIMIT_MS ?? 150_000);
/** vitest timeout for one property. */
export const TEST_TIMEOUT_MS = FUZZ ? TIME_LIMIT_MS + 60_000 : 30_000;

export function params(seedOffset = 0) {
	return {
		numRuns: NUM_RUNS,
		...(FUZZ ? { interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false } : {}),
		...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) + seedOffset } : {}),
	};
}

/** Counts the cases a property actually ran, and appends them to FUZZ_REPORT (JSON lines) when set. */
export function counter(name: string) {
	let cases = 0;
	const started = Date.now();
	return {
		tick(): void {
			cases++;
		},
		report(): number {
			const ms = Date.now() - started;
			if (process.env.FUZZ_REPORT)
				appendFileSync(process.env.FUZZ_REPORT, `${JSON.stringify({ name, cases, ms })}\n`);
			return cases;
		},
	};
}

/**
 * One property as a test (skipped unless `runIf`): fc.assert with params(seedOffset) over the property `build` makes
 * with the counter's tick, which every run calls; the count is reported under `name`.
 */
export function fuzzIt(
	title: string,
	name: string,
	seedOffset: number,
	build: (tick: () => void) => fc.IRawProperty<any>,
	runIf = true,
) {
	it.runIf(runIf)(
		title,
		() => {
			const c = counter(name);
			fc.assert(
				build(() => c.tick()),
				params(seedOffset),
			);
			c.report();
		},
		TEST_TIMEOUT_MS,
	);
}
