// What the benches share about n8n, outside vitest (the queue suite's helpers in test/queue/harness.ts import vitest
// through the e2e harness): starting one, workflows, activation, deliveries and executions on the same n8n REST
// client and workflow bodies as the suites.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { providers, serializePayload, sign } from '../src/index';
import { listAllExecutions } from '../test/e2e/executions';
import { triggerWorkflowBody } from '../test/e2e/workflows';
import { webhookRegistered } from './e2e/client';
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
export interface Workflow {
	id: string;
	name: string;
	urlOn(base: string): string;
}
export interface ExecutionSummary {
	id: string;
	status?: string;
	finished?: boolean;
	startedAt?: string | null;
	stoppedAt?: string | null;
}

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
export async function settle(
	client: Client,
	wf: Pick<Workflow, 'id' | 'name'>,
	n: number,
): Promise<ExecutionSummary[]> {
	let best = -1;
	let since = Date.now();
	for (;;) {
		const list = ((await listAllExecutions(client, wf.id)) as ExecutionSummary[]).sort(
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
