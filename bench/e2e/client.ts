/**
 * Talking to one running n8n for the e2e bench (and the benches beside it): deliveries on a keep-alive agent, waits,
 * execution counts, isolate counters. Every request has a timeout and every wait a deadline.
 */
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { listAllExecutions } from '../../test/e2e/executions';
import type { Client } from '../n8n-rest';

export type { Client };

export const round3 = (x: number) => +x.toFixed(3);

export interface Delivery {
	body: Buffer;
	headers: Record<string, string>;
}

/**
 * POST one delivery; resolves with the status (0 on a network error or timeout). Body drained so the socket is reused;
 * `samples` (when given) keeps the first answer body seen per status, cut to 200 characters.
 */
export function post(
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

/** Sends `list` with at most `inFlight` requests outstanding; returns elapsed ns and the status counts. */
export async function batch(
	agent: http.Agent,
	url: URL,
	list: Delivery[],
	inFlight: number,
): Promise<{ ns: number; statuses: Record<number, number> }> {
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
export async function countExecutions(
	client: Client,
	workflowId: string,
): Promise<{
	byStatus: Record<string, number>;
	total: number;
	reportedCount: number | null;
	ids: string[];
}> {
	const filter = encodeURIComponent(
		JSON.stringify({ workflowId: String(workflowId), status: STATUSES }),
	);
	const first = await client.request(
		'GET',
		`/rest/executions?filter=${filter}&limit=1`,
		undefined,
		{
			timeoutMs: 30_000,
		},
	);
	const reportedCount = typeof first?.count === 'number' ? first.count : null;
	const rows = await listAllExecutions(client, workflowId);
	const byStatus: Record<string, number> = {};
	for (const e of rows) byStatus[e.status ?? '?'] = (byStatus[e.status ?? '?'] ?? 0) + 1;
	return { byStatus, total: rows.length, reportedCount, ids: rows.map((e) => e.id) };
}

/** n8n's isolate counters from /metrics (null when absent: legacy engine, or metrics off). */
export async function isolateCounters(
	baseUrl: string,
): Promise<{ acquired: number | null; coldSync: number | null }> {
	const res = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(10_000) }).catch(
		() => undefined,
	);
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
