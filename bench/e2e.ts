/**
 * End to end through one real n8n (line 2, the version pinned in scripts/n8n-runtime.mjs): `npm run bench:e2e`
 * (`-- --quick` for a smoke run), and the e2e section of `npm run bench` (bench/run.ts calls runE2e() below).
 *
 * Contenders, each an active workflow ending in a No Operation node, all fed the very same 1 KiB SMP deliveries
 * (a genuine signature, a distinct envelope id each, and C's auth header), pre-built before timing:
 *   A  n8n Webhook node v2 (POST, responseMode onReceived), no authentication
 *   B  n8n Webhook node v1, otherwise as A
 *   C  Webhook v2 + Header Auth (credential httpHeaderAuth)
 *   D  what users build today: Webhook v2 with options.rawBody → Code node (HMAC-SHA256 of the raw body from the
 *      binary data n8n gives it, timingSafeEqual) → IF → NoOp "Verified" (false branch: NoOp "Rejected")
 *   E  the SMP Trigger of this package, as built in dist/ (credential smpWebhookApi)
 *   E0 (default setting only) E with "Ignore Retried Deliveries" off: no check in n8n's database, what exactly-once costs
 *   E2 (default and lazy settings only) E declared as version 2, in a bench-only copy of the package (makeV2Probe):
 *      what the version-1 choice costs under lazy acquire, and what version 2 would buy
 * (An "F" — E keeping the secret — is E itself since the trigger keeps its secret for 10 s.)
 *
 * Each setting is its own n8n start (fresh data dir): default, N8N_EXPRESSION_ENGINE_POOL_SIZE=4,
 * N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true, N8N_EXPRESSION_ENGINE=legacy. Per setting and number in flight (1; 16 for
 * the default setting): a warm-up batch per contender, then ROUNDS rounds of one batch per contender, the order
 * rotated every round (A B C D E, B C D E A, ...). After each batch the bench waits until n8n has no execution left
 * running, so one contender's trailing executions do not land in the next one's batch. Deliveries/s = 1 / median
 * time per delivery over the rounds; a ratio X/Y = median over rounds of (Y's batch time / X's batch time) — a
 * deliveries/s ratio against a baseline measured in the same rounds.
 *
 * Isolates: n8n 2.41 counts every expression isolate it hands out (`expression.pool.acquired`, exported by its
 * Prometheus endpoint as n8n_expression_pool_acquired_total; every acquired isolate is disposed on release and a new
 * one built, so acquired = created). The bench reads /metrics before each batch and after its executions finished:
 * the difference divided by the batch's deliveries is "isolates per delivery". Synchronous cold starts
 * (n8n_expression_pool_cold_start_sync_total: a lazily acquired isolate built on the request path because the pool
 * was empty) are counted the same way. The legacy engine has no isolates (n8n registers no expression metrics).
 *
 * Integrity: every request is counted by answer; afterwards every contender's executions are counted through
 * GET /rest/executions (every page, see test/e2e/executions.ts) and must equal the requests it answered 200, all
 * successful. D is checked to really verify: a forged delivery must end in its false branch, a genuine one in the true.
 *
 * Flood: 100 forged requests in flight (E and D: a wrong signature; C: a wrong auth header), each re-sent as soon as
 * it is answered, for as long as it takes; meanwhile genuine deliveries are started at a fixed interval and the
 * time until each is answered is recorded (the median is the figure). The same contender's answer time with no
 * flood, measured just before, is the baseline beside it. D starts an execution for every forged request; they
 * are counted.
 *
 * Bounded: every request has a timeout, every wait a deadline, each n8n is stopped (SIGTERM, then SIGKILL) in a
 * finally block. One n8n at a time, 127.0.0.1 only.
 */
import { randomUUID } from 'node:crypto';
import {
	cpSync,
	existsSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseFlatted } from 'flatted';
import { providers, serializePayload, sign } from '../src/index';
import { listAllExecutions } from '../test/e2e/executions';
import type { Figure } from './harness';

const REPO = path.resolve(__dirname, '..');
const RESULTS_JSON = path.join(__dirname, 'results.json');
const RESULTS_MD = path.join(__dirname, 'RESULTS.md');
export const MD_START = '<!-- e2e:start -->';
export const MD_END = '<!-- e2e:end -->';

const SECRET = 'whsec_e2eBench0123456789abcdefghijklmnop';
const AUTH_HEADER = 'X-Bench-Auth';
const AUTH_VALUE = 'bench-header-auth-3f9a1c7e5b2d4a6c';
const BODY_BYTES = 1024;

export type ContenderId = 'A' | 'B' | 'C' | 'C1' | 'D' | 'E' | 'E0' | 'E2';
export const CONTENDERS: Record<ContenderId, string> = {
	A: 'Webhook v2, no auth',
	B: 'Webhook v1, no auth',
	C: 'Webhook v2 + Header Auth',
	C1: 'Webhook v1 + Header Auth (flood control)',
	D: 'Webhook v2 rawBody → Code HMAC → IF',
	E: 'SMP Trigger (this package)',
	E0: 'SMP Trigger with Ignore Retried Deliveries off (no check in n8n’s database)',
	E2: 'SMP Trigger declared as version 2 (bench-only copy; n8n parses the body first)',
};
const ALL: ContenderId[] = ['A', 'B', 'C', 'D', 'E'];
/** Settings in which E2 (the version-2 probe) runs beside E: the two where a version-1 node's expression matters or not. */
const E2_SETTINGS: SettingId[] = ['default', 'lazy'];
/** Settings in which E0 (E without its check for copies) runs beside E: what exactly-once costs per delivery. */
const E0_SETTINGS: SettingId[] = ['default'];
/** The probe's package name: a copy of the installed package with the SMP node declared as version 2 (makeV2Probe). */
const V2_PROBE_PACKAGE = 'n8n-nodes-smart-webhooks-v2probe';

export type SettingId = 'default' | 'pool4' | 'lazy' | 'legacy';
const SETTINGS: Record<SettingId, { label: string; env: Record<string, string> }> = {
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

export interface E2eOptions {
	quick?: boolean;
	log?: (line: string) => void;
	/** Settings to run (default: BENCH_E2E_SETTINGS=default,pool4,... or all four). */
	settings?: SettingId[];
	/** Skip the flood measurements. */
	noFlood?: boolean;
}

interface Plan {
	rounds: number;
	seq: number;
	conc: number;
	warmSeq: number;
	warmConc: number;
	concurrency: number;
	floodInFlight: number;
	floodGenuine: number;
	floodIntervalMs: number;
	floodSettleMs: number;
	floodGenuineTimeoutMs: number;
	/** Variant settings (pool4, lazy, legacy) measure C and D too while the run is younger than this. */
	allContendersUntilMs: number;
}

const PLANS: Record<'full' | 'quick', Plan> = {
	full: {
		rounds: 5,
		seq: 60,
		conc: 160,
		warmSeq: 15,
		warmConc: 48,
		concurrency: 16,
		floodInFlight: 100,
		floodGenuine: 8,
		floodIntervalMs: 1000,
		floodSettleMs: 2000,
		floodGenuineTimeoutMs: 60_000,
		allContendersUntilMs: 15 * 60_000,
	},
	quick: {
		rounds: 2,
		seq: 12,
		conc: 32,
		warmSeq: 4,
		warmConc: 16,
		concurrency: 16,
		floodInFlight: 100,
		floodGenuine: 3,
		floodIntervalMs: 1000,
		floodSettleMs: 1500,
		floodGenuineTimeoutMs: 30_000,
		allContendersUntilMs: 0,
	},
};

// ------------------------------------------------------------------------------------------------------------------
// report types

export interface CellStats {
	perSec: number;
	msPerDelivery: number[];
	isolatesPerDelivery: number | null;
	coldStartsPerDelivery: number | null;
	deliveries: number;
}

export interface ThroughputBlock {
	inFlight: number;
	rounds: number;
	perBatch: number;
	order: ContenderId[][];
	cells: Partial<Record<ContenderId, CellStats>>;
	/** X/Y deliveries/s ratio, median of per-round (Y time / X time); keys like "E/B". */
	ratios: Record<string, { median: number; rounds: number[] }>;
	/** Batches after which n8n still had executions running after 30 s. */
	drainTimeouts?: number;
}

export interface FloodResult {
	contender: ContenderId;
	inFlight: number;
	idleAnswerMs: number[];
	idleMedianMs: number | null;
	/** time until each genuine delivery was answered 200 (null: not accepted within the timeout) */
	genuineAnswerMs: Array<number | null>;
	genuineStatuses: number[];
	medianS: number | null;
	maxS: number | null;
	/** median under flood / median idle */
	slowdown: number | null;
	floodSeconds: number;
	forgedSent: number;
	forgedStatuses: Record<string, number>;
	/** the first answer body per status (200 characters) */
	forgedAnswerSamples?: Record<string, string>;
	forgedPerSec: number;
	executionsFromForged: number;
	executionsFromForgedByStatus: Record<string, number>;
	isolatesDuringFlood: number | null;
	/** forged requests answered (or timed out) + genuine deliveries sent while the flood ran */
	requestsDuringFlood: number;
	drainedAfterMs: number | null;
}

export interface IntegrityRow {
	answered200: number;
	otherAnswers: Record<string, number>;
	executions: number;
	byStatus: Record<string, number>;
	reportedCount: number | null;
	ok: boolean;
}

export interface SettingReport {
	id: SettingId;
	label: string;
	env: Record<string, string>;
	n8nVersion?: string;
	readyMs?: number;
	contenders: ContenderId[];
	throughput: ThroughputBlock[];
	flood: FloodResult[];
	probes: Record<string, unknown>;
	integrity: Partial<Record<ContenderId, IntegrityRow>>;
	isolatesIdleCheck?: number | null;
	error?: string;
	seconds: number;
}

export interface E2eReport {
	meta: {
		date: string;
		node: string;
		platform: string;
		n8n?: string;
		quick: boolean;
		plan: Plan;
		durationSeconds: number;
		distStale?: boolean;
	};
	settings: SettingReport[];
	figures: Figure[];
}

// ------------------------------------------------------------------------------------------------------------------
// small helpers

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const round3 = (x: number) => +x.toFixed(3);

interface Delivery {
	body: Buffer;
	headers: Record<string, string>;
}

/** A genuine SMP project.completed delivery (the provider's own sample envelope), grown to exactly `size` bytes. */
function smpDelivery(id: string, size = BODY_BYTES): Delivery {
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
function deliveryFactory() {
	const tag = randomUUID().replace(/-/g, '').slice(0, 8);
	let n = 0;
	return (count: number): Delivery[] =>
		Array.from({ length: count }, () =>
			smpDelivery(`evt_bench_${tag}_${String(n++).padStart(7, '0')}`),
		);
}

/** The forged request each contender refuses (or, D, runs into its false branch). */
function forgedFor(c: ContenderId, template: Delivery): Delivery {
	if (c === 'C' || c === 'C1')
		return { body: template.body, headers: { ...template.headers, [AUTH_HEADER]: 'wrong-value' } };
	return {
		body: template.body,
		headers: { ...sign('smp', template.body, 'not-the-secret'), [AUTH_HEADER]: AUTH_VALUE },
	};
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
	return new Promise((resolve) => {
		let done = false;
		const finish = (s: number) => {
			if (!done) {
				done = true;
				resolve(s);
			}
		};
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
async function batch(
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

type Client = {
	baseUrl: string;
	request(method: string, p: string, body?: unknown, o?: { timeoutMs?: number }): Promise<any>;
	[k: string]: any;
};

/** Waits (bounded) until n8n reports no execution in status new/running. Returns the ms waited, or null on timeout. */
async function drain(client: Client, timeoutMs = 30_000): Promise<number | null> {
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

const STATUSES = [
	'success',
	'error',
	'crashed',
	'canceled',
	'waiting',
	'unknown',
	'new',
	'running',
];

/**
 * Executions of a workflow by status (listAllExecutions pages past n8n's 100-row cap). Distinct ids are counted;
 * n8n's own `count` is kept beside.
 */
async function countExecutions(
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
async function isolateCounters(
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
async function activateAndWait(client: Client, id: string, url: string): Promise<void> {
	await client.activateWorkflow(id, { settleMs: 0 });
	if (await webhookRegistered(url, 30_000)) return;
	throw new Error(
		`production webhook of workflow ${id} (${url.replace(client.baseUrl, '')}) not registered after 30 s`,
	);
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
function makeV2Probe(userFolder: string): void {
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

interface Built {
	ids: Record<ContenderId, string>;
	urls: Record<ContenderId, URL>;
}

async function buildWorkflows(
	client: Client,
	baseUrl: string,
	which: ContenderId[],
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

async function newestExecution(client: Client, workflowId: string): Promise<string | undefined> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId: String(workflowId) }));
	const page = await client.request('GET', `/rest/executions?filter=${filter}&limit=1`);
	const results: any[] = page?.results ?? page ?? [];
	return results[0] ? String(results[0].id) : undefined;
}

async function nodesThatRan(
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

// ------------------------------------------------------------------------------------------------------------------
// one setting = one n8n start

interface Ctx {
	client: Client;
	baseUrl: string;
	built: Built;
	agent: http.Agent;
	next: (n: number) => Delivery[];
	answered: Record<ContenderId, Record<number, number>>;
	log: (l: string) => void;
}

function tally(ctx: Ctx, c: ContenderId, statuses: Record<number, number>): void {
	for (const [s, n] of Object.entries(statuses))
		ctx.answered[c][Number(s)] = (ctx.answered[c][Number(s)] ?? 0) + n;
}

async function throughputBlock(
	ctx: Ctx,
	which: ContenderId[],
	inFlight: number,
	plan: Plan,
): Promise<ThroughputBlock> {
	const perBatch = inFlight === 1 ? plan.seq : plan.conc;
	const warm = inFlight === 1 ? plan.warmSeq : plan.warmConc;
	const times: Record<string, number[]> = {};
	const iso: Record<string, { acquired: number; cold: number; n: number; known: boolean }> = {};
	for (const c of which) {
		times[c] = [];
		iso[c] = { acquired: 0, cold: 0, n: 0, known: true };
	}
	let drainTimeouts = 0;
	const runOne = async (c: ContenderId, list: Delivery[], timed: boolean) => {
		const before = await isolateCounters(ctx.baseUrl);
		const r = await batch(ctx.agent, ctx.built.urls[c], list, inFlight);
		tally(ctx, c, r.statuses);
		if ((await drain(ctx.client)) === null) drainTimeouts++;
		if (!timed) return;
		const after = await isolateCounters(ctx.baseUrl);
		times[c].push(r.ns / list.length);
		if (before.acquired === null || after.acquired === null) iso[c].known = false;
		else {
			iso[c].acquired += after.acquired - before.acquired;
			iso[c].cold += (after.coldSync ?? 0) - (before.coldSync ?? 0);
		}
		iso[c].n += list.length;
		const bad = Object.entries(r.statuses).filter(([s]) => s !== '200');
		if (bad.length) ctx.log(`bench e2e:   ${c} batch answered ${JSON.stringify(r.statuses)}`);
	};
	// warm-up: every contender, same mode (JIT, sockets, SQLite pages, the trigger's kept secret)
	const warmList = ctx.next(warm);
	for (const c of which) await runOne(c, warmList, false);
	const order: ContenderId[][] = [];
	for (let r = 0; r < plan.rounds; r++) {
		const list = ctx.next(perBatch);
		const rot = which.map((_, k) => which[(k + r) % which.length]);
		order.push(rot);
		for (const c of rot) await runOne(c, list, true);
		ctx.log(
			`bench e2e:   ${inFlight} in flight, round ${r + 1}/${plan.rounds}: ${rot.map((c) => `${c} ${(1e9 / times[c][r]).toFixed(1)}/s`).join(', ')}`,
		);
	}
	const cells: Partial<Record<ContenderId, CellStats>> = {};
	for (const c of which) {
		cells[c] = {
			perSec: round3(1e9 / median(times[c])),
			msPerDelivery: times[c].map((ns) => +(ns / 1e6).toFixed(2)),
			isolatesPerDelivery: iso[c].known ? round3(iso[c].acquired / iso[c].n) : null,
			coldStartsPerDelivery: iso[c].known ? round3(iso[c].cold / iso[c].n) : null,
			deliveries: iso[c].n,
		};
	}
	const ratios: ThroughputBlock['ratios'] = {};
	for (const [x, y] of [
		['E', 'B'],
		['E', 'D'],
		['E', 'A'],
		['E', 'C'],
		['E2', 'A'],
		['E2', 'E'],
		['E', 'E0'],
		['E0', 'B'],
		['B', 'A'],
		['C', 'A'],
		['D', 'A'],
	] as Array<[ContenderId, ContenderId]>) {
		if (!times[x] || !times[y]) continue;
		const per = times[x].map((tx, i) => times[y][i] / tx);
		ratios[`${x}/${y}`] = { median: round3(median(per)), rounds: per.map(round3) };
	}
	return {
		inFlight,
		rounds: plan.rounds,
		perBatch,
		order,
		cells,
		ratios,
		...(drainTimeouts ? { drainTimeouts } : {}),
	};
}

async function flood(ctx: Ctx, c: ContenderId, plan: Plan): Promise<FloodResult> {
	const url = ctx.built.urls[c];
	const gAgent = new http.Agent({ keepAlive: true, maxSockets: plan.floodGenuine + 2 });
	const fAgent = new http.Agent({ keepAlive: true, maxSockets: plan.floodInFlight });
	try {
		// baseline: the same contender's answer time with nothing else going on
		const idle: number[] = [];
		for (const d of ctx.next(3)) {
			const t = performance.now();
			const s = await post(gAgent, url, d, plan.floodGenuineTimeoutMs);
			tally(ctx, c, { [s]: 1 });
			idle.push(+(performance.now() - t).toFixed(1));
			await sleep(100);
		}
		await drain(ctx.client);
		const execBefore = await countExecutions(ctx.client, ctx.built.ids[c]);
		const isoBefore = await isolateCounters(ctx.baseUrl);

		const forged = forgedFor(c, ctx.next(1)[0]);
		const forgedStatuses: Record<number, number> = {};
		const forgedAnswerSamples: Record<string, string> = {};
		let forgedSent = 0;
		let stop = false;
		const t0 = performance.now();
		const loops = Array.from({ length: plan.floodInFlight }, async () => {
			while (!stop) {
				forgedSent++;
				const s = await post(fAgent, url, forged, plan.floodGenuineTimeoutMs, forgedAnswerSamples);
				forgedStatuses[s] = (forgedStatuses[s] ?? 0) + 1;
			}
		});
		await sleep(plan.floodSettleMs);
		const genuineList = ctx.next(plan.floodGenuine);
		const genuine = genuineList.map(async (d, i) => {
			await sleep(i * plan.floodIntervalMs);
			const t = performance.now();
			const s = await post(gAgent, url, d, plan.floodGenuineTimeoutMs);
			// only an acceptance counts as answered (n8n may answer 503 to everything while its DB ping fails)
			return { s, ms: s === 200 ? +(performance.now() - t).toFixed(1) : null };
		});
		const answers = await Promise.all(genuine);
		stop = true;
		const floodSeconds = (performance.now() - t0) / 1000;
		// the forged loops end when their request in flight is answered (each bounded by its timeout)
		await Promise.race([Promise.all(loops), sleep(plan.floodGenuineTimeoutMs + 5000)]);
		fAgent.destroy();
		for (const a of answers) tally(ctx, c, { [a.s]: 1 });
		tally(ctx, c, forgedStatuses);
		const drainedAfterMs = await drain(ctx.client, 240_000);
		const isoAfter = await isolateCounters(ctx.baseUrl);
		const execAfter = await countExecutions(ctx.client, ctx.built.ids[c]);
		const genuineOk = answers.filter((a) => a.s === 200).length;
		const forgedAnswered = Object.values(forgedStatuses).reduce((a, b) => a + b, 0);
		const before = new Set(execBefore.ids);
		const newIds = execAfter.ids.filter((id) => !before.has(id));
		const fromForged = newIds.length - genuineOk;
		// statuses of the executions the forged requests started: all new ones, less the genuine deliveries' (success)
		const byStatus: Record<string, number> = {};
		for (const [s, n] of Object.entries(execAfter.byStatus)) {
			const d = n - (execBefore.byStatus[s] ?? 0) - (s === 'success' ? genuineOk : 0);
			if (d) byStatus[s] = d;
		}
		const ms = answers.map((a) => a.ms);
		const okMs = ms.filter((x): x is number => x !== null);
		const idleMedianMs = idle.length ? median(idle) : null;
		// a genuine delivery not accepted (no answer, or not 200) counts as the longest wait (the timeout): it pushes the median up
		const forMedian = ms.map((x) => x ?? plan.floodGenuineTimeoutMs);
		const medianS = forMedian.length ? round3(median(forMedian) / 1000) : null;
		const result: FloodResult = {
			contender: c,
			inFlight: plan.floodInFlight,
			idleAnswerMs: idle,
			idleMedianMs,
			genuineAnswerMs: ms,
			genuineStatuses: answers.map((a) => a.s),
			medianS,
			maxS: okMs.length ? round3(Math.max(...forMedian) / 1000) : null,
			slowdown: medianS !== null && idleMedianMs ? round3((medianS * 1000) / idleMedianMs) : null,
			floodSeconds: +floodSeconds.toFixed(1),
			forgedSent,
			forgedStatuses,
			forgedAnswerSamples,
			forgedPerSec: +(forgedSent / floodSeconds).toFixed(1),
			executionsFromForged: fromForged,
			executionsFromForgedByStatus: byStatus,
			isolatesDuringFlood:
				isoBefore.acquired !== null && isoAfter.acquired !== null
					? isoAfter.acquired - isoBefore.acquired
					: null,
			requestsDuringFlood: forgedAnswered + answers.length,
			drainedAfterMs,
		};
		ctx.log(
			`bench e2e:   flood ${c}: genuine answered in ${ms.map((x) => (x === null ? 'timeout' : `${(x / 1000).toFixed(2)} s`)).join(', ')} (median ${medianS} s; idle ${idleMedianMs} ms); ` +
				`${forgedSent} forged sent (${result.forgedPerSec}/s) ${JSON.stringify(forgedStatuses)}; executions from forged: ${fromForged}`,
		);
		return result;
	} finally {
		gAgent.destroy();
		fAgent.destroy();
	}
}

async function runSetting(
	id: SettingId,
	which: ContenderId[],
	plan: Plan,
	opts: { flood: boolean; modes: number[]; log: (l: string) => void },
	deps: Deps,
): Promise<SettingReport> {
	const t0 = Date.now();
	const { log } = opts;
	const setting = SETTINGS[id];
	const report: SettingReport = {
		id,
		label: setting.label,
		env: setting.env,
		contenders: which,
		throughput: [],
		flood: [],
		probes: {},
		integrity: {},
		seconds: 0,
	};
	const dataDir = mkdtempSync(path.join(os.tmpdir(), 'n8n-bench-'));
	const logFile = path.join(dataDir, 'n8n.log');
	let n8n: any;
	const agent = new http.Agent({
		keepAlive: true,
		maxSockets: plan.concurrency,
		keepAliveMsecs: 10_000,
	});
	let keep = false;
	try {
		// the packed tarball, installed in the user folder's .n8n/nodes the README's way (as users install it)
		await deps.proc.installPackage({ userFolder: dataDir, tarball: deps.tarball, line: '2' });
		if (which.includes('E2')) makeV2Probe(dataDir);
		const port = await deps.proc.getFreePort();
		n8n = await deps.proc.startN8n({
			line: '2',
			port,
			dataDir,
			logFile,
			env: {
				NODE_ENV: 'production',
				N8N_LOG_LEVEL: 'warn',
				// the isolate counters (n8n registers them whatever this says; this only serves /metrics)
				N8N_METRICS: 'true',
				N8N_METRICS_INCLUDE_DEFAULT_METRICS: 'false',
				N8N_METRICS_INCLUDE_WORKFLOW_EXECUTION_DURATION: 'false',
				// D's Code node needs crypto, as every user who checks an HMAC in a Code node sets
				NODE_FUNCTION_ALLOW_BUILTIN: 'crypto',
				...setting.env,
			},
		});
		report.n8nVersion = n8n.version;
		report.readyMs = n8n.readyMs;
		log(
			`bench e2e: [${id}] n8n ${n8n.version} ready in ${(n8n.readyMs / 1000).toFixed(1)} s on ${n8n.url} (${setting.label})`,
		);
		const client: Client = new deps.api.N8nRestClient(n8n.url);
		await client.ensureOwner(deps.api.DEFAULT_OWNER);
		await client.login(deps.api.DEFAULT_OWNER);
		// C1 (Webhook v1 + Header Auth) only takes part in the flood: it tells what version 1 costs there.
		const built = await buildWorkflows(
			client,
			n8n.url,
			opts.flood && which.includes('C') ? [...which, 'C1'] : which,
		);
		const builtIds = Object.keys(built.ids) as ContenderId[];
		const ctx: Ctx = {
			client,
			baseUrl: n8n.url,
			built,
			agent,
			next: deps.next,
			answered: { A: {}, B: {}, C: {}, C1: {}, D: {}, E: {}, E0: {}, E2: {} },
			log,
		};

		// Probes: each contender answers a genuine delivery 200; E refuses a forged one (401); D really verifies.
		for (const c of builtIds) {
			const s = await post(agent, built.urls[c], ctx.next(1)[0]);
			tally(ctx, c, { [s]: 1 });
			if (s !== 200) throw new Error(`probe: contender ${c} answered ${s} to a genuine delivery`);
		}
		await drain(client);
		for (const c of (['E', 'E2'] as ContenderId[]).filter((x) => which.includes(x))) {
			const s = await post(agent, built.urls[c], forgedFor(c, ctx.next(1)[0]));
			tally(ctx, c, { [s]: 1 });
			report.probes[`forgedTo${c}`] = s;
			if (s !== 401) throw new Error(`probe: ${c} answered ${s} to a forged delivery (want 401)`);
		}
		if (which.includes('C')) {
			const s = await post(agent, built.urls.C, forgedFor('C', ctx.next(1)[0]));
			tally(ctx, 'C', { [s]: 1 });
			report.probes.forgedToC = s;
		}
		if (which.includes('D')) {
			const genuineRun = await nodesThatRan(client, (await newestExecution(client, built.ids.D))!);
			const s = await post(agent, built.urls.D, forgedFor('D', ctx.next(1)[0]));
			tally(ctx, 'D', { [s]: 1 });
			await drain(client);
			const forgedRun = await nodesThatRan(client, (await newestExecution(client, built.ids.D))!);
			const ok =
				genuineRun.nodes.includes('Verified') &&
				!genuineRun.nodes.includes('Rejected') &&
				forgedRun.nodes.includes('Rejected') &&
				!forgedRun.nodes.includes('Verified');
			report.probes.dVerifies = { ok, genuine: genuineRun, forged: { status: s, ...forgedRun } };
			log(
				`bench e2e: [${id}] D check: genuine → ${genuineRun.nodes.join(' → ')}; forged (${s}) → ${forgedRun.nodes.join(' → ')}; raw body from ${genuineRun.codeOut?.rawFrom}: ${ok ? 'verifies' : 'DOES NOT VERIFY'}`,
			);
			if (!ok) throw new Error('probe: D does not tell a forged signature from a genuine one');
		}
		// Isolates taken by the bench's own REST polling and metric reads alone (should be 0).
		const i0 = await isolateCounters(n8n.url);
		await drain(client);
		await countExecutions(client, built.ids[which[0]]);
		const i1 = await isolateCounters(n8n.url);
		report.isolatesIdleCheck =
			i0.acquired === null || i1.acquired === null ? null : i1.acquired - i0.acquired;

		for (const inFlight of opts.modes) {
			report.throughput.push(await throughputBlock(ctx, which, inFlight, { ...plan }));
			log(
				`bench e2e: [${id}] ${inFlight} in flight done (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
			);
		}
		if (opts.flood) {
			for (const c of (['E', 'E2', 'C', 'C1', 'D'] as ContenderId[]).filter((x) =>
				builtIds.includes(x),
			))
				report.flood.push(await flood(ctx, c, plan));
		}

		// Integrity: executions per contender = requests it answered 200, every one successful.
		await drain(client, 240_000);
		for (const c of builtIds) {
			const ex = await countExecutions(client, built.ids[c]);
			const answered200 = ctx.answered[c][200] ?? 0;
			const otherAnswers = Object.fromEntries(
				Object.entries(ctx.answered[c]).filter(([s]) => s !== '200'),
			);
			report.integrity[c] = {
				answered200,
				otherAnswers,
				executions: ex.total,
				byStatus: ex.byStatus,
				reportedCount: ex.reportedCount,
				ok: ex.total === answered200 && (ex.byStatus.success ?? 0) === answered200,
			};
		}
		const bad = builtIds.filter((c) => !report.integrity[c]!.ok);
		log(
			`bench e2e: [${id}] integrity: ${builtIds.map((c) => `${c} ${report.integrity[c]!.answered200} answered 200 → ${report.integrity[c]!.executions} executions`).join('; ')}${bad.length ? `  MISMATCH: ${bad.join(',')}` : ''}`,
		);
	} catch (error) {
		keep = true;
		report.error = `${(error as Error).message.split('\n')[0]} (n8n log kept: ${logFile})`;
		log(`bench e2e: [${id}] failed: ${(error as Error).message}`);
	} finally {
		agent.destroy();
		if (n8n) await n8n.stop().catch(() => undefined);
		if (!keep && process.env.BENCH_E2E_KEEP !== '1')
			rmSync(dataDir, { recursive: true, force: true });
		else log(`bench e2e: [${id}] kept ${dataDir}`);
		report.seconds = Math.round((Date.now() - t0) / 1000);
	}
	return report;
}

/** The package's node-type prefix once installed from the tarball (scripts/lib/n8n-process.mjs). */
let nodeTypePrefix = 'n8n-nodes-smart-webhooks.';

interface Deps {
	rt: { dir: string; version: string };
	tarball: string;
	proc: any;
	api: any;
	next: (n: number) => Delivery[];
}

// ------------------------------------------------------------------------------------------------------------------
// the whole run

export async function runE2e({
	quick = false,
	log = (l) => console.log(l),
	settings,
	noFlood = false,
}: E2eOptions = {}): Promise<E2eReport> {
	const t0 = Date.now();
	const plan = PLANS[quick ? 'quick' : 'full'];
	const fromEnv = process.env.BENCH_E2E_SETTINGS?.split(',').filter(
		(x): x is SettingId => x in SETTINGS,
	);
	const wanted =
		settings ??
		(fromEnv?.length ? fromEnv : (['default', 'pool4', 'lazy', 'legacy'] as SettingId[]));
	const report: E2eReport = {
		meta: {
			date: new Date().toISOString(),
			node: process.version,
			platform: `${process.platform} ${process.arch}`,
			quick,
			plan,
			durationSeconds: 0,
		},
		settings: [],
		figures: [],
	};
	const distIndex = path.join(REPO, 'dist', 'index.js');
	const fail = (why: string) => {
		report.settings = wanted.map((id) => ({
			id,
			label: SETTINGS[id].label,
			env: SETTINGS[id].env,
			contenders: [],
			throughput: [],
			flood: [],
			probes: {},
			integrity: {},
			error: why,
			seconds: 0,
		}));
		report.figures = figuresOf(report);
		return report;
	};
	if (!existsSync(distIndex))
		return fail('dist/ missing; run `npm run build` first (n8n loads the built package)');
	const srcNewest = ['src', 'nodes', 'credentials']
		.map((d) => newestMtime(path.join(REPO, d)))
		.reduce((a, b) => Math.max(a, b), 0);
	if (srcNewest > statSync(distIndex).mtimeMs) {
		report.meta.distStale = true;
		log(
			'bench e2e: warning: dist/ is older than src/, nodes/ or credentials/ (n8n loads dist/; run `npm run build`)',
		);
	}
	let deps: Deps;
	try {
		const runtime = await import(pathToFileURL(path.join(REPO, 'scripts', 'n8n-runtime.mjs')).href);
		const proc = await import(
			pathToFileURL(path.join(REPO, 'scripts', 'lib', 'n8n-process.mjs')).href
		);
		const api = await import(pathToFileURL(path.join(REPO, 'scripts', 'lib', 'n8n-api.mjs')).href);
		log(
			'bench e2e: ensureN8n(2) (cached after the first install, which takes ~6 min on 2 cores) ...',
		);
		const rt = await runtime.ensureN8n('2');
		nodeTypePrefix = proc.NODE_TYPE_PREFIX;
		deps = {
			rt,
			proc,
			api,
			next: deliveryFactory(),
			tarball: await proc.tarballForRun(mkdtempSync(path.join(os.tmpdir(), 'bench-pack-'))),
		};
	} catch (error) {
		return fail(`n8n line 2 runtime not available: ${(error as Error).message.split('\n')[0]}`);
	}
	for (const id of wanted) {
		const variant = id !== 'default';
		const which: ContenderId[] = [
			...(!variant || quick || Date.now() - t0 < plan.allContendersUntilMs
				? ALL
				: (['A', 'B', 'E'] as ContenderId[])),
			...(E0_SETTINGS.includes(id) ? (['E0'] as ContenderId[]) : []),
			...(E2_SETTINGS.includes(id) ? (['E2'] as ContenderId[]) : []),
		];
		const flood = !noFlood && (id === 'default' || id === 'lazy');
		const modes = variant ? [1] : [1, plan.concurrency];
		report.settings.push(await runSetting(id, which, plan, { flood, modes, log }, deps));
		report.meta.n8n ??= report.settings.at(-1)?.n8nVersion;
		log(
			`bench e2e: [${id}] done in ${report.settings.at(-1)!.seconds} s (run ${((Date.now() - t0) / 1000).toFixed(0)} s)`,
		);
	}
	report.meta.durationSeconds = Math.round((Date.now() - t0) / 1000);
	report.figures = figuresOf(report);
	return report;
}

function newestMtime(dir: string): number {
	if (!existsSync(dir)) return 0;
	let newest = 0;
	for (const name of readdirSync(dir, { recursive: true }) as string[]) {
		const st = statSync(path.join(dir, name));
		if (st.isFile()) newest = Math.max(newest, st.mtimeMs);
	}
	return newest;
}

// ------------------------------------------------------------------------------------------------------------------
// figures, table, persistence

function integrityOk(s: SettingReport): boolean {
	return !s.error && Object.values(s.integrity).every((r) => r?.ok);
}

/** The flood target for a contender in a setting, in seconds: only E has one, under the defaults and lazy acquire. */
function floodTargetS(setting: SettingId, contender: ContenderId): number | null {
	if (contender !== 'E') return null;
	if (setting === 'lazy') return TARGETS.floodLazyS;
	if (setting === 'default') return TARGETS.floodDefaultS;
	return null;
}

/** Figures in bench/harness.ts's shape: ratio = E's time / the baseline's time (lower is better), as every bench figure. */
export function figuresOf(report: E2eReport): Figure[] {
	const figs: Figure[] = [];
	for (const s of report.settings) {
		for (const b of s.throughput.length ? s.throughput : [{ inFlight: 1 } as ThroughputBlock]) {
			for (const [base, target] of [
				['B', TARGETS.EoverB],
				['D', TARGETS.EoverD],
				...(s.id === 'lazy' ? [['A', TARGETS.EoverAlazy]] : []),
			] as Array<[ContenderId, number]>) {
				const r = b.ratios?.[`E/${base}`];
				const limit = round3(1 / target);
				const id = `e2e.${s.id}.inflight${b.inFlight}.E_vs_${base}`;
				const name = `e2e n8n ${s.n8nVersion ?? '2.x'} (${s.label}), ${b.inFlight} in flight: SMP Trigger vs ${CONTENDERS[base]}`;
				const text = `E ≥ ${target}× ${base}'s deliveries/s, i.e. E time / ${base} time ≤ ${limit}`;
				if (!r || !b.cells?.E || !b.cells?.[base]) {
					figs.push({
						id,
						name,
						target: text,
						ratio: null,
						limit,
						pass: null,
						note: s.error ? `not measured: ${s.error}` : 'not measured in this run',
					});
					continue;
				}
				const ok = integrityOk(s);
				figs.push({
					id,
					name,
					target: text,
					ratio: round3(1 / r.median),
					limit,
					pass: ok ? 1 / r.median <= limit : false,
					ours: { name: CONTENDERS.E, opsPerSec: b.cells.E.perSec },
					baseline: { name: CONTENDERS[base], opsPerSec: b.cells[base]!.perSec },
					detail: {
						deliveriesPerSecRatio: r.median,
						roundRatios: r.rounds,
						isolatesPerDelivery: {
							E: b.cells.E.isolatesPerDelivery,
							[base]: b.cells[base]!.isolatesPerDelivery,
						},
					},
					note: ok ? undefined : 'integrity check failed (see e2e.settings[].integrity)',
				});
			}
		}
		for (const f of s.flood) {
			const limitS = floodTargetS(s.id, f.contender);
			figs.push({
				id: `e2e.${s.id}.flood.${f.contender}`,
				name: `e2e flood (${s.label}): genuine delivery to ${CONTENDERS[f.contender]} under ${f.inFlight} forged requests in flight, median answer time`,
				target: limitS !== null ? `median < ${limitS} s` : 'comparison (no target)',
				ratio: null,
				limit: limitS,
				pass: limitS !== null && f.medianS !== null ? f.medianS < limitS : null,
				unit: 's',
				detail: {
					medianS: f.medianS,
					maxS: f.maxS,
					idleMedianMs: f.idleMedianMs,
					slowdown: f.slowdown,
					executionsFromForged: f.executionsFromForged,
					forgedSent: f.forgedSent,
				},
			});
		}
	}
	return figs;
}

const fmt = (x: number | null | undefined, d = 1) =>
	x === null || x === undefined ? '—' : x.toFixed(d);

/** The e2e tables (markdown), as printed at the end of a run and written between the e2e markers of RESULTS.md. */
export function e2eTable(report: E2eReport): string {
	const lines: string[] = [];
	const m = report.meta;
	lines.push(
		`Generated by \`npm run bench:e2e\` (bench/e2e.ts) on ${m.date}: n8n ${m.n8n ?? '?'} on its pinned Node 24, driven from Node ${m.node}, ${m.platform}; ` +
			`${m.quick ? '**quick run** (smoke sizes)' : 'full run'}: ${m.plan.rounds} rounds, ${m.plan.seq} deliveries per contender per round at 1 in flight, ${m.plan.conc} at ${m.plan.concurrency}; whole run ${m.durationSeconds} s.`,
		'',
		'Each cell: deliveries/s (isolates per delivery). Ratios are deliveries/s ratios, the median of per-round ratios (contenders interleaved, order rotated each round). ' +
			'E is the SMP Trigger as shipped; it keeps the credential secret for 10 s, so "F" (E keeping the secret) is E itself. Isolates: n8n\'s own counter `n8n_expression_pool_acquired_total` (each acquired isolate is disposed and replaced); `+n cold` = isolates built synchronously on the request path (lazy acquire with an empty pool).',
		'',
		'| setting | in flight | A Webhook v2 | B Webhook v1 | C v2 + Header Auth | D v2 → Code HMAC → IF | E SMP Trigger | E0 E without copy check | E2 SMP Trigger as v2 (probe) | E/B (≥ 1.0) | E/D (≥ 0.65) | E/A (lazy: ≥ 0.8) | E2/A | integrity |',
		'|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
	);
	for (const s of report.settings) {
		if (s.error && !s.throughput.length) {
			lines.push(
				`| ${s.label} | — | not measured: ${s.error.replace(/\|/g, '/')} |  |  |  |  |  |  |  |  |  |  |  |`,
			);
			continue;
		}
		for (const b of s.throughput) {
			const cell = (c: ContenderId) => {
				const x = b.cells[c];
				if (!x) return 'not run';
				const iso =
					x.isolatesPerDelivery === null
						? 'no isolates'
						: `${fmt(x.isolatesPerDelivery, 2)} iso${x.coldStartsPerDelivery ? `, +${fmt(x.coldStartsPerDelivery, 2)} cold` : ''}`;
				return `${fmt(x.perSec)}/s (${iso})`;
			};
			const ratio = (k: string, target?: number) => {
				const r = b.ratios[k];
				if (!r) return '—';
				return target === undefined
					? `${r.median.toFixed(2)}×`
					: `${r.median.toFixed(2)}× ${r.median >= target ? 'met' : '**missed**'}`;
			};
			const integ = integrityOk(s) ? 'ok' : `**${s.error ? 'error' : 'mismatch'}**`;
			lines.push(
				`| ${s.label} | ${b.inFlight} | ${cell('A')} | ${cell('B')} | ${cell('C')} | ${cell('D')} | ${cell('E')} | ${cell('E0')} | ${cell('E2')} | ${ratio('E/B', TARGETS.EoverB)} | ${ratio('E/D', TARGETS.EoverD)} | ${ratio('E/A', s.id === 'lazy' ? TARGETS.EoverAlazy : undefined)} | ${ratio('E2/A')} | ${integ} |`,
			);
		}
	}
	lines.push(
		'',
		'Every ratio measured (deliveries/s of the first over the second; median of the per-round ratios, per-round values after it):',
		'',
		'| setting | in flight | ratio | median | per round |',
		'|---|---|---|---|---|',
	);
	for (const s of report.settings) {
		for (const b of s.throughput) {
			for (const [k, r] of Object.entries(b.ratios))
				lines.push(
					`| ${s.label} | ${b.inFlight} | ${k} | ${r.median.toFixed(3)} | ${r.rounds.map((x) => x.toFixed(2)).join(' ')} |`,
				);
		}
	}
	const floods = report.settings.flatMap((s) => s.flood.map((f) => ({ s, f })));
	if (floods.length) {
		lines.push(
			'',
			`Flood: ${floods[0].f.inFlight} forged requests in flight (E, E2, D: wrong signature; C, C1: wrong auth header), each re-sent as soon as it is answered; genuine deliveries started every ${(m.plan.floodIntervalMs / 1000).toFixed(1)} s after ${(m.plan.floodSettleMs / 1000).toFixed(1)} s of flood; ` +
				"the figure is the time until a genuine delivery is accepted (answered 200). Baseline beside it: the same contender's answer time with no flood, measured just before. " +
				'C1 (Webhook v1 + Header Auth) is C with typeVersion 1, a control that takes part in the flood only: n8n treats version-1 webhook nodes differently (see *Reading the e2e figures* below). ' +
				"E2 is E declared as version 2 in a bench-only copy of the package (n8n then evaluates no expression before the node but parses the body itself): the other side of the trade-off the README's *Decisions* take.",
			'',
			'| setting | contender | genuine answered, median (max) | no flood, median | slowdown | forged sent (answers) | executions started by forged | isolates during flood | target | result |',
			'|---|---|---|---|---|---|---|---|---|---|',
		);
		for (const { s, f } of floods) {
			const limit = floodTargetS(s.id, f.contender);
			const timeouts = f.genuineAnswerMs.filter((x) => x === null).length;
			const notOk = f.genuineStatuses
				.filter((x) => x !== 200)
				.map((x) => (x === 0 ? 'no answer' : String(x)));
			const answers = Object.entries(f.forgedStatuses)
				.map(([k, v]) => `${v}× ${k === '0' ? 'no answer' : k}`)
				.join(', ');
			const ex = f.executionsFromForged
				? `${f.executionsFromForged} (${Object.entries(f.executionsFromForgedByStatus)
						.map(([k, v]) => `${v} ${k}`)
						.join(', ')})`
				: '0';
			// per request that reached the trigger: n8n's own 503 "Database is not ready!" answers never get that far
			const turnedAway =
				(f.forgedStatuses['503'] ?? 0) +
				(f.forgedStatuses['0'] ?? 0) +
				f.genuineStatuses.filter((x) => x === 503 || x === 0).length;
			const reached = Math.max(1, f.requestsDuringFlood - turnedAway);
			const iso =
				f.isolatesDuringFlood === null
					? '—'
					: `${f.isolatesDuringFlood} (${(f.isolatesDuringFlood / reached).toFixed(2)} per request that reached the node)`;
			lines.push(
				`| ${s.label} | ${f.contender} ${CONTENDERS[f.contender]} | ${fmt(f.medianS, 2)} s (${fmt(f.maxS, 2)} s)${timeouts ? `, ${timeouts} not accepted (${notOk.join(', ')}; counted as ${m.plan.floodGenuineTimeoutMs / 1000} s)` : ''} | ${fmt(f.idleMedianMs, 0)} ms | ${fmt(f.slowdown, 0)}× | ${f.forgedSent} in ${f.floodSeconds} s (${answers}) | ${ex} | ${iso} | ${limit !== null ? `< ${limit} s` : '—'} | ${limit === null || f.medianS === null ? '—' : f.medianS < limit ? 'met' : '**missed**'} |`,
			);
		}
	}
	for (const { s, f } of floods) {
		const expected =
			f.contender === 'C' || f.contender === 'C1'
				? '403'
				: f.contender === 'E' || f.contender === 'E2'
					? '401'
					: '200';
		for (const [status, n] of Object.entries(f.forgedStatuses)) {
			if (status === expected) continue;
			const body = f.forgedAnswerSamples?.[status];
			lines.push(
				'',
				`${s.label}, flood on ${f.contender}: ${n} forged requests answered ${status === '0' ? 'nothing (timeout or connection error)' : status}${body ? `, body: \`${body.replace(/`/g, "'").replace(/\s+/g, ' ')}\`` : ''}.`,
			);
		}
	}
	const probes = report.settings
		.map(
			(s) =>
				s.probes.dVerifies as
					{ ok: boolean; genuine?: { codeOut?: { rawFrom?: string } } } | undefined,
		)
		.find(Boolean);
	lines.push('');
	if (probes)
		lines.push(
			`D is checked in every setting to really verify: a genuine delivery ends in its "Verified" branch and a forged one in "Rejected" (raw body read ${probes.genuine?.codeOut?.rawFrom === 'store' ? "from n8n's binary store" : 'from the inline base64 binary data'}).`,
		);
	const idle = report.settings
		.map((s) => s.isolatesIdleCheck)
		.filter((x) => x !== undefined && x !== null);
	if (idle.length)
		lines.push(
			`The bench's own REST polling and /metrics reads took ${idle.every((x) => x === 0) ? 'no isolates' : `${idle.join('/')} isolates`} (checked with no delivery in flight).`,
		);
	lines.push(
		'Integrity: every contender\'s executions (counted through the REST API, paged past the 100-row cap) equal the requests it answered 200, all successful ("ok"); full counts in bench/results.json under `e2e.settings[].integrity`.',
	);
	return lines.join('\n');
}

/** The last e2e report kept in bench/results.json, if any. */
export function loadE2e(file = RESULTS_JSON): E2eReport | undefined {
	try {
		return JSON.parse(readFileSync(file, 'utf8')).e2e as E2eReport | undefined;
	} catch {
		return undefined;
	}
}

/**
 * Merges the report into bench/results.json (its figures replace earlier `e2e.*` figures; everything else stays; the
 * whole report under the key `e2e`) and rewrites only the part of bench/RESULTS.md between the e2e markers (appended
 * at the end when the markers are missing).
 */
export function persistE2e(
	report: E2eReport,
	files = { json: RESULTS_JSON, md: RESULTS_MD },
): void {
	let doc: Record<string, any> = {};
	try {
		doc = JSON.parse(readFileSync(files.json, 'utf8'));
	} catch {}
	const others = Array.isArray(doc.figures)
		? doc.figures.filter((f: Figure) => !String(f.id).startsWith('e2e.'))
		: [];
	doc.figures = [...others, ...report.figures];
	doc.e2e = report;
	writeFileSync(files.json, `${JSON.stringify(doc, null, 2)}\n`);

	const section = [
		MD_START,
		'## End to end through n8n: deliveries/s, isolates, flood',
		'',
		e2eTable(report),
		MD_END,
	].join('\n');
	let md = existsSync(files.md) ? readFileSync(files.md, 'utf8') : '';
	const a = md.indexOf(MD_START);
	const b = md.indexOf(MD_END);
	if (a !== -1 && b > a) md = md.slice(0, a) + section + md.slice(b + MD_END.length);
	else md = `${md.replace(/\s*$/, '')}\n\n${section}\n`;
	writeFileSync(files.md, md);
}

// ------------------------------------------------------------------------------------------------------------------
// `npm run bench:e2e [-- --quick] [--settings=default,lazy] [--no-flood] [--no-write]`; `-- --table` re-renders the
// tables of the report kept in bench/results.json without running anything

if (require.main === module) {
	const args = process.argv.slice(2);
	if (args.includes('--table')) {
		// re-render the tables of the last report in bench/results.json (no n8n started)
		const last = loadE2e();
		if (!last) throw new Error('bench/results.json holds no e2e report');
		last.figures = figuresOf(last);
		if (!args.includes('--no-write')) persistE2e(last);
		console.log(e2eTable(last));
		process.exit(0);
	}
	const quick = args.includes('--quick') || process.env.BENCH_QUICK === '1';
	const only = args.find((a) => a.startsWith('--settings='))?.slice('--settings='.length);
	const settings = only ? (only.split(',').filter((s) => s in SETTINGS) as SettingId[]) : undefined;
	runE2e({ quick, settings, noFlood: args.includes('--no-flood') })
		.then((report) => {
			if (!args.includes('--no-write')) persistE2e(report);
			console.log(`\n${e2eTable(report)}\n`);
			for (const f of report.figures) {
				const v =
					f.unit === 's'
						? `${fmt(f.detail?.medianS as number, 2)} s`
						: f.ratio === null
							? '—'
							: `E time/baseline ${f.ratio.toFixed(3)} (≤ ${f.limit})`;
				console.log(`${f.id}: ${v}  ${f.pass === null ? '' : f.pass ? 'PASS' : 'MISS'}`);
			}
			console.log(
				`bench e2e: ${report.meta.durationSeconds} s${args.includes('--no-write') ? '' : '; wrote bench/results.json (key e2e) and the e2e section of bench/RESULTS.md'}`,
			);
			if (report.settings.some((s) => s.error)) process.exitCode = 1;
		})
		.catch((error) => {
			console.error(error);
			process.exitCode = 1;
		});
}
