// Faults inside a real n8n:
//  1. retry storms: every genuine delivery sent 3 times, copies interleaved with other deliveries and some copies
//     racing each other, through a bounded pool of concurrent requests → the workflow's nodes run exactly once per
//     delivery, each time with that delivery's payload (a copy of a delivery n8n already ran is answered as a duplicate
//     and starts no execution; a copy racing its original starts one that stops at the trigger);
//  2. the SmartComply API failing while n8n activates a workflow (500, no answer in time, wrong API key) →
//     activation refused with a plain reason and no API key, workflow inactive; after recovery one endpoint;
//     deactivation when the endpoint is already gone at SmartComply;
//  3. with n8n logging at debug level, no secret, API key or signature in its log or in any execution's data.
// Nothing here waits for silence: "nothing more ran" is counted after a marker delivery, "no second endpoint" once
// the fake has answered every call it received. The three run side by side (see the describe below).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { providers, serializePayload, sign } from '../../src/internal';
import {
	activate,
	activationError,
	allExecutions,
	createCredential,
	createTriggerWorkflow,
	deactivate,
	env,
	executionData,
	executionsBeforeMarker,
	fakeDeliver,
	fakeFailNext,
	fakeSendTest,
	fakeResetFailures,
	fakeState,
	pool,
	post,
	rest,
	waitFor,
	waitForExecutions,
	type TriggerWorkflow,
} from './harness';

const CONCURRENCY = 16;
/**
 * How long a storm request may wait for its answer: only a net for a hung n8n. With the other cases beside it, or on
 * a busy machine, a request queues for n8n 2.x's one expression isolate; how long that takes is no verdict here.
 */
const STORM_ANSWER_NET_MS = 120_000;

/** Deterministic shuffle (mulberry32) so a failing order can be reproduced. */
function shuffle<T>(list: T[], seed: number): T[] {
	let a = seed >>> 0;
	const rand = () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const out = [...list];
	for (let i = out.length - 1; i > 0; i--) {
		const j = Math.floor(rand() * (i + 1));
		[out[i], out[j]] = [out[j], out[i]];
	}
	return out;
}

/**
 * The send order for n deliveries × 3 copies: every 8th delivery's 3 copies are queued back to back, so with a pool
 * of 16 they are in flight at the same moment (racing); all other copies are shuffled among the other deliveries.
 */
function stormOrder(n: number, seed: number): number[] {
	const racing: number[][] = [];
	const spread: number[] = [];
	for (let i = 0; i < n; i++) {
		if (i % 8 === 0) racing.push([i, i, i]);
		else spread.push(i, i, i);
	}
	const order = shuffle(spread, seed);
	// splice the racing triples in at evenly spaced points
	const step = Math.max(1, Math.floor(order.length / (racing.length + 1)));
	racing.forEach((triple, k) =>
		order.splice(Math.min(order.length, (k + 1) * step + k * 3), 0, ...triple),
	);
	return order;
}

/**
 * How long to wait for the executions of `requests` deliveries, derived from this run's own speed: the time the
 * requests took to be answered, times a wide margin (executions are saved after their answer), never below 60 s.
 */
function settleBudgetMs(sendMs: number): number {
	return Math.max(60_000, 10 * sendMs);
}

/** Waits (bounded) until the workflow has at least `n` executions, all finished: the storm's, before its marker. */
async function stormFinished(workflowId: string, n: number, timeoutMs: number): Promise<void> {
	await waitFor(
		`${n} finished executions`,
		async () => {
			const list = await allExecutions(workflowId);
			return list.length >= n && list.every((e) => e.status !== 'new' && e.status !== 'running');
		},
		{ timeoutMs, intervalMs: 500 },
	);
}

/** The executions in which the node after the trigger ran (copies' executions stop at the trigger), with their items. */
async function runsOf(executions: Array<{ id: string }>) {
	const datas = await pool(
		executions.map((e) => async () => await executionData(e.id)),
		8,
	);
	return datas
		.map((d) => d.data?.resultData?.runData ?? {})
		.filter((runData) => runData['After Trigger'])
		.map((runData) =>
			(runData.Trigger?.[0]?.data?.main?.[0] ?? []).map(
				(item: any) => item.json as Record<string, unknown>,
			),
		);
}

/** Signing secrets the fake issued and its API key (read over its control route; the fake runs in global setup). */
async function fakeSecrets(): Promise<{ apiKey: string; signingSecrets: string[] }> {
	const res = await fetch(`${env.fakeOrigin}/__control/secrets`, {
		signal: AbortSignal.timeout(5000),
	});
	return (await res.json()) as any;
}

async function endpointsFor(url: string) {
	return (await fakeState()).endpoints.filter((e) => e.url === url);
}

/** Waits (bounded) until the fake has carried out and answered every SmartComply API call it received (late ones too). */
async function everyApiCallAnswered(): Promise<void> {
	await waitFor(
		'every SmartComply API call answered',
		async () => (await fakeState()).pendingCalls === 0,
		{ timeoutMs: 30_000 },
	);
}

async function isActive(id: string): Promise<boolean> {
	const wf = await (await rest()).getWorkflow(id);
	return wf.active === true || Boolean(wf.activeVersionId);
}

async function smartComplyWorkflow(cred: { id: string; name: string }, events: string[]) {
	return await createTriggerWorkflow({
		nodeType: 'smartComplyTrigger',
		parameters: { registration: 'api', events },
		credentials: { smartComplyApi: cred },
		activate: false,
	});
}

/** Activated again after a failure: exactly one endpoint for the URL, SmartComply's test call runs the workflow, deactivation removes it. */
async function expectRecovered(wf: TriggerWorkflow) {
	if (env.line === '2' && (await isActive(wf.id))) {
		// 2.x keeps a workflow whose publication failed marked as published; publishing again retries its triggers
		await deactivate(wf.id);
	}
	expect(await activationError(wf.id)).toBeUndefined();
	const endpoints = await waitFor('one endpoint at the fake', async () => {
		const list = await endpointsFor(wf.productionUrl);
		return list.length > 0 && list;
	});
	// a failed attempt's registration still under way would show up once the fake has answered every call it got
	await everyApiCallAnswered();
	expect(await endpointsFor(wf.productionUrl)).toHaveLength(1);
	const sent = await fakeSendTest(endpoints[0].id);
	expect(sent).toMatchObject({ delivered: true, response_status: 200 });
	await deactivate(wf.id);
	await waitFor(
		'the endpoint removed',
		async () => (await endpointsFor(wf.productionUrl)).length === 0,
	);
}

function expectPlainAndKeyless(message: string, ...keys: string[]) {
	expect(message).toMatch(/Could not register the webhook endpoint with SmartComply/);
	for (const key of keys) expect(message).not.toContain(key);
	expect(message).not.toMatch(/sc_live_[A-Za-z0-9]/);
	expect(message).not.toMatch(/whsec_[A-Za-z0-9]/);
}

// Every case side by side: the SmartComply cases are mostly n8n waiting (2.x retries a failing publication 1, 2, 4
// and 8 s apart; the lost answer arrives after 12 s), the storms mostly n8n working, so their waits overlap. Each case
// has its own workflow, credential and production URL, every failure injected at the fake is scoped to that URL, and
// "every call answered" waits for the other cases' calls too, which only widens it.
describe.concurrent('faults inside a real n8n, side by side', () => {
	describe('retry storm: 3 copies of every delivery, 16 in flight', () => {
		// Bounded by counts; the waits derive from the answer rate measured in the same run (settleBudgetMs), and the
		// vitest timeouts below are only a net for a hung n8n.
		it('SMP: N deliveries × 3 → the workflow runs exactly N times, once per envelope id, each with its payload', async () => {
			const N = Number(process.env.STORM_N ?? 200);
			const secret = `smp_storm_${randomUUID().replace(/-/g, '')}`;
			const cred = await createCredential('smpWebhookApi', { secret });
			const wf = await createTriggerWorkflow({
				nodeType: 'smpTrigger',
				parameters: { events: ['project.completed'] },
				credentials: { smpWebhookApi: cred },
			});
			const run = randomUUID().slice(0, 8);
			const deliveries = Array.from({ length: N }, (_, i) => {
				const id = `evt_storm_${run}_${String(i).padStart(4, '0')}`;
				const body = serializePayload(providers.smp.sample('project.completed', { id }));
				return { id, body, headers: sign('smp', body, secret) };
			});
			const order = stormOrder(N, 0x5eed);
			expect(order).toHaveLength(3 * N);

			const t0 = Date.now();
			let answered = 0;
			const answers = await pool(
				order.map((i) => async () => {
					const { status, json } = await post(
						wf.productionUrl,
						deliveries[i].body,
						deliveries[i].headers,
						STORM_ANSWER_NET_MS,
					);
					if (++answered % 500 === 0 && process.env.STORM_VERBOSE)
						process.stderr.write(`[storm] ${answered} answered after ${Date.now() - t0} ms\n`);
					return { status, copy: json?.ignored === 'duplicate delivery' };
				}),
				CONCURRENCY,
			);
			const sendMs = Date.now() - t0;
			const byStatus: Record<number, number> = {};
			for (const { status } of answers) byStatus[status] = (byStatus[status] ?? 0) + 1;
			expect(byStatus).toEqual({ 200: 3 * N });
			// copies answered as such started no execution; every other request started one
			const answeredAsCopy = answers.filter((a) => a.copy).length;

			// every storm execution finished, then a marker delivery: once it has run, no storm execution can still appear
			await stormFinished(wf.id, 3 * N - answeredAsCopy, settleBudgetMs(sendMs));
			const markerId = `evt_storm_${run}_marker`;
			const markerBody = serializePayload(
				providers.smp.sample('project.completed', { id: markerId }),
			);
			expect(
				(await post(wf.productionUrl, markerBody, sign('smp', markerBody, secret))).status,
			).toBe(200);
			const executions = await executionsBeforeMarker(wf.id, markerId, {
				timeoutMs: settleBudgetMs(sendMs),
			});
			const settleMs = Date.now() - t0 - sendMs;
			expect(executions.length).toBe(3 * N - answeredAsCopy);
			expect(executions.every((e) => e.status === 'success')).toBe(true);

			const items = await runsOf(executions);
			expect(items).toHaveLength(N);
			expect(items.every((list) => list.length === 1)).toBe(true);
			const seen = items.map((list) => list[0].id as string);
			expect(new Set(seen).size).toBe(N);
			expect([...seen].sort()).toEqual(deliveries.map((d) => d.id).sort());
			// each item is that delivery's payload, byte for byte after JSON round-trip
			const byId = new Map(deliveries.map((d) => [d.id, JSON.parse(d.body.toString('utf8'))]));
			for (const list of items) expect(list[0]).toEqual(byId.get(list[0].id as string));
			const totalMs = Date.now() - t0;
			process.stderr.write(
				`[e2e] storm smp (n8n ${env.version}): ${3 * N} requests in ${sendMs} ms (${Math.round((3 * N) / (sendMs / 1000))} req/s), ` +
					`${executions.length} executions (${items.length} ran the workflow; ${answeredAsCopy} copies answered without one) saved ${settleMs} ms after the last answer, checked in ${totalMs} ms total\n`,
			);
			await deactivate(wf.id);
		}, 1_800_000);

		it('SmartMaintenance: N deliveries × 3 keyed by X-SMTM-Delivery → the workflow runs exactly N times', async () => {
			const N = Math.max(10, Math.round(Number(process.env.STORM_N ?? 200) / 4));
			const secret = `smtm_storm_${randomUUID().replace(/-/g, '')}`;
			const cred = await createCredential('smartMaintenanceWebhookApi', { secret });
			const wf = await createTriggerWorkflow({
				nodeType: 'smartMaintenanceTrigger',
				parameters: { events: ['task.completed'], settings: { includeMetadata: true } },
				credentials: { smartMaintenanceWebhookApi: cred },
			});
			// SmartMaintenance's bodies carry their own timestamp; each delivery here has its own task id too
			const deliveries = Array.from({ length: N }, (_, i) => {
				const deliveryId = randomUUID();
				const payload = {
					...providers.smartMaintenance.sample('task.completed'),
					data: { task_id: 50_000 + i },
				};
				const body = serializePayload(payload);
				return {
					deliveryId,
					payload,
					body,
					headers: sign('smartMaintenance', body, secret, { deliveryId }),
				};
			});
			const t0 = Date.now();
			const answers = await pool(
				stormOrder(N, 0xbeef).map(
					(i) => async () =>
						await post(
							wf.productionUrl,
							deliveries[i].body,
							deliveries[i].headers,
							STORM_ANSWER_NET_MS,
						),
				),
				CONCURRENCY,
			);
			const sendMs = Date.now() - t0;
			expect(answers.filter((a) => a.status === 200)).toHaveLength(3 * N);
			const answeredAsCopy = answers.filter((a) => a.json?.ignored === 'duplicate delivery').length;
			await stormFinished(wf.id, 3 * N - answeredAsCopy, settleBudgetMs(sendMs));
			const marker = randomUUID();
			const markerBody = serializePayload({
				...providers.smartMaintenance.sample('task.completed'),
				data: { task_id: 99_999 },
			});
			const markerHeaders = sign('smartMaintenance', markerBody, secret, { deliveryId: marker });
			expect((await post(wf.productionUrl, markerBody, markerHeaders)).status).toBe(200);
			const executions = await executionsBeforeMarker(wf.id, marker, {
				timeoutMs: settleBudgetMs(sendMs),
			});
			expect(executions.length).toBe(3 * N - answeredAsCopy);
			const items = await runsOf(executions);
			expect(items).toHaveLength(N);
			const seen = items.map((list) => (list[0]._delivery as { deliveryId: string }).deliveryId);
			expect([...seen].sort()).toEqual(deliveries.map((d) => d.deliveryId).sort());
			const byId = new Map(deliveries.map((d) => [d.deliveryId, d.payload]));
			for (const list of items) {
				const { _delivery, ...rest } = list[0];
				expect(rest).toEqual(
					JSON.parse(
						JSON.stringify(
							byId.get((_delivery as { deliveryId: ReturnType<typeof randomUUID> }).deliveryId),
						),
					),
				);
			}
			process.stderr.write(
				`[e2e] storm smartMaintenance: ${3 * N} requests → ${executions.length} executions, ${items.length} runs, in ${Date.now() - t0} ms\n`,
			);
			await deactivate(wf.id);
		}, 1_800_000);
	});

	describe('SmartComply API failing while n8n activates the workflow', () => {
		let cred: { id: string; name: string };

		beforeAll(async () => {
			cred = await createCredential('smartComplyApi', {
				apiKey: env.fakeApiKey,
				baseUrl: env.fakeUrl,
				secret: '',
			});
		});

		it('SmartComply answering 500 on every attempt: activation fails saying so, naming no key; once it recovers, activating leaves one endpoint', async () => {
			const wf = await smartComplyWorkflow(cred, ['notice.created']);
			const url = wf.productionUrl;
			await fakeFailNext({ status: 500, match: 'POST /webhooks/endpoints', url, count: 20 });
			const refused = await activationError(wf.id);
			expect(refused, 'activation should have failed').toBeDefined();
			expect(refused).toMatch(/SmartComply failed with 500/);
			expectPlainAndKeyless(refused!, env.fakeApiKey);
			if (env.line === '1') expect(await isActive(wf.id)).toBe(false);
			expect(await endpointsFor(url)).toHaveLength(0);

			await fakeResetFailures(url);
			await expectRecovered(wf);
		}, 180_000);

		it('an endpoint created but its answer lost to the 10 s timeout: no second endpoint is left behind', async () => {
			const wf = await smartComplyWorkflow(cred, ['test.submitted']);
			await fakeFailNext({
				late: true,
				delayMs: 12_000,
				match: 'POST /webhooks/endpoints',
				url: wf.productionUrl,
				count: 1,
			});
			const outcome = await activationError(wf.id);
			if (env.line === '1') {
				// 1.x: activation refused with the timeout; the next activation removes the orphan before registering
				expect(outcome).toMatch(/did not answer within 10 s/);
				expectPlainAndKeyless(outcome!, env.fakeApiKey);
				await expectRecovered(wf);
			} else {
				// 2.x retried by itself: its next attempt removed the orphan and registered anew
				expect(outcome).toBeUndefined();
				await everyApiCallAnswered(); // the late answer included
				expect(await endpointsFor(wf.productionUrl)).toHaveLength(1);
				await deactivate(wf.id);
				await waitFor(
					'the endpoint removed',
					async () => (await endpointsFor(wf.productionUrl)).length === 0,
				);
			}
		}, 180_000);

		it('a wrong API key: activation fails saying the key was refused, naming no key; after the credential is fixed it activates', async () => {
			const wrongKey = `sc_live_wrong_${randomUUID().replace(/-/g, '')}`;
			const bad = await createCredential('smartComplyApi', {
				apiKey: wrongKey,
				baseUrl: env.fakeUrl,
				secret: '',
			});
			const wf = await smartComplyWorkflow(bad, ['test.submitted']);
			const refused = await activationError(wf.id);
			expect(refused).toBeDefined();
			expect(refused).toMatch(/rejected the API key/);
			expectPlainAndKeyless(refused!, wrongKey, env.fakeApiKey);
			if (env.line === '1') expect(await isActive(wf.id)).toBe(false);
			expect(await endpointsFor(wf.productionUrl)).toHaveLength(0);

			// the user fixes the credential (PATCH, as the credential dialog's Save does)
			const client = await rest();
			await client.request('PATCH', `/rest/credentials/${bad.id}`, {
				name: bad.name,
				type: 'smartComplyApi',
				data: { apiKey: env.fakeApiKey, baseUrl: env.fakeUrl, secret: '' },
			});
			await expectRecovered(wf);
		}, 180_000);

		it('deactivating when the endpoint is already gone at SmartComply succeeds', async () => {
			const wf = await smartComplyWorkflow(cred, ['notice.created']);
			await activate(wf.id);
			const [endpoint] = await waitFor('the endpoint', async () => {
				const list = await endpointsFor(wf.productionUrl);
				return list.length > 0 && list;
			});
			// someone deletes it in the SmartComply dashboard
			const res = await fetch(`${env.fakeUrl}/webhooks/endpoints/${endpoint.id}`, {
				method: 'DELETE',
				headers: { authorization: `Bearer ${env.fakeApiKey}` },
				signal: AbortSignal.timeout(5000),
			});
			expect(res.status).toBe(204);
			await deactivate(wf.id);
			if (env.line === '2') {
				const status = await waitFor('unpublished', async () => {
					const s = await (
						await rest()
					).request('GET', `/rest/workflows/${wf.id}/publication-status`);
					return s?.status !== 'in_progress' && s;
				});
				expect(status.status).toBe('not_published');
			}
			expect(await isActive(wf.id)).toBe(false);
			expect(await endpointsFor(wf.productionUrl)).toHaveLength(0);
			// and the production URL is gone from n8n
			const probe = await fetch(wf.productionUrl, {
				method: 'GET',
				signal: AbortSignal.timeout(5000),
			});
			expect(await probe.text()).not.toMatch(/POST request/i);
		}, 60_000);
	});

	describe("no secret, key or signature in n8n's debug log or in execution data", () => {
		it('after genuine, forged and retried deliveries to every trigger, and SmartComply registrations', async () => {
			const run = randomUUID().replace(/-/g, '');
			const cases = [
				{
					provider: 'smp',
					nodeType: 'smpTrigger',
					credType: 'smpWebhookApi',
					data: (s: string) => ({ secret: s }),
					event: 'project.completed',
				},
				{
					provider: 'smartlyQ',
					nodeType: 'smartlyQTrigger',
					credType: 'smartlyQWebhookApi',
					data: (s: string) => ({ secret: s }),
					event: 'job.completed',
				},
				{
					provider: 'smartMaintenance',
					nodeType: 'smartMaintenanceTrigger',
					credType: 'smartMaintenanceWebhookApi',
					data: (s: string) => ({ secret: s }),
					event: 'task.completed',
				},
				{
					provider: 'smartComply',
					nodeType: 'smartComplyTrigger',
					credType: 'smartComplyApi',
					data: (s: string) => ({
						apiKey: 'sc_live_unused_manual_0123',
						baseUrl: 'http://127.0.0.1:9/api/v1',
						secret: s,
					}),
					event: 'notice.created',
					parameters: { registration: 'manual' },
				},
				{
					provider: 'smarterMeasure',
					nodeType: 'smarterMeasureTrigger',
					credType: 'smarterMeasureWebhookApi',
					data: (s: string) => ({ secret: s }),
					event: 'AssessmentCompleted',
					parameters: { keyLocation: 'header', format: 'auto' },
				},
			] as const;
			const watched: string[] = [];
			const workflowIds: string[] = [];
			for (const c of cases) {
				const secret = `${c.provider}Leak${run}`;
				watched.push(secret);
				const cred = await createCredential(c.credType, c.data(secret));
				const wf = await createTriggerWorkflow({
					nodeType: c.nodeType,
					parameters: {
						...('parameters' in c ? c.parameters : {}),
						...(c.provider === 'smarterMeasure'
							? { eventFilter: 'named', eventNames: c.event }
							: { events: [c.event] }),
						settings: { includeMetadata: true },
					},
					credentials: { [c.credType]: cred },
				});
				workflowIds.push(wf.id);
				const provider = providers[c.provider];
				const header = provider.scheme.header;
				const body = serializePayload(provider.sample(c.event));
				const genuine = sign(c.provider, body, secret);
				const forged = sign(c.provider, body, `${secret}x`);
				const tampered = Buffer.concat([body, Buffer.from(' ')]);
				// the value a genuine header carries, and the one a forger would have needed for the tampered body
				watched.push(genuine[header], sign(c.provider, tampered, secret)[header]);
				expect((await post(wf.productionUrl, body, genuine)).status).toBe(200);
				expect((await post(wf.productionUrl, body, genuine)).status).toBe(200); // retry
				expect((await post(wf.productionUrl, body, forged)).status).toBe(401);
				// SmarterMeasure's static key does not cover the body, so only the HMAC schemes can refuse a tampered one
				if (c.provider !== 'smarterMeasure')
					expect((await post(wf.productionUrl, tampered, genuine)).status).toBe(401);
				if (c.provider === 'smarterMeasure') {
					// the key in the URL instead (for integrations that cannot set headers): n8n must not log or keep the query
					const other = serializePayload(provider.sample(c.event));
					expect(
						(
							await post(
								`${wf.productionUrl}?VerificationKey=${encodeURIComponent(secret)}`,
								other,
								{
									'Content-Type': 'application/json',
								},
							)
						).status,
					).toBe(200);
					expect(
						(
							await post(
								`${wf.productionUrl}?VerificationKey=${encodeURIComponent(secret)}x`,
								other,
								{ 'Content-Type': 'application/json' },
							)
						).status,
					).toBe(401);
				}
			}
			// SmartComply automatic registration: API key on every call, signing secret returned by the API
			const apiCred = await createCredential('smartComplyApi', {
				apiKey: env.fakeApiKey,
				baseUrl: env.fakeUrl,
				secret: '',
			});
			const apiWf = await createTriggerWorkflow({
				nodeType: 'smartComplyTrigger',
				parameters: {
					registration: 'api',
					events: ['notice.created'],
					settings: { includeMetadata: true },
				},
				credentials: { smartComplyApi: apiCred },
			});
			workflowIds.push(apiWf.id);
			const [endpoint] = await waitFor('the endpoint', async () => {
				const list = await endpointsFor(apiWf.productionUrl);
				return list.length > 0 && list;
			});
			// webhook.test follows the Events filter in production: a selected event is what runs the workflow
			expect((await fakeSendTest(endpoint.id)).delivered).toBe(true);
			expect((await fakeDeliver(endpoint.id, 'notice.created')).delivered).toBe(true);
			await waitForExecutions(apiWf.id, 1);
			await deactivate(apiWf.id);

			for (const id of workflowIds) await waitForExecutions(id, 1);
			const secrets = await fakeSecrets();
			watched.push(secrets.apiKey, ...secrets.signingSecrets);
			expect(secrets.signingSecrets.length).toBeGreaterThan(0);
			for (const w of watched) expect(w.length).toBeGreaterThanOrEqual(16);

			// execution data of every workflow here (items, metadata, node parameters, run data)
			for (const id of workflowIds) {
				for (const e of await allExecutions(id)) {
					const text = JSON.stringify(await executionData(e.id));
					const found = watched
						.filter((w) => text.includes(w))
						.map((w) => `${w.slice(0, 4)}… (${w.length} chars) at ${whereIn(text, w)}`);
					expect(found, `execution ${e.id} of workflow ${id} contains watched values`).toEqual([]);
				}
			}
			// n8n's own log, written at debug level for the whole run
			const log = readFileSync(inject('n8nLogFile'), 'utf8');
			expect(log.length).toBeGreaterThan(0);
			expect(log).toMatch(/debug/i);
			const found = watched.filter((w) => log.includes(w));
			expect(found.map((w) => `${w.slice(0, 6)}… (${w.length} chars)`)).toEqual([]);
		}, 120_000);
	});
});

/** Where a watched value sits in serialized execution data: the nearest preceding keys, never the value itself. */
function whereIn(text: string, value: string): string {
	const before = text.slice(Math.max(0, text.indexOf(value) - 400), text.indexOf(value));
	return [...before.matchAll(/"([A-Za-z_$][\w$]*)":/g)]
		.slice(-4)
		.map((m) => m[1])
		.join(' > ');
}
