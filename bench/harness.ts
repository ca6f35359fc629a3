/**
 * A small interleaved micro-benchmark: every contender is timed in batches, the batches alternate in a
 * rotating order within each round, and the figure is the median of the per-round time ratios, so clock
 * drift, thermal throttling and GC pressure hit both sides alike.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Where `--write` keeps the figures of the last run, machine-readable: generated data, not a source, so it is not
 * tracked (.gitignore); bench/RESULTS.md keeps the tables people read.
 */
export const RESULTS_JSON = path.join(__dirname, 'out', 'results.json');

export function writeResultsJson(doc: unknown, file = RESULTS_JSON): void {
	mkdirSync(path.dirname(file), { recursive: true });
	writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
}

export interface Contender {
	name: string;
	fn: () => unknown;
}

export interface Measured {
	name: string;
	/** Median nanoseconds per operation over all rounds. */
	nsPerOp: number;
	opsPerSec: number;
}

export interface Comparison {
	contenders: Measured[];
	/** ratios[i] = median over rounds of (time of contender 0) / (time of contender i), for i ≥ 1. */
	ratios: number[];
	rounds: number;
	iterationsPerBatch: number[];
}

export interface MeasureOptions {
	/** Rounds (samples per contender). */
	rounds?: number;
	/** Wanted duration of one batch, in ms. */
	batchMs?: number;
	/** Warm-up per contender, in ms. */
	warmupMs?: number;
}

let sink = 0;
/** Keeps results alive so the optimiser cannot drop the measured work. */
export function consume(value: unknown): void {
	if (value !== undefined && value !== null) sink = (sink + 1) | 0;
}

function timeBatch(fn: () => unknown, n: number): number {
	const start = process.hrtime.bigint();
	for (let i = 0; i < n; i++) consume(fn());
	return Number(process.hrtime.bigint() - start);
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** One interleaved session: raw per-round ns/op samples for each contender. */
export function sample(contenders: Contender[], options: MeasureOptions = {}): number[][] {
	const rounds = options.rounds ?? 40;
	const batchMs = options.batchMs ?? 15;
	const warmupMs = options.warmupMs ?? 250;

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

/** Pools the rounds of several sessions (passes) of the same contenders into one comparison. */
export function summarise(
	contenders: Contender[],
	sessions: number[][][],
): Comparison & { passRatios: number[] } {
	const pooled = contenders.map((_, i) => sessions.flatMap((s) => s[i]));
	const ratios: number[] = [];
	for (let i = 1; i < contenders.length; i++)
		ratios.push(median(pooled[0].map((ours, r) => ours / pooled[i][r])));
	return {
		contenders: contenders.map((c, i) => {
			const ns = median(pooled[i]);
			return { name: c.name, nsPerOp: ns, opsPerSec: 1e9 / ns };
		}),
		ratios,
		rounds: pooled[0].length,
		iterationsPerBatch: [],
		passRatios: sessions.map((s) => median(s[0].map((ours, r) => ours / s[1][r]))),
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
	extraBaselines?: Array<{ name: string; opsPerSec: number; ratio: number }>;
	unit?: string;
	detail?: Record<string, unknown>;
	note?: string;
}
