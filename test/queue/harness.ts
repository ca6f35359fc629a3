// Helpers for the queue suite: a REST client on the topology's main, workflows (test/e2e/workflows.ts) made known to
// chosen processes, deliveries to a chosen process, and executions read back over REST (every page) with what ran.
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { receive, type ProviderId } from '../../src/internal';
import { isDone, listAllExecutions, nodeItems, readExecution } from '../e2e/executions';
import { pool, post as postOnce, type Delivery, type ExecutionSummary } from '../e2e/harness';
import {
	createTriggerWorkflowOn,
	NEXT_NAME,
	TRIGGER_NAME,
	webhookRegistered,
	type RestClient,
	type TriggerInput,
} from '../e2e/workflows';
// @ts-expect-error plain ESM helper without types
import { DEFAULT_OWNER, N8nRestClient } from '../../scripts/lib/n8n-api.mjs';
// @ts-expect-error plain ESM helper without types
import { psql } from '../../scripts/lib/services.mjs';

export { pool, type Delivery, type RestClient };

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const say = (msg: string) => process.stderr.write(`[queue] ${msg}\n`);

/** A REST client logged in as the owner (set up on a fresh main). */
export async function ownerClient(url: string): Promise<RestClient> {
	const client = new N8nRestClient(url) as RestClient;
	await client.ensureOwner(DEFAULT_OWNER);
	await client.login(DEFAULT_OWNER);
	return client;
}

/** Logs the client in again on a restarted main. */
export const relogin = (client: RestClient) => client.login(DEFAULT_OWNER);

export type Workflow = Awaited<ReturnType<typeof createTriggerWorkflowOn>>;

/** Activates on main and waits (bounded by a count of probes) until every given process knows the webhook. */
export async function activate(
	client: RestClient,
	wf: Pick<Workflow, 'id' | 'urlOn'>,
	processUrls: string[],
) {
	await client.activateWorkflow(wf.id, { settleMs: 0 });
	for (const base of processUrls) await webhookRegistered(wf.urlOn(base));
}

/** "trigger → NoOp" created on main, activated and known to every given process. */
export async function activeWorkflow(
	client: RestClient,
	input: TriggerInput,
	processUrls: string[],
) {
	const wf = await createTriggerWorkflowOn(client, input);
	await activate(client, wf, processUrls);
	return wf;
}

/** The queue topology is slower to answer than one n8n: a wider per-request timeout than the e2e suite's. */
export const post = (url: string, body: Buffer | string, headers: Record<string, string>) =>
	postOnce(url, body, headers, 60_000);

/** A delivery that started an execution: 200 with an empty body (the spec's answer to an accepted delivery). */
export function accepted(d: Delivery) {
	return d.status === 200 && d.text === '';
}

/** Every execution of a workflow, oldest first. */
export async function allExecutions(
	client: RestClient,
	workflowId: string,
): Promise<ExecutionSummary[]> {
	return (await listAllExecutions(client, workflowId)).sort((a, b) => Number(a.id) - Number(b.id));
}

export async function executionDetail(client: RestClient, id: string) {
	const raw = await readExecution(client, id);
	const afterItems = nodeItems(raw, NEXT_NAME) ?? [];
	const err = raw.data?.resultData?.error;
	return {
		id: String(id),
		status: (raw.status ?? (raw.finished ? 'success' : 'unknown')) as string,
		/** the node after the trigger ran (with at least one item) */
		ran: afterItems.length > 0,
		triggerItems: nodeItems(raw, TRIGGER_NAME) ?? [],
		afterItems,
		error: err ? String(err.message ?? err.description ?? JSON.stringify(err)) : undefined,
		raw,
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
 * Four copies of one delivery were answered: every answer 200, and once their executions finished, the node after
 * the trigger ran exactly once, with `payload`. Resolves to the number of executions the copies started.
 */
export async function expectRanOnce(
	client: RestClient,
	wf: Workflow,
	answers: Delivery[],
	payload: unknown,
	stallMs: number,
	label: string,
) {
	expect(
		answers.map((a) => a.status),
		`${label}: ${answers.map((a) => a.text).join(' | ')}`,
	).toEqual([200, 200, 200, 200]);
	const started = answers.filter(accepted).length;
	const all = await details(client, await settle(client, wf.id, started, stallMs));
	const ran = all.filter((e) => e.ran);
	say(`${label}: 4 copies, ${all.length} executions, ran ${ran.length}`);
	expect(ran, label).toHaveLength(1);
	expect(ran[0].afterItems).toEqual([payload]);
	return started;
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

/** A copy key as n8n stores it in a trigger's processed_data row (n8n's DeduplicationHelper.createValueHash). */
export const storedKey = (key: string) => createHash('md5').update(key).digest('base64');

/** A delivery's copy keys, as the trigger computes them (receive()'s dedupeKeys). */
export function copyKeys(
	provider: ProviderId,
	d: { body: Buffer; headers: Record<string, string> },
	secret: string,
) {
	const headers = Object.fromEntries(
		Object.entries(d.headers).map(([k, v]) => [k.toLowerCase(), v]),
	);
	return receive(provider, { headers, query: {}, rawBody: d.body }, { secret }).dedupeKeys ?? [];
}

/**
 * Waits until the trigger's row in the topology's PostgreSQL (`pg`: services.mjs startPostgres) holds every given key
 * (its background checks re-recorded whatever another worker's write dropped). Fails when no key was added for `stallMs`.
 */
export async function rowHolds(pg: object, workflowId: string, keys: string[], stallMs: number) {
	const want = keys.map(storedKey);
	let missing = want.length;
	let lastProgress = Date.now();
	for (;;) {
		const out = psql(pg, `select value from processed_data where "workflowId" = '${workflowId}'`);
		const row = new Set(out ? (JSON.parse(out) as { data: string[] }).data : []);
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
