// SmartComply Trigger with registration 'api' against the fake SmartComply API: activation registers the
// production endpoint, SmartComply's own /test call runs the workflow, "Listen for test event" registers a
// separate endpoint for the /webhook-test/ URL (and removes it after one delivery or when listening stops),
// deactivation removes the production endpoint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../../src/internal';
import {
	allExecutions,
	activate,
	createTriggerWorkflow,
	deactivate,
	endpointsFor,
	endpointsOnceThere,
	env,
	executionItems,
	executionsBeforeMarker,
	fakeDeliver,
	fakeSendTest,
	fakeState,
	listenForTestEvent,
	sendSigned,
	stopListening,
	waitFor,
	waitForExecutions,
	type TriggerWorkflow,
} from './harness';

const EVENTS = ['notice.created', 'test.submitted'];

describe('SmartComply Trigger, automatic registration (fake SmartComply API)', () => {
	let wf: TriggerWorkflow;
	let productionEndpointId: string;

	beforeAll(async () => {
		wf = await createTriggerWorkflow({
			nodeType: 'smartComplyTrigger',
			parameters: { registration: 'api', events: EVENTS },
			credential: {
				type: 'smartComplyApi',
				data: { apiKey: env.fakeApiKey, baseUrl: env.fakeUrl, secret: '' },
			},
			activate: false,
		});
	});

	afterAll(async () => {
		// leave nothing active behind if a test failed half-way
		await stopListening(wf).catch(() => {});
		await deactivate(wf.id).catch(() => {});
	});

	it('activating registers one endpoint for the production URL with the chosen events', async () => {
		expect(await endpointsFor(wf.productionUrl)).toHaveLength(0);
		await activate(wf.id);
		// n8n may still be running the trigger's create() hook when the webhook already answers
		const endpoints = await endpointsOnceThere(wf.productionUrl);
		expect(endpoints).toHaveLength(1);
		expect([...endpoints[0].events].sort()).toEqual([...EVENTS].sort());
		expect(endpoints[0].status).toBe('active');
		productionEndpointId = endpoints[0].id;
		expect(await endpointsFor(wf.testUrl)).toHaveLength(0);
	});

	it("SmartComply's test call (POST /webhooks/endpoints/{id}/test) is verified and answered 200, and follows the Events filter in production", async () => {
		// The trigger selects notice.created and test.submitted only: webhook.test is an event like any other in
		// production (docs/decisions.md), so SmartComply counts it delivered and nothing runs.
		const result = await fakeSendTest(productionEndpointId);
		expect(result).toMatchObject({ delivered: true, response_status: 200 });
		// A genuine notice.created signed by the fake with the registered secret runs the workflow once; sent after the
		// test call, it is also the control that the test call ran nothing (no execution before it).
		const sent = await fakeDeliver(productionEndpointId, 'notice.created');
		expect(sent).toMatchObject({ delivered: true, response_status: 200 });
		expect(await executionsBeforeMarker(wf.id, sent.event_id)).toHaveLength(0);
		const [execution] = await waitForExecutions(wf.id, 1);
		const items = await executionItems(execution.id);
		expect(items).toHaveLength(1);
		expect(items[0]).toMatchObject({ id: sent.event_id, type: 'notice.created' });
		expect(execution.mode).not.toBe('manual');
	});

	it('refuses deliveries not signed with the secret SmartComply returned (401, no run, no secret in the answer)', async () => {
		const before = (await allExecutions(wf.id)).length;
		const sample = providers.smartComply.sample('notice.created');
		const forged = await sendSigned(wf.productionUrl, 'smartComply', 'whsec_guessed', sample);
		expect(forged.status, forged.text).toBe(401);
		expect(forged.text).not.toMatch(/whsec_/);
		// positive control: a genuine delivery after it runs, and nothing ran between
		const sent = await fakeDeliver(productionEndpointId, 'notice.created');
		expect(sent).toMatchObject({ delivered: true, response_status: 200 });
		expect(await executionsBeforeMarker(wf.id, sent.event_id)).toHaveLength(before);
	});

	it('listening for a test event registers a separate endpoint for the Test URL; one test delivery runs it and removes it', async () => {
		const before = (await allExecutions(wf.id)).length;
		const answer = await listenForTestEvent(wf);
		expect(answer).toMatchObject({ waitingForWebhook: true });
		const [testEndpoint] = await endpointsOnceThere(wf.testUrl);
		expect(testEndpoint.id).not.toBe(productionEndpointId);
		expect([...testEndpoint.events].sort()).toEqual([...EVENTS].sort());
		// the production endpoint is untouched
		const production = await endpointsFor(wf.productionUrl);
		expect(production.map((e) => e.id)).toEqual([productionEndpointId]);

		const result = await fakeSendTest(testEndpoint.id);
		expect(result).toMatchObject({ delivered: true, response_status: 200 });
		const executions = await waitForExecutions(wf.id, before + 1);
		const manual = executions[executions.length - 1];
		expect(manual.mode).toBe('manual');
		const items = await executionItems(manual.id);
		expect(items[0]).toMatchObject({
			id: result.event_id,
			type: 'webhook.test',
			data: { endpoint_id: testEndpoint.id },
		});

		// n8n stops listening after the one test delivery; the trigger's delete() removes the test endpoint
		await waitFor(
			'the test endpoint to be removed',
			async () => (await endpointsFor(wf.testUrl)).length === 0,
		);
		expect((await endpointsFor(wf.productionUrl)).map((e) => e.id)).toEqual([productionEndpointId]);
		// and the production URL still works with the production endpoint's secret
		const again = await fakeDeliver(productionEndpointId, 'test.submitted');
		expect(again).toMatchObject({ delivered: true, response_status: 200 });
		await waitForExecutions(wf.id, before + 2);
	});

	it('stopping the listening removes the test endpoint without a delivery', async () => {
		const answer = await listenForTestEvent(wf);
		expect(answer).toMatchObject({ waitingForWebhook: true });
		await waitFor(
			'the test endpoint at the fake',
			async () => (await endpointsFor(wf.testUrl)).length === 1,
		);
		await stopListening(wf);
		await waitFor(
			'the test endpoint to be removed',
			async () => (await endpointsFor(wf.testUrl)).length === 0,
		);
		expect((await endpointsFor(wf.productionUrl)).map((e) => e.id)).toEqual([productionEndpointId]);
		// the Test URL is gone with it
		const sample = providers.smartComply.sample('notice.created');
		expect((await sendSigned(wf.testUrl, 'smartComply', 'whsec_x', sample)).status).toBe(404);
	});

	it('deactivating removes the production endpoint and the production URL', async () => {
		await deactivate(wf.id);
		await waitFor(
			'the production endpoint to be removed',
			async () => (await endpointsFor(wf.productionUrl)).length === 0,
		);
		const sample = providers.smartComply.sample('notice.created');
		expect((await sendSigned(wf.productionUrl, 'smartComply', 'whsec_x', sample)).status).toBe(404);
		expect((await fakeState()).endpoints.filter((e) => e.url.includes(wf.webhookId))).toHaveLength(
			0,
		);
	});
});
