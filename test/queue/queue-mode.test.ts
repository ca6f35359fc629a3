// "Exactly once at scale", n8n 2.x queue mode: PostgreSQL 15 + Redis + main, two webhook processors and two workers
// (scripts/lib/services.mjs). The webhook phase verifies and answers; deduplication runs inside the execution, on a
// worker, through n8n's database (kept durable against the other worker's writes by nodes/shared/copies). A webhook
// processor runs no executions, so a copy still gets one whose trigger emits nothing: what counts is the executions in
// which the node after the trigger ran (exactly one per delivery). Every wait is bounded by counts, or by `stallMs`
// (no progress for that long), derived from single-delivery latencies measured at the start of this run.
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	providers,
	serializePayload,
	sign,
	SIGNED_PRESETS,
	signSigned,
	type ProviderId,
} from '../../src/internal';
// @ts-expect-error plain ESM helper without types
import { psql, startQueueTopology } from '../../scripts/lib/services.mjs';
// @ts-expect-error plain ESM helper without types
import { tarballForRun } from '../../scripts/lib/n8n-process.mjs';
import { whereIn } from '../e2e/executions';
import { NODE_TYPE_PREFIX, providerTrigger, webhookRegistered } from '../e2e/workflows';
import { startFakeSmartComply, type FakeSmartComply } from '../fake/smartcomply-server.mjs';
import { PROVIDERS, SIGNED_NODE, nodeName } from '../providers';
import {
	accepted,
	activeWorkflow,
	allExecutions,
	copyKeys,
	countWithSentinel,
	details,
	executionDetail,
	expectRanOnce,
	ownerClient,
	pool,
	post,
	relogin,
	rowHolds,
	say,
	settle,
	sleep,
	type Delivery,
	type RestClient,
	type Workflow,
} from './harness';

const KEEP = process.env.N8N_QUEUE_KEEP === '1';
const work = mkdtempSync(path.join(os.tmpdir(), 'queue-suite-'));
const logDir = path.join(work, 'logs');

let topo: any;
let client: RestClient;
let fake: FakeSmartComply;
let stallMs = 60_000;
const run = randomUUID().replace(/-/g, '').slice(0, 12);

/** Values that must appear in no log and no execution: secrets, API keys, signature header values. */
const watched = new Set<string>();
/** Every workflow made here, and what it must show at the end (re-counted by the last test). */
const ledger: Array<{ wf: Workflow; label: string; ran: number; total: () => number }> = [];

const PROCS = ['webhook1', 'webhook2', 'main'] as const;
type Proc = (typeof PROCS)[number];
const url = (proc: Proc) => topo.url(proc) as string;
const allProcUrls = () => PROCS.map(url);

/** The event each provider's workflow here runs on (SmartComply: a dashboard-made endpoint; automatic: case 4). */
const EVENT: Record<ProviderId, string> = {
	smp: 'project.completed',
	smartComply: 'notice.created',
	smartlyQ: 'job.completed',
	smartMaintenance: 'task.completed',
	smarterMeasure: 'AssessmentCompleted',
};

/** A workflow "trigger → NoOp" with a fresh secret, activated and known to every process. */
async function providerWorkflow(provider: ProviderId, label: string) {
	const secret = `${provider}Q${run}${randomUUID().replace(/-/g, '').slice(0, 8)}`;
	watched.add(secret);
	const wf = await activeWorkflow(
		client,
		{ ...providerTrigger(provider, secret, EVENT[provider]), name: `queue ${label}` },
		allProcUrls(),
	);
	return { wf, secret };
}

/** One delivery of a provider: body and headers fixed, so sending it again is a provider's retry. */
function delivery(provider: ProviderId, secret: string, overrides: Record<string, unknown> = {}) {
	const payload = providers[provider].sample(EVENT[provider], overrides);
	const body = serializePayload(payload);
	const headers = sign(provider, body, secret, { deliveryId: randomUUID() });
	const sig = providers[provider].scheme.header;
	if (headers[sig]) watched.add(headers[sig]);
	return { payload, body, headers };
}

/** n distinct SMP deliveries, ids evt_<tag>_<run>_<i>. */
const smpDeliveries = (secret: string, n: number, tag: string) =>
	Array.from({ length: n }, (_, i) =>
		delivery('smp', secret, { id: `evt_${tag}_${run}_${String(i).padStart(4, '0')}` }),
	);

function record(wf: Workflow, label: string, ran: number, total: () => number) {
	ledger.push({ wf, label, ran, total });
}

/**
 * For each group, each delivery's copies sent at the same moment, one to each of `procs` (one delivery at a time, the
 * groups interleaved); every answer 200, and once the executions finished, every delivery ran (nothing lost). How many
 * ran more than once (two workers take the jobs) is reported, not judged.
 */
async function copiesTogether(
	groups: Array<{ wf: Workflow; sent: ReturnType<typeof delivery>[]; procs: readonly Proc[] }>,
) {
	const answers = groups.map((): Delivery[] => []);
	for (let i = 0; i < groups[0].sent.length; i++)
		for (const [g, { wf, sent, procs }] of groups.entries()) {
			const { body, headers } = sent[i];
			answers[g].push(
				...(await Promise.all(procs.map((p) => post(wf.urlOn(url(p)), body, headers)))),
			);
		}
	const results = [];
	for (const [g, { wf, sent }] of groups.entries()) {
		expect(answers[g].every((a) => a.status === 200)).toBe(true);
		const started = answers[g].filter(accepted).length;
		const all = await details(client, await settle(client, wf.id, started, stallMs));
		const ran = all.filter((e) => e.ran);
		const ids = ran.map((e) => e.afterItems[0]?.id as string);
		expect(new Set(ids)).toEqual(new Set(sent.map((d) => d.payload.id)));
		results.push({ started, all, ran, twice: ids.length - new Set(ids).size });
	}
	return results;
}

beforeAll(async () => {
	const t0 = Date.now();
	const tarball = await tarballForRun(path.join(work, 'pack'));
	topo = await startQueueTopology({ tarball, logDir, echo: process.env.N8N_QUEUE_ECHO === '1' });
	say(
		`topology up in ${topo.readyMs} ms: postgres :${topo.pg.port}, redis :${topo.redis.port}, ` +
			Object.values(topo.procs as Record<string, any>)
				.map((p) => `${p.name} :${p.port} (${p.n8n.readyMs} ms)`)
				.join(', ') +
			`; logs ${logDir}`,
	);
	client = await ownerClient(url('main'));
	const types = await client.nodeTypeNames();
	for (const name of [...PROVIDERS.map(nodeName), SIGNED_NODE.name])
		expect(types, `main loaded ${NODE_TYPE_PREFIX}${name}`).toContain(`${NODE_TYPE_PREFIX}${name}`);
	fake = await startFakeSmartComply({ apiKey: `sc_live_queue_${run}` });
	watched.add(fake.apiKey);

	// Calibration: single genuine deliveries, each until its execution finished (polled every 100 ms). The slowest,
	// times 50, bounds "no progress" waits (at least 30 s).
	const { wf, secret } = await providerWorkflow('smp', 'calibration');
	const latencies: number[] = [];
	for (let i = 0; i < 3; i++) {
		const d = delivery('smp', secret, { id: `evt_cal_${run}_${i}` });
		const s = Date.now();
		const res = await post(wf.urlOn(url('webhook1')), d.body, d.headers);
		expect(res.status, res.text).toBe(200);
		await settle(client, wf.id, i + 1, 120_000, 100);
		latencies.push(Date.now() - s);
	}
	stallMs = Math.max(30_000, 50 * Math.max(...latencies));
	record(wf, 'calibration', 3, () => 3);
	say(
		`calibration: delivery → finished execution ${latencies.join(', ')} ms; stall limit ${stallMs} ms; setup ${Date.now() - t0} ms`,
	);
});

afterAll(async () => {
	await fake?.close().catch(() => {});
	await topo?.stopAll();
	if (KEEP) say(`kept ${work}`);
	else rmSync(work, { recursive: true, force: true });
});

describe('n8n 2.x queue mode: main + 2 webhook processors + 2 workers', () => {
	it('case 0: two workers, N distinct SMP deliveries 16 in flight alternating webhook1/webhook2, then every one retried once all finished → each ran once, none lost, every answer 200', async () => {
		const N = Number(process.env.QUEUE_DISTINCT_N ?? 200);
		const { wf, secret } = await providerWorkflow('smp', 'case 0 distinct deliveries, two workers');
		const deliveries = smpDeliveries(secret, N, 'q0');
		const hook = (i: number) => url(i % 2 ? 'webhook2' : 'webhook1');
		const firsts = await pool(
			deliveries.map((d, i) => async () => await post(wf.urlOn(hook(i)), d.body, d.headers)),
			16,
		);
		const firstStarted = firsts.filter(accepted).length;
		const afterFirsts = await details(client, await settle(client, wf.id, firstStarted, stallMs));
		// A retry comes later than the background checks take (settle wait × rounds): every delivery's keys are in the
		// row again by then, whatever one worker's write dropped of the other's.
		const checked = Date.now();
		const keys = deliveries.flatMap((d) => copyKeys('smp', d, secret));
		await rowHolds(topo.pg, wf.id, keys, stallMs);
		const checksMs = Date.now() - checked;
		// the retries go to the other webhook processor, and so usually to a worker that did not run the first
		const retries = await pool(
			deliveries.map((d, i) => async () => await post(wf.urlOn(hook(i + 1)), d.body, d.headers)),
			16,
		);
		const answers = [...firsts, ...retries];
		const started = answers.filter(accepted).length;
		const all = await details(client, await settle(client, wf.id, started, stallMs));
		const ids = all.filter((e) => e.ran).map((e) => e.afterItems[0]?.id as string);
		const ranTwice = ids.length - new Set(ids).size;
		const lost = deliveries.filter((d) => !ids.includes(d.payload.id as string)).length;
		const non200 = answers.filter((a) => a.status !== 200).length;
		say(
			`case 0: ${N} distinct deliveries × 2 (16 in flight, two workers): ran twice ${ranTwice}, lost ${lost}, non-200 ${non200}; ` +
				`${afterFirsts.filter((e) => e.ran).length} ran after the first sends, every key in the row ${checksMs} ms after the last finished, ${all.length} executions in total`,
		);
		expect({ ranTwice, lost, non200 }).toEqual({ ranTwice: 0, lost: 0, non200: 0 });
		expect(all.every((e) => e.status === 'success')).toBe(true);
		record(wf, 'case 0 two workers', N, () => started);
	});

	it('case 1: N SMP deliveries × 3 copies spread over webhook1, webhook2 and main, ≥ 1 s apart → the node after the trigger ran exactly N times, payloads 1:1', async () => {
		const N = Number(process.env.QUEUE_N ?? 60);
		const { wf, secret } = await providerWorkflow('smp', 'case 1 spread copies');
		const deliveries = smpDeliveries(secret, N, 'q1');
		const answeredAt: number[][] = deliveries.map(() => []);
		// wave k sends copy k of every delivery; copy k of delivery i goes to PROCS[(i + k) % 3], so every delivery
		// reaches all three processes; a copy waits until ≥ 1 s after the previous copy of the same delivery was answered
		const tasks: Array<() => Promise<Delivery & { proc: Proc }>> = [];
		for (let k = 0; k < 3; k++) {
			for (let i = 0; i < N; i++) {
				tasks.push(async () => {
					if (k > 0) {
						const wait = answeredAt[i][k - 1] + 1000 - Date.now();
						if (wait > 0) await sleep(wait);
					}
					const proc = PROCS[(i + k) % 3];
					const res = await post(wf.urlOn(url(proc)), deliveries[i].body, deliveries[i].headers);
					answeredAt[i][k] = Date.now();
					return { ...res, proc };
				});
			}
		}
		const t0 = Date.now();
		const answers = await pool(tasks, 6);
		const sendMs = Date.now() - t0;
		const byStatus: Record<string, number> = {};
		for (const a of answers)
			byStatus[`${a.proc} ${a.status}`] = (byStatus[`${a.proc} ${a.status}`] ?? 0) + 1;
		expect(
			answers.every((a) => a.status === 200),
			JSON.stringify(byStatus),
		).toBe(true);
		const startedExecutions = answers.filter(accepted).length;

		const list = await settle(client, wf.id, startedExecutions, stallMs);
		const all = await details(client, list);
		const ran = all.filter((e) => e.ran);
		const payloadIds = ran.map((e) => e.afterItems[0]?.id as string);
		say(
			`case 1: ${3 * N} copies answered in ${sendMs} ms (${JSON.stringify(byStatus)}), ${startedExecutions} answered as started; ` +
				`${list.length} executions in total, the node after the trigger ran in ${ran.length} (N = ${N})`,
		);
		expect(list.length).toBe(startedExecutions);
		expect(ran.length).toBe(N);
		expect(new Set(payloadIds).size).toBe(N);
		expect([...payloadIds].sort()).toEqual(deliveries.map((d) => d.payload.id as string).sort());
		const byId = new Map(
			deliveries.map((d) => [d.payload.id as string, JSON.parse(d.body.toString('utf8'))]),
		);
		for (const e of ran) {
			expect(e.afterItems).toHaveLength(1);
			expect(e.afterItems[0]).toEqual(byId.get(e.afterItems[0].id as string));
			expect(e.status).toBe('success');
		}
		// the other executions: the copies; the trigger emitted nothing and nothing failed
		for (const e of all.filter((x) => !x.ran)) {
			expect(e.status, `execution ${e.id}: ${e.error}`).toBe('success');
			expect(e.triggerItems).toEqual([]);
		}
		record(wf, 'case 1', N, () => startedExecutions);
	});

	it('case 1b: copies at the same moment: 3 copies of each of M deliveries sent together to webhook processor 2, and to three processes → every delivery ran; how many ran twice (two workers) is reported', async () => {
		const M = Number(process.env.QUEUE_RACE_M ?? 20);
		const { wf, secret } = await providerWorkflow('smp', 'case 1b same-moment copies, one process');
		const { wf: wfSpread, secret: secretSpread } = await providerWorkflow(
			'smp',
			'case 1b same-moment copies, three processes',
		);
		// two workers take the jobs of one webhook processor: same-moment copies can reach both (reported in
		// docs/duplicates-and-queue-mode.md)
		const [one, spread] = await copiesTogether([
			{ wf, sent: smpDeliveries(secret, M, 'q1b'), procs: ['webhook2', 'webhook2', 'webhook2'] },
			{ wf: wfSpread, sent: smpDeliveries(secretSpread, M, 'q1c'), procs: PROCS },
		]);
		say(
			`case 1b: ${M} deliveries × 3 copies together on webhook2: ${one.all.length} executions, ran ${one.ran.length}; ` +
				`× 3 copies together on webhook1, webhook2, main: ${spread.all.length} executions, ran ${spread.ran.length}`,
		);
		record(wf, 'case 1b one process', one.ran.length, () => one.started);
		record(wfSpread, 'case 1b three processes', spread.ran.length, () => spread.started);
	});

	it('case 1c: two workers, copies at the same moment on three processes → every delivery ran; how many ran twice is reported', async () => {
		const M = Number(process.env.QUEUE_RACE_M ?? 20);
		const { wf, secret } = await providerWorkflow('smp', 'case 1c two workers, same-moment copies');
		// the doubles are the documented two-worker window
		const [r] = await copiesTogether([{ wf, sent: smpDeliveries(secret, M, 'q1d'), procs: PROCS }]);
		say(
			`case 1c: ${M} deliveries × 3 copies together on webhook1, webhook2, main, two workers: ${r.all.length} executions, ran ${r.ran.length} (${r.twice} deliveries ran more than once)`,
		);
		record(wf, 'case 1c two workers', r.ran.length, () => r.started);
	});

	it('case 2: SMP, SmartMaintenance, SmarterMeasure, SmartlyQ: a delivery twice, webhook processor 1 restarted, twice again → ran once each', async () => {
		const made: Array<{ provider: ProviderId; wf: Workflow; d: ReturnType<typeof delivery> }> = [];
		for (const provider of ['smp', 'smartMaintenance', 'smarterMeasure', 'smartlyQ'] as const) {
			const { wf, secret } = await providerWorkflow(provider, `case 2 ${provider} webhook restart`);
			made.push({ provider, wf, d: delivery(provider, secret) });
		}
		const answers = made.map((): Delivery[] => []);
		const send = async () => {
			for (const [i, m] of made.entries())
				answers[i].push(await post(m.wf.urlOn(url('webhook1')), m.d.body, m.d.headers));
		};
		await send();
		await send();
		const t0 = Date.now();
		await topo.restart('webhook1');
		say(`case 2: webhook1 restarted in ${Date.now() - t0} ms`);
		await send();
		await send();
		for (const [i, m] of made.entries()) {
			const label = `case 2 ${m.provider}`;
			const started = await expectRanOnce(client, m.wf, answers[i], m.d.payload, stallMs, label);
			record(m.wf, label, 1, () => started);
		}
	});

	it('case 2s: Signed Webhook Trigger (Standard Webhooks): a delivery to each webhook processor, webhook processor 1 restarted, to each again → ran once', async () => {
		const secret = `whsec_${Buffer.from(`queue-${run}-${randomUUID()}`).toString('base64')}`;
		watched.add(secret);
		const wf = await activeWorkflow(
			client,
			{
				nodeType: 'signedWebhookTrigger',
				parameters: { sender: 'standardWebhooks' },
				credential: { type: 'signedWebhookApi', data: { secret } },
				name: 'queue case 2s signed webhook restart',
			},
			allProcUrls(),
		);
		const preset = SIGNED_PRESETS.standardWebhooks;
		const payload = preset.sample(preset.exampleEvent);
		const body = Buffer.from(JSON.stringify(payload));
		const headers = signSigned(preset.settings, body, secret);
		watched.add(headers['webhook-signature']);
		const answers: Delivery[] = [];
		const send = async () => {
			for (const proc of ['webhook1', 'webhook2'] as const)
				answers.push(await post(wf.urlOn(url(proc)), body, headers));
		};
		await send();
		const t0 = Date.now();
		await topo.restart('webhook1');
		say(`case 2s: webhook1 restarted in ${Date.now() - t0} ms`);
		await send();
		const started = await expectRanOnce(client, wf, answers, payload, stallMs, 'case 2s');
		record(wf, 'case 2s signed webhook', 1, () => started);
	});

	it('case 2b: SMP: a delivery twice to main, main restarted, twice again to main → ran once', async () => {
		const { wf, secret } = await providerWorkflow('smp', 'case 2b main restart');
		const d = delivery('smp', secret);
		const answers: Delivery[] = [];
		const send = async () => answers.push(await post(wf.urlOn(url('main')), d.body, d.headers));
		await send();
		await send();
		const t0 = Date.now();
		await topo.restart('main');
		say(`case 2b: main restarted in ${Date.now() - t0} ms`);
		await relogin(client);
		// main registers the active workflows' webhooks again after its start
		await webhookRegistered(wf.urlOn(url('main')), { probes: 300 });
		await send();
		await send();
		const started = await expectRanOnce(client, wf, answers, d.payload, stallMs, 'case 2b');
		record(wf, 'case 2b', 1, () => started);
	});

	it('case 3: a worker without the package takes the execution (fails, delivery answered 200); with the package back, the retry runs once, another copy does not', async () => {
		const { wf, secret } = await providerWorkflow('smp', 'case 3 worker swap');
		const d = delivery('smp', secret);
		const t0 = Date.now();
		await topo.replaceWorker('bareWorker', { withPackage: false });
		say(`case 3: worker replaced by one without the package in ${Date.now() - t0} ms`);
		const first = await post(wf.urlOn(url('webhook1')), d.body, d.headers);
		expect(first.status, first.text).toBe(200);
		expect(accepted(first), first.text).toBe(true);
		const [failed] = await details(client, await settle(client, wf.id, 1, stallMs));
		say(
			`case 3: on the worker without the package: status ${failed.status}, error ${JSON.stringify(failed.error)}`,
		);
		expect(failed.ran).toBe(false);
		expect(['error', 'crashed']).toContain(failed.status);
		expect(failed.error ?? '').toMatch(
			/unrecognized node type|unknown node|not installed|could not find|not known/i,
		);

		const t1 = Date.now();
		await topo.replaceWorker('worker', { withPackage: true });
		say(`case 3: worker with the package back in ${Date.now() - t1} ms`);
		const retry = await post(wf.urlOn(url('webhook2')), d.body, d.headers);
		expect(retry.status, retry.text).toBe(200);
		const afterRetry = await details(
			client,
			await settle(client, wf.id, 1 + (accepted(retry) ? 1 : 0), stallMs),
		);
		expect(afterRetry.filter((e) => e.ran).length).toBe(1);
		const again = await post(wf.urlOn(url('main')), d.body, d.headers);
		expect(again.status, again.text).toBe(200);
		const started = [first, retry, again].filter(accepted).length;
		const all = await details(client, await settle(client, wf.id, started, stallMs));
		const ran = all.filter((e) => e.ran);
		say(
			`case 3: 3 copies, ${all.length} executions (${all.map((e) => e.status).join(', ')}), ran ${ran.length}`,
		);
		expect(ran.length).toBe(1);
		expect(ran[0].afterItems).toEqual([d.payload]);
		record(wf, 'case 3', 1, () => started);
	});

	it("case 4: SmartComply: activation on main registers a webhook-processor URL; the fake's test event and a signed delivery run once each; a forged one gets 401 and runs nothing", async () => {
		const wf = await activeWorkflow(
			client,
			{
				nodeType: 'smartComplyTrigger',
				// webhook.test selected: in production a test event follows the Events filter like any other
				parameters: { registration: 'api', events: ['notice.created', 'webhook.test'] },
				credential: { type: 'smartComplyApi', data: { apiKey: fake.apiKey, baseUrl: fake.url } },
				name: 'queue case 4 SmartComply api',
			},
			allProcUrls(),
		);
		let endpoint: any;
		for (let i = 0; i < 150 && !endpoint; i++) {
			endpoint = [...fake.endpoints.values()].find((e) => e.url.includes(wf.webhookId));
			if (!endpoint) await sleep(200);
		}
		expect(endpoint, 'endpoint registered at the fake').toBeDefined();
		// main's WEBHOOK_URL is webhook processor 1: the registered URL is there, not on main
		expect(endpoint.url).toBe(wf.urlOn(url('webhook1')));
		expect([...endpoint.events].sort()).toEqual(['notice.created', 'webhook.test']);
		watched.add(endpoint.signing_secret);
		// n8n 2.x publishes in the background: the webhook answers (above) before main has saved the node's static
		// data with the endpoint and its sealed secret, and until then a delivery is refused 401 (the provider retries)
		let saved = false;
		for (let i = 0; i < 150 && !saved; i++) {
			saved = psql(
				topo.pg,
				`select "staticData" from workflow_entity where id = '${wf.id}'`,
			).includes(endpoint.id);
			if (!saved) await sleep(200);
		}
		expect(saved, 'endpoint saved in the workflow static data').toBe(true);

		const test = await fake.sendTest(endpoint.id);
		expect(test.status).toBe(200);
		const first = await details(client, await settle(client, wf.id, 1, stallMs));
		expect(first.filter((e) => e.ran).map((e) => e.afterItems[0]?.type)).toEqual(['webhook.test']);

		const d = delivery('smartComply', endpoint.signing_secret);
		const genuine = await post(wf.urlOn(url('webhook2')), d.body, d.headers);
		expect(genuine.status, genuine.text).toBe(200);
		const second = await details(client, await settle(client, wf.id, 2, stallMs));
		expect(second.filter((e) => e.ran).length).toBe(2);
		expect(second.find((e) => e.ran && e.afterItems[0]?.id === d.payload.id)?.afterItems).toEqual([
			d.payload,
		]);

		const forgery = delivery('smartComply', `whsec_guessed_${run}`);
		const forged = await post(wf.urlOn(url('webhook1')), forgery.body, forgery.headers);
		expect(forged.status, forged.text).toBe(401);
		expect(forged.json?.error).toBeTruthy();
		const sentinel = delivery('smartComply', endpoint.signing_secret);
		const list = await countWithSentinel(
			client,
			wf.id,
			2,
			() => post(wf.urlOn(url('webhook1')), sentinel.body, sentinel.headers),
			stallMs,
		);
		expect(list).toHaveLength(3);
		const all = await details(client, list);
		expect(
			all
				.filter((e) => e.ran)
				.map((e) => e.afterItems[0]?.id)
				.sort(),
		).toEqual([test.eventId, d.payload.id, sentinel.payload.id].sort());
		record(wf, 'case 4 SmartComply', 3, () => 3);
		// the secret SmartComply returned stays in the fake and sealed in n8n; nothing else issued one
		for (const e of fake.endpoints.values()) watched.add(e.signing_secret);
	});

	it('case 5: forgeries (wrong signature or key; unsigned where a secret is set) → 401 on every process, nothing runs', async () => {
		const cases = ['smp', 'smartMaintenance', 'smarterMeasure', 'smartlyQ', 'smartComply'] as const;
		const refused: string[] = [];
		for (const provider of cases) {
			const { wf, secret } = await providerWorkflow(provider, `case 5 ${provider} forgeries`);
			const header = providers[provider].scheme.header;
			for (const proc of PROCS) {
				const body = serializePayload(providers[provider].sample(EVENT[provider]));
				const wrong = sign(provider, body, `${secret}x`);
				watched.add(wrong[header]);
				const unsigned = { ...sign(provider, body, secret) };
				watched.add(unsigned[header]);
				delete unsigned[header];
				for (const [kind, headers] of [
					['wrong', wrong],
					['unsigned', unsigned],
				] as const) {
					const res = await post(wf.urlOn(url(proc)), body, headers);
					expect(res.status, `${provider} ${kind} on ${proc}: ${res.text}`).toBe(401);
					expect(res.json?.error, res.text).toBeTruthy();
					for (const w of watched) expect(res.text).not.toContain(w);
					refused.push(`${provider}/${proc}/${kind}`);
				}
			}
			const sentinel = delivery(provider, secret);
			const list = await countWithSentinel(
				client,
				wf.id,
				0,
				() => post(wf.urlOn(url('webhook2')), sentinel.body, sentinel.headers),
				stallMs,
			);
			expect(list).toHaveLength(1);
			const [only] = await details(client, list);
			expect(only.ran).toBe(true);
			record(wf, `case 5 ${provider}`, 1, () => 1);
		}
		say(
			`case 5: ${refused.length} forgeries refused with 401 (${cases.length} providers × ${PROCS.length} processes × 2)`,
		);
		expect(refused).toHaveLength(cases.length * PROCS.length * 2);
	});

	it('case 6 + ledger: no secret, key or signature in any process log (debug) or any execution; every workflow re-counted', async () => {
		// the ledger first: minutes after each case, nothing extra ran anywhere
		for (const entry of ledger) {
			const list = await allExecutions(client, entry.wf.id);
			const all = await details(client, list);
			expect(all.filter((e) => e.ran).length, `${entry.label}: ran`).toBe(entry.ran);
			expect(list.length, `${entry.label}: executions`).toBe(entry.total());
		}
		const values = [...watched].filter(Boolean);
		for (const v of values) expect(v.length).toBeGreaterThanOrEqual(16);
		let executionsChecked = 0;
		for (const entry of ledger) {
			for (const e of await allExecutions(client, entry.wf.id)) {
				const text = JSON.stringify((await executionDetail(client, e.id)).raw);
				const found = values
					.filter((w) => text.includes(w))
					.map((w) => `${w.slice(0, 4)}… (${w.length} chars) at ${whereIn(text, w)}`);
				expect(found, `execution ${e.id} (${entry.label})`).toEqual([]);
				executionsChecked++;
			}
		}
		const files: string[] = topo.logFiles();
		let bytes = 0;
		for (const file of files) {
			const log = readFileSync(file, 'utf8');
			bytes += log.length;
			expect(log, file).toMatch(/\| debug \|/);
			const found = values
				.filter((w) => log.includes(w))
				.map((w) => `${w.slice(0, 6)}… (${w.length} chars)`);
			expect(found, path.basename(file)).toEqual([]);
		}
		say(
			`case 6: ${values.length} watched values absent from ${executionsChecked} executions and ${files.length} process logs (${bytes} bytes, debug level)`,
		);
	});
});
