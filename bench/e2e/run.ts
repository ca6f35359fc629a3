/**
 * Running the e2e bench: per setting one n8n start (fresh data dir, the packed tarball installed as users install it),
 * probes, throughput rounds, floods of forged requests, and the integrity count at the end. runE2e() is the whole run.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { median, type Figure } from '../harness';
import {
	batch,
	countExecutions,
	drain,
	ensureN8n,
	installPackage,
	isolateCounters,
	ownerClient,
	round3,
	send,
	startRegularN8n,
	tarballForRun,
	type Client,
	type Delivery,
} from '../n8n-rest';
import {
	ALL,
	deliveryFactory,
	BESIDE_E,
	forgedFor,
	buildWorkflows,
	makeV2Probe,
	newestRun,
	SETTINGS,
	type Built,
	type ContenderId,
	type SettingId,
} from './contenders';
import { figuresOf } from './report';

// The shapes of an e2e run: its options and the report kept in bench/out/results.json under `e2e`.
export interface E2eOptions {
	quick?: boolean;
	/** Settings to run (default: BENCH_E2E_SETTINGS=default,pool4,... or all four). */
	settings?: SettingId[];
	/** Skip the flood measurements. */
	noFlood?: boolean;
}

export interface IntegrityRow {
	answered200: number;
	otherAnswers: Record<number, number>;
	executions: number;
	byStatus: Record<string, number>;
	reportedCount: number | null;
	ok: boolean;
}

export interface SettingReport {
	id: SettingId;
	label: string;
	env: Record<string, string>;
	n8nVersion?: string;
	readyMs?: number;
	contenders: ContenderId[];
	throughput: ThroughputBlock[];
	flood: FloodResult[];
	probes: Record<string, unknown>;
	integrity: Partial<Record<ContenderId, IntegrityRow>>;
	isolatesIdleCheck?: number | null;
	error?: string;
	seconds: number;
}

export interface E2eReport {
	meta: {
		date: string;
		node: string;
		platform: string;
		n8n?: string;
		quick: boolean;
		plan: Plan;
		durationSeconds: number;
		distStale?: boolean;
	};
	settings: SettingReport[];
	figures: Figure[];
}

const REPO = path.resolve(__dirname, '..', '..');

const FULL = {
	rounds: 5,
	seq: 60,
	conc: 160,
	warmSeq: 15,
	warmConc: 48,
	concurrency: 16,
	floodInFlight: 100,
	floodGenuine: 8,
	floodIntervalMs: 1000,
	floodSettleMs: 2000,
	floodGenuineTimeoutMs: 60_000,
	/** Variant settings (pool4, lazy, legacy) measure C and D too while the run is younger than this. */
	allContendersUntilMs: 15 * 60_000,
};
export type Plan = typeof FULL;
const PLANS: Record<'full' | 'quick', Plan> = {
	full: FULL,
	quick: {
		...FULL,
		...{ rounds: 2, seq: 12, conc: 32, warmSeq: 4, warmConc: 16, floodGenuine: 3 },
		...{ floodSettleMs: 1500, floodGenuineTimeoutMs: 30_000, allContendersUntilMs: 0 },
	},
};

// ------------------------------------------------------------------------------------------------------------------
// one setting = one n8n start

const log = (line: string) => console.log(line);

interface Ctx {
	client: Client;
	built: Built;
	agent: http.Agent;
	next: (n: number) => Delivery[];
	answered: Record<ContenderId, Record<number, number>>;
}

function tally(ctx: Ctx, c: ContenderId, statuses: Record<number, number>): void {
	for (const [s, n] of Object.entries(statuses))
		ctx.answered[c][Number(s)] = (ctx.answered[c][Number(s)] ?? 0) + n;
}

/** Throughput at `inFlight`: per contender deliveries/s and isolates per delivery, and the ratios between them. */
export type ThroughputBlock = Awaited<ReturnType<typeof throughputBlock>>;

async function throughputBlock(ctx: Ctx, which: ContenderId[], inFlight: number, plan: Plan) {
	const perBatch = inFlight === 1 ? plan.seq : plan.conc;
	const warm = inFlight === 1 ? plan.warmSeq : plan.warmConc;
	const times: Record<string, number[]> = {};
	const iso: Record<string, { acquired: number; cold: number; n: number; known: boolean }> = {};
	for (const c of which) {
		times[c] = [];
		iso[c] = { acquired: 0, cold: 0, n: 0, known: true };
	}
	let drainTimeouts = 0;
	const runOne = async (c: ContenderId, list: Delivery[], timed: boolean) => {
		const before = await isolateCounters(ctx.client);
		const r = await batch(ctx.agent, ctx.built.urls[c], list, inFlight);
		tally(ctx, c, r.statuses);
		if ((await drain(ctx.client)) === null) drainTimeouts++;
		if (!timed) return;
		const after = await isolateCounters(ctx.client);
		times[c].push(r.ns / list.length);
		if (before.acquired === null || after.acquired === null) iso[c].known = false;
		else {
			iso[c].acquired += after.acquired - before.acquired;
			iso[c].cold += (after.coldSync ?? 0) - (before.coldSync ?? 0);
		}
		iso[c].n += list.length;
		const bad = Object.entries(r.statuses).filter(([s]) => s !== '200');
		if (bad.length) log(`bench e2e:   ${c} batch answered ${JSON.stringify(r.statuses)}`);
	};
	// warm-up: every contender, same mode (JIT, sockets, SQLite pages, the trigger's kept secret)
	const warmList = ctx.next(warm);
	for (const c of which) await runOne(c, warmList, false);
	const order: ContenderId[][] = [];
	for (let r = 0; r < plan.rounds; r++) {
		const list = ctx.next(perBatch);
		const rot = which.map((_, k) => which[(k + r) % which.length]);
		order.push(rot);
		for (const c of rot) await runOne(c, list, true);
		log(
			`bench e2e:   ${inFlight} in flight, round ${r + 1}/${plan.rounds}: ${rot.map((c) => `${c} ${(1e9 / times[c][r]).toFixed(1)}/s`).join(', ')}`,
		);
	}
	const cell = (c: ContenderId) => ({
		perSec: round3(1e9 / median(times[c])),
		msPerDelivery: times[c].map((ns) => +(ns / 1e6).toFixed(2)),
		isolatesPerDelivery: iso[c].known ? round3(iso[c].acquired / iso[c].n) : null,
		coldStartsPerDelivery: iso[c].known ? round3(iso[c].cold / iso[c].n) : null,
		deliveries: iso[c].n,
	});
	const cells: Partial<Record<ContenderId, ReturnType<typeof cell>>> = Object.fromEntries(
		which.map((c) => [c, cell(c)]),
	);
	/** X/Y deliveries/s ratio, median of per-round (Y time / X time); keys like "E/B". */
	const ratios: Record<string, { median: number; rounds: number[] }> = {};
	for (const [x, y] of 'E/B E/D E/A E/C E2/A E2/E E/E0 E0/B S/E B/A C/A D/A'
		.split(' ')
		.map((k) => k.split('/') as [ContenderId, ContenderId])) {
		if (!times[x] || !times[y]) continue;
		const per = times[x].map((tx, i) => times[y][i] / tx);
		ratios[`${x}/${y}`] = { median: round3(median(per)), rounds: per.map(round3) };
	}
	return {
		inFlight,
		rounds: plan.rounds,
		perBatch,
		order,
		cells,
		ratios,
		...(drainTimeouts ? { drainTimeouts } : {}),
	};
}

/** What a flood measured, kept in the report. */
export type FloodResult = Awaited<ReturnType<typeof flood>>;

async function flood(ctx: Ctx, c: ContenderId, plan: Plan) {
	const url = ctx.built.urls[c];
	const gAgent = new http.Agent({ keepAlive: true, maxSockets: plan.floodGenuine + 2 });
	const fAgent = new http.Agent({ keepAlive: true, maxSockets: plan.floodInFlight });
	try {
		// baseline: the same contender's answer time with nothing else going on
		const idle: number[] = [];
		for (const d of ctx.next(3)) {
			const t = performance.now();
			const s = await send(gAgent, url, d, plan.floodGenuineTimeoutMs);
			tally(ctx, c, { [s]: 1 });
			idle.push(+(performance.now() - t).toFixed(1));
			await sleep(100);
		}
		await drain(ctx.client);
		const execBefore = await countExecutions(ctx.client, ctx.built.ids[c]);
		const isoBefore = await isolateCounters(ctx.client);

		const forged = forgedFor(c, ctx.next(1)[0]);
		const forgedStatuses: Record<number, number> = {};
		const forgedAnswerSamples: Record<string, string> = {};
		let forgedSent = 0;
		let stop = false;
		const t0 = performance.now();
		const loops = Array.from({ length: plan.floodInFlight }, async () => {
			while (!stop) {
				forgedSent++;
				const s = await send(fAgent, url, forged, plan.floodGenuineTimeoutMs, forgedAnswerSamples);
				forgedStatuses[s] = (forgedStatuses[s] ?? 0) + 1;
			}
		});
		await sleep(plan.floodSettleMs);
		const genuineList = ctx.next(plan.floodGenuine);
		const genuine = genuineList.map(async (d, i) => {
			await sleep(i * plan.floodIntervalMs);
			const t = performance.now();
			const s = await send(gAgent, url, d, plan.floodGenuineTimeoutMs);
			// only an acceptance counts as answered (n8n may answer 503 to everything while its DB ping fails)
			return { s, ms: s === 200 ? +(performance.now() - t).toFixed(1) : null };
		});
		const answers = await Promise.all(genuine);
		stop = true;
		const floodSeconds = (performance.now() - t0) / 1000;
		// the forged loops end when their request in flight is answered (each bounded by its timeout)
		await Promise.race([Promise.all(loops), sleep(plan.floodGenuineTimeoutMs + 5000)]);
		fAgent.destroy();
		for (const a of answers) tally(ctx, c, { [a.s]: 1 });
		tally(ctx, c, forgedStatuses);
		const drainedAfterMs = await drain(ctx.client, 240_000);
		const isoAfter = await isolateCounters(ctx.client);
		const execAfter = await countExecutions(ctx.client, ctx.built.ids[c]);
		const genuineOk = answers.filter((a) => a.s === 200).length;
		const forgedAnswered = Object.values(forgedStatuses).reduce((a, b) => a + b, 0);
		const before = new Set(execBefore.ids);
		const newIds = execAfter.ids.filter((id) => !before.has(id));
		const fromForged = newIds.length - genuineOk;
		// statuses of the executions the forged requests started: all new ones, less the genuine deliveries' (success)
		const byStatus: Record<string, number> = {};
		for (const [s, n] of Object.entries(execAfter.byStatus)) {
			const d = n - (execBefore.byStatus[s] ?? 0) - (s === 'success' ? genuineOk : 0);
			if (d) byStatus[s] = d;
		}
		const ms = answers.map((a) => a.ms);
		const okMs = ms.filter((x): x is number => x !== null);
		const idleMedianMs = idle.length ? median(idle) : null;
		// a genuine delivery not accepted (no answer, or not 200) counts as the longest wait (the timeout): it pushes the median up
		const forMedian = ms.map((x) => x ?? plan.floodGenuineTimeoutMs);
		const medianS = forMedian.length ? round3(median(forMedian) / 1000) : null;
		const result = {
			contender: c,
			inFlight: plan.floodInFlight,
			idleAnswerMs: idle,
			idleMedianMs,
			genuineAnswerMs: ms,
			genuineStatuses: answers.map((a) => a.s),
			medianS,
			maxS: okMs.length ? round3(Math.max(...forMedian) / 1000) : null,
			slowdown: medianS !== null && idleMedianMs ? round3((medianS * 1000) / idleMedianMs) : null,
			floodSeconds: +floodSeconds.toFixed(1),
			forgedSent,
			forgedStatuses,
			forgedAnswerSamples,
			forgedPerSec: +(forgedSent / floodSeconds).toFixed(1),
			executionsFromForged: fromForged,
			executionsFromForgedByStatus: byStatus,
			isolatesDuringFlood:
				isoBefore.acquired !== null && isoAfter.acquired !== null
					? isoAfter.acquired - isoBefore.acquired
					: null,
			requestsDuringFlood: forgedAnswered + answers.length,
			drainedAfterMs,
		};
		log(
			`bench e2e:   flood ${c}: genuine answered in ${ms.map((x) => (x === null ? 'timeout' : `${(x / 1000).toFixed(2)} s`)).join(', ')} (median ${medianS} s; idle ${idleMedianMs} ms); ` +
				`${forgedSent} forged sent (${result.forgedPerSec}/s) ${JSON.stringify(forgedStatuses)}; executions from forged: ${fromForged}`,
		);
		return result;
	} finally {
		gAgent.destroy();
		fAgent.destroy();
	}
}

const emptySetting = (id: SettingId, contenders: ContenderId[]): SettingReport => ({
	id,
	label: SETTINGS[id].label,
	env: SETTINGS[id].env,
	contenders,
	throughput: [],
	flood: [],
	probes: {},
	integrity: {},
	seconds: 0,
});

type SettingOptions = { flood: boolean; modes: number[]; tarball: string; next: Ctx['next'] };
async function runSetting(id: SettingId, which: ContenderId[], plan: Plan, opts: SettingOptions) {
	const t0 = Date.now();
	const setting = SETTINGS[id];
	const report = emptySetting(id, which);
	const dataDir = mkdtempSync(path.join(os.tmpdir(), 'n8n-bench-'));
	const logFile = path.join(dataDir, 'n8n.log');
	let n8n: any;
	const agent = new http.Agent({
		keepAlive: true,
		maxSockets: plan.concurrency,
		keepAliveMsecs: 10_000,
	});
	let keep = false;
	try {
		// the packed tarball, installed in the user folder's .n8n/nodes the README's way (as users install it)
		await installPackage({ userFolder: dataDir, tarball: opts.tarball, line: '2' });
		if (which.includes('E2')) makeV2Probe(dataDir);
		n8n = await startRegularN8n(dataDir, {
			// the isolate counters (n8n registers them whatever this says; this only serves /metrics)
			N8N_METRICS: 'true',
			N8N_METRICS_INCLUDE_DEFAULT_METRICS: 'false',
			N8N_METRICS_INCLUDE_WORKFLOW_EXECUTION_DURATION: 'false',
			// D's Code node needs crypto, as every user who checks an HMAC in a Code node sets
			NODE_FUNCTION_ALLOW_BUILTIN: 'crypto',
			...setting.env,
		});
		report.n8nVersion = n8n.version;
		report.readyMs = n8n.readyMs;
		log(
			`bench e2e: [${id}] n8n ${n8n.version} ready in ${(n8n.readyMs / 1000).toFixed(1)} s on ${n8n.url} (${setting.label})`,
		);
		const client: Client = await ownerClient(n8n.url);
		// C1 (Webhook v1 + Header Auth) only takes part in the flood: it tells what version 1 costs there.
		const built = await buildWorkflows(
			client,
			n8n.url,
			opts.flood && which.includes('C') ? [...which, 'C1'] : which,
		);
		const builtIds = Object.keys(built.ids) as ContenderId[];
		const ctx: Ctx = {
			client,
			built,
			agent,
			next: opts.next,
			answered: { A: {}, B: {}, C: {}, C1: {}, D: {}, E: {}, E0: {}, E2: {}, S: {} },
		};

		// Probes: each contender answers a genuine delivery 200; E refuses a forged one (401); D really verifies.
		const probe = async (c: ContenderId, forged: boolean) => {
			const d = ctx.next(1)[0];
			const s = await send(agent, built.urls[c], forged ? forgedFor(c, d) : d);
			tally(ctx, c, { [s]: 1 });
			return s;
		};
		for (const c of builtIds) {
			const s = await probe(c, false);
			if (s !== 200) throw new Error(`probe: contender ${c} answered ${s} to a genuine delivery`);
		}
		await drain(client);
		for (const c of (['E', 'E2'] as ContenderId[]).filter((x) => which.includes(x))) {
			const s = (report.probes[`forgedTo${c}`] = await probe(c, true));
			if (s !== 401) throw new Error(`probe: ${c} answered ${s} to a forged delivery (want 401)`);
		}
		if (which.includes('C')) report.probes.forgedToC = await probe('C', true);
		if (which.includes('D')) {
			const genuineRun = await newestRun(client, built.ids.D);
			const s = await probe('D', true);
			await drain(client);
			const forgedRun = await newestRun(client, built.ids.D);
			const ok =
				genuineRun.nodes.includes('Verified') &&
				!genuineRun.nodes.includes('Rejected') &&
				forgedRun.nodes.includes('Rejected') &&
				!forgedRun.nodes.includes('Verified');
			report.probes.dVerifies = { ok, genuine: genuineRun, forged: { status: s, ...forgedRun } };
			log(
				`bench e2e: [${id}] D check: genuine → ${genuineRun.nodes.join(' → ')}; forged (${s}) → ${forgedRun.nodes.join(' → ')}; raw body from ${genuineRun.codeOut?.rawFrom}: ${ok ? 'verifies' : 'DOES NOT VERIFY'}`,
			);
			if (!ok) throw new Error('probe: D does not tell a forged signature from a genuine one');
		}
		// Isolates taken by the bench's own REST polling and metric reads alone (should be 0).
		const i0 = await isolateCounters(client);
		await drain(client);
		await countExecutions(client, built.ids[which[0]]);
		const i1 = await isolateCounters(client);
		report.isolatesIdleCheck =
			i0.acquired === null || i1.acquired === null ? null : i1.acquired - i0.acquired;

		for (const inFlight of opts.modes) {
			report.throughput.push(await throughputBlock(ctx, which, inFlight, { ...plan }));
			log(
				`bench e2e: [${id}] ${inFlight} in flight done (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
			);
		}
		const flooded = (['E', 'E2', 'C', 'C1', 'D'] as ContenderId[]).filter((c) => c in built.ids);
		if (opts.flood) for (const c of flooded) report.flood.push(await flood(ctx, c, plan));

		// Integrity: executions per contender = requests it answered 200, every one successful.
		await drain(client, 240_000);
		for (const c of builtIds) {
			const { total: executions, ...ex } = await countExecutions(client, built.ids[c]);
			const { 200: answered200 = 0, ...otherAnswers } = ctx.answered[c];
			const ok = executions === answered200 && (ex.byStatus.success ?? 0) === answered200;
			const { byStatus, reportedCount } = ex;
			report.integrity[c] = { answered200, otherAnswers, executions, byStatus, reportedCount, ok };
		}
		const bad = builtIds.filter((c) => !report.integrity[c]!.ok);
		log(
			`bench e2e: [${id}] integrity: ${builtIds.map((c) => `${c} ${report.integrity[c]!.answered200} answered 200 → ${report.integrity[c]!.executions} executions`).join('; ')}${bad.length ? `  MISMATCH: ${bad.join(',')}` : ''}`,
		);
	} catch (error) {
		keep = true;
		report.error = `${(error as Error).message.split('\n')[0]} (n8n log kept: ${logFile})`;
		log(`bench e2e: [${id}] failed: ${(error as Error).message}`);
	} finally {
		agent.destroy();
		if (n8n) await n8n.stop().catch(() => undefined);
		if (!keep && process.env.BENCH_E2E_KEEP !== '1')
			rmSync(dataDir, { recursive: true, force: true });
		else log(`bench e2e: [${id}] kept ${dataDir}`);
		report.seconds = Math.round((Date.now() - t0) / 1000);
	}
	return report;
}

// ------------------------------------------------------------------------------------------------------------------
// the whole run

export async function runE2e({
	quick = false,
	settings,
	noFlood = false,
}: E2eOptions = {}): Promise<E2eReport> {
	const t0 = Date.now();
	const plan = PLANS[quick ? 'quick' : 'full'];
	const fromEnv = process.env.BENCH_E2E_SETTINGS?.split(',').filter(
		(x): x is SettingId => x in SETTINGS,
	);
	const wanted =
		settings ??
		(fromEnv?.length ? fromEnv : (['default', 'pool4', 'lazy', 'legacy'] as SettingId[]));
	const report: E2eReport = {
		meta: {
			date: new Date().toISOString(),
			node: process.version,
			platform: `${process.platform} ${process.arch}`,
			quick,
			plan,
			durationSeconds: 0,
		},
		settings: [],
		figures: [],
	};
	const distIndex = path.join(REPO, 'dist', 'index.js');
	const fail = (why: string) => {
		report.settings = wanted.map((id) => ({ ...emptySetting(id, []), error: why }));
		report.figures = figuresOf(report);
		return report;
	};
	if (!existsSync(distIndex))
		return fail('dist/ missing; run `npm run build` first (n8n loads the built package)');
	const builtMs = statSync(distIndex).mtimeMs;
	const newer = (dir: string) =>
		existsSync(dir) &&
		(readdirSync(dir, { recursive: true }) as string[]).some((name) => {
			const st = statSync(path.join(dir, name));
			return st.isFile() && st.mtimeMs > builtMs;
		});
	if (['src', 'nodes', 'credentials'].some((d) => newer(path.join(REPO, d)))) {
		report.meta.distStale = true;
		log(
			'bench e2e: warning: dist/ is older than src/, nodes/ or credentials/ (n8n loads dist/; run `npm run build`)',
		);
	}
	let tarball: string;
	try {
		log(
			'bench e2e: ensureN8n(2) (cached after the first install, which takes ~6 min on 2 cores) ...',
		);
		await ensureN8n('2');
		tarball = await tarballForRun(mkdtempSync(path.join(os.tmpdir(), 'bench-pack-')));
	} catch (error) {
		return fail(`n8n line 2 runtime not available: ${(error as Error).message.split('\n')[0]}`);
	}
	const next = deliveryFactory();
	for (const id of wanted) {
		const variant = id !== 'default';
		const which: ContenderId[] = [
			...(!variant || quick || Date.now() - t0 < plan.allContendersUntilMs
				? ALL
				: (['A', 'B', 'E'] as ContenderId[])),
			...(BESIDE_E[id] ?? []),
		];
		const flood = !noFlood && (id === 'default' || id === 'lazy');
		const modes = variant ? [1] : [1, plan.concurrency];
		report.settings.push(await runSetting(id, which, plan, { flood, modes, tarball, next }));
		report.meta.n8n ??= report.settings.at(-1)?.n8nVersion;
		log(
			`bench e2e: [${id}] done in ${report.settings.at(-1)!.seconds} s (run ${((Date.now() - t0) / 1000).toFixed(0)} s)`,
		);
	}
	report.meta.durationSeconds = Math.round((Date.now() - t0) / 1000);
	report.figures = figuresOf(report);
	return report;
}
