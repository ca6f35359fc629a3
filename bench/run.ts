/**
 * `npm run bench`: two ratios of receive() against the HMAC floor, each measured beside its baseline in the same run
 * (interleaved batches, warm-up, median of per-round ratios; see harness.ts), then the e2e section (bench/e2e.ts, the
 * same code as `npm run bench:e2e`), which is what a delivery really costs: receive() is a few µs of a delivery that
 * takes tens of ms through n8n (README, Speed), so these two figures only guard against a regression of that order.
 *   accept  a genuine 1 KiB SMP delivery vs crypto.createHmac + timingSafeEqual + JSON.parse of the same bytes
 *   reject  the same delivery with a wrong signature (401) vs one HMAC-SHA256 of the body
 * The code under test is src/index.ts bundled by esbuild the way tsup builds dist/ (CommonJS, zod and
 * fast-xml-parser inlined), written under node_modules/.cache.
 * BENCH_QUICK=1 takes fewer samples (smoke run); BENCH_ONLY=accept,reject,e2e picks sections. Prints one line per
 * figure; only with `-- --write` does it keep them in bench/out/results.json and between the markers of bench/RESULTS.md
 * (the prose around them is written by hand; the e2e report is merged the same way, a run without the e2e section
 * keeps the last one). A plain run leaves every tracked file as it is.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { e2eTable, loadE2e, persistE2e, runE2e, type E2eReport } from './e2e';
import { SECRET, smpDelivery } from './e2e/contenders';
import {
	consume,
	sample,
	summarise,
	writeResultsJson,
	type Contender,
	type Figure,
} from './harness';
import type * as SrcApi from '../src/internal';

const here = __dirname; // tsx runs this file as CommonJS (the package is not "type": "module")

function loadBundle(): typeof SrcApi {
	const outDir = join(here, '..', 'node_modules', '.cache', 'smart-webhooks-bench');
	mkdirSync(outDir, { recursive: true });
	const outfile = join(outDir, 'index.js');
	// The same settings as tsup.config.ts for src/index.ts: CommonJS, node20, zod and fast-xml-parser bundled in.
	require('esbuild').buildSync({
		entryPoints: [join(here, '..', 'src', 'index.ts')],
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		external: ['n8n-workflow'],
		outfile,
		logLevel: 'warning',
	});
	return require(outfile);
}
const { receive, sign } = loadBundle();

const quick = process.env.BENCH_QUICK === '1';
const opts = quick
	? { rounds: 12, batchMs: 10, warmupMs: 150 }
	: { rounds: Number(process.env.BENCH_ROUNDS ?? 150), batchMs: 5, warmupMs: 300 };
/** Each comparison is sampled in PASSES sessions, pooled: a burst of load elsewhere lands in one pass and is outvoted. */
const PASSES = quick ? 1 : 3;
const T = 1_777_000_000; // fixed signing time; receive() is given the same clock
const NOW = T * 1000;

const figures: Figure[] = [];

/** Lower-case header names, as Node's HTTP server hands them to n8n. */
function lower(headers: Record<string, string>): Record<string, string> {
	return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

const fmtOps = (n: number) => (n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : n.toFixed(0));

function measure(id: string, name: string, limit: number, contenders: Contender[]): void {
	const sessions = Array.from({ length: PASSES }, () =>
		sample(contenders, { ...opts, rounds: Math.ceil(opts.rounds / PASSES) }),
	);
	const cmp = summarise(contenders, sessions);
	const [ours, base] = cmp.contenders;
	const fig: Figure = {
		id,
		name,
		target: `≤ ${limit}× the baseline's time`,
		ratio: +cmp.ratios[0].toFixed(3),
		limit,
		pass: cmp.ratios[0] <= limit,
		ours: { name: ours.name, opsPerSec: ours.opsPerSec },
		baseline: { name: base.name, opsPerSec: base.opsPerSec },
		...(PASSES > 1 ? { detail: { passRatios: cmp.passRatios.map((r) => +r.toFixed(3)) } } : {}),
	};
	figures.push(fig);
	printFigure(fig);
}

/** One line per figure: `name: ratio (ours x ops/s, baseline y ops/s)  target ≤ limit PASS|MISS`. */
function printFigure(fig: Figure): void {
	if (fig.ratio === null || !fig.ours || !fig.baseline) {
		console.log(`${fig.name}: ${fig.note ?? 'not measured'}`);
		return;
	}
	console.log(
		`${fig.name}: ${fig.ratio.toFixed(3)}x (ours ${fmtOps(fig.ours.opsPerSec)} ops/s, baseline ${fmtOps(fig.baseline.opsPerSec)} ops/s)  target ≤ ${fig.limit}x ${fig.pass ? 'PASS' : 'MISS'}`,
	);
}

/** The 1 KiB SMP delivery the e2e bench sends (bench/e2e/contenders.ts), signed with `secret`. */
function smpRequest(secret: string): { body: Buffer; request: SrcApi.WebhookRequest } {
	const { body } = smpDelivery('evt_bench_micro_0000000');
	return { body, request: { headers: lower(sign('smp', body, secret)), rawBody: body } };
}

function acceptFigure(): void {
	const { body, request } = smpRequest(SECRET);
	const options = { secret: SECRET, now: NOW };
	const check = receive('smp', request, options);
	if (check.status !== 200 || check.schemaIssues || check.items.length !== 1)
		throw new Error(`bench setup: the delivery was not accepted cleanly (${check.status})`);
	const hex = String(request.headers['x-smp-signature']);
	measure(
		'accept.smp.1KiB',
		`accept smp 1 KiB (${body.length} B) vs HMAC + timingSafeEqual + JSON.parse`,
		1.3,
		[
			{ name: 'receive()', fn: () => receive('smp', request, options) },
			{
				name: 'floor',
				fn: () => {
					const digest = createHmac('sha256', SECRET).update(body).digest();
					if (!timingSafeEqual(digest, Buffer.from(hex, 'hex'))) throw new Error('floor: mismatch');
					return JSON.parse(body.toString('utf8'));
				},
			},
		],
	);
}

function rejectFigure(): void {
	const { body, request } = smpRequest('not-the-secret');
	const options = { secret: SECRET, now: NOW };
	if (receive('smp', request, options).status !== 401)
		throw new Error('bench setup: the bad signature was not refused');
	measure(
		'reject.smp.1KiB',
		`reject bad signature smp 1 KiB (${body.length} B) vs one HMAC of the body`,
		1.1,
		[
			{ name: 'receive() → 401', fn: () => receive('smp', request, options) },
			{ name: 'one HMAC', fn: () => createHmac('sha256', SECRET).update(body).digest() },
		],
	);
}

const GENERATED_START =
	'<!-- generated:start (bench/run.ts rewrites what is between these markers) -->';
const GENERATED_END = '<!-- generated:end -->';

/** bench/out/results.json (figures) and the generated table of bench/RESULTS.md; the hand-written parts stay. */
function writeResults(totalMs: number): void {
	const meta = {
		date: new Date().toISOString(),
		node: process.version,
		platform: `${process.platform} ${process.arch}`,
		quick,
		rounds: opts.rounds,
		passes: PASSES,
		batchMs: opts.batchMs,
		durationSeconds: +(totalMs / 1000).toFixed(1),
	};
	writeResultsJson({ meta, figures });
	const rows = figures.map(
		(f) =>
			`| ${f.name} | ${f.ratio === null ? '—' : `${f.ratio.toFixed(3)}×`} | ${f.ours && f.baseline ? `${fmtOps(f.ours.opsPerSec)} / ${fmtOps(f.baseline.opsPerSec)}` : ''} | ${f.target} | ${f.pass === null ? 'not measured' : f.pass ? 'pass' : '**miss**'} |`,
	);
	const generated = [
		`Generated by \`npm run bench\` (bench/run.ts) on ${meta.date}: Node ${meta.node}, ${meta.platform}, ` +
			`${meta.rounds} interleaved rounds of ~${meta.batchMs} ms batches per contender in ${PASSES} passes, whole run ${meta.durationSeconds} s.`,
		'',
		'| figure | ratio | ops/s ours / baseline | target | result |',
		'|---|---|---|---|---|',
		...rows,
	].join('\n');
	const file = join(here, 'RESULTS.md');
	const md = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
	const start = md.indexOf(GENERATED_START);
	const end = md.indexOf(GENERATED_END);
	const block = `${GENERATED_START}\n${generated}\n${GENERATED_END}`;
	writeFileSync(
		file,
		start === -1 || end < start
			? `${md.trimEnd()}\n\n${block}\n`
			: md.slice(0, start) + block + md.slice(end + GENERATED_END.length),
	);
}

const only = process.env.BENCH_ONLY; // e.g. BENCH_ONLY=accept
const wanted = (name: string) => !only || only.split(',').includes(name);

async function main(): Promise<void> {
	const t0 = Date.now();
	const keptE2e = loadE2e(); // read before writeResults() replaces results.json
	console.log(`bench: rounds=${opts.rounds} batch=${opts.batchMs}ms node=${process.version}`);
	if (wanted('accept')) acceptFigure();
	if (wanted('reject')) rejectFigure();
	let e2eReport: E2eReport | undefined;
	if (wanted('e2e')) {
		e2eReport = await runE2e({ quick });
		for (const fig of e2eReport.figures) printFigure(fig);
	}
	consume(figures);
	const write = process.argv.slice(2).includes('--write');
	if (write) {
		writeResults(Date.now() - t0);
		const e2e = e2eReport ?? keptE2e;
		if (e2e) persistE2e(e2e);
	}
	if (e2eReport) console.log(`\n${e2eTable(e2eReport)}\n`);
	console.log(
		`bench: ${((Date.now() - t0) / 1000).toFixed(1)} s; ${write ? 'wrote bench/out/results.json and bench/RESULTS.md' : 'files untouched (-- --write keeps the figures in bench/out/results.json and bench/RESULTS.md)'}`,
	);
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
