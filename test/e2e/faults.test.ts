// Faults inside a real n8n, side by side (see the describe below): retry storms (every delivery 3 times, some copies
// racing, 16 in flight → the workflow runs exactly once per delivery, with its payload); the SmartComply API failing
// while n8n activates (500, a lost answer, a wrong key → a plain reason naming no key; after recovery one endpoint);
// no secret, key or signature in n8n's debug log or in any execution. Nothing waits for silence: "nothing more ran" is
// counted after a marker delivery, "no second endpoint" once the fake has answered every call it received.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { providers, serializePayload, sign } from '../../src/internal';
import { whereIn } from './executions';
import {
	activate,
	activationError,
	allExecutions,
	createCredential,
	createTriggerWorkflow,
	deactivate,
	endpointsFor,
	endpointsOnceThere,
	env,
	executionData,
	executionsBeforeMarker,
	fakeDeliver,
	fakeFailNext,
	fakeResetFailures,
	fakeSecrets,
	fakeSendTest,
	fakeState,
	pool,
	post,
	publicationStatus,
	rest,
	sendSigned,
	waitFor,
	waitForExecutions,
	workflowRuns,
	type Delivery,
	type TriggerWorkflow,
} from './harness';
import { providerTrigger } from './workflows';

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

/**
 * A retry storm: every delivery sent 3 times in stormOrder, CONCURRENCY in flight, every answer a 200. Once every
 * execution those requests started has finished, the marker delivery: resolves to the executions before it (one per
 * request not answered as a copy) and the trigger items of those in which the workflow ran (one run per delivery).
 */
async function storm(
	wf: TriggerWorkflow,
	deliveries: Array<{ body: Buffer; headers: Record<string, string> }>,
	seed: number,
	marker: { id: string; send: () => Promise<Delivery> },
) {
	const n = deliveries.length;
	const order = stormOrder(n, seed);
	expect(order).toHaveLength(3 * n);
	const t0 = Date.now();
	const answers = await pool(
		order.map((i) => async () => {
			const { body, headers } = deliveries[i];
			return await post(wf.productionUrl, body, headers, STORM_ANSWER_NET_MS);
		}),
		CONCURRENCY,
	);
	const sendMs = Date.now() - t0;
	const byStatus: Record<number, number> = {};
	for (const { status } of answers) byStatus[status] = (byStatus[status] ?? 0) + 1;
	expect(byStatus).toEqual({ 200: 3 * n });
	// copies answered as such started no execution; every other request started one
	const answeredAsCopy = answers.filter((a) => a.json?.ignored === 'duplicate delivery').length;
	// every storm execution finished, then the marker: once it has run, no storm execution can still appear
	await stormFinished(wf.id, 3 * n - answeredAsCopy, settleBudgetMs(sendMs));
	expect((await marker.send()).status).toBe(200);
	const executions = await executionsBeforeMarker(wf.id, marker.id, {
		timeoutMs: settleBudgetMs(sendMs),
	});
	const settleMs = Date.now() - t0 - sendMs;
	expect(executions.length).toBe(3 * n - answeredAsCopy);
	const items = (await workflowRuns(executions)).map((run) => run.items);
	expect(items).toHaveLength(n);
	return { executions, items, sendMs, settleMs, answeredAsCopy, t0 };
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

/** A SmartComply credential for automatic registration against the fake, with this API key. */
const apiCredential = (apiKey: string) => ({ apiKey, baseUrl: env.fakeUrl, secret: '' });

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
	const endpoints = await endpointsOnceThere(wf.productionUrl);
	// a failed attempt's registration still under way would show up once the fake has answered every call it got
	await everyApiCallAnswered();
	expect(await endpointsFor(wf.productionUrl)).toHaveLength(1);
	const sent = await fakeSendTest(endpoints[0].id);
	expect(sent).toMatchObject({ delivered: true, response_status: 200 });
	await deactivateAndGone(wf);
}

async function deactivateAndGone(wf: TriggerWorkflow) {
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
		// bounded by counts and settleBudgetMs; the vitest timeouts below are only a net for a hung n8n
		it('SMP: N deliveries × 3 → the workflow runs exactly N times, once per envelope id, each with its payload', async () => {
			const N = Number(process.env.STORM_N ?? 200);
			const secret = `smp_storm_${randomUUID().replace(/-/g, '')}`;
			const wf = await createTriggerWorkflow(providerTrigger('smp', secret, 'project.completed'));
			const run = randomUUID().slice(0, 8);
			const deliveries = Array.from({ length: N }, (_, i) => {
				const id = `evt_storm_${run}_${String(i).padStart(4, '0')}`;
				const body = serializePayload(providers.smp.sample('project.completed', { id }));
				return { id, body, headers: sign('smp', body, secret) };
			});
			const markerId = `evt_storm_${run}_marker`;
			const marker = providers.smp.sample('project.completed', { id: markerId });
			const { executions, items, sendMs, settleMs, answeredAsCopy, t0 } = await storm(
				wf,
				deliveries,
				0x5eed,
				{ id: markerId, send: () => sendSigned(wf.productionUrl, 'smp', secret, marker) },
			);
			expect(executions.every((e) => e.status === 'success')).toBe(true);
			expect(items.every((list) => list.length === 1)).toBe(true);
			const seen = items.map((list) => list[0].id as string);
			expect(new Set(seen).size).toBe(N);
			expect([...seen].sort()).toEqual(deliveries.map((d) => d.id).sort());
			// each item is that delivery's payload, byte for byte after JSON round-trip
			const byId = new Map(deliveries.map((d) => [d.id, JSON.parse(d.body.toString('utf8'))]));
			for (const list of items) expect(list[0]).toEqual(byId.get(list[0].id as string));
			process.stderr.write(
				`[e2e] storm smp (n8n ${env.version}): ${3 * N} requests in ${sendMs} ms (${Math.round((3 * N) / (sendMs / 1000))} req/s), ` +
					`${executions.length} executions (${items.length} ran the workflow; ${answeredAsCopy} copies answered without one) saved ${settleMs} ms after the last answer, checked in ${Date.now() - t0} ms total\n`,
			);
			await deactivate(wf.id);
		}, 1_800_000);

		it('SmartMaintenance: N deliveries × 3 keyed by X-SMTM-Delivery → the workflow runs exactly N times', async () => {
			const N = Math.max(10, Math.round(Number(process.env.STORM_N ?? 200) / 4));
			const secret = `smtm_storm_${randomUUID().replace(/-/g, '')}`;
			const wf = await createTriggerWorkflow(
				providerTrigger('smartMaintenance', secret, 'task.completed', {
					settings: { includeMetadata: true },
				}),
			);
			// SmartMaintenance's bodies carry their own timestamp; each delivery here has its own task id too
			const sample = (taskId: number) => ({
				...providers.smartMaintenance.sample('task.completed'),
				data: { task_id: taskId },
			});
			const deliveries = Array.from({ length: N }, (_, i) => {
				const deliveryId = randomUUID();
				const payload = sample(50_000 + i);
				const body = serializePayload(payload);
				const headers = sign('smartMaintenance', body, secret, { deliveryId });
				return { deliveryId, payload, body, headers };
			});
			const marker = randomUUID();
			const send = () =>
				sendSigned(wf.productionUrl, 'smartMaintenance', secret, sample(99_999), {
					deliveryId: marker,
				});
			const { executions, items, t0 } = await storm(wf, deliveries, 0xbeef, { id: marker, send });
			const seen = items.map((list) => (list[0]._delivery as { deliveryId: string }).deliveryId);
			expect([...seen].sort()).toEqual(deliveries.map((d) => d.deliveryId).sort());
			const byId = new Map<string, unknown>(deliveries.map((d) => [d.deliveryId, d.payload]));
			for (const list of items) {
				const { _delivery, ...rest } = list[0];
				const { deliveryId } = _delivery as { deliveryId: string };
				expect(rest).toEqual(JSON.parse(JSON.stringify(byId.get(deliveryId))));
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
			cred = await createCredential('smartComplyApi', apiCredential(env.fakeApiKey));
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
				await deactivateAndGone(wf);
			}
		}, 180_000);

		it('a wrong API key: activation fails saying the key was refused, naming no key; after the credential is fixed it activates', async () => {
			const wrongKey = `sc_live_wrong_${randomUUID().replace(/-/g, '')}`;
			const bad = await createCredential('smartComplyApi', apiCredential(wrongKey));
			const wf = await smartComplyWorkflow(bad, ['test.submitted']);
			const refused = await activationError(wf.id);
			expect(refused).toBeDefined();
			expect(refused).toMatch(/rejected the API key/);
			expectPlainAndKeyless(refused!, wrongKey, env.fakeApiKey);
			if (env.line === '1') expect(await isActive(wf.id)).toBe(false);
			expect(await endpointsFor(wf.productionUrl)).toHaveLength(0);

			// the user fixes the credential (PATCH, as the credential dialog's Save does)
			await (
				await rest()
			).request('PATCH', `/rest/credentials/${bad.id}`, {
				name: bad.name,
				type: 'smartComplyApi',
				data: apiCredential(env.fakeApiKey),
			});
			await expectRecovered(wf);
		}, 180_000);

		it('deactivating when the endpoint is already gone at SmartComply succeeds', async () => {
			const wf = await smartComplyWorkflow(cred, ['notice.created']);
			await activate(wf.id);
			const [endpoint] = await endpointsOnceThere(wf.productionUrl);
			// someone deletes it in the SmartComply dashboard
			const res = await fetch(`${env.fakeUrl}/webhooks/endpoints/${endpoint.id}`, {
				method: 'DELETE',
				headers: { authorization: `Bearer ${env.fakeApiKey}` },
				signal: AbortSignal.timeout(5000),
			});
			expect(res.status).toBe(204);
			await deactivate(wf.id);
			if (env.line === '2') expect((await publicationStatus(wf.id)).status).toBe('not_published');
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
				['smp', 'project.completed'],
				['smartlyQ', 'job.completed'],
				['smartMaintenance', 'task.completed'],
				['smartComply', 'notice.created'],
				['smarterMeasure', 'AssessmentCompleted'],
			] as const;
			const watched: string[] = [];
			const workflowIds: string[] = [];
			for (const [id, event] of cases) {
				const secret = `${id}Leak${run}`;
				watched.push(secret);
				const metadata = { settings: { includeMetadata: true } };
				const wf = await createTriggerWorkflow(providerTrigger(id, secret, event, metadata));
				workflowIds.push(wf.id);
				const provider = providers[id];
				const header = provider.scheme.header;
				const body = serializePayload(provider.sample(event));
				const genuine = sign(id, body, secret);
				const forged = sign(id, body, `${secret}x`);
				const tampered = Buffer.concat([body, Buffer.from(' ')]);
				// the value a genuine header carries, and the one a forger would have needed for the tampered body
				watched.push(genuine[header], sign(id, tampered, secret)[header]);
				expect((await post(wf.productionUrl, body, genuine)).status).toBe(200);
				expect((await post(wf.productionUrl, body, genuine)).status).toBe(200); // retry
				expect((await post(wf.productionUrl, body, forged)).status).toBe(401);
				// SmarterMeasure's static key does not cover the body, so only the HMAC schemes can refuse a tampered one
				if (id !== 'smarterMeasure')
					expect((await post(wf.productionUrl, tampered, genuine)).status).toBe(401);
				else {
					// the key in the URL instead (for integrations that cannot set headers): n8n must not log or keep the query
					const other = serializePayload(provider.sample(event));
					const keyUrl = `${wf.productionUrl}?VerificationKey=${encodeURIComponent(secret)}`;
					const json = { 'Content-Type': 'application/json' };
					expect((await post(keyUrl, other, json)).status).toBe(200);
					expect((await post(`${keyUrl}x`, other, json)).status).toBe(401);
				}
			}
			// SmartComply automatic registration: API key on every call, signing secret returned by the API
			const apiWf = await createTriggerWorkflow({
				nodeType: 'smartComplyTrigger',
				parameters: {
					registration: 'api',
					events: ['notice.created'],
					settings: { includeMetadata: true },
				},
				credential: { type: 'smartComplyApi', data: apiCredential(env.fakeApiKey) },
			});
			workflowIds.push(apiWf.id);
			const [endpoint] = await endpointsOnceThere(apiWf.productionUrl);
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
