// Helpers the e2e test files share. The n8n instance and the SmartComply fake are started once per run by
// global-setup.ts; their addresses come in through vitest's inject().
import { inject } from 'vitest';
import {
	serializePayload,
	sign,
	type ProviderId,
	type ProviderSignOptions,
} from '../../src/internal';
import type { FailureSpec } from '../fake/smartcomply-server.mjs';
import {
	isDone,
	listAllExecutions,
	nodeItems,
	readExecution,
	type ExecutionRow,
} from './executions';
// @ts-expect-error plain ESM helper without types
import { N8nRestClient } from '../../scripts/lib/n8n-api.mjs';
import {
	createCredentialOn,
	createTriggerWorkflowOn,
	NEXT_NAME,
	NODE_TYPE_PREFIX,
	type RestClient,
	TRIGGER_NAME,
	type TriggerInput,
	webhookRegistered,
} from './workflows';

export { NODE_TYPE_PREFIX, type RestClient };

export const env = {
	n8nUrl: inject('n8nUrl'),
	line: inject('n8nLine'),
	version: inject('n8nVersion'),
	fakeUrl: inject('fakeUrl'),
	fakeOrigin: inject('fakeOrigin'),
	fakeApiKey: inject('fakeApiKey'),
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

export async function createCredential(type: string, data: Record<string, unknown>) {
	return await createCredentialOn(await rest(), type, data);
}

export type TriggerWorkflow = Awaited<ReturnType<typeof createTriggerWorkflow>>;

/**
 * Creates "trigger → NoOp" via REST (with a credential of its own when `credential` is given), activates it (unless
 * activate: false) and returns its URLs: /webhook/<webhookId>/webhook (the triggers' static path is 'webhook').
 */
export async function createTriggerWorkflow(input: TriggerInput & { activate?: boolean }) {
	const wf = await createTriggerWorkflowOn(await rest(), input);
	if (input.activate !== false) await activate(wf.id);
	return {
		id: wf.id,
		webhookId: wf.webhookId,
		triggerName: TRIGGER_NAME,
		productionUrl: wf.urlOn(env.n8nUrl),
		testUrl: `${env.n8nUrl}/webhook-test/${wf.webhookId}/webhook`,
		credential: wf.credential,
	};
}

/** Activates and waits (bounded) until the production webhook is registered. */
export async function activate(id: string) {
	const client = await rest();
	await client.activateWorkflow(id, { settleMs: 0 });
	const trigger = (await client.getWorkflow(id)).nodes.find((n: any) => n.webhookId);
	if (trigger) await webhookRegistered(`${env.n8nUrl}/webhook/${trigger.webhookId}/webhook`);
}

export async function deactivate(id: string) {
	await (await rest()).deactivateWorkflow(id);
}

export type ExecutionSummary = ExecutionRow;

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
	for (;;) {
		const last = await allExecutions(workflowId);
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
			const items = await executionItems(sorted[sorted.length - 1].id).catch(() => []);
			return items.some((item) => JSON.stringify(item).includes(marker)) && sorted.slice(0, -1);
		},
		{ timeoutMs, intervalMs: 250 },
	);
}

/** The full run data of an execution. */
export async function executionData(executionId: string): Promise<any> {
	return await readExecution(await rest(), executionId);
}

/** The JSON of the items a node output in an execution (default: the trigger). */
export async function executionItems(executionId: string, nodeName = TRIGGER_NAME) {
	const execution = await executionData(executionId);
	const items = nodeItems(execution, nodeName);
	if (!items)
		throw new Error(
			`execution ${executionId}: no run data for node "${nodeName}" (nodes: ${Object.keys(execution.data?.resultData?.runData ?? {}).join(', ')})`,
		);
	return items;
}

/**
 * The executions in which the workflow's nodes ran (the node after the trigger got an item), oldest first, with the
 * trigger's items. A copy that n8n's webhook phase could not recognise (queue mode, or racing its original) starts
 * an execution too, but its trigger emits nothing (docs/duplicates-and-queue-mode.md), so these are the runs.
 */
export async function workflowRuns(executions: ExecutionSummary[]) {
	const sorted = [...executions].sort((a, b) => Number(a.id) - Number(b.id));
	const read = await pool(
		sorted.map((e) => async () => await executionData(e.id)),
		8,
	);
	return sorted.flatMap((e, i) =>
		nodeItems(read[i], NEXT_NAME)
			? [{ id: e.id, items: nodeItems(read[i], TRIGGER_NAME) ?? [] }]
			: [],
	);
}

export interface Delivery {
	status: number;
	text: string;
	json?: any;
}

/**
 * Deadlines for things that do happen: a passing run never waits for them, so they are set for a 2-core machine
 * running n8n under the storms beside it (15 s was seen to run out there), not for a quick one.
 */
const DEADLINE_MS = 60_000;

/** POSTs raw bytes with the given headers. */
export async function post(
	url: string,
	body: Buffer | string,
	headers: Record<string, string>,
	timeoutMs = DEADLINE_MS,
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

/** `payload` serialized and signed as `provider` sends it, POSTed to `url`. */
export async function sendSigned(
	url: string,
	provider: ProviderId,
	secret: string,
	payload: Record<string, unknown>,
	options?: ProviderSignOptions,
) {
	const body = serializePayload(payload);
	return await post(url, body, sign(provider, body, secret, options));
}

/** A control route of the SmartComply fake (it runs in the global-setup process): GET without a body, else POST. */
async function fakeControl(route: string, body?: object, expected = 200): Promise<any> {
	const res = await fetch(`${env.fakeOrigin}/__control/${route}`, {
		method: body ? 'POST' : 'GET',
		headers: { 'content-type': 'application/json' },
		body: body && JSON.stringify(body),
		signal: AbortSignal.timeout(20_000),
	});
	if (res.status !== expected)
		throw new Error(`fake /__control/${route} -> ${res.status}: ${await res.text()}`);
	return expected === 204 ? undefined : await res.json();
}

/** State of the SmartComply fake; `pendingCalls`: API calls received whose answer has not been sent yet. */
export const fakeState = (): Promise<{ endpoints: any[]; pendingCalls: number }> =>
	fakeControl('state');

/** Signing secrets the fake issued and its API key. */
export const fakeSecrets = (): Promise<{ apiKey: string; signingSecrets: string[] }> =>
	fakeControl('secrets');

type Sent = { delivered: boolean; response_status: number; event_id: string };

/** Makes the fake sign and send any event type to one of its endpoints. */
export const fakeDeliver = (endpointId: string, type: string): Promise<Sent> =>
	fakeControl('deliver', { endpointId, type }, 202);

/**
 * Makes the fake's next matching API call fail (see failNext in the fake). `url` scopes the failure to calls about one
 * webhook URL, so tests running side by side keep their failures apart.
 */
export const fakeFailNext = (spec: FailureSpec) => fakeControl('fail', spec, 204);

/** Clears the fake's pending injected failures scoped to `url` (the cases beside it keep theirs). */
export const fakeResetFailures = (url: string) => fakeControl('reset', { url }, 204);

/** `POST <fake>/webhooks/endpoints/<id>/test` with the bearer key, as a SmartComply user would. */
export async function fakeSendTest(endpointId: string): Promise<Sent> {
	const res = await fetch(
		`${env.fakeUrl}/webhooks/endpoints/${encodeURIComponent(endpointId)}/test`,
		{
			method: 'POST',
			headers: { authorization: `Bearer ${env.fakeApiKey}` },
			signal: AbortSignal.timeout(20_000),
		},
	);
	if (res.status !== 202) throw new Error(`fake /test -> ${res.status}: ${await res.text()}`);
	return (await res.json()) as Sent;
}

/** The fake's endpoints for a webhook URL. */
export async function endpointsFor(url: string) {
	return (await fakeState()).endpoints.filter((e) => e.url === url);
}

/** Waits (bounded) until the fake has an endpoint for `url`; returns them. */
export async function endpointsOnceThere(url: string) {
	return await waitFor(`an endpoint for ${url} at the fake`, async () => {
		const list = await endpointsFor(url);
		return list.length > 0 && list;
	});
}

export async function waitFor<T>(
	what: string,
	fn: () => Promise<T | undefined | false>,
	{ timeoutMs = DEADLINE_MS, intervalMs = 200 } = {},
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
export async function allExecutions(workflowId: string): Promise<ExecutionSummary[]> {
	return await listAllExecutions(await rest(), workflowId);
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

/** 2.x's publication status once it settled (not 'in_progress'). */
export async function publicationStatus(id: string, timeoutMs = DEADLINE_MS) {
	const client = await rest();
	return await waitFor(
		'the publication to settle',
		async () => {
			const s = await client.request('GET', `/rest/workflows/${id}/publication-status`);
			return s?.status !== 'in_progress' && s;
		},
		{ timeoutMs, intervalMs: 500 },
	);
}

/**
 * Activates over REST and resolves to why the trigger could not be activated, or undefined when it was.
 * n8n 1.x runs the trigger's create() inside the activate call and answers with its error. n8n 2.x answers the call at
 * once and publishes in the background ("publication outbox"), retrying a failing trigger up to 5 times (1, 2, 4, 8 s
 * apart); GET /rest/workflows/:id/publication-status then reports 'published', or 'failed' with each trigger's error.
 */
export async function activationError(id: string): Promise<string | undefined> {
	try {
		await (await rest()).activateWorkflow(id, { settleMs: 0 });
	} catch (error) {
		const e = error as { body?: any; message: string };
		return typeof e.body === 'object' && e.body
			? String(e.body.message ?? JSON.stringify(e.body))
			: String(e.body ?? e.message);
	}
	if (env.line === '1') return undefined;
	const status = await publicationStatus(id, 150_000);
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
	return await (await rest()).request('DELETE', `/rest/test-webhook/${wf.id}`);
}
