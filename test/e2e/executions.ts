// Listing and reading executions through n8n's REST API, on both n8n lines. Kept free of vitest so the e2e, queue and
// browser suites and bench/ share the one way of counting executions and reading what ran in them.
import { parse as parseFlatted } from 'flatted';
import type { RestClient } from './workflows';

export interface ExecutionRow {
	id: string;
	status?: string;
	finished?: boolean;
	mode?: string;
	workflowId?: string;
	startedAt?: string | null;
	[k: string]: unknown;
}

export function isDone(e: { status?: string; finished?: boolean }) {
	return e.status
		? !['new', 'running', 'waiting', 'unknown'].includes(e.status)
		: e.finished === true;
}

/** An execution with its run data; n8n keeps `data` in flatted form (both lines). */
export async function readExecution(client: Pick<RestClient, 'getExecution'>, id: string) {
	const execution = await client.getExecution(id);
	const raw = execution?.data;
	return { ...execution, data: typeof raw === 'string' ? parseFlatted(raw) : raw };
}

/** The JSON of the items a node output in a read execution, or undefined when the node did not run. */
export function nodeItems(execution: any, node: string): Array<Record<string, any>> | undefined {
	const runs = execution.data?.resultData?.runData?.[node];
	return runs && (runs[0]?.data?.main?.[0] ?? []).map((item: any) => item.json);
}

/** Where a watched value sits in serialized data: the nearest preceding keys, never the value itself. */
export function whereIn(text: string, value: string): string {
	const at = text.indexOf(value);
	return [...text.slice(Math.max(0, at - 400), at).matchAll(/"([A-Za-z_$][\w$]*)":/g)]
		.slice(-4)
		.map((m) => m[1])
		.join(' > ');
}

/**
 * Every execution of a workflow, in no particular order.
 *
 * n8n caps a page at 100 rows, and both lines list completed executions by start time (newest first) while their
 * own paging continues below the last row's *id* (1.x: `lastId`; 2.41: `nextCursor`). Executions that start out of
 * id order (16 requests in flight on one process, or a queue-mode worker picking jobs in its own order) fall
 * between the two orders and are never listed: CI saw 178 of 180 on 2.41 (queue mode) and 599 of 600 on 1.123
 * (retry storm, one process). So the next page is the rows started at or before the oldest start time seen so far
 * (`startedBefore`, inclusive on both lines; repeats are dropped by id), until a page brings nothing new. Rows not
 * started yet (no `startedAt`) can only be on the first page; callers that wait for executions poll until every
 * listed row has finished anyway. No status filter: with one, n8n may order by id instead, and paging by start
 * time would then skip rows.
 */
export async function listAllExecutions(
	client: Pick<RestClient, 'request'>,
	workflowId: string,
	{ pageSize = 100 }: { pageSize?: number } = {},
): Promise<ExecutionRow[]> {
	const out = new Map<string, ExecutionRow>();
	let startedBefore: string | undefined;
	for (let guard = 0; guard < 10_000; guard++) {
		const filter = encodeURIComponent(
			JSON.stringify({
				workflowId: String(workflowId),
				...(startedBefore ? { startedBefore } : {}),
			}),
		);
		const page = await client.request(
			'GET',
			`/rest/executions?filter=${filter}&limit=${pageSize}`,
			undefined,
			{ timeoutMs: 30_000 },
		);
		const results: any[] = page?.results ?? page ?? [];
		const fresh = results.filter((e) => !out.has(String(e.id)));
		for (const e of fresh) out.set(String(e.id), { ...e, id: String(e.id) });
		if (fresh.length === 0) break;
		const starts = results
			.map((e) => Date.parse(e.startedAt ?? ''))
			.filter((t) => Number.isFinite(t));
		if (starts.length === 0) break;
		startedBefore = new Date(Math.min(...starts)).toISOString();
	}
	return [...out.values()];
}
