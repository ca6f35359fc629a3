/**
 * Figure 5 of `npm run bench`: end to end through a real n8n (line 2, the pinned 2.40.7 on Node 24).
 *
 * One n8n, fresh temp data dir, this package loaded as a custom extension (the built dist/), n8n defaults for
 * saving executions (identical for both workflows). Two active workflows:
 *   A  n8n-nodes-smart-webhooks.smpTrigger (credential smpWebhookApi) → NoOp      ours: verifies the HMAC, dedupes, parses
 *   B  n8n-nodes-base.webhook v2 (POST, onReceived) → NoOp      baseline: n8n's own Webhook node, no verification
 * Both get the same genuine 1 KiB SMP deliveries (signed with the package's own sign(), a distinct envelope id each,
 * so our dedupe store lets every one through), pre-built before timing, over the same keep-alive HTTP agent.
 *
 * Deliveries/s = POSTs answered 200 per second, sequential (1 in flight) and with 16 in flight. Who goes first
 * alternates every round (A B, B A, ...); the figure is the median of per-round (A time / B time). Between batches the bench waits
 * until n8n has no execution left running, so one side's trailing executions do not land in the other's batch.
 * Afterwards every execution of A is counted (GET /rest/executions, paged): it must equal the deliveries sent to A.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { providers, serializePayload, sign } from '../src/index';
import type { Figure } from './harness';

const REPO = path.resolve(__dirname, '..');


export interface E2eOptions {
	quick?: boolean;
	log?: (line: string) => void;
}

/** ours ≥ 0.95 × baseline deliveries/s  ⇔  our time / baseline time ≤ 1 / 0.95. */
export const E2E_LIMIT = +(1 / 0.95).toFixed(3); // 1.053
const TARGET_TEXT = 'ours ≥ 0.95× the Webhook node’s deliveries/s, i.e. our time / baseline time ≤ 1.053';
const CONCURRENCY = 16;
const SECRET = 'whsec_e2eBench0123456789abcdefghijklmnop';
const BODY_BYTES = 1024;

const FIGURES = [
	{ id: 'e2e.n8n.sequential', inFlight: 1, name: 'e2e: SMP 1 KiB deliveries through n8n, sequential (1 in flight), SMP Trigger vs n8n Webhook node (no verification)' },
	{
		id: 'e2e.n8n.concurrent16',
		inFlight: CONCURRENCY,
		name: `e2e: SMP 1 KiB deliveries through n8n, ${CONCURRENCY} in flight, SMP Trigger vs n8n Webhook node (no verification)`,
	},
] as const;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function notMeasured(reason: string): Figure[] {
	return FIGURES.map((f) => ({ id: f.id, name: f.name, target: TARGET_TEXT, ratio: null, limit: E2E_LIMIT, pass: null, note: `not measured: ${reason}` }));
}

/** A genuine SMP project.completed delivery (the provider's own sample envelope), grown to exactly `size` bytes. */
function smpDelivery(id: string, size = BODY_BYTES): { body: Buffer; headers: Record<string, string> } {
	const payload = providers.smp.sample('project.completed', { id, now: new Date('2026-05-02T14:32:09Z') }) as { data: Record<string, unknown> };
	const tasks: unknown[] = [];
	const data = { ...payload.data, tasks, notes: '' };
	const full = { ...payload, data };
	while (serializePayload(full).length < size - 160) {
		const i = tasks.length;
		tasks.push({ taskId: `task_${i}`, title: `Check keyboard focus order on step ${i}`, status: 'passed', durationSec: 120 + i });
	}
	data.notes = 'x'.repeat(Math.max(0, size - serializePayload(full).length));
	const body = serializePayload(full);
	if (body.length !== size) throw new Error(`bench e2e: delivery is ${body.length} B, wanted ${size} (id length must be fixed)`);
	return { body, headers: sign('smp', body, SECRET) };
}

interface Delivery {
	body: Buffer;
	headers: Record<string, string>;
}

/** POST one delivery; resolves with the status (0 on a network error). Body drained so the socket is reused. */
function post(agent: http.Agent, url: URL, d: Delivery, timeoutMs = 15_000): Promise<number> {
	return new Promise((resolve) => {
		const req = http.request(
			{ agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { ...d.headers, 'content-length': String(d.body.length) } },
			(res) => {
				res.on('data', () => {});
				res.on('end', () => resolve(res.statusCode ?? 0));
				res.on('error', () => resolve(0));
			},
		);
		req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
		req.on('error', () => resolve(0));
		req.end(d.body);
	});
}

/** Sends `list` with at most `inFlight` requests outstanding; returns elapsed ns and the status counts. */
async function batch(agent: http.Agent, url: URL, list: Delivery[], inFlight: number): Promise<{ ns: number; statuses: Record<number, number> }> {
	const statuses: Record<number, number> = {};
	let next = 0;
	const start = process.hrtime.bigint();
	async function worker() {
		while (next < list.length) {
			const status = await post(agent, url, list[next++]);
			statuses[status] = (statuses[status] ?? 0) + 1;
		}
	}
	await Promise.all(Array.from({ length: Math.min(inFlight, list.length) }, worker));
	return { ns: Number(process.hrtime.bigint() - start), statuses };
}

type Client = { request(method: string, p: string, body?: unknown, o?: { timeoutMs?: number }): Promise<any>; [k: string]: any };

/** Waits (bounded) until n8n reports no execution in status new/running, so batches do not overlap. */
async function drain(client: Client, timeoutMs = 20_000): Promise<boolean> {
	const filter = encodeURIComponent(JSON.stringify({ status: ['new', 'running'] }));
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const page = await client.request('GET', `/rest/executions?filter=${filter}&limit=1`, undefined, { timeoutMs: 10_000 }).catch(() => undefined);
		const results: unknown[] | undefined = page?.results ?? page;
		if (Array.isArray(results) && results.length === 0) return true;
		await sleep(25);
	}
	return false;
}

const STATUSES = ['success', 'error', 'crashed', 'canceled', 'waiting', 'unknown', 'new', 'running'];

/**
 * Executions of a workflow by status: pages through GET /rest/executions by lastId, 100 a page (n8n caps `limit` at
 * 100; a status filter makes it order by id, so lastId paging is exact), and keeps the `count` n8n reports beside it.
 * Returns the number of distinct ids per status. (test/e2e/harness.ts allExecutions pages the same way but runs on
 * the e2e suite's vitest-injected session, which a bench run does not have.)
 */
async function countExecutions(client: Client, workflowId: string): Promise<{ byStatus: Record<string, number>; total: number; reportedCount: number | null }> {
	const byStatus: Record<string, number> = {};
	const ids = new Set<string>();
	let reportedCount: number | null = null;
	let lastId: string | undefined;
	for (let guard = 0; guard < 2000; guard++) {
		const filter = encodeURIComponent(JSON.stringify({ workflowId: String(workflowId), status: STATUSES }));
		const page = await client.request('GET', `/rest/executions?filter=${filter}&limit=100${lastId ? `&lastId=${lastId}` : ''}`, undefined, { timeoutMs: 30_000 });
		if (reportedCount === null && typeof page?.count === 'number') reportedCount = page.count;
		const results: any[] = page?.results ?? [];
		for (const e of results) {
			if (ids.has(String(e.id))) continue;
			ids.add(String(e.id));
			byStatus[e.status ?? '?'] = (byStatus[e.status ?? '?'] ?? 0) + 1;
		}
		if (results.length < 100) break;
		lastId = String(results[results.length - 1].id);
	}
	return { byStatus, total: ids.size, reportedCount };
}

/** Activates, then waits (bounded) until a GET on the production URL answers 404 "... POST request" (registered). */
async function activateAndWait(client: Client, baseUrl: string, id: string, url: string): Promise<void> {
	await client.activateWorkflow(id, { settleMs: 0 });
	const deadline = Date.now() + 20_000;
	while (Date.now() < deadline) {
		const probe = await fetch(url, { method: 'GET', signal: AbortSignal.timeout(5000) }).catch(() => undefined);
		const text = probe ? await probe.text() : '';
		if (probe && /POST request/i.test(text)) return;
		await sleep(200);
	}
	throw new Error(`production webhook of workflow ${id} (${url.replace(baseUrl, '')}) not registered after 20 s`);
}

function workflowBody(name: string, trigger: Record<string, unknown>) {
	return {
		name,
		nodes: [
			{ id: randomUUID(), name: 'Trigger', position: [0, 0], ...trigger },
			{ id: randomUUID(), name: 'NoOp', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [240, 0], parameters: {} },
		],
		connections: { Trigger: { main: [[{ node: 'NoOp', type: 'main', index: 0 }]] } },
		// n8n's defaults for saving executions (EXECUTIONS_DATA_SAVE_ON_SUCCESS=all unless the user changes it): nothing
		// set per workflow, so both workflows save exactly what a default install saves.
		settings: { executionOrder: 'v1' },
	};
}

export async function e2eFigures({ quick = false, log = (l) => console.log(l) }: E2eOptions = {}): Promise<Figure[]> {
	const t0 = Date.now();
	// Sizes: a round = one batch of A and one of B per mode. Sequential batches ~0.3-0.6 s, concurrent ~1 s each.
	const cfg = quick
		? { rounds: 4, seqPerBatch: 20, concPerBatch: 64, warmup: 60 }
		: { rounds: Number(process.env.BENCH_E2E_ROUNDS ?? 10), seqPerBatch: 60, concPerBatch: 240, warmup: 200 };

	const distIndex = path.join(REPO, 'dist', 'index.js');
	if (!existsSync(distIndex)) return notMeasured('dist/ missing; run `npm run build` first (n8n loads the built package)');
	const srcNewest = ['src', 'nodes', 'credentials'].map((d) => newestMtime(path.join(REPO, d))).reduce((a, b) => Math.max(a, b), 0);
	const distStale = srcNewest > statSync(distIndex).mtimeMs;
	if (distStale) log('bench e2e: warning: dist/ is older than src/, nodes/ or credentials/ (n8n loads dist/; run `npm run build`)');

	let runtime: any;
	let proc: any;
	let api: any;
	try {
		runtime = await import(pathToFileURL(path.join(REPO, 'scripts', 'n8n-runtime.mjs')).href);
		proc = await import(pathToFileURL(path.join(REPO, 'scripts', 'lib', 'n8n-process.mjs')).href);
		api = await import(pathToFileURL(path.join(REPO, 'scripts', 'lib', 'n8n-api.mjs')).href);
	} catch (error) {
		return notMeasured(`could not load scripts/ helpers: ${(error as Error).message}`);
	}

	try {
		log('bench e2e: ensureN8n(2) (cached after the first install, which takes ~6 min on 2 cores) ...');
		await runtime.ensureN8n('2');
	} catch (error) {
		return notMeasured(`n8n line 2 runtime not installed and could not be installed: ${(error as Error).message.split('\n')[0]}`);
	}

	const dataDir = mkdtempSync(path.join(os.tmpdir(), 'n8n-bench-'));
	const logFile = path.join(dataDir, 'n8n.log');
	let n8n: any;
	const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY, keepAliveMsecs: 10_000 });
	let failed = false;
	try {
		await proc.installPackage({ userFolder: dataDir, tarball: await proc.tarballForRun(path.join(dataDir, 'pack')), line: '2' });
		const port = await proc.getFreePort();
		n8n = await proc.startN8n({
			line: '2',
			port,
			dataDir,
			logFile,
			env: { NODE_ENV: 'production', N8N_LOG_LEVEL: 'warn' },
		});
		log(`bench e2e: n8n ${n8n.version} ready in ${(n8n.readyMs / 1000).toFixed(1)} s on ${n8n.url}`);
		const client: Client = new api.N8nRestClient(n8n.url);
		await client.ensureOwner(api.DEFAULT_OWNER);
		await client.login(api.DEFAULT_OWNER);

		const credential = await client.createCredential({ name: 'SMP bench', type: 'smpWebhookApi', data: { signingSecret: SECRET } });
		const ourHook = randomUUID();
		const wfA = await client.createWorkflow(
			workflowBody('bench A: SMP Trigger → NoOp', {
				type: `${proc.NODE_TYPE_PREFIX}smpTrigger`,
				typeVersion: 1,
				webhookId: ourHook,
				parameters: { events: ['project.completed'] },
				credentials: { smpWebhookApi: { id: String(credential.id), name: credential.name } },
			}),
		);
		const baseHook = randomUUID();
		const basePath = randomUUID();
		const wfB = await client.createWorkflow(
			workflowBody('bench B: Webhook → NoOp', {
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				webhookId: baseHook,
				parameters: { httpMethod: 'POST', path: basePath, responseMode: 'onReceived', options: {} },
			}),
		);
		const urlA = `${n8n.url}/webhook/${ourHook}/webhook`;
		const urlB = `${n8n.url}/webhook/${basePath}`;
		await activateAndWait(client, n8n.url, String(wfA.id), urlA);
		await activateAndWait(client, n8n.url, String(wfB.id), urlB);

		// Every delivery to A carries its own envelope id (else the dedupe store answers "duplicate" and nothing runs).
		// B gets the very same bytes and headers, in the same order.
		const total = cfg.warmup * 2 + cfg.rounds * (cfg.seqPerBatch + cfg.concPerBatch);
		const tag = randomUUID().replace(/-/g, '').slice(0, 8);
		const deliveries: Delivery[] = Array.from({ length: total }, (_, i) => smpDelivery(`evt_bench_${tag}_${String(i).padStart(7, '0')}`));
		let cursor = 0;
		const take = (n: number) => {
			const slice = deliveries.slice(cursor, cursor + n);
			cursor += n;
			return slice;
		};
		const targets = { A: new URL(urlA), B: new URL(urlB) };
		const sent = { A: 0, B: 0 };
		const statuses: Record<'A' | 'B', Record<number, number>> = { A: {}, B: {} };
		let drainTimeouts = 0;
		const run = async (side: 'A' | 'B', list: Delivery[], inFlight: number) => {
			const r = await batch(agent, targets[side], list, inFlight);
			sent[side] += list.length;
			for (const [s, n] of Object.entries(r.statuses)) statuses[side][Number(s)] = (statuses[side][Number(s)] ?? 0) + n;
			if (!(await drain(client))) drainTimeouts++;
			return r.ns;
		};

		const results: Figure[] = [];
		for (const fig of FIGURES) {
			const per = fig.inFlight === 1 ? cfg.seqPerBatch : cfg.concPerBatch;
			// Warm-up: both sides, same mode (JIT, connection pool, SQLite pages, our dedupe store and credential path).
			const warm = take(cfg.warmup);
			await run('A', warm, fig.inFlight);
			await run('B', warm, fig.inFlight);
			const ours: number[] = [];
			const base: number[] = [];
			for (let r = 0; r < cfg.rounds; r++) {
				const list = take(per);
				// A B, then B A, ...: who goes first alternates every round.
				if (r % 2 === 0) {
					ours.push((await run('A', list, fig.inFlight)) / per);
					base.push((await run('B', list, fig.inFlight)) / per);
				} else {
					base.push((await run('B', list, fig.inFlight)) / per);
					ours.push((await run('A', list, fig.inFlight)) / per);
				}
			}
			const roundRatios = ours.map((o, i) => o / base[i]);
			const ratio = median(roundRatios);
			const fr: Figure = {
				id: fig.id,
				name: fig.name,
				target: TARGET_TEXT,
				ratio,
				limit: E2E_LIMIT,
				pass: ratio <= E2E_LIMIT,
				ours: { name: 'SMP Trigger → NoOp', opsPerSec: 1e9 / median(ours) },
				baseline: { name: 'Webhook node → NoOp', opsPerSec: 1e9 / median(base) },
				detail: {
					n8n: n8n.version,
					inFlight: fig.inFlight,
					rounds: cfg.rounds,
					deliveriesPerBatch: per,
					bodyBytes: BODY_BYTES,
					roundRatios: roundRatios.map((x) => +x.toFixed(3)),
					oursMsPerDelivery: ours.map((x) => +(x / 1e6).toFixed(2)),
					baselineMsPerDelivery: base.map((x) => +(x / 1e6).toFixed(2)),
				},
			};
			results.push(fr);
			log(`bench e2e: ${fig.id} done (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
		}

		// Integrity: every request answered 200, and A ran exactly once per delivery (nothing deduped, nothing lost).
		const allOk = (['A', 'B'] as const).every((s) => Object.keys(statuses[s]).length === 1 && statuses[s][200] === sent[s]);
		const deadline = Date.now() + 60_000;
		let execA = await countExecutions(client, String(wfA.id));
		let execB = await countExecutions(client, String(wfB.id));
		while (((execA.byStatus.success ?? 0) < sent.A || (execB.byStatus.success ?? 0) < sent.B) && Date.now() < deadline) {
			await sleep(500);
			execA = await countExecutions(client, String(wfA.id));
			execB = await countExecutions(client, String(wfB.id));
		}
		const integrity = {
			sent: { ...sent },
			httpStatuses: statuses,
			every200: allOk,
			executions: { A: execA.total, B: execB.total, statusesA: execA.byStatus, statusesB: execB.byStatus, reportedCountA: execA.reportedCount },
			executionsMatchA: execA.total === sent.A && execA.byStatus.success === sent.A,
			drainTimeouts,
			...(distStale ? { distStale: true } : {}),
		};
		const integrityOk = allOk && integrity.executionsMatchA;
		const integrityText = `${sent.A} deliveries to each side, ${allOk ? 'all' : 'NOT all'} answered 200; executions of A: ${execA.total} (${integrity.executionsMatchA ? 'one per delivery, all success' : 'MISMATCH'}), of B: ${execB.total}`;
		log(`bench e2e: ${integrityText}`);
		for (const fr of results) {
			fr.detail = { ...fr.detail, integrity };
			fr.note = integrityText + (distStale ? ' — dist/ was older than the sources' : '');
			if (!integrityOk) fr.pass = false;
		}
		log(`bench e2e: ${((Date.now() - t0) / 1000).toFixed(1)} s (n8n start ${(n8n.readyMs / 1000).toFixed(1)} s)`);
		return results;
	} catch (error) {
		failed = true;
		const msg = (error as Error).message.split('\n')[0];
		log(`bench e2e: failed: ${(error as Error).message}`);
		return notMeasured(`run failed: ${msg} (n8n log kept: ${logFile})`);
	} finally {
		agent.destroy();
		if (n8n) await n8n.stop().catch(() => undefined);
		if (!failed && process.env.BENCH_E2E_KEEP !== '1') rmSync(dataDir, { recursive: true, force: true });
		else log(`bench e2e: kept ${dataDir}`);
	}
}

function newestMtime(dir: string): number {
	if (!existsSync(dir)) return 0;
	let newest = 0;
	for (const name of readdirSync(dir, { recursive: true }) as string[]) {
		const st = statSync(path.join(dir, name));
		if (st.isFile()) newest = Math.max(newest, st.mtimeMs);
	}
	return newest;
}
