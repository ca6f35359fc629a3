// Genuine, forged, duplicate and filtered deliveries to each trigger's PRODUCTION URL inside a real n8n.
// A genuine delivery is built the way the provider builds it: providers[p].sample(event) → serializePayload → sign().
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { providers, receive, serializePayload, sign } from '../../src/internal';
import {
	createTriggerWorkflow,
	env,
	executionItems,
	post,
	sendSigned,
	waitForExecutions,
	workflowRuns,
	type Delivery,
	type TriggerWorkflow,
} from './harness';
import { providerTrigger } from './workflows';

function expectSecretFree(res: Delivery, ...secrets: string[]) {
	for (const secret of secrets) expect(res.text).not.toContain(secret);
}

// `event` is selected in the node's Events, `other` a known event that is not (SmartComply: a dashboard-made endpoint,
// the secret in the credential; API mode is smartcomply-api.test.ts)
describe.each([
	{ provider: 'smp', event: 'project.completed', other: 'webhook.delivery_failed' },
	{ provider: 'smartComply', event: 'notice.created', other: 'test.submitted' },
	{ provider: 'smartlyQ', event: 'job.completed', other: 'social.posted' },
	{ provider: 'smartMaintenance', event: 'task.completed', other: 'user.created' },
] as const)('$provider trigger in n8n', (c) => {
	const secret = `${c.provider}_e2e_${randomUUID().replace(/-/g, '')}`;
	let wf: TriggerWorkflow;

	beforeAll(async () => {
		wf = await createTriggerWorkflow(providerTrigger(c.provider, secret, c.event));
	});

	it(`runs once per genuine delivery with the payload as the trigger's item; refuses forgeries, ignores duplicates and unselected events (${c.event})`, async () => {
		const provider = providers[c.provider];
		const payload = provider.sample(c.event);
		const body = serializePayload(payload);
		const headers = sign(c.provider, body, secret);
		const sigHeader = Object.keys(headers).find((h) => /signature/i.test(h))!;

		// forged: signed with another secret → 401, nothing runs, the answer does not echo secrets
		const forgedHeaders = sign(c.provider, body, `${secret}_wrong`);
		const forged = await post(wf.productionUrl, body, forgedHeaders);
		expect(forged.status, forged.text).toBe(401);
		expectSecretFree(forged, secret, headers[sigHeader], forgedHeaders[sigHeader]);

		// tampered body with the genuine signature → 401
		const tampered = await post(
			wf.productionUrl,
			Buffer.from(body.toString('utf8').replace(c.event, `${c.event} `)),
			headers,
		);
		expect(tampered.status, tampered.text).toBe(401);
		expectSecretFree(tampered, secret, headers[sigHeader]);

		// unsigned (SmartMaintenance: a secret is configured, so unsigned is refused too) → 401
		const unsignedHeaders = { ...headers };
		delete unsignedHeaders[sigHeader];
		const unsigned = await post(wf.productionUrl, body, unsignedHeaders);
		expect(unsigned.status, unsigned.text).toBe(401);
		expectSecretFree(unsigned, secret);

		// signed bytes that are not JSON → 400 with the trigger's own reason (n8n's parser is skipped), nothing runs
		const garbage = Buffer.from('{"id": "evt_1", "type": ');
		const malformed = await post(
			wf.productionUrl,
			garbage,
			sign(c.provider, garbage, secret, { contentType: 'application/json' }),
		);
		expect(malformed.status, malformed.text).toBe(400);
		expect(malformed.json).toEqual({ error: 'body is not valid JSON' });
		expectSecretFree(malformed, secret);

		// a genuine event that is not selected → 200, no run
		const filtered = await sendSigned(
			wf.productionUrl,
			c.provider,
			secret,
			provider.sample(c.other),
		);
		expect(filtered.status, filtered.text).toBe(200);

		// genuine → 200; the same delivery again (a provider retry), once the first run finished → 200, answered as a
		// copy by this process (which ran the first) and no execution at all
		const first = await post(wf.productionUrl, body, headers);
		expect(first.status, first.text).toBe(200);
		// n8n's onReceived answer: empty (not its placeholder text "firstEntryJson")
		expect(first.text).toBe('');
		await waitForExecutions(wf.id, 1);
		const again = await post(wf.productionUrl, body, headers);
		expect(again.status, again.text).toBe(200);
		expect(again.json).toEqual({ received: true, ignored: 'duplicate delivery' });
		// positive control: the next genuine delivery starts the second execution
		// an hour later in the payload: SmartMaintenance's sample carries no id, and two made in the same second are
		// the same bytes, which the trigger rightly takes for a copy
		const marker = provider.sample(c.event, { now: new Date(Date.now() + 3_600_000) });
		const markerAnswer = await sendSigned(wf.productionUrl, c.provider, secret, marker);
		expect(markerAnswer.status, markerAnswer.text).toBe(200);

		// two executions: the first delivery's and the marker's; the copy started none
		const executions = await waitForExecutions(wf.id, 2);
		expect(executions.every((e) => (e.status ?? 'success') === 'success')).toBe(true);
		const runs = await workflowRuns(executions);
		expect(runs.map((r) => r.items)).toEqual([[payload], [marker]]);
		expect(await executionItems(runs[0].id, 'After Trigger')).toEqual([payload]);
		// nothing else started an execution (forged, tampered, unsigned, malformed, filtered, the copy): all were
		// answered before the marker, whose execution n8n started after theirs (the positive control)
		expect(executions).toHaveLength(2);
	});
});

describe('smarterMeasure trigger in n8n', () => {
	const key = `smk_${randomUUID().replace(/-/g, '')}`;
	let wf: TriggerWorkflow;

	beforeAll(async () => {
		wf = await createTriggerWorkflow(
			providerTrigger('smarterMeasure', key, 'AssessmentCompleted', { keyLocation: 'query' }),
		);
	});

	it('accepts JSON and XML with the key in the header or in ?VerificationKey=, refuses wrong keys, ignores duplicates and other events', async () => {
		const p = providers.smarterMeasure;
		const jsonPayload = p.sample('AssessmentCompleted');
		const jsonBody = serializePayload(jsonPayload);
		const jsonHeaders = sign('smarterMeasure', jsonBody, key);
		expect(Object.keys(jsonHeaders).map((h) => h.toLowerCase())).toContain(
			'x-smartermeasure-verification-key',
		);

		const xmlPayload = p.sample('AssessmentCompleted');
		const xmlBody = serializePayload(xmlPayload, 'xml');
		const xmlHeaders = sign('smarterMeasure', xmlBody, key);
		expect(xmlHeaders['Content-Type']).toBe('application/xml');
		// what the trigger makes of the XML: the same parse receive() does, outside n8n
		const xmlExpected = receive(
			'smarterMeasure',
			{ headers: xmlHeaders, rawBody: xmlBody },
			{ secret: key },
		).items;
		expect(xmlExpected).toHaveLength(1);

		const queryPayload = p.sample('AssessmentCompleted');
		const queryBody = serializePayload(queryPayload);
		const queryUrl = `${wf.productionUrl}?VerificationKey=${encodeURIComponent(key)}`;

		// wrong key in the header, wrong key in the query, no key at all → 401, nothing echoed
		const wrongHeader = await post(wf.productionUrl, jsonBody, {
			'Content-Type': 'application/json',
			'X-SmarterMeasure-Verification-Key': `${key}x`,
		});
		expect(wrongHeader.status, wrongHeader.text).toBe(401);
		expect(wrongHeader.text).not.toContain(key);
		const wrongQuery = await post(`${wf.productionUrl}?VerificationKey=${key}x`, queryBody, {
			'Content-Type': 'application/json',
		});
		expect(wrongQuery.status, wrongQuery.text).toBe(401);
		expect(wrongQuery.text).not.toContain(key);
		const none = await post(wf.productionUrl, jsonBody, { 'Content-Type': 'application/json' });
		expect(none.status, none.text).toBe(401);

		// an event not in the list → 200, no run
		const filtered = await sendSigned(
			wf.productionUrl,
			'smarterMeasure',
			key,
			p.sample('AssessmentStarted'),
		);
		expect(filtered.status, filtered.text).toBe(200);

		// genuine: JSON + header key, then the same again (duplicate by body hash), XML + header key, JSON + query key
		const json = await post(wf.productionUrl, jsonBody, jsonHeaders);
		expect(json.status, json.text).toBe(200);
		await waitForExecutions(wf.id, 1);
		const dup = await post(wf.productionUrl, jsonBody, jsonHeaders);
		expect(dup.status, dup.text).toBe(200);
		// a copy (by body hash) of a delivery this process ran: answered as one, no execution
		expect(dup.json).toEqual({ received: true, ignored: 'duplicate delivery' });
		const xml = await post(wf.productionUrl, xmlBody, xmlHeaders);
		expect(xml.status, xml.text).toBe(200);
		await waitForExecutions(wf.id, 2);
		const query = await post(queryUrl, queryBody, { 'Content-Type': 'application/json' });
		expect(query.status, query.text).toBe(200);
		const executions = await waitForExecutions(wf.id, 3);

		const runs = await workflowRuns(executions);
		expect(runs.map((r) => r.items)).toEqual([[jsonPayload], xmlExpected, [queryPayload]]);
		// the refused, filtered and copied requests, all answered before the last delivery, started none
		expect(executions).toHaveLength(3);
	});
});

describe('trigger options inside n8n', () => {
	it('includeMetadata adds _delivery; deduplicate off runs a retried delivery again', async () => {
		const secret = `smp_opts_${randomUUID().replace(/-/g, '')}`;
		const wf = await createTriggerWorkflow({
			nodeType: 'smpTrigger',
			parameters: {
				events: [],
				otherEvents: 'project.created',
				settings: { includeMetadata: true, deduplicate: false },
			},
			credential: { type: 'smpWebhookApi', data: { secret } },
		});
		// an event typed into "Other Event Names" (none picked in the list) is accepted
		const payload = providers.smp.sample('project.created');
		const body = serializePayload(payload);
		const headers = sign('smp', body, secret);
		// an event neither picked nor typed is filtered out (sent first: the two runs after it are its control)
		const other = providers.smp.sample('project.completed');
		expect((await sendSigned(wf.productionUrl, 'smp', secret, other)).status).toBe(200);
		expect((await post(wf.productionUrl, body, headers)).status).toBe(200);
		expect((await post(wf.productionUrl, body, headers)).status).toBe(200);
		const executions = await waitForExecutions(wf.id, 2);
		expect(executions).toHaveLength(2);
		const runs = await workflowRuns(executions);
		expect(runs).toHaveLength(2);
		for (const run of runs) {
			const [item] = await executionItems(run.id);
			const { _delivery, ...rest } = item as Record<string, any>;
			expect(rest).toEqual(payload);
			expect(_delivery).toMatchObject({
				provider: 'smp',
				event: 'project.created',
				deliveryId: payload.id,
				verified: 'signature',
				test: false,
			});
		}
	});
});

describe('n8n instance', () => {
	it('is the line the run asked for', () => {
		expect(env.version.startsWith(`${env.line}.`)).toBe(true);
	});
});
