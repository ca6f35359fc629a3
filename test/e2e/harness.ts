// Helpers the e2e test files share. The n8n instance and the SmartComply fake are started once per run by
// global-setup.ts; their addresses come in through vitest's inject().
import { randomUUID } from 'node:crypto';
import { parse as parseFlatted } from 'flatted';
import { inject } from 'vitest';
import type { FailureSpec } from '../fake/smartcomply-server.mjs';
import { listAllExecutions } from './executions';
// @ts-expect-error plain ESM helper without types
import { N8nRestClient } from '../../scripts/lib/n8n-api.mjs';
import {
	NEXT_NAME,
	NODE_TYPE_PREFIX,
	type RestClient,
	TRIGGER_NAME,
	triggerWorkflowBody,
} from './workflows';

export { NEXT_NAME, NODE_TYPE_PREFIX, type RestClient, TRIGGER_NAME, triggerWorkflowBody };

export const env = {
	get n8nUrl() {
		return inject('n8nUrl');
	},
	get line() {
		return inject('n8nLine');
	},
	get version() {
		return inject('n8nVersion');
	},
	get fakeUrl() {
		return inject('fakeUrl');
	},
	get fakeOrigin() {
		return inject('fakeOrigin');
	},
	get fakeApiKey() {
		return inject('fakeApiKey');
	},
};

let shared: RestClient | undefined;

/** A REST client carrying the owner's auth cookie from the global setup (logs in again if it is missing). */
export async function rest(): Promise<RestClient> {
	if (shared) return shared;
	const client = new N8nRestClient(env.n8nUrl) as RestClient;
	client.cookie = inject('n8nCookie');
	if (!client.cookie) await client.login(inject('n8nOwner'));
	shared = client;
	return client;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Credential ids by type + data, so each file creates a credential once. */
export async function createCredential(
	type: string,
	data: Record<string, unknown>,
	name = `${type} e2e ${randomUUID().slice(0, 8)}`,
) {
	const client = await rest();
	const created = await client.createCredential({ name, type, data });
	return { id: String(created.id), name: created.name as string };
}

export interface TriggerWorkflow {
	id: string;
	webhookId: string;
	triggerName: string;
	productionUrl: string;
	testUrl: string;
	workflow: any;
}

/**
 * Creates "trigger → NoOp" via REST, activates it (unless activate: false) and returns its URLs.
 * Production URL: /webhook/<webhookId>/webhook (the triggers' static path is 'webhook').
 */
export async function createTriggerWorkflow(input: {
	nodeType: string;
	parameters?: Record<string, unknown>;
	credentials: Record<string, { id: string; name: string }>;
	activate?: boolean;
	name?: string;
}): Promise<TriggerWorkflow> {
	const client = await rest();
	const { webhookId, body } = triggerWorkflowBody({ ...input, parameters: input.parameters ?? {} });
	const created = await client.createWorkflow(body);
	const id = String(created.id);
	if (input.activate !== false) await activate(id);
	return {
		id,
		webhookId,
		triggerName: TRIGGER_NAME,
		productionUrl: `${env.n8nUrl}/webhook/${webhookId}/webhook`,
		testUrl: `${env.n8nUrl}/webhook-test/${webhookId}/webhook`,
		workflow: created,
	};
}

/** Activates and waits (bounded) until the production webhook no longer answers 404. */
export async function activate(id: string) {
	const client = await rest();
	await client.activateWorkflow(id, { settleMs: 0 });
	const wf = await client.getWorkflow(id);
	const trigger = wf.nodes.find((n: any) => n.webhookId);
	if (!trigger) return;
	const url = `${env.n8nUrl}/webhook/${trigger.webhookId}/webhook`;
	const deadline = Date.now() + 15_000;
	// A GET on a registered POST-only webhook answers 404 "... Did you mean to make a POST request?";
	// before registration the hint is missing. No delivery is sent, so nothing runs.
	while (Date.now() < deadline) {
		const probe = await fetch(url, { method: 'GET', signal: AbortSignal.timeout(5000) }).catch(
			() => undefined,
		);
		const text = probe ? await probe.text() : '';
		if (probe && /POST request/i.test(text)) return;
		await sleep(200);
	}
	throw new Error(`production webhook of workflow ${id} still not registered after 15 s`);
}

export async function deactivate(id: string) {
	const client = await rest();
	await client.deactivateWorkflow(id);
}

export interface ExecutionSummary {
	id: string;
	status?: string;
	finished?: boolean;
	mode?: string;
	workflowId?: string;
}

function isDone(e: ExecutionSummary) {
	return e.status
		? !['new', 'running', 'waiting', 'unknown'].includes(e.status)
		: e.finished === true;
}

export async function listExecutions(workflowId: string): Promise<ExecutionSummary[]> {
	const client = await rest();
	const list = await client.listExecutions(workflowId, { limit: 100 });
	return (list ?? []).map((e: any) => ({ ...e, id: String(e.id) }));
}

/**
 * Polls (bounded) until the workflow has at least n finished executions; returns them oldest first.
 * Throws with what it saw on timeout.
 */
export async function waitForExecutions(
	workflowId: string,
	n: number,
	{ timeoutMs = 20_000, intervalMs = 250 } = {},
): Promise<ExecutionSummary[]> {
	const deadline = Date.now() + timeoutMs;
	let last: ExecutionSummary[] = [];
	for (;;) {
		last = await listExecutions(workflowId);
		const done = last.filter(isDone);
		if (done.length >= n && done.length === last.length)
			return [...done].sort((a, b) => Number(a.id) - Number(b.id));
		if (Date.now() > deadline) {
			throw new Error(
				`workflow ${workflowId}: expected ${n} finished execution(s) within ${timeoutMs} ms, saw ${JSON.stringify(last.map((e) => ({ id: e.id, status: e.status, mode: e.mode })))}`,
			);
		}
		await sleep(intervalMs);
	}
}

/**
 * "Nothing else ran" as a count with a positive control. Call it after sending a marker: one more delivery that runs
 * the workflow, sent once every earlier request was answered, carrying `marker` (an id) in its payload. Waits
 * (bounded) until the workflow's newest execution has finished with the marker in its trigger items — n8n starts
 * executions in the order it answered their requests, so by then every execution an earlier request started exists
 * — and returns the executions before the marker's, oldest first.
 */
export async function executionsBeforeMarker(
	workflowId: string,
	marker: string,
	{ timeoutMs = 20_000 } = {},
): Promise<ExecutionSummary[]> {
	return await waitFor(
		`the execution of the marker delivery ${marker}`,
		async () => {
			const list = await allExecutions(workflowId);
			if (list.length === 0 || !list.every(isDone)) return false;
			const sorted = [...list].sort((a, b) => Number(a.id) - Number(b.id));
			const newest = sorted[sorted.length - 1];
			const items = await executionItems(newest.id).catch(() => []);
			return items.some((item) => JSON.stringify(item).includes(marker)) && sorted.slice(0, -1);
		},
		{ timeoutMs, intervalMs: 250 },
	);
}

/** The full run data of an execution; n8n keeps `data` in flatted form (both lines). */
export async function executionData(executionId: string): Promise<any> {
	const client = await rest();
	const execution = await client.getExecution(executionId);
	const raw = execution?.data;
	const data = typeof raw === 'string' ? parseFlatted(raw) : raw;
	return { ...execution, data };
}

/** The JSON of the items a node output in an execution (default: the trigger). */
export async function executionItems(
	executionId: string,
	nodeName = TRIGGER_NAME,
): Promise<Array<Record<string, unknown>>> {
	const execution = await executionData(executionId);
	const runs = execution.data?.resultData?.runData?.[nodeName];
	if (!runs)
		throw new Error(
			`execution ${executionId}: no run data for node "${nodeName}" (nodes: ${Object.keys(execution.data?.resultData?.runData ?? {}).join(', ')})`,
		);
	const main = runs[0]?.data?.main?.[0] ?? [];
	return main.map((item: any) => item.json);
}

/**
 * The executions in which the workflow's nodes ran (the node after the trigger got an item), oldest first, with the
 * trigger's items. A copy that n8n's webhook phase could not recognise (queue mode, or racing its original) starts
 * an execution too, but its trigger emits nothing (see "Retries and duplicates" in docs/duplicates-and-queue-mode.md), so these are the ones
 * that count as runs.
 */
export async function workflowRuns(
	executions: ExecutionSummary[],
): Promise<Array<{ id: string; items: Array<Record<string, unknown>> }>> {
	const runs: Array<{ id: string; items: Array<Record<string, unknown>> }> = [];
	for (const execution of [...executions].sort((a, b) => Number(a.id) - Number(b.id))) {
		const data = await executionData(execution.id);
		const runData = data.data?.resultData?.runData ?? {};
		if (!runData[NEXT_NAME]) continue;
		runs.push({
			id: execution.id,
			items: (runData[TRIGGER_NAME]?.[0]?.data?.main?.[0] ?? []).map((item: any) => item.json),
		});
	}
	return runs;
}

export interface Delivery {
	status: number;
	text: string;
	json?: any;
}

/** POSTs raw bytes with the given headers. */
export async function post(
	url: string,
	body: Buffer | string,
	headers: Record<string, string>,
	timeoutMs = 15_000,
): Promise<Delivery> {
	const res = await fetch(url, {
		method: 'POST',
		headers,
		body: new Uint8Array(typeof body === 'string' ? Buffer.from(body) : body),
		signal: AbortSignal.timeout(timeoutMs),
	});
	const text = await res.text();
	let json: any;
	try {
		json = JSON.parse(text);
	} catch {}
	return { status: res.status, text, json };
}

/** State of the SmartComply fake (it runs in the global-setup process; read it over HTTP). */
export async function fakeState(): Promise<{
	endpoints: any[];
	deliveries: any[];
	requests: any[];
	/** API calls received whose answer has not been sent yet */
	pendingCalls: number;
}> {
	const res = await fetch(`${env.fakeOrigin}/__control/state`, {
		signal: AbortSignal.timeout(5000),
	});
	return (await res.json()) as any;
}

/** `POST <fake>/webhooks/endpoints/<id>/test` with the bearer key, as a SmartComply user would. */
export async function fakeSendTest(
	endpointId: string,
): Promise<{ delivered: boolean; response_status: number; event_id: string }> {
	const res = await fetch(
		`${env.fakeUrl}/webhooks/endpoints/${encodeURIComponent(endpointId)}/test`,
		{
			method: 'POST',
			headers: { authorization: `Bearer ${env.fakeApiKey}` },
			signal: AbortSignal.timeout(20_000),
		},
	);
	if (res.status !== 202) throw new Error(`fake /test -> ${res.status}: ${await res.text()}`);
	return (await res.json()) as any;
}

/** Makes the fake SmartComply sign and send any event type to one of its endpoints (a control route of the fake). */
export async function fakeDeliver(
	endpointId: string,
	type: string,
): Promise<{ delivered: boolean; response_status: number; event_id: string }> {
	const res = await fetch(`${env.fakeOrigin}/__control/deliver`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ endpointId, type }),
		signal: AbortSignal.timeout(20_000),
	});
	if (res.status !== 202)
		throw new Error(`fake /__control/deliver -> ${res.status}: ${await res.text()}`);
	return (await res.json()) as any;
}

export async function waitFor<T>(
	what: string,
	fn: () => Promise<T | undefined | false>,
	{ timeoutMs = 15_000, intervalMs = 200 } = {},
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await fn();
		if (value) return value;
		if (Date.now() > deadline)
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await sleep(intervalMs);
	}
}

/** Every execution of a workflow, however many (see listAllExecutions for how n8n's lists are paged). */
export async function allExecutions(
	workflowId: string,
	{ client }: { client?: RestClient } = {},
): Promise<ExecutionSummary[]> {
	return (await listAllExecutions(client ?? (await rest()), workflowId)) as ExecutionSummary[];
}

/** Runs tasks with at most `limit` in flight; results in task order. */
export async function pool<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
	const results: T[] = new Array(tasks.length);
	let next = 0;
	async function worker() {
		while (next < tasks.length) {
			const i = next++;
			results[i] = await tasks[i]();
		}
	}
	await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
	return results;
}

/** The trigger items of many executions, fetched `concurrency` at a time. */
export async function itemsOfExecutions(
	ids: string[],
	{ concurrency = 8, nodeName }: { concurrency?: number; nodeName?: string } = {},
) {
	return await pool(
		ids.map((id) => () => executionItems(id, nodeName)),
		concurrency,
	);
}

/**
 * Make the global SmartComply fake's next matching API call fail (its HTTP control route; see failNext in the fake).
 * `url` scopes the failure to calls about one webhook URL, so tests running side by side keep their failures apart.
 */
export async function fakeFailNext(spec: FailureSpec) {
	const res = await fetch(`${env.fakeOrigin}/__control/fail`, {
		method: 'POST',
		body: JSON.stringify(spec),
		signal: AbortSignal.timeout(5000),
	});
	if (res.status !== 204) throw new Error(`fake /__control/fail -> ${res.status}`);
}

/** Clears the global fake's pending injected failures scoped to `url` (the cases beside it keep theirs). */
export async function fakeResetFailures(url: string) {
	await fetch(`${env.fakeOrigin}/__control/reset`, {
		method: 'POST',
		body: JSON.stringify({ url }),
		signal: AbortSignal.timeout(5000),
	});
}

/**
 * Activates over REST and resolves to why the trigger could not be activated, or undefined when it was.
 * n8n 1.x runs the trigger's create() inside the activate call and answers with its error. n8n 2.x answers the call at
 * once and publishes in the background ("publication outbox"), retrying a failing trigger up to 5 times (1, 2, 4, 8 s
 * apart); GET /rest/workflows/:id/publication-status then reports 'published', or 'failed' with each trigger's error.
 */
export async function activationError(id: string): Promise<string | undefined> {
	const client = await rest();
	try {
		await client.activateWorkflow(id, { settleMs: 0 });
	} catch (error) {
		const e = error as { body?: any; message: string };
		return typeof e.body === 'object' && e.body
			? String(e.body.message ?? JSON.stringify(e.body))
			: String(e.body ?? e.message);
	}
	if (env.line === '1') return undefined;
	const status = await waitFor(
		'the publication to settle',
		async () => {
			const s = await client.request('GET', `/rest/workflows/${id}/publication-status`);
			return s?.status !== 'in_progress' && s;
		},
		{ timeoutMs: 150_000, intervalMs: 500 },
	);
	if (status.status === 'published') return undefined;
	return `${status.status}: ${(status.triggers ?? []).map((t: { errorMessage?: string }) => t.errorMessage ?? '').join('; ')}`;
}

/** "Execute step" / "Listen for test event" on the trigger, as the editor asks for it (the body differs per line). */
export async function listenForTestEvent(wf: TriggerWorkflow) {
	const client = await rest();
	const body =
		env.line === '2'
			? { triggerToStartFrom: { name: wf.triggerName } }
			: {
					workflowData: await client.getWorkflow(wf.id),
					triggerToStartFrom: { name: wf.triggerName },
				};
	return await client.request('POST', `/rest/workflows/${wf.id}/run`, body);
}

/** "Stop listening": DELETE /rest/test-webhook/:workflowId (both lines). */
export async function stopListening(wf: TriggerWorkflow) {
	const client = await rest();
	return await client.request('DELETE', `/rest/test-webhook/${wf.id}`);
}
