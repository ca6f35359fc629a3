// Hostile and unusual input inside a real n8n: what n8n's own body parser used to do before the trigger ran
// (charset labels, invalid JSON, malformed XML), payload keys that n8n's item helpers treat specially, and replays
// of SmartMaintenance deliveries under fresh delivery ids.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { providers, serializePayload, sign } from '../../src/internal';
import {
	allExecutions,
	createTriggerWorkflow,
	executionData,
	executionsBeforeMarker,
	listenForTestEvent,
	post,
	sendSigned,
	stopListening,
	waitFor,
	waitForExecutions,
	workflowRuns,
	type TriggerWorkflow,
} from './harness';
import { providerTrigger } from './workflows';

describe('bodies n8n’s parser refused or changed', () => {
	const secret = `smp_hostile_${randomUUID().replace(/-/g, '')}`;
	let wf: TriggerWorkflow;

	beforeAll(async () => {
		wf = await createTriggerWorkflow({
			nodeType: 'smpTrigger',
			credential: { type: 'smpWebhookApi', data: { secret } },
		});
	});

	it('charset labels n8n does not know (iso-8859-1, us-ascii) on an ASCII body: accepted and run', async () => {
		const charsets = ['iso-8859-1', 'us-ascii', 'ISO-8859-1'];
		const payloads = charsets.map(() => providers.smp.sample('project.completed'));
		for (const [index, charset] of charsets.entries()) {
			const answer = await sendSigned(wf.productionUrl, 'smp', secret, payloads[index], {
				contentType: `application/json; charset=${charset}`,
			});
			expect(answer.status, `${charset}: ${answer.text}`).toBe(200);
		}
		const runs = await workflowRuns(await waitForExecutions(wf.id, 3));
		expect(runs.map((r) => r.items[0])).toEqual(payloads);
	});

	it('invalid JSON gets the trigger’s 400 and reason (no stack trace, no server path); nothing runs', async () => {
		const before = (await allExecutions(wf.id)).length;
		const garbage = Buffer.from('{"id": "evt_x", "type": "project.completed", ');
		const answer = await post(wf.productionUrl, garbage, sign('smp', garbage, secret));
		expect(answer.status, answer.text).toBe(400);
		expect(answer.json).toEqual({ error: 'body is not valid JSON' });
		expect(answer.text).not.toMatch(/node_modules|\/dist\/|at [A-Za-z]+ \(/);
		// positive control: a genuine delivery after it runs; the executions before it are the ones there were
		const marker = providers.smp.sample('project.completed');
		expect((await sendSigned(wf.productionUrl, 'smp', secret, marker)).status).toBe(200);
		expect(await executionsBeforeMarker(wf.id, marker.id as string)).toHaveLength(before);
	});

	it.each([
		[
			'a payload’s own json, binary and pairedItem keys stay payload fields; the item is exactly the payload',
			{
				json: { forged: true },
				binary: {
					data: { data: 'PGgxPmhpPC9oMT4=', mimeType: 'text/html', fileName: 'evil.html' },
				},
				pairedItem: 3,
			},
		],
		['"json": "a string" does not turn the item into a string', { json: 'a string' }],
	])('%s', async (_title, keys) => {
		const payload = { ...providers.smp.sample('project.completed'), ...keys };
		const before = (await allExecutions(wf.id)).length;
		expect((await sendSigned(wf.productionUrl, 'smp', secret, payload)).status).toBe(200);
		const runs = await workflowRuns((await waitForExecutions(wf.id, before + 1)).slice(before));
		expect(runs.map((r) => r.items)).toEqual([[payload]]);
	});
});

describe('SmartMaintenance without a secret: a sender cannot set _delivery or attach binary data', () => {
	it('the item is the payload plus the trigger’s own _delivery (verified false)', async () => {
		const wf = await createTriggerWorkflow({
			nodeType: 'smartMaintenanceTrigger',
			parameters: { settings: { includeMetadata: true } },
			credential: { type: 'smartMaintenanceWebhookApi', data: { secret: '' } },
		});
		const payload = {
			...providers.smartMaintenance.sample('task.completed'),
			json: { _delivery: { verified: true } },
			_delivery: { verified: true, provider: 'forged' },
			binary: { attachment: { data: 'PGgxPg==', mimeType: 'text/html', fileName: 'x.html' } },
		};
		const answer = await sendSigned(wf.productionUrl, 'smartMaintenance', '', payload);
		expect(answer.status, answer.text).toBe(200);
		const [run] = await workflowRuns(await waitForExecutions(wf.id, 1));
		const { _delivery, ...rest } = run.items[0] as Record<string, any>;
		const { _delivery: _sent, ...sent } = payload;
		expect(rest).toEqual(sent);
		expect(_delivery).toMatchObject({ provider: 'smartMaintenance', verified: false });
	});
});

describe('SmartMaintenance replays under a fresh X-SMTM-Delivery', () => {
	it('a captured signed delivery sent again with a new or no delivery id does not run again', async () => {
		const secret = `smtm_replay_${randomUUID().replace(/-/g, '')}`;
		const wf = await createTriggerWorkflow({
			nodeType: 'smartMaintenanceTrigger',
			credential: { type: 'smartMaintenanceWebhookApi', data: { secret } },
		});
		const payload = providers.smartMaintenance.sample('task.assigned');
		const body = serializePayload(payload);
		const headers = sign('smartMaintenance', body, secret);
		expect((await post(wf.productionUrl, body, headers)).status).toBe(200);
		await waitForExecutions(wf.id, 1);
		// copies of a delivery this process ran are answered as copies, with no execution (by the body's hash)
		const fresh = { ...headers, 'X-SMTM-Delivery': randomUUID() };
		const { 'X-SMTM-Delivery': _id, ...noId } = headers;
		for (const replay of [fresh, noId]) {
			const res = await post(wf.productionUrl, body, replay);
			expect(res.status, res.text).toBe(200);
			expect(res.json).toEqual({ received: true, ignored: 'duplicate delivery' });
		}
		// positive control: the next genuine delivery starts the second execution, and only it ran besides the first
		const marker = providers.smartMaintenance.sample('task.completed');
		const markerRes = await sendSigned(wf.productionUrl, 'smartMaintenance', secret, marker);
		expect(markerRes.status, markerRes.text).toBe(200);
		const executions = await waitForExecutions(wf.id, 2);
		expect(executions).toHaveLength(2);
		const runs = await workflowRuns(executions);
		expect(runs.map((r) => r.items)).toEqual([[payload], [marker]]);
	});
});

describe('SmarterMeasure XML through the trigger’s own parser', () => {
	const key = `smk_hostile_${randomUUID().replace(/-/g, '')}`;
	let wf: TriggerWorkflow;

	beforeAll(async () => {
		wf = await createTriggerWorkflow({
			nodeType: 'smarterMeasureTrigger',
			parameters: { format: 'auto' },
			credential: { type: 'smarterMeasureWebhookApi', data: { secret: key } },
		});
	});

	it('malformed XML gets 400; the next good XML (and a non-XML body labelled XML) still get an answer; tag case kept; a <json> root kept', async () => {
		const headers = { 'Content-Type': 'application/xml', 'X-SmarterMeasure-Verification-Key': key };
		const bad = await post(
			wf.productionUrl,
			'<Webhook><EventType>AssessmentCompleted</EventType><Student>',
			headers,
		);
		expect(bad.status, bad.text).toBe(400);
		const notXml = await post(wf.productionUrl, 'this is not xml at all', headers);
		expect(notXml.status, notXml.text).toBe(400);
		const good = await post(
			wf.productionUrl,
			'<Webhook><EventType>AssessmentCompleted</EventType><StudentId>S-1</StudentId></Webhook>',
			headers,
		);
		expect(good.status, good.text).toBe(200);
		const rooted = await post(
			wf.productionUrl,
			'<json><EventType>AssessmentStarted</EventType></json>',
			headers,
		);
		expect(rooted.status, rooted.text).toBe(200);
		const runs = await workflowRuns(await waitForExecutions(wf.id, 2));
		expect(runs.map((r) => r.items)).toEqual([
			[{ Webhook: { EventType: 'AssessmentCompleted', StudentId: 'S-1' } }],
			[{ json: { EventType: 'AssessmentStarted' } }],
		]);
	});
});

describe('while the editor listens', () => {
	it('a delivery signed with the wrong secret shows as the trigger’s error with its reason; a test event shows whatever the filter', async () => {
		const secret = `smp_listen_${randomUUID().replace(/-/g, '')}`;
		const wf = await createTriggerWorkflow({
			...providerTrigger('smp', secret, 'project.completed'),
			activate: false,
		});
		try {
			expect(await listenForTestEvent(wf)).toMatchObject({ waitingForWebhook: true });
			const sample = providers.smp.sample('project.completed');
			const forged = await sendSigned(wf.testUrl, 'smp', `${secret}_wrong`, sample);
			expect(forged.status, forged.text).toBe(401);
			const [execution] = await waitForExecutions(wf.id, 1);
			expect(execution.mode).toBe('manual');
			expect(execution.status).toBe('error');
			const data = await executionData(execution.id);
			const error = data.data?.resultData?.error;
			expect(String(error?.message)).toContain('Delivery refused (401): signature does not match');
			expect(JSON.stringify(data)).not.toContain(secret);

			// listening again: SMP's webhook.test shows although only project.completed is selected
			expect(await listenForTestEvent(wf)).toMatchObject({ waitingForWebhook: true });
			const testEvent = providers.smp.sample('webhook.test');
			expect((await sendSigned(wf.testUrl, 'smp', secret, testEvent)).status).toBe(200);
			const executions = await waitForExecutions(wf.id, 2);
			const runs = await workflowRuns(executions);
			expect(runs.map((r) => (r.items[0] as { type: string }).type)).toEqual(['webhook.test']);
		} finally {
			await stopListening(wf).catch(() => undefined);
		}
		await waitFor(
			'the Test URL to be gone',
			async () =>
				(await post(wf.testUrl, '{}', { 'Content-Type': 'application/json' })).status === 404,
		);
	});
});
