// What the e2e, queue and browser suites and the benchmarks share about n8n, free of vitest (bench/ runs outside it):
// the REST client's shape, the workflows they build and the webhook registration probe. Executions: executions.ts.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProviderId } from '../../src/internal';
import { nodeName, row } from '../providers';
// @ts-expect-error plain ESM helper without types
import { NODE_TYPE_PREFIX as PREFIX } from '../../scripts/lib/n8n-process.mjs';

/** Node types of this package as n8n names them when it is installed in ~/.n8n/nodes: `n8n-nodes-smart-webhooks.<name>`. */
export const NODE_TYPE_PREFIX: string = PREFIX;

/** scripts/lib/n8n-api.mjs's N8nRestClient, as the suites use it. */
export interface RestClient {
	baseUrl: string;
	cookie: string;
	request(
		method: string,
		p: string,
		body?: unknown,
		o?: { timeoutMs?: number; okStatuses?: number[] },
	): Promise<any>;
	login(o?: { email: string; password: string }): Promise<any>;
	ensureOwner(o?: unknown): Promise<any>;
	createCredential(c: { name: string; type: string; data: Record<string, unknown> }): Promise<any>;
	createWorkflow(w: Record<string, unknown>): Promise<any>;
	getWorkflow(id: string): Promise<any>;
	activateWorkflow(id: string, o?: { settleMs?: number }): Promise<any>;
	deactivateWorkflow(id: string): Promise<any>;
	listExecutions(workflowId: string, o?: { limit?: number }): Promise<any[]>;
	getExecution(id: string): Promise<any>;
	nodeTypeNames(): Promise<string[]>;
}

export const TRIGGER_NAME = 'Trigger';
export const NEXT_NAME = 'After Trigger';

/** Every execution saved with its data. */
const SAVE_ALL = {
	executionOrder: 'v1',
	saveDataSuccessExecution: 'all',
	saveDataErrorExecution: 'all',
	saveManualExecutions: true,
};

/**
 * The workflow body: trigger → NoOp, with a fixed webhookId so the URLs are known in advance. `nodeType` is this
 * package's node name (prefixed here) or a full type such as `n8n-nodes-base.webhook`.
 */
export function triggerWorkflowBody(input: {
	nodeType: string;
	typeVersion?: number;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
	name?: string;
	/** Workflow settings over SAVE_ALL. */
	settings?: Record<string, unknown>;
}) {
	const webhookId = input.webhookId ?? randomUUID();
	const nodeType = input.nodeType.includes('.')
		? input.nodeType
		: `${NODE_TYPE_PREFIX}${input.nodeType}`;
	return {
		webhookId,
		body: {
			name: input.name ?? `e2e ${input.nodeType} ${webhookId.slice(0, 8)}`,
			nodes: [
				{
					id: randomUUID(),
					name: TRIGGER_NAME,
					type: nodeType,
					typeVersion: input.typeVersion ?? 1,
					position: [0, 0],
					webhookId,
					parameters: input.parameters,
					...(input.credentials ? { credentials: input.credentials } : {}),
				},
				{
					id: randomUUID(),
					name: NEXT_NAME,
					type: 'n8n-nodes-base.noOp',
					typeVersion: 1,
					position: [240, 0],
					parameters: {},
				},
			],
			connections: { [TRIGGER_NAME]: { main: [[{ node: NEXT_NAME, type: 'main', index: 0 }]] } },
			settings: { ...SAVE_ALL, ...input.settings },
		},
	};
}

export interface TriggerInput {
	nodeType: string;
	parameters?: Record<string, unknown>;
	/** made here, for this workflow */
	credential?: { type: string; data: Record<string, unknown> };
	credentials?: Record<string, { id: string; name: string }>;
	name?: string;
}

export async function createCredentialOn(
	client: RestClient,
	type: string,
	data: Record<string, unknown>,
): Promise<{ id: string; name: string }> {
	const made = await client.createCredential({
		name: `${type} ${randomUUID().slice(0, 8)}`,
		type,
		data,
	});
	return { id: String(made.id), name: made.name };
}

/** Creates "trigger → NoOp" (and its credential when `credential` is given), not activated. */
export async function createTriggerWorkflowOn(client: RestClient, input: TriggerInput) {
	const { type, data } = input.credential ?? {};
	const credentials =
		type && data ? { [type]: await createCredentialOn(client, type, data) } : input.credentials;
	const { webhookId, body } = triggerWorkflowBody({
		...input,
		parameters: input.parameters ?? {},
		credentials,
	});
	const created = await client.createWorkflow(body);
	return {
		id: String(created.id),
		webhookId,
		name: body.name,
		credential: credentials && Object.values(credentials)[0],
		/** the production URL of the trigger (static path 'webhook') on the process at `base` */
		urlOn: (base: string) => `${base}/webhook/${webhookId}/webhook`,
	};
}

/**
 * A provider's trigger set up to run on `event` with `secret` in its credential (SmarterMeasure: the event typed in,
 * key in the header; SmartComply: an endpoint made in its dashboard, so no API calls); `parameters` go on top.
 */
export function providerTrigger(
	id: ProviderId,
	secret: string,
	event: string,
	parameters: Record<string, unknown> = {},
) {
	const p = row(id);
	const events =
		id === 'smarterMeasure'
			? { keyLocation: 'header', format: 'auto', eventFilter: 'named', eventNames: event }
			: { ...(id === 'smartComply' ? { registration: 'manual' } : {}), events: [event] };
	return {
		nodeType: nodeName(p),
		credential: {
			type: p.credential,
			data:
				id === 'smartComply'
					? { apiKey: 'sc_live_unused_manual_0123', baseUrl: 'http://127.0.0.1:9/api/v1', secret }
					: { secret },
		},
		parameters: { ...events, ...parameters },
	};
}

/**
 * A workflow of `nodes` connected one after the other, every execution saved; for workflows built by hand (the
 * trigger first: its webhookId gives the production URL /webhook/<webhookId>/webhook).
 */
export async function createChain(
	client: RestClient,
	name: string,
	nodes: Array<{ name: string } & Record<string, unknown>>,
) {
	const connections = Object.fromEntries(
		nodes
			.slice(1)
			.map((next, i) => [nodes[i].name, { main: [[{ node: next.name, type: 'main', index: 0 }]] }]),
	);
	return String((await client.createWorkflow({ name, nodes, connections, settings: SAVE_ALL })).id);
}

/**
 * Waits (bounded by a count of probes) until the process behind `url` has registered the webhook. A GET on a
 * registered POST-only webhook answers 404 "... Did you mean to make a POST request?" (main and webhook processors
 * alike, production and a listening Test URL); before registration the hint is missing. Nothing is delivered, so
 * nothing runs and a listening Test URL stays armed.
 */
export async function webhookRegistered(url: string, { probes = 150, intervalMs = 200 } = {}) {
	let last = '';
	for (let i = 0; i < probes; i++) {
		const probe = await fetch(url, { method: 'GET', signal: AbortSignal.timeout(10_000) }).catch(
			() => undefined,
		);
		last = probe ? `${probe.status} ${await probe.text()}` : 'no answer';
		if (/POST request/i.test(last)) return;
		await new Promise((r) => setTimeout(r, intervalMs));
	}
	throw new Error(`webhook ${url} not registered after ${probes} probes; last answer: ${last}`);
}

/**
 * A downstream service on 127.0.0.1 that records every JSON body posted to it: what a workflow's side effect reached.
 * `status(n)` is the answer to the n-th request (1-based); 200 by default.
 */
export async function startRecorder(status: (n: number) => number = () => 200) {
	const received: unknown[] = [];
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
			const code = status(received.length);
			res.writeHead(code, { 'content-type': 'application/json' });
			res.end(code === 200 ? '{"ok":true}' : '{"error":"down"}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		received,
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/effect`,
		close: () => new Promise((resolve) => server.close(resolve)),
	};
}

/** This package's SMP Trigger for project.completed at the canvas origin, for workflows built by hand. */
export function smpTriggerNode(
	name: string,
	webhookId: string,
	credential: { id: string; name: string },
) {
	return {
		id: randomUUID(),
		name,
		type: `${NODE_TYPE_PREFIX}smpTrigger`,
		typeVersion: 1,
		position: [0, 0],
		webhookId,
		parameters: { events: ['project.completed'] },
		credentials: { smpWebhookApi: credential },
	};
}

/** An HTTP Request node (v4.2) that POSTs its item as JSON to `url`: a side effect a test can count. */
export function sideEffectNode(name: string, url: string, position: [number, number]) {
	return {
		id: randomUUID(),
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position,
		parameters: {
			method: 'POST',
			url,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: '={{ JSON.stringify($json) }}',
			options: {},
		},
	};
}
