// Helpers for the queue-mode suite: a REST client on the topology's main, workflows "trigger → NoOp", deliveries to a
// chosen process, and executions read back over REST (every page) with what ran in each.
import { createHash, randomUUID } from 'node:crypto';
import { parse as parseFlatted } from 'flatted';
import { receive, type ProviderId } from '../../src/internal';
import { listAllExecutions } from '../e2e/executions';
import {
	NEXT_NAME,
	NODE_TYPE_PREFIX,
	pool,
	post as postOnce,
	TRIGGER_NAME,
	triggerWorkflowBody,
	type Delivery,
	type ExecutionSummary,
	type RestClient,
} from '../e2e/harness';
// @ts-expect-error plain ESM helper without types
import { DEFAULT_OWNER, N8nRestClient } from '../../scripts/lib/n8n-api.mjs';
// @ts-expect-error plain ESM helper without types
import { psql } from '../../scripts/lib/services.mjs';

export const TRIGGER = TRIGGER_NAME;
export const AFTER = NEXT_NAME;
export { NODE_TYPE_PREFIX, pool, type Delivery, type ExecutionSummary, type RestClient };

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function ownerClient(url: string): Promise<RestClient> {
	const client = new N8nRestClient(url) as RestClient;
	await client.ensureOwner(DEFAULT_OWNER);
	await client.login(DEFAULT_OWNER);
	return client;
}

/** A REST client logged in as the owner on a (re)started main. */
export async function relogin(client: RestClient) {
	await client.login(DEFAULT_OWNER);
}

/** Credential data holding a delivery secret in the field all five credentials name `secret` (SmartComply: also apiKey, baseUrl). */
export function secretData(
	_type: string,
	secret: string,
	extra: Record<string, unknown> = {},
): Record<string, unknown> {
	return { ...extra, secret };
}

export interface Workflow {
	id: string;
	webhookId: string;
	name: string;
	/** production URL of this workflow's trigger on the process at baseUrl */
	urlOn(baseUrl: string): string;
}

export async function createCredential(
	client: RestClient,
	type: string,
	data: Record<string, unknown>,
) {
	const created = await client.createCredential({
		name: `${type} queue ${randomUUID().slice(0, 8)}`,
		type,
		data,
	});
	return { id: String(created.id), name: created.name as string };
}

/**
 * Creates "trigger → NoOp" on main. `path` is the trigger's URL path after /webhook/: `<webhookId>/webhook` for this
 * package's triggers (static path 'webhook'); n8n's Webhook node gets its own.
 */
export async function createWorkflow(
	client: RestClient,
	input: Parameters<typeof triggerWorkflowBody>[0] & { path?: (webhookId: string) => string },
): Promise<Workflow> {
	const { webhookId, body } = triggerWorkflowBody({
		...input,
		name: input.name ?? `queue ${input.nodeType} ${randomUUID().slice(0, 8)}`,
	});
	const created = await client.createWorkflow(body);
	const p = input.path ? input.path(webhookId) : `${webhookId}/webhook`;
	return {
		id: String(created.id),
		webhookId,
		name: body.name,
		urlOn: (baseUrl: string) => `${baseUrl}/webhook/${p}`,
	};
}

/**
 * Is the production webhook registered as seen from a process? A GET on a registered POST-only webhook answers 404
 * "... Did you mean to make a POST request?" (main and webhook processors alike); before registration the hint is
 * missing. No delivery is sent, so nothing runs.
 */
export async function webhookKnown(url: string): Promise<boolean> {
	const probe = await fetch(url, { method: 'GET', signal: AbortSignal.timeout(10_000) }).catch(
		() => undefined,
	);
	const text = probe ? await probe.text() : '';
	return Boolean(probe && /POST request/i.test(text));
}

/** Activates on main and waits (bounded by a count of probes) until every given process knows the webhook. */
export async function activate(
	client: RestClient,
	wf: Workflow,
	processUrls: string[],
	{ probes = 150, intervalMs = 200 } = {},
) {
	await client.activateWorkflow(wf.id, { settleMs: 0 });
	for (const base of processUrls) {
		let ok = false;
		for (let i = 0; i < probes && !ok; i++) {
			ok = await webhookKnown(wf.urlOn(base));
			if (!ok) await sleep(intervalMs);
		}
		if (!ok)
			throw new Error(
				`workflow ${wf.id}: webhook not registered on ${base} after ${probes} probes`,
			);
	}
}

/** The queue topology is slower to answer than one n8n: a wider per-request timeout than the e2e suite's. */
export const post = (url: string, body: Buffer | string, headers: Record<string, string>) =>
	postOnce(url, body, headers, 60_000);

/** A delivery that started an execution: 200 with an empty body (the spec's answer to an accepted delivery). */
export function accepted(d: Delivery) {
	return d.status === 200 && d.text === '';
}

export function isDone(e: ExecutionSummary) {
	return e.status
		? !['new', 'running', 'waiting', 'unknown'].includes(e.status)
		: e.finished === true;
}

/** Every execution of a workflow, oldest first. */
export async function allExecutions(
	client: RestClient,
	workflowId: string,
): Promise<ExecutionSummary[]> {
	const list = (await listAllExecutions(client, workflowId)) as ExecutionSummary[];
	return list.sort((a, b) => Number(a.id) - Number(b.id));
}

export interface ExecutionDetail {
	id: string;
	status: string;
	/** the node after the trigger ran (with at least one item) */
	ran: boolean;
	triggerItems: Array<Record<string, unknown>>;
	afterItems: Array<Record<string, unknown>>;
	error?: string;
	raw: any;
}

function itemsOf(runData: any, node: string): Array<Record<string, unknown>> {
	const main = runData?.[node]?.[0]?.data?.main?.[0] ?? [];
	return main.map((item: any) => item.json);
}

export async function executionDetail(client: RestClient, id: string): Promise<ExecutionDetail> {
	const execution = await client.getExecution(id);
	const raw = typeof execution?.data === 'string' ? parseFlatted(execution.data) : execution?.data;
	const runData = raw?.resultData?.runData ?? {};
	const afterItems = itemsOf(runData, AFTER);
	const err = raw?.resultData?.error;
	return {
		id: String(id),
		status: execution?.status ?? (execution?.finished ? 'success' : 'unknown'),
		ran: Boolean(runData[AFTER]) && afterItems.length > 0,
		triggerItems: itemsOf(runData, TRIGGER),
		afterItems,
		error: err ? String(err.message ?? err.description ?? JSON.stringify(err)) : undefined,
		raw: { ...execution, data: raw },
	};
}

export async function details(client: RestClient, list: ExecutionSummary[]) {
	return await pool(
		list.map((e) => () => executionDetail(client, e.id)),
		6,
	);
}

/**
 * Waits until the workflow has at least `expected` executions, all finished. Bounded by progress, not by a clock:
 * it fails only when nothing new finished for `stallMs` (a limit the caller derives from a throughput measured in
 * the same run).
 */
export async function settle(
	client: RestClient,
	workflowId: string,
	expected: number,
	stallMs: number,
	intervalMs = 300,
): Promise<ExecutionSummary[]> {
	let lastDone = -1;
	let lastProgress = Date.now();
	for (;;) {
		const list = await allExecutions(client, workflowId);
		const done = list.filter(isDone).length;
		if (list.length >= expected && done === list.length) return list;
		if (done !== lastDone) {
			lastDone = done;
			lastProgress = Date.now();
		}
		if (Date.now() - lastProgress > stallMs) {
			throw new Error(
				`workflow ${workflowId}: expected ${expected} finished executions; ${list.length} listed, ${done} finished, no progress for ${stallMs} ms: ` +
					JSON.stringify(list.slice(-10).map((e) => ({ id: e.id, status: e.status }))),
			);
		}
		await sleep(intervalMs);
	}
}

/**
 * "Nothing more runs": after `sentinel()` (a genuine delivery that starts one more execution) has been answered,
 * wait until the workflow has before + 1 finished executions and return them. Extra executions from earlier requests
 * show up in the count; the suite's final ledger re-counts every workflow minutes later.
 */
export async function countWithSentinel(
	client: RestClient,
	workflowId: string,
	before: number,
	sentinel: () => Promise<Delivery>,
	stallMs: number,
) {
	const s = await sentinel();
	if (!accepted(s)) throw new Error(`sentinel delivery not accepted: ${s.status} ${s.text}`);
	return await settle(client, workflowId, before + 1, stallMs);
}

/** Where a watched value sits in serialized data: the nearest preceding keys, never the value itself. */
export function whereIn(text: string, value: string): string {
	const at = text.indexOf(value);
	const before = text.slice(Math.max(0, at - 400), at);
	return [...before.matchAll(/"([A-Za-z_$][\w$]*)":/g)]
		.slice(-4)
		.map((m) => m[1])
		.join(' > ');
}

/** The topology's PostgreSQL (scripts/lib/services.mjs startPostgres). */
export interface Pg {
	host: string;
	port: number;
	user: string;
	database: string;
}

/**
 * The entries of a trigger's processed-data row, as n8n stores them (md5/base64 of each key, n8n's
 * DeduplicationHelper.createValueHash); empty before its first record.
 */
export function processedEntries(pg: Pg, workflowId: string): Set<string> {
	const out = psql(pg, `select value from processed_data where "workflowId" = '${workflowId}'`);
	return new Set(out ? (JSON.parse(out) as { data: string[] }).data : []);
}

/** A copy key as n8n stores it in the row. */
export const storedKey = (key: string) => createHash('md5').update(key).digest('base64');

/** A delivery's copy keys, as the trigger computes them (receive()'s dedupeKeys). */
export function copyKeys(
	provider: ProviderId,
	d: { body: Buffer; headers: Record<string, string> },
	secret: string,
) {
	return (
		receive(provider, { headers: lower(d.headers), query: {}, rawBody: d.body }, { secret })
			.dedupeKeys ?? []
	);
}

const lower = (headers: Record<string, string>) =>
	Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

/**
 * Waits until the trigger's row holds every given key (its background checks re-recorded whatever another worker's
 * write dropped). Bounded: fails when no key was added for `stallMs`.
 */
export async function rowHolds(pg: Pg, workflowId: string, keys: string[], stallMs: number) {
	const want = keys.map(storedKey);
	let missing = want.length;
	let lastProgress = Date.now();
	for (;;) {
		const row = processedEntries(pg, workflowId);
		const now = want.filter((k) => !row.has(k)).length;
		if (now === 0) return;
		if (now < missing) {
			missing = now;
			lastProgress = Date.now();
		}
		if (Date.now() - lastProgress > stallMs)
			throw new Error(
				`workflow ${workflowId}: ${now} of ${want.length} keys missing from its row for ${stallMs} ms`,
			);
		await sleep(300);
	}
}
