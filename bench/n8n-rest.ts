// What the queue and workers benchmarks share about n8n, outside vitest (the queue suite's helpers in
// test/queue/harness.ts import vitest through the e2e harness): workflows, activation, deliveries and executions on
// the same n8n REST client and workflow bodies as the suites.
import { randomUUID } from 'node:crypto';
import { providers, serializePayload, sign } from '../src/internal';
import { listAllExecutions } from '../test/e2e/executions';
import { triggerWorkflowBody } from '../test/e2e/workflows';
// @ts-expect-error plain ESM helper without types
import { DEFAULT_OWNER, N8nRestClient } from '../scripts/lib/n8n-api.mjs';

export { DEFAULT_OWNER, N8nRestClient };

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
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function createWorkflow(
	client: Client,
	input: Parameters<typeof triggerWorkflowBody>[0] & { path?: string },
): Promise<Workflow> {
	const { webhookId, body } = triggerWorkflowBody(input);
	const created = await client.createWorkflow(body);
	const p = input.path ?? `${webhookId}/webhook`;
	return { id: String(created.id), name: body.name, urlOn: (base) => `${base}/webhook/${p}` };
}

/** Activates on main; waits (bounded) until each process answers a GET with n8n's "POST request" hint. */
export async function activate(client: Client, wf: Workflow, bases: string[]) {
	await client.activateWorkflow(wf.id, { settleMs: 0 });
	for (const base of bases) {
		for (let i = 0; ; i++) {
			const res = await fetch(wf.urlOn(base), { signal: AbortSignal.timeout(10_000) }).catch(
				() => undefined,
			);
			if (res && /POST request/i.test(await res.text())) break;
			if (i > 150) throw new Error(`${wf.name}: webhook not registered on ${base}`);
			await sleep(200);
		}
	}
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

export const isDone = (e: ExecutionSummary) =>
	e.status ? !['new', 'running', 'waiting', 'unknown'].includes(e.status) : e.finished === true;

/** Polls until the workflow has `n` finished executions (every one successful), failing after STALL_MS without progress. */
export async function settle(client: Client, wf: Workflow, n: number): Promise<ExecutionSummary[]> {
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
export function smpDelivery(secret: string) {
	const id = `evt_qpg_${randomUUID().slice(0, 8)}_${counter++}`;
	const body = serializePayload(providers.smp.sample('project.completed', { id }));
	return { body, headers: sign('smp', body, secret) };
}

/** Milliseconds each finished execution took (n8n's own startedAt → stoppedAt). */
export function durations(list: ExecutionSummary[]): number[] {
	return (
		list as Array<ExecutionSummary & { startedAt?: string | null; stoppedAt?: string | null }>
	)
		.map((e) => Date.parse(String(e.stoppedAt ?? '')) - Date.parse(String(e.startedAt ?? '')))
		.filter((ms) => Number.isFinite(ms));
}
