/**
 * What the benches share: the interleaved micro-benchmark of `npm run bench` (every contender is timed in batches,
 * the batches alternate in a rotating order within each round, and the figure is the median of the per-round time
 * ratios, so clock drift, thermal throttling and GC pressure hit both sides alike), medians, and where `--write`
 * keeps figures.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Where `--write` keeps the last run's figures, machine-readable (generated, so not tracked: .gitignore); bench/RESULTS.md
 *  keeps the tables people read. */
export const RESULTS_JSON = path.join(__dirname, 'out', 'results.json');
const RESULTS_MD = path.join(__dirname, 'RESULTS.md');

/** What bench/out/results.json holds ({} when there is none). */
export function readResultsJson(): Record<string, any> {
	try {
		return JSON.parse(readFileSync(RESULTS_JSON, 'utf8'));
	} catch {
		return {};
	}
}

export function writeResultsJson(doc: unknown): void {
	mkdirSync(path.dirname(RESULTS_JSON), { recursive: true });
	writeFileSync(RESULTS_JSON, `${JSON.stringify(doc, null, 2)}\n`);
}

/** Puts `text` between the markers `start` and `end` of bench/RESULTS.md (markers and text appended when they are
 *  missing); the hand-written text around them stays. */
export function writeBetweenMarkers(start: string, end: string, text: string) {
	const block = `${start}\n${text}\n${end}`;
	const md = existsSync(RESULTS_MD) ? readFileSync(RESULTS_MD, 'utf8') : '';
	const a = md.indexOf(start);
	const b = a === -1 ? -1 : md.indexOf(end, a);
	writeFileSync(
		RESULTS_MD,
		b === -1 ? `${md.trimEnd()}\n\n${block}\n` : md.slice(0, a) + block + md.slice(b + end.length),
	);
}

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export type Contender = { name: string; fn: () => unknown };

let sink = 0; // every result counted, so the optimiser cannot drop the measured work
function timeBatch(fn: () => unknown, n: number): number {
	const start = process.hrtime.bigint();
	for (let i = 0; i < n; i++) if (fn() != null) sink = (sink + 1) | 0;
	return Number(process.hrtime.bigint() - start);
}

/** One interleaved session: raw per-round ns/op samples for each contender. */
export function sample(
	contenders: Contender[],
	{ rounds, batchMs, warmupMs }: { rounds: number; batchMs: number; warmupMs: number },
): number[][] {
	// Warm-up (JIT tiers up) and calibration: how many iterations make one batch of ~batchMs.
	const iterations = contenders.map((c) => {
		let n = 1;
		const deadline = Date.now() + warmupMs;
		let perOp = Infinity;
		while (Date.now() < deadline) {
			const ns = timeBatch(c.fn, n);
			perOp = ns / n;
			if (ns < 2e6) n *= 2;
		}
		return Math.max(1, Math.round((batchMs * 1e6) / perOp));
	});

	const samples: number[][] = contenders.map(() => []);
	for (let r = 0; r < rounds; r++) {
		for (let k = 0; k < contenders.length; k++) {
			const i = (r + k) % contenders.length; // rotate who goes first
			samples[i].push(timeBatch(contenders[i].fn, iterations[i]) / iterations[i]);
		}
	}
	return samples;
}

/** Pools the rounds of several sessions (passes) of the same two contenders into one comparison. */
export function summarise(sessions: number[][][]) {
	const [ours, base] = [0, 1].map((i) => sessions.flatMap((s) => s[i]));
	const ratioOf = (a: number[], b: number[]) => median(a.map((x, r) => x / b[r]));
	return {
		/** Median over rounds of (time of contender 0) / (time of contender 1). */
		ratio: ratioOf(ours, base),
		opsPerSec: [1e9 / median(ours), 1e9 / median(base)],
		passRatios: sessions.map((s) => ratioOf(s[0], s[1])),
	};
}

/** One reported figure, as printed and written to bench/out/results.json. */
export interface Figure {
	id: string;
	name: string;
	target: string;
	/** Our time / baseline time (or the figure's own unit, see `unit`). */
	ratio: number | null;
	limit: number | null;
	pass: boolean | null;
	ours?: { name: string; opsPerSec: number };
	baseline?: { name: string; opsPerSec: number };
	unit?: string;
	detail?: Record<string, unknown>;
	note?: string;
}
