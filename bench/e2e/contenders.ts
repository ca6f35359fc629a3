/**
 * What the e2e bench measures: the contenders (the workflows A..E2, built through n8n's REST API), the deliveries fed
 * to them (genuine and forged 1 KiB SMP deliveries), the n8n settings each run starts under, and the targets.
 * The header of bench/e2e.ts says what each contender is and why it is there.
 */
import { randomUUID } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseFlatted } from 'flatted';
import { providers, serializePayload, sign } from '../../src/internal';
import { activateAndWait, type Client, type Delivery } from './client';

export const SECRET = 'whsec_e2eBench0123456789abcdefghijklmnop';
const AUTH_HEADER = 'X-Bench-Auth';
const AUTH_VALUE = 'bench-header-auth-3f9a1c7e5b2d4a6c';
const BODY_BYTES = 1024;

export type ContenderId = 'A' | 'B' | 'C' | 'C1' | 'D' | 'E' | 'E0' | 'E2' | 'S';
export const CONTENDERS: Record<ContenderId, string> = {
	A: 'Webhook v2, no auth',
	B: 'Webhook v1, no auth',
	C: 'Webhook v2 + Header Auth',
	C1: 'Webhook v1 + Header Auth (flood control)',
	D: 'Webhook v2 rawBody → Code HMAC → IF',
	E: 'SMP Trigger (this package)',
	E0: 'SMP Trigger with Ignore Retried Deliveries off (no check in n8n’s database)',
	E2: 'SMP Trigger declared as version 2 (bench-only copy; n8n parses the body first)',
	S: 'Signed Webhook Trigger (this package), Custom scheme set up as SMP signs',
};
export const ALL: ContenderId[] = ['A', 'B', 'C', 'D', 'E'];
/** Settings in which E2 (the version-2 probe) runs beside E: the two where a version-1 node's expression matters or not. */
export const E2_SETTINGS: SettingId[] = ['default', 'lazy'];
/** Settings in which E0 (E without its check for copies) runs beside E: what exactly-once costs per delivery. */
export const E0_SETTINGS: SettingId[] = ['default'];
/** Settings in which S (the Signed Webhook Trigger) runs beside E: what a scheme read from the panel costs. */
export const S_SETTINGS: SettingId[] = ['default'];
/** The probe's package name: a copy of the installed package with the SMP node declared as version 2 (makeV2Probe). */
const V2_PROBE_PACKAGE = 'n8n-nodes-smart-webhooks-v2probe';

export type SettingId = 'default' | 'pool4' | 'lazy' | 'legacy';
export const SETTINGS: Record<SettingId, { label: string; env: Record<string, string> }> = {
	default: { label: 'n8n defaults (vm engine, pool size 1, eager acquire)', env: {} },
	pool4: {
		label: 'N8N_EXPRESSION_ENGINE_POOL_SIZE=4',
		env: { N8N_EXPRESSION_ENGINE_POOL_SIZE: '4' },
	},
	lazy: {
		label: 'N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true',
		env: { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' },
	},
	legacy: { label: 'N8N_EXPRESSION_ENGINE=legacy', env: { N8N_EXPRESSION_ENGINE: 'legacy' } },
};

/** Targets (deliveries/s ratios; flood: median answer time of a genuine delivery to E). */
export const TARGETS = {
	EoverB: 1.0,
	EoverD: 0.65,
	EoverAlazy: 0.8,
	floodDefaultS: 5,
	floodLazyS: 1,
};

// ------------------------------------------------------------------------------------------------------------------
// the deliveries

/** A genuine SMP project.completed delivery (the provider's own sample envelope), grown to exactly `size` bytes. */
export function smpDelivery(id: string, size = BODY_BYTES): Delivery {
	const payload = providers.smp.sample('project.completed', {
		id,
		now: new Date('2026-05-02T14:32:09Z'),
	}) as { data: Record<string, unknown> };
	const tasks: unknown[] = [];
	const data = { ...payload.data, tasks, notes: '' };
	const full = { ...payload, data };
	while (serializePayload(full).length < size - 160) {
		const i = tasks.length;
		tasks.push({
			taskId: `task_${i}`,
			title: `Check keyboard focus order on step ${i}`,
			status: 'passed',
			durationSec: 120 + i,
		});
	}
	data.notes = 'x'.repeat(Math.max(0, size - serializePayload(full).length));
	const body = serializePayload(full);
	if (body.length !== size)
		throw new Error(
			`bench e2e: delivery is ${body.length} B, wanted ${size} (id length must be fixed)`,
		);
	return { body, headers: { ...sign('smp', body, SECRET), [AUTH_HEADER]: AUTH_VALUE } };
}

/** Distinct envelope ids, fixed length: evt_bench_<run tag>_<7 digits>. */
export function deliveryFactory() {
	const tag = randomUUID().replace(/-/g, '').slice(0, 8);
	let n = 0;
	return (count: number): Delivery[] =>
		Array.from({ length: count }, () =>
			smpDelivery(`evt_bench_${tag}_${String(n++).padStart(7, '0')}`),
		);
}

/** The forged request each contender refuses (or, D, runs into its false branch). */
export function forgedFor(c: ContenderId, template: Delivery): Delivery {
	if (c === 'C' || c === 'C1')
		return { body: template.body, headers: { ...template.headers, [AUTH_HEADER]: 'wrong-value' } };
	return {
		body: template.body,
		headers: { ...sign('smp', template.body, 'not-the-secret'), [AUTH_HEADER]: AUTH_VALUE },
	};
}

// ------------------------------------------------------------------------------------------------------------------
// the workflows

const node = (name: string, rest: Record<string, unknown>, x: number, y = 0) => ({
	id: randomUUID(),
	name,
	position: [x, y],
	...rest,
});
const noOp = (name: string, x: number, y = 0) =>
	node(name, { type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} }, x, y);
const SETTINGS_JSON = { executionOrder: 'v1' }; // n8n's defaults for saving executions: nothing set per workflow

function webhookV(
	version: 1 | 2,
	pathId: string,
	extra: Record<string, unknown> = {},
	options: Record<string, unknown> = {},
) {
	return {
		type: 'n8n-nodes-base.webhook',
		typeVersion: version,
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path: pathId, responseMode: 'onReceived', ...extra, options },
	};
}

/** D's Code node: what a user writes to check an HMAC in n8n (crypto allowed with NODE_FUNCTION_ALLOW_BUILTIN=crypto). */
const D_CODE = `const crypto = require('crypto');
const secret = ${JSON.stringify(SECRET)};
const out = [];
const items = $input.all();
for (let i = 0; i < items.length; i++) {
  const item = items[i];
  const bin = item.binary && item.binary.data;
  // Webhook v2 with "Raw Body" hands the bytes over as binary property "data" (base64 inline, or in n8n's binary store)
  let raw;
  let from;
  if (bin && bin.id) { raw = await this.helpers.getBinaryDataBuffer(i, 'data'); from = 'store'; }
  else { raw = Buffer.from((bin && bin.data) || '', 'base64'); from = 'inline'; }
  const given = String((item.json.headers || {})['x-smp-signature'] || '');
  const expected = crypto.createHmac('sha256', secret).update(raw).digest('hex');
  const verified = given.length === expected.length && crypto.timingSafeEqual(Buffer.from(given), Buffer.from(expected));
  out.push({ json: { verified, rawFrom: from, rawBytes: raw.length, body: item.json.body } });
}
return out;`;

/**
 * E2, the version-2 probe (issue #13 asked to measure both sides of a trade-off): a copy of the installed package,
 * named V2_PROBE_PACKAGE, whose only node is the SMP Trigger declared as version 2. n8n evaluates
 * `={{$parameter["options"]["binaryData"]}}` for every version-1 webhook node before the node runs (webhook-helpers.js
 * `parseRequestBody`), which under lazy acquire costs an isolate per request; for version 2 and up it evaluates
 * nothing there but parses JSON and XML bodies itself (`parseBody`), before the node verifies anything. The copy
 * registers no credential of its own (the node uses the installed package's `smpWebhookApi`). It never ships: it
 * exists only in the bench's temporary user folder.
 */
export function makeV2Probe(userFolder: string): void {
	const modules = path.join(userFolder, '.n8n', 'nodes', 'node_modules');
	const from = path.join(modules, 'n8n-nodes-smart-webhooks');
	const to = path.join(modules, V2_PROBE_PACKAGE);
	cpSync(from, to, { recursive: true });
	const manifestPath = path.join(to, 'package.json');
	const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
	const smpNode = manifest.n8n.nodes.find((n: string) => n.endsWith('SmpTrigger.node.js'));
	manifest.name = V2_PROBE_PACKAGE;
	manifest.n8n = { ...manifest.n8n, nodes: [smpNode], credentials: [] };
	writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
	const nodeFile = path.join(to, smpNode);
	const code = readFileSync(nodeFile, 'utf8');
	const declared = 'name: "smpTrigger",';
	const at = code.indexOf(declared);
	const version = code.indexOf('version: 1,', at);
	if (at < 0 || version < 0 || version - at > 400)
		throw new Error(`makeV2Probe: no "version: 1" next to ${declared} in ${nodeFile}`);
	writeFileSync(
		nodeFile,
		code.slice(0, version) + 'version: 2,' + code.slice(version + 'version: 1,'.length),
	);
}

export interface Built {
	ids: Record<ContenderId, string>;
	urls: Record<ContenderId, URL>;
}

/** Creates and activates the contenders' workflows; `nodeTypePrefix` is the installed package's (scripts/lib/n8n-process.mjs). */
export async function buildWorkflows(
	client: Client,
	baseUrl: string,
	which: ContenderId[],
	nodeTypePrefix: string,
): Promise<Built> {
	const ids = {} as Record<ContenderId, string>;
	const urls = {} as Record<ContenderId, URL>;
	const simple = async (c: ContenderId, trigger: Record<string, unknown>) => {
		const wf = await client.createWorkflow({
			name: `bench ${c}: ${CONTENDERS[c]}`,
			nodes: [node('Trigger', trigger, 0), noOp('NoOp', 240)],
			connections: { Trigger: { main: [[{ node: 'NoOp', type: 'main', index: 0 }]] } },
			settings: SETTINGS_JSON,
		});
		ids[c] = String(wf.id);
	};
	for (const c of which) {
		const p = `bench-${c.toLowerCase()}-${randomUUID().slice(0, 8)}`;
		if (c === 'A') {
			await simple(c, webhookV(2, p));
			urls[c] = new URL(`${baseUrl}/webhook/${p}`);
		} else if (c === 'B') {
			await simple(c, webhookV(1, p));
			urls[c] = new URL(`${baseUrl}/webhook/${p}`);
		} else if (c === 'C' || c === 'C1') {
			const cred = await client.createCredential({
				name: `bench header auth ${c}`,
				type: 'httpHeaderAuth',
				data: { name: AUTH_HEADER, value: AUTH_VALUE },
			});
			await simple(c, {
				...webhookV(c === 'C' ? 2 : 1, p, { authentication: 'headerAuth' }),
				credentials: { httpHeaderAuth: { id: String(cred.id), name: cred.name } },
			});
			urls[c] = new URL(`${baseUrl}/webhook/${p}`);
		} else if (c === 'D') {
			const wf = await client.createWorkflow({
				name: `bench D: ${CONTENDERS.D}`,
				nodes: [
					node('Trigger', webhookV(2, p, {}, { rawBody: true }), 0),
					node(
						'Verify HMAC',
						{
							type: 'n8n-nodes-base.code',
							typeVersion: 2,
							parameters: { mode: 'runOnceForAllItems', language: 'javaScript', jsCode: D_CODE },
						},
						240,
					),
					node(
						'Signature OK?',
						{
							type: 'n8n-nodes-base.if',
							typeVersion: 2.2,
							parameters: {
								conditions: {
									options: {
										caseSensitive: true,
										leftValue: '',
										typeValidation: 'strict',
										version: 2,
									},
									conditions: [
										{
											id: randomUUID(),
											leftValue: '={{ $json.verified }}',
											rightValue: '',
											operator: { type: 'boolean', operation: 'true', singleValue: true },
										},
									],
									combinator: 'and',
								},
								options: {},
							},
						},
						480,
					),
					noOp('Verified', 720, -100),
					noOp('Rejected', 720, 100),
				],
				connections: {
					Trigger: { main: [[{ node: 'Verify HMAC', type: 'main', index: 0 }]] },
					'Verify HMAC': { main: [[{ node: 'Signature OK?', type: 'main', index: 0 }]] },
					'Signature OK?': {
						main: [
							[{ node: 'Verified', type: 'main', index: 0 }],
							[{ node: 'Rejected', type: 'main', index: 0 }],
						],
					},
				},
				settings: SETTINGS_JSON,
			});
			ids[c] = String(wf.id);
			urls[c] = new URL(`${baseUrl}/webhook/${p}`);
		} else if (c === 'S') {
			const cred = await client.createCredential({
				name: 'Signed webhook bench S',
				type: 'signedWebhookApi',
				data: { secret: SECRET },
			});
			const hook = randomUUID();
			// the same deliveries as E: SMP's X-SMP-Signature is a hex HMAC-SHA256 of the body, its envelope id the copy key
			await simple(c, {
				type: `${nodeTypePrefix}signedWebhookTrigger`,
				typeVersion: 1,
				webhookId: hook,
				parameters: {
					sender: 'custom',
					scheme: 'bodyHmac',
					signatureHeader: 'X-SMP-Signature',
					algorithm: 'sha256',
					encoding: 'hex',
					copyKeyFrom: 'jsonPath',
					copyKeyPath: 'id',
					eventNameFrom: 'jsonPath',
					eventNamePath: 'type',
					eventFilter: 'named',
					eventNames: 'project.completed',
				},
				credentials: { signedWebhookApi: { id: String(cred.id), name: cred.name } },
			});
			urls[c] = new URL(`${baseUrl}/webhook/${hook}/webhook`);
		} else {
			const cred = await client.createCredential({
				name: `SMP bench ${c}`,
				type: 'smpWebhookApi',
				data: { secret: SECRET },
			});
			const hook = randomUUID();
			await simple(c, {
				type: c === 'E2' ? `${V2_PROBE_PACKAGE}.smpTrigger` : `${nodeTypePrefix}smpTrigger`,
				typeVersion: c === 'E2' ? 2 : 1,
				webhookId: hook,
				parameters: {
					events: ['project.completed'],
					...(c === 'E0' ? { settings: { deduplicate: false } } : {}),
				},
				credentials: { smpWebhookApi: { id: String(cred.id), name: cred.name } },
			});
			urls[c] = new URL(`${baseUrl}/webhook/${hook}/webhook`);
		}
	}
	for (const c of which) await activateAndWait(client, ids[c], urls[c].href);
	return { ids, urls };
}

export async function newestExecution(
	client: Client,
	workflowId: string,
): Promise<string | undefined> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId: String(workflowId) }));
	const page = await client.request('GET', `/rest/executions?filter=${filter}&limit=1`);
	const results: any[] = page?.results ?? page ?? [];
	return results[0] ? String(results[0].id) : undefined;
}

export async function nodesThatRan(
	client: Client,
	executionId: string,
): Promise<{ nodes: string[]; codeOut?: any }> {
	const execution = await client.getExecution(executionId);
	const raw = execution?.data;
	const data = typeof raw === 'string' ? parseFlatted(raw) : raw;
	const runData = data?.resultData?.runData ?? {};
	return {
		nodes: Object.keys(runData),
		codeOut: runData['Verify HMAC']?.[0]?.data?.main?.[0]?.[0]?.json,
	};
}
