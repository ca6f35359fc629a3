/**
 * `npm run bench:workers`: what recognising copies costs the n8n processes that run executions, against n8n's own
 * Webhook node v1 → No Operation in the same topology and the same run, in interleaved rounds (ours, v1; v1, ours; …):
 *
 *   queue    n8n 2.x queue mode (PostgreSQL 15, Redis, main, two webhook processors, two workers at n8n's default
 *            concurrency of 10; scripts/lib/services.mjs), the packed tarball in every process. Each round sends
 *            QUEUE_N (300) distinct SMP deliveries, 32 in flight, alternating the webhook processors.
 *   regular  one n8n 2.x process with SQLite (the default set-up). Each round sends REGULAR_N (200) distinct
 *            deliveries, 8 in flight.
 *   rss      (only with --only=rss or RSS_N) one n8n 2.x per contender, RSS_N (20,000) deliveries 16 in flight, then
 *            the resident memory of n8n's process (/proc/<pid>/status VmRSS) once every execution finished.
 *
 * Per round: executions/s from the first send until the round's last execution stopped, and each execution's
 * duration (n8n's startedAt → stoppedAt), median and p90; every delivery answered 200 and run once. The ratios (ours /
 * Webhook v1) are the figures; the targets (issue #27) are read, never asserted. `--write` appends the summary to
 * bench/RESULTS.md (one section per run).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
// @ts-expect-error plain ESM helper without types
import { startQueueTopology } from '../scripts/lib/services.mjs';
import { listAllExecutions } from '../test/e2e/executions';
import {
	activate,
	createWorkflow,
	durations,
	installPackage,
	ownerClient,
	pool,
	post,
	settle,
	smpCredential,
	smpDelivery,
	STALL_MS,
	startRegularN8n,
	tarballForRun,
	webhookV1Workflow,
	type Client,
	type Workflow,
} from './n8n-rest';

const RESULTS_MD = path.join(__dirname, 'RESULTS.md');
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const QUEUE_N = Number(process.env.QUEUE_N ?? 300);
const REGULAR_N = Number(process.env.REGULAR_N ?? 200);
const RSS_N = Number(process.env.RSS_N ?? 20_000);
const WRITE = process.argv.includes('--write');
const onlyArg = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
const ONLY = (onlyArg ?? 'queue,regular').split(',');

type Contender = 'ours' | 'v1';
type Round = { rate: number; durations: number[] };

const say = (m: string) => console.log(`workers: ${m}`);

function quantile(values: number[], q: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN;
}
const median = (values: number[]) => quantile(values, 0.5);

/** The two contenders' workflows on one n8n: SMP Trigger → NoOp and Webhook v1 → NoOp, active on `bases`. */
async function contenders(client: Client, bases: string[], settings?: Record<string, unknown>) {
	const secret = `whsec_workers_${randomUUID().replace(/-/g, '')}`;
	const ours = await createWorkflow(client, {
		nodeType: 'smpTrigger',
		parameters: { events: ['project.completed'] },
		credentials: await smpCredential(client, `bench workers ${randomUUID().slice(0, 8)}`, secret),
		name: 'bench workers SMP Trigger',
		settings,
	});
	const v1 = await webhookV1Workflow(client, 'bench workers Webhook v1', 'workers', settings);
	for (const wf of [ours, v1]) await activate(client, wf, bases);
	const workflows: Record<Contender, Workflow> = { ours, v1 };
	/** Posts a delivery to `who` on `base`; Webhook v1 gets the same body, unsigned. */
	const send = async (who: Contender, base: string, d = smpDelivery(secret)) => {
		const headers = who === 'ours' ? d.headers : { 'Content-Type': 'application/json' };
		const res = await post(workflows[who].urlOn(base), d.body, headers);
		if (res.status !== 200)
			throw new Error(`${workflows[who].name}: answered ${res.status} ${res.text}`);
	};
	return { secret, workflows, send };
}

/**
 * Interleaved rounds on one topology: `n` distinct deliveries per round, `inFlight` at once, delivery i to
 * `sendTo[i % sendTo.length]`; then until every execution of the round stopped.
 */
async function rounds(client: Client, sendTo: string[], n: number, inFlight: number) {
	const { secret, workflows, send } = await contenders(client, sendTo);
	const sent: Record<Contender, number> = { ours: 0, v1: 0 };
	const run = async (who: Contender, count: number): Promise<Round> => {
		const wf = workflows[who];
		const deliveries = Array.from({ length: count }, () => smpDelivery(secret));
		const t0 = Date.now();
		await pool(count, inFlight, (i) => send(who, sendTo[i % sendTo.length], deliveries[i]));
		const before = sent[who];
		sent[who] += count;
		const list = (await settle(client, wf, sent[who])).slice(before);
		const lastStop = Math.max(...list.map((e) => Date.parse(String(e.stoppedAt))));
		return { rate: (count * 1000) / (lastStop - t0), durations: durations(list) };
	};
	// warm-up: the first executions of a workflow load and compile what later ones reuse
	await run('ours', 20);
	await run('v1', 20);
	const out: Record<Contender, Round[]> = { ours: [], v1: [] };
	for (let r = 0; r < ROUNDS; r++) {
		for (const who of r % 2 ? (['v1', 'ours'] as const) : (['ours', 'v1'] as const)) {
			out[who].push(await run(who, n));
			const last = out[who][out[who].length - 1];
			say(
				`round ${r + 1}/${ROUNDS} ${who}: ${last.rate.toFixed(2)} executions/s, median ${median(last.durations)} ms, p90 ${quantile(last.durations, 0.9)} ms`,
			);
		}
	}
	return out;
}

function summary(title: string, result: Record<Contender, Round[]>, kind: 'queue' | 'regular') {
	const fig = (who: Contender) => {
		const all = result[who].flatMap((r) => r.durations);
		return {
			rates: result[who].map((r) => r.rate),
			median: median(all),
			p90: quantile(all, 0.9),
			perRound: result[who].map((r) => median(r.durations)),
		};
	};
	const ours = fig('ours');
	const v1 = fig('v1');
	const rateRatios = ours.rates.map((x, i) => x / v1.rates[i]);
	const medianRatios = ours.perRound.map((x, i) => x / v1.perRound[i]);
	// the issue #27 targets, read here, never asserted (a bench reports; tests decide)
	const rateRatio = median(rateRatios);
	const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
	const target =
		kind === 'queue'
			? `- targets: executions/s ours/v1 (median of rounds) ${rateRatio.toFixed(2)} ≥ 0.9 ${met(rateRatio >= 0.9)}; median execution ${ours.median} ms ≤ 2 × ${v1.median} + 50 ms ${met(ours.median <= 2 * v1.median + 50)}`
			: `- target: median execution ours/v1 ${(ours.median / v1.median).toFixed(2)} ≤ 1.2 ${met(ours.median <= 1.2 * v1.median)}`;
	return [
		title,
		`- executions/s (first send → last execution stopped), per round: SMP Trigger ${ours.rates.map((x) => x.toFixed(2)).join(', ')}; Webhook v1 ${v1.rates.map((x) => x.toFixed(2)).join(', ')}; ours/v1 ${rateRatios.map((x) => x.toFixed(2)).join(', ')}`,
		`- execution (startedAt → stoppedAt), all rounds: SMP Trigger median ${ours.median} ms, p90 ${ours.p90} ms; Webhook v1 median ${v1.median} ms, p90 ${v1.p90} ms`,
		`- median execution per round: SMP Trigger ${ours.perRound.join(', ')} ms; Webhook v1 ${v1.perRound.join(', ')} ms; ours/v1 ${medianRatios.map((x) => x.toFixed(2)).join(', ')}`,
		target,
	];
}

async function benchQueue(work: string, tarball: string): Promise<string[]> {
	const topo = await startQueueTopology({ tarball, logDir: path.join(work, 'queue-logs') });
	try {
		const client = await ownerClient(topo.url('main'));
		say(`queue topology up in ${(topo.readyMs / 1000).toFixed(0)} s`);
		const result = await rounds(client, [topo.url('webhook1'), topo.url('webhook2')], QUEUE_N, 32);
		return summary(
			`Queue mode (n8n 2.41.1, PostgreSQL 15, main + 2 webhook processors + 2 workers at concurrency 10), ${ROUNDS} interleaved rounds × ${QUEUE_N} distinct SMP deliveries, 32 in flight, alternating webhook processors:`,
			result,
			'queue',
		);
	} finally {
		await topo.stopAll();
	}
}

/** One n8n 2.x in regular mode (SQLite) with the package installed the README's way. */
async function regularN8n(
	work: string,
	tarball: string,
	name: string,
	env: Record<string, string> = {},
) {
	const dataDir = path.join(work, name);
	await installPackage({ userFolder: dataDir, tarball, line: '2' });
	const n8n = await startRegularN8n(dataDir, env);
	return { n8n, client: await ownerClient(n8n.url) };
}

async function benchRegular(work: string, tarball: string): Promise<string[]> {
	const { n8n, client } = await regularN8n(work, tarball, 'regular');
	try {
		const result = await rounds(client, [n8n.url], REGULAR_N, 8);
		return summary(
			`Regular mode (one n8n 2.41.1 process, SQLite), ${ROUNDS} interleaved rounds × ${REGULAR_N} distinct SMP deliveries, 8 in flight:`,
			result,
			'regular',
		);
	} finally {
		await n8n.stop();
	}
}

const rssMiB = (pid: number) =>
	Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;

/** Waits until n8n lists no execution of the workflow (saved: none, so a finished one leaves the list). */
async function drained(client: Client, wf: Workflow) {
	let since = Date.now();
	let last = Infinity;
	for (;;) {
		const list = await listAllExecutions(client, wf.id);
		if (list.length === 0) return;
		if (list.length < last) [last, since] = [list.length, Date.now()];
		if (Date.now() - since > STALL_MS)
			throw new Error(`${wf.name}: ${list.length} executions still listed`);
		await sleep(500);
	}
}

async function benchRss(work: string, tarball: string): Promise<string[]> {
	const out: Record<Contender, { before: number; after: number }> = {
		ours: { before: 0, after: 0 },
		v1: { before: 0, after: 0 },
	};
	for (const who of ['v1', 'ours'] as const) {
		const { n8n, client } = await regularN8n(work, tarball, `rss-${who}`, {
			EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'none',
		});
		try {
			// successful executions not kept, so a finished one leaves the list (drained())
			const { workflows, send } = await contenders(client, [n8n.url], {
				saveDataSuccessExecution: 'none',
			});
			const wf = workflows[who];
			await pool(200, 16, () => send(who, n8n.url));
			await drained(client, wf);
			out[who].before = rssMiB(n8n.child.pid);
			const t0 = Date.now();
			await pool(RSS_N, 16, () => send(who, n8n.url));
			await drained(client, wf);
			out[who].after = rssMiB(n8n.child.pid);
			say(
				`rss ${who}: ${out[who].before.toFixed(0)} MiB after 200, ${out[who].after.toFixed(0)} MiB after ${RSS_N} more (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
			);
		} finally {
			await n8n.stop();
		}
	}
	return [
		`Memory (one n8n 2.41.1 process each, SQLite, successful executions not saved): RSS after 200 deliveries, then after ${RSS_N} more, 16 in flight:`,
		`- SMP Trigger ${out.ours.before.toFixed(0)} → ${out.ours.after.toFixed(0)} MiB; Webhook v1 ${out.v1.before.toFixed(0)} → ${out.v1.after.toFixed(0)} MiB; ours/v1 at the end ${(out.ours.after / out.v1.after).toFixed(2)}`,
	];
}

async function main() {
	const work = mkdtempSync(path.join(os.tmpdir(), 'bench-workers-'));
	try {
		const tarball = await tarballForRun(path.join(work, 'pack'));
		const lines: string[] = [];
		if (ONLY.includes('queue')) lines.push(...(await benchQueue(work, tarball)), '');
		if (ONLY.includes('regular')) lines.push(...(await benchRegular(work, tarball)), '');
		if (ONLY.includes('rss')) lines.push(...(await benchRss(work, tarball)), '');
		for (const line of lines) console.log(line);
		if (WRITE) {
			// appended, not replaced: the issue's targets are read over several runs
			const command = `npm run bench:workers${ONLY.join(',') === 'queue,regular' ? '' : ` -- --only=${ONLY.join(',')}`}`;
			const block = `## Workers: \`${command}\`, ${new Date().toISOString().slice(0, 16)}Z\n\n${lines.join('\n').trimEnd()}\n`;
			writeFileSync(RESULTS_MD, `${readFileSync(RESULTS_MD, 'utf8').trimEnd()}\n\n${block}`);
			console.log('appended to bench/RESULTS.md');
		}
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
