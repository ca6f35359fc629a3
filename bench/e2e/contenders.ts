/**
 * What the e2e bench measures (bench/e2e.ts says why): the contenders' workflows, the 1 KiB SMP deliveries fed to
 * them, the n8n settings each run starts under, and the targets.
 */
import { randomUUID } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseFlatted } from 'flatted';
import { providers, serializePayload, sign } from '../../src/internal';
import { NODE_TYPE_PREFIX } from '../../test/e2e/workflows';
import { activateAndWait, type Client, type Delivery } from '../n8n-rest';

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
/**
 * Who runs beside E in which setting: E0 (E without its check for copies: what exactly-once costs per delivery) and S
 * (the Signed Webhook Trigger: what a scheme read from the panel costs) under the defaults, E2 (the version-2 probe)
 * in the two settings where a version-1 node's expression matters or not.
 */
export const BESIDE_E: Partial<Record<SettingId, ContenderId[]>> = {
	default: ['E0', 'E2', 'S'],
	lazy: ['E2'],
};
/** The probe's package name: a copy of the installed package with the SMP node declared as version 2 (makeV2Probe). */
const V2_PROBE_PACKAGE = 'n8n-nodes-smart-webhooks-v2probe';

export type SettingId = 'default' | 'pool4' | 'lazy' | 'legacy';
const envSetting = (name: string, value: string) => ({
	label: `${name}=${value}`,
	env: { [name]: value } as Record<string, string>,
});
export const SETTINGS: Record<SettingId, { label: string; env: Record<string, string> }> = {
	default: { label: 'n8n defaults (vm engine, pool size 1, eager acquire)', env: {} },
	pool4: envSetting('N8N_EXPRESSION_ENGINE_POOL_SIZE', '4'),
	lazy: envSetting('N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE', 'true'),
	legacy: envSetting('N8N_EXPRESSION_ENGINE', 'legacy'),
};

/** Targets: deliveries/s ratios; under a flood, the median answer time of a genuine delivery to E. */
export const TARGETS = { EoverB: 1.0, EoverD: 0.65, EoverAlazy: 0.8 };
export const FLOOD_TARGET_S: Partial<Record<SettingId, number>> = { default: 5, lazy: 1 };

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

type Obj = Record<string, unknown>;
function webhookV(version: 1 | 2, pathId: string, extra: Obj = {}, options: Obj = {}) {
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

export type Built = Awaited<ReturnType<typeof buildWorkflows>>;

const to = (name: string) => [[{ node: name, type: 'main', index: 0 }]];

/** D after its trigger: Code (verify the HMAC) → IF → NoOp "Verified" (true) or "Rejected" (false). */
const dNodes = () => [
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
					options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
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
];
const D_CONNECTIONS = {
	Trigger: { main: to('Verify HMAC') },
	'Verify HMAC': { main: to('Signature OK?') },
	'Signature OK?': { main: [...to('Verified'), ...to('Rejected')] },
};

/** Creates and activates the contenders' workflows. */
export async function buildWorkflows(client: Client, baseUrl: string, which: ContenderId[]) {
	const ids = {} as Record<ContenderId, string>;
	const urls = {} as Record<ContenderId, URL>;
	const credentials = async (type: string, name: string, data: Record<string, unknown>) => {
		const cred = await client.createCredential({ name, type, data });
		return { credentials: { [type]: { id: String(cred.id), name: cred.name } } };
	};
	for (const c of which) {
		const p = `bench-${c.toLowerCase()}-${randomUUID().slice(0, 8)}`;
		const hook = randomUUID(); // the webhookId of this package's triggers (S, E*)
		let trigger: Record<string, unknown>;
		if (c === 'A' || c === 'B') trigger = webhookV(c === 'A' ? 2 : 1, p);
		else if (c === 'C' || c === 'C1')
			trigger = {
				...webhookV(c === 'C' ? 2 : 1, p, { authentication: 'headerAuth' }),
				...(await credentials('httpHeaderAuth', `bench header auth ${c}`, {
					name: AUTH_HEADER,
					value: AUTH_VALUE,
				})),
			};
		else if (c === 'D') trigger = webhookV(2, p, {}, { rawBody: true });
		else if (c === 'S')
			// the same deliveries as E: SMP's X-SMP-Signature is a hex HMAC-SHA256 of the body, its envelope id the copy key
			trigger = {
				type: `${NODE_TYPE_PREFIX}signedWebhookTrigger`,
				typeVersion: 1,
				webhookId: hook,
				parameters: {
					...{ sender: 'custom', scheme: 'bodyHmac', signatureHeader: 'X-SMP-Signature' },
					...{ algorithm: 'sha256', encoding: 'hex', copyKeyFrom: 'jsonPath', copyKeyPath: 'id' },
					...{ eventNameFrom: 'jsonPath', eventNamePath: 'type', eventFilter: 'named' },
					eventNames: 'project.completed',
				},
				...(await credentials('signedWebhookApi', 'Signed webhook bench S', { secret: SECRET })),
			};
		else
			trigger = {
				type: c === 'E2' ? `${V2_PROBE_PACKAGE}.smpTrigger` : `${NODE_TYPE_PREFIX}smpTrigger`,
				typeVersion: c === 'E2' ? 2 : 1,
				webhookId: hook,
				parameters: {
					events: ['project.completed'],
					...(c === 'E0' ? { settings: { deduplicate: false } } : {}),
				},
				...(await credentials('smpWebhookApi', `SMP bench ${c}`, { secret: SECRET })),
			};
		const wf = await client.createWorkflow({
			name: `bench ${c}: ${CONTENDERS[c]}`,
			nodes: [node('Trigger', trigger, 0), ...(c === 'D' ? dNodes() : [noOp('NoOp', 240)])],
			connections: c === 'D' ? D_CONNECTIONS : { Trigger: { main: to('NoOp') } },
			settings: SETTINGS_JSON,
		});
		ids[c] = String(wf.id);
		const ours = c === 'S' || c.startsWith('E');
		urls[c] = new URL(`${baseUrl}/webhook/${ours ? `${hook}/webhook` : p}`);
	}
	for (const c of which) await activateAndWait(client, ids[c], urls[c].href);
	return { ids, urls };
}

/** The nodes that ran in the workflow's newest execution, and D's Code node output there. */
export async function newestRun(client: Client, workflowId: string) {
	const [newest] = await client.listExecutions(workflowId, { limit: 1 });
	const raw = (await client.getExecution(String(newest.id)))?.data;
	const runData = (typeof raw === 'string' ? parseFlatted(raw) : raw)?.resultData?.runData ?? {};
	return {
		nodes: Object.keys(runData),
		codeOut: runData['Verify HMAC']?.[0]?.data?.main?.[0]?.[0]?.json,
	};
}
