// What the benches share about n8n, outside vitest (the queue suite's helpers in test/queue/harness.ts import vitest
// through the e2e harness): starting one, workflows, activation, deliveries (fetch, or a keep-alive agent for the e2e
// bench's batches), waits, execution counts and isolate counters, on the same n8n REST client and workflow bodies as
// the suites. Every request has a timeout and every wait a deadline.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { providers, serializePayload, sign } from '../src/internal';
import { listAllExecutions, type ExecutionRow as ExecutionSummary } from '../test/e2e/executions';
import { triggerWorkflowBody } from '../test/e2e/workflows';
// @ts-expect-error plain ESM helper without types
import { DEFAULT_OWNER, N8nRestClient } from '../scripts/lib/n8n-api.mjs';
// @ts-expect-error plain ESM helper without types
import * as n8nProcess from '../scripts/lib/n8n-process.mjs';
// @ts-expect-error plain ESM helper without types
import { ensureN8n } from '../scripts/n8n-runtime.mjs';

export { ensureN8n };

export const { getFreePort, installPackage, NODE_TYPE_PREFIX, startN8n, tarballForRun } =
	n8nProcess;

/** No progress for this long fails a wait. */
export const STALL_MS = 120_000;
export type Client = InstanceType<typeof N8nRestClient>;
export type Workflow = { id: string; name: string; urlOn(base: string): string };

/** A REST client logged in as the owner (made first if the instance has none). */
export async function ownerClient(url: string): Promise<Client> {
	const client = new N8nRestClient(url);
	await client.ensureOwner(DEFAULT_OWNER);
	await client.login(DEFAULT_OWNER);
	return client;
}

/** One n8n 2.x in regular mode (SQLite) on a free port, its log in dataDir/n8n.log (installPackage there first). */
export async function startRegularN8n(dataDir: string, env: Record<string, string> = {}) {
	return await startN8n({
		line: '2',
		port: await getFreePort(),
		dataDir,
		logFile: path.join(dataDir, 'n8n.log'),
		env: { NODE_ENV: 'production', N8N_LOG_LEVEL: 'warn', ...env },
	});
}

export async function createWorkflow(
	client: Client,
	input: Parameters<typeof triggerWorkflowBody>[0] & { path?: string },
): Promise<Workflow> {
	const { webhookId, body } = triggerWorkflowBody(input);
	const created = await client.createWorkflow(body);
	const p = input.path ?? `${webhookId}/webhook`;
	return { id: String(created.id), name: body.name, urlOn: (base) => `${base}/webhook/${p}` };
}

/** An SMP credential with `secret`, as a node's `credentials`. */
export async function smpCredential(client: Client, name: string, secret: string) {
	const cred = await client.createCredential({ name, type: 'smpWebhookApi', data: { secret } });
	return { smpWebhookApi: { id: String(cred.id), name: String(cred.name) } };
}

/** n8n's own Webhook node v1 (POST, answers on receipt) → NoOp, at /webhook/<pathPrefix>-<random>. */
export async function webhookV1Workflow(
	client: Client,
	name: string,
	pathPrefix: string,
	settings?: Record<string, unknown>,
) {
	const hookPath = `${pathPrefix}-${randomUUID().slice(0, 8)}`;
	return await createWorkflow(client, {
		nodeType: 'n8n-nodes-base.webhook',
		typeVersion: 1,
		parameters: { httpMethod: 'POST', path: hookPath, responseMode: 'onReceived', options: {} },
		name,
		path: hookPath,
		settings,
	});
}

/** Activates on main; waits (bounded) until each process answers a GET with n8n's "POST request" hint. */
export async function activate(client: Client, wf: Workflow, bases: string[]) {
	await client.activateWorkflow(wf.id, { settleMs: 0 });
	for (const base of bases)
		if (!(await webhookRegistered(wf.urlOn(base), 30_000)))
			throw new Error(`${wf.name}: webhook not registered on ${base}`);
}

export async function post(url: string, body: Buffer | string, headers: Record<string, string>) {
	const res = await fetch(url, {
		method: 'POST',
		headers,
		body: new Uint8Array(Buffer.from(body)),
		signal: AbortSignal.timeout(60_000),
	});
	return { status: res.status, text: await res.text() };
}

const isDone = (e: ExecutionSummary) =>
	e.status ? !['new', 'running', 'waiting', 'unknown'].includes(e.status) : e.finished === true;

/** Polls until the workflow has `n` finished executions (every one successful), failing after STALL_MS without progress. */
export async function settle(client: Client, wf: Pick<Workflow, 'id' | 'name'>, n: number) {
	let best = -1;
	let since = Date.now();
	for (;;) {
		const list = (await listAllExecutions(client, wf.id)).sort(
			(a, b) => Number(a.id) - Number(b.id),
		);
		const done = list.filter(isDone);
		if (done.length >= n && done.length === list.length) {
			const failed = done.filter((e) => e.status && e.status !== 'success');
			if (failed.length) throw new Error(`${wf.name}: ${failed.length} executions did not succeed`);
			return done;
		}
		if (done.length > best) [best, since] = [done.length, Date.now()];
		if (Date.now() - since > STALL_MS)
			throw new Error(`${wf.name}: ${done.length} of ${n} executions finished, no progress`);
		await sleep(100);
	}
}

let counter = 0;
/** A genuine SMP delivery with a distinct envelope id. */
export function smpDelivery(secret: string) {
	const id = `evt_qpg_${randomUUID().slice(0, 8)}_${counter++}`;
	const body = serializePayload(providers.smp.sample('project.completed', { id }));
	return { body, headers: sign('smp', body, secret) };
}

/** Milliseconds each finished execution took (n8n's own startedAt → stoppedAt). */
export const durations = (list: ExecutionSummary[]): number[] =>
	list
		.map((e) => Date.parse(String(e.stoppedAt ?? '')) - Date.parse(String(e.startedAt ?? '')))
		.filter((ms) => Number.isFinite(ms));

export const round3 = (x: number) => +x.toFixed(3);

export type Delivery = { body: Buffer; headers: Record<string, string> };

/**
 * POST one delivery; resolves with the status (0 on a network error or timeout). Body drained so the socket is reused;
 * `samples` (when given) keeps the first answer body seen per status, cut to 200 characters.
 */
export function send(
	agent: http.Agent,
	url: URL,
	d: Delivery,
	timeoutMs = 30_000,
	samples?: Record<string, string>,
): Promise<number> {
	return new Promise((finish) => {
		// the first of these settles it: a status, or 0 on an error or timeout
		const req = http.request(
			{
				agent,
				host: url.hostname,
				port: url.port,
				path: url.pathname,
				method: 'POST',
				headers: { ...d.headers, 'content-length': String(d.body.length) },
			},
			(res) => {
				const keep = samples !== undefined && !(String(res.statusCode) in samples);
				let text = '';
				res.on('data', (chunk: Buffer) => {
					if (keep && text.length < 200) text += chunk.toString('utf8');
				});
				res.on('end', () => {
					if (keep) samples[String(res.statusCode)] = text.slice(0, 200);
					finish(res.statusCode ?? 0);
				});
				res.on('error', () => finish(0));
				res.on('aborted', () => finish(0));
			},
		);
		req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
		req.on('error', () => finish(0));
		req.end(d.body);
	});
}

/** work(0 … count-1), at most `limit` at once. */
export async function pool(count: number, limit: number, work: (i: number) => Promise<void>) {
	let next = 0;
	const worker = async () => {
		while (next < count) await work(next++);
	};
	await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

/** Sends `list` with at most `inFlight` requests outstanding; returns elapsed ns and the status counts. */
export async function batch(agent: http.Agent, url: URL, list: Delivery[], inFlight: number) {
	const statuses: Record<number, number> = {};
	const start = process.hrtime.bigint();
	await pool(list.length, inFlight, async (i) => {
		const status = await send(agent, url, list[i]);
		statuses[status] = (statuses[status] ?? 0) + 1;
	});
	return { ns: Number(process.hrtime.bigint() - start), statuses };
}

/** Waits (bounded) until n8n reports no execution in status new/running. Returns the ms waited, or null on timeout. */
export async function drain(client: Client, timeoutMs = 30_000): Promise<number | null> {
	const filter = encodeURIComponent(JSON.stringify({ status: ['new', 'running'] }));
	const t0 = Date.now();
	while (Date.now() - t0 < timeoutMs) {
		const page = await client
			.request('GET', `/rest/executions?filter=${filter}&limit=1`, undefined, { timeoutMs: 15_000 })
			.catch(() => undefined);
		const results: unknown[] | undefined = page?.results ?? page;
		if (Array.isArray(results) && results.length === 0) return Date.now() - t0;
		await sleep(25);
	}
	return null;
}

const STATUSES = 'success error crashed canceled waiting unknown new running'.split(' ');

/**
 * Executions of a workflow by status (listAllExecutions pages past n8n's 100-row cap). Distinct ids are counted;
 * n8n's own `count` is kept beside.
 */
export async function countExecutions(client: Client, workflowId: string) {
	const filter = encodeURIComponent(
		JSON.stringify({ workflowId: String(workflowId), status: STATUSES }),
	);
	const page = `/rest/executions?filter=${filter}&limit=1`;
	const first = await client.request('GET', page, undefined, { timeoutMs: 30_000 });
	const reportedCount = typeof first?.count === 'number' ? first.count : null;
	const rows = await listAllExecutions(client, workflowId);
	const byStatus: Record<string, number> = {};
	for (const e of rows) byStatus[e.status ?? '?'] = (byStatus[e.status ?? '?'] ?? 0) + 1;
	return { byStatus, total: rows.length, reportedCount, ids: rows.map((e) => e.id) };
}

/** n8n's isolate counters from /metrics (null when absent: legacy engine, or metrics off). */
export async function isolateCounters(client: Client) {
	const res = await fetch(`${client.baseUrl}/metrics`, {
		signal: AbortSignal.timeout(10_000),
	}).catch(() => undefined);
	if (!res || !res.ok) return { acquired: null, coldSync: null };
	const text = await res.text();
	const read = (name: string): number | null => {
		const m = text.match(new RegExp(`^${name}(?:\\{\\})? ([0-9.eE+-]+)$`, 'm'));
		return m ? Number(m[1]) : null;
	};
	return {
		acquired: read('n8n_expression_pool_acquired_total'),
		coldSync: read('n8n_expression_pool_cold_start_sync_total'),
	};
}

/** Waits (bounded) until a GET on a production webhook URL answers with n8n's "... POST request" 404. */
export async function webhookRegistered(url: string, timeoutMs: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const probe = await fetch(url, { method: 'GET', signal: AbortSignal.timeout(5000) }).catch(
			() => undefined,
		);
		const text = probe ? await probe.text() : '';
		if (probe && /POST request/i.test(text)) return true;
		await sleep(200);
	}
	return false;
}

/** Activates, then waits (bounded) until the production URL is registered. */
export async function activateAndWait(client: Client, id: string, url: string): Promise<void> {
	await client.activateWorkflow(id, { settleMs: 0 });
	if (await webhookRegistered(url, 30_000)) return;
	throw new Error(
		`production webhook of workflow ${id} (${url.replace(client.baseUrl, '')}) not registered after 30 s`,
	);
}
