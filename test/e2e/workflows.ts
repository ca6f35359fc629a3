// What the e2e and queue suites and the benchmarks share about n8n, free of vitest (bench/ runs outside it): the
// REST client's shape and the "trigger → NoOp" workflow body. Listing executions is in executions.ts.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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

/**
 * The workflow body: trigger → NoOp, with a fixed webhookId so the URLs are known in advance. `nodeType` is this
 * package's node name (prefixed here) or a full type such as `n8n-nodes-base.webhook`. The e2e and queue suites
 * and bench/processed-row.ts build their workflows here.
 */
export function triggerWorkflowBody(input: {
	nodeType: string;
	typeVersion?: number;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
	name?: string;
	/** Workflow settings over the defaults below (every execution saved). */
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
			settings: {
				executionOrder: 'v1',
				saveDataSuccessExecution: 'all',
				saveDataErrorExecution: 'all',
				saveManualExecutions: true,
				...input.settings,
			},
		},
	};
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
