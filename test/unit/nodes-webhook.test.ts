// Each trigger's webhook() through n8n's IWebhookFunctions interface (typed double), with genuine signed deliveries.
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	INodeExecutionData,
	INodeType,
	IWebhookResponseData,
} from 'n8n-workflow';
import { beforeAll, describe, expect, it } from 'vitest';
import { providers, sealSecret, serializePayload, sign, type ProviderId } from '../../src/internal';
import { DELIVERY_FIELD } from '../../nodes/shared/delivery-note';
import { PROVIDERS, idsWhere, loadCredential, loadNode, nodeName } from '../providers';
import { SECRETS, assertSafeReason, eventsOf, lowerCaseHeaders, tamper } from './helpers';
import {
	executeContext,
	freshNode,
	ProcessedStore,
	webhookContext,
	type WebhookDoubleOptions,
} from './n8n-doubles';

interface TriggerCase {
	id: ProviderId;
	make: () => Promise<INodeType>;
	type: string;
	/** Where the secret lives: a credential field, or (SmartComply automatic mode) the node's static data. */
	secretIn: (
		secret: string,
	) => Pick<WebhookDoubleOptions, 'credentials' | 'staticData' | 'parameters'>;
}

/** The credential field that holds the secret: the credential's own password field (not SmartComply's API key). */
function secretField(credential: ICredentialType): string {
	const field = credential.properties.find(
		(p) => p.typeOptions?.password === true && p.name !== 'apiKey',
	);
	if (!field) throw new Error(`${credential.name} has no secret field`);
	return field.name;
}

const credentials = new Map<ProviderId, ICredentialType>();
beforeAll(async () => {
	for (const p of PROVIDERS) credentials.set(p.id, await loadCredential(p));
});

const viaCredential = (id: ProviderId) => (s: string) => {
	const credential = credentials.get(id)!;
	return { credentials: { [credential.name]: { [secretField(credential)]: s } } };
};

/** SmartComply in automatic mode: the secret its registration returned, kept in the node's static data. */
const smartComplyAutomatic = (s: string) => ({
	staticData: { endpointId: 'whe_1', sealedSecret: sealSecret(s, 'sc_live_x', 'whe_1') },
	credentials: {
		smartComplyApi: { apiKey: 'sc_live_x', baseUrl: 'http://127.0.0.1:1/api/v1', secret: '' },
	},
});

const cases: TriggerCase[] = PROVIDERS.map((p) => ({
	id: p.id,
	make: () => loadNode(p),
	type: `n8n-nodes-smart-webhooks.${nodeName(p)}`,
	secretIn: p.id === 'smartComply' ? smartComplyAutomatic : viaCredential(p.id),
}));

/** A signed delivery as n8n hands it to the trigger: Express lower-cases header names. */
function signed(
	id: ProviderId,
	event: string,
	opts: { secret?: string; payload?: Record<string, unknown>; timestamp?: number } = {},
) {
	const payload = opts.payload ?? providers[id].sample(event);
	const rawBody = Buffer.from(JSON.stringify(payload));
	const headers = lowerCaseHeaders(
		sign(id, rawBody, opts.secret ?? SECRETS[id], { timestamp: opts.timestamp }),
	);
	return { payload, request: { headers, query: {}, rawBody } };
}

/** Selecting events in the node panel: the multi-select, or SmarterMeasure's typed names. */
function selecting(id: ProviderId, events: string[]): Record<string, unknown> {
	return providers[id].events
		? { events }
		: { eventFilter: 'named', eventNames: events.join(', ') };
}

async function call(
	c: TriggerCase,
	request: WebhookDoubleOptions['request'],
	extra: Partial<WebhookDoubleOptions> & { secret?: string; store?: ProcessedStore } = {},
) {
	const { node, workflow } =
		extra.node && extra.workflow
			? { node: extra.node, workflow: extra.workflow }
			: freshNode(c.type);
	const where = c.secretIn(extra.secret ?? SECRETS[c.id]);
	const { context, response, logs } = webhookContext({
		request,
		node,
		workflow,
		...where,
		...extra,
		parameters: { ...where.parameters, ...extra.parameters },
		credentials: { ...where.credentials, ...extra.credentials },
		staticData: extra.staticData ?? where.staticData,
	});
	const trigger = await c.make();
	const out: IWebhookResponseData = await trigger.webhook!.call(context);
	// What n8n does next with an accepted delivery: runs the execution, whose first step is the trigger's execute().
	let emitted: INodeExecutionData[][] | undefined;
	if (out.workflowData) {
		const exec = executeContext({
			items: out.workflowData[0],
			node,
			workflow,
			parameters: { ...where.parameters, ...extra.parameters },
			store: extra.store ?? stores.get(String(workflow.id)),
			mode: extra.mode,
		});
		emitted = (await trigger.execute!.call(exec.context)) as INodeExecutionData[][];
	}
	return { out, response, logs, emitted };
}

/** One processed-data store per workflow id, as n8n's database keeps one list per workflow and node. */
const stores = {
	byWorkflow: new Map<string, ProcessedStore>(),
	get(id: string) {
		if (!this.byWorkflow.has(id)) this.byWorkflow.set(id, new ProcessedStore());
		return this.byWorkflow.get(id)!;
	},
};

/** The delivery started the workflow's nodes: the trigger emitted exactly the payload, once. */
function expectRan(
	result: { out: IWebhookResponseData; emitted?: INodeExecutionData[][] },
	payload: Record<string, unknown>,
) {
	expect(result.out.noWebhookResponse).toBeUndefined();
	expect(result.out.workflowData).toHaveLength(1);
	expect(result.out.workflowData![0]).toHaveLength(1);
	expect(result.out.workflowData![0][0].json).toEqual(payload);
	expect(result.emitted).toEqual([[{ json: payload, pairedItem: { item: 0 } }]]);
}

/** A copy of a delivery this process ran: answered as a duplicate, and no execution was started for it. */
function expectCopy(result: { out: IWebhookResponseData; emitted?: INodeExecutionData[][] }) {
	expect(result.out).toEqual({
		webhookResponse: { received: true, ignored: 'duplicate delivery' },
	});
	expect(result.emitted).toBeUndefined();
}

describe.each(cases)('$id trigger webhook()', (c) => {
	const events = eventsOf(c.id);

	it.each(events)('runs the workflow with the payload of a genuine %s delivery', async (event) => {
		const { payload, request } = signed(c.id, event);
		const { out, response, emitted } = await call(c, request);
		expectRan({ out, emitted }, payload);
		expect(response.writes).toBe(0);
	});

	it('refuses a delivery signed with another secret: 401 written, noWebhookResponse, nothing run', async () => {
		const { request } = signed(c.id, events[0], { secret: 'an-attacker-guess-000000' });
		const { out, response } = await call(c, request);
		expect(out).toEqual({ noWebhookResponse: true });
		expect(out.workflowData).toBeUndefined();
		expect(response.statusCode).toBe(401);
		expect(response.writes).toBe(1);
		const reason = (response.body as { error: string }).error;
		expect(reason).toMatch(/does not match/);
		expect(JSON.stringify(response.body)).not.toContain(SECRETS[c.id]);
		assertSafeReason({ status: 401, reason, items: [] }, SECRETS[c.id], request.rawBody);
	});

	it('refuses a delivery without the signature/key header (401)', async () => {
		const { request } = signed(c.id, events[0]);
		const headers = { 'content-type': 'application/json' };
		const { out, response } = await call(c, { ...request, headers });
		expect(out.noWebhookResponse).toBe(true);
		expect(out.workflowData).toBeUndefined();
		// SmartMaintenance with a secret configured refuses unsigned deliveries too.
		expect(response.statusCode).toBe(401);
		expect((response.body as { error: string }).error).toMatch(/missing/);
	});

	it('refuses a malformed body that is otherwise authentic (400)', async () => {
		const rawBody = Buffer.from('{"not":"finished"');
		const headers = lowerCaseHeaders(sign(c.id, rawBody, SECRETS[c.id]));
		const { out, response } = await call(c, { headers, rawBody });
		expect(out).toEqual({ noWebhookResponse: true });
		expect(response.statusCode).toBe(400);
		expect((response.body as { error: string }).error).toMatch(/JSON/);
	});

	it('answers 200 without running for an event that is not selected', async () => {
		const { request } = signed(c.id, events[0]);
		const { out, response } = await call(c, request, {
			parameters: selecting(c.id, ['some.other_event']),
		});
		expect(out.workflowData).toBeUndefined();
		expect(out.noWebhookResponse).toBeUndefined();
		expect(out.webhookResponse).toMatchObject({ received: true, ignored: 'event not selected' });
		expect(response.writes).toBe(0);
	});

	it('runs for a selected event, also when typed in the other-names field', async () => {
		const { payload, request } = signed(c.id, events[0]);
		expectRan(await call(c, request, { parameters: selecting(c.id, [events[0]]) }), payload);
		if (providers[c.id].events) {
			const typed = await call(c, request, {
				parameters: { events: ['x.y'], otherEvents: ` nope , ${events[0]} ` },
			});
			expectRan(typed, payload);
		}
	});

	it('runs a retried delivery only once (same trigger), but again for another trigger', async () => {
		const { payload, request } = signed(c.id, events[0]);
		const ids = freshNode(c.type);
		expectRan(await call(c, request, ids), payload);
		// The copy is answered 200 as a duplicate (by n8n, from webhookResponse) and starts no execution: this process
		// ran the first itself.
		const second = await call(c, request, ids);
		expect(second.response.writes).toBe(0);
		expectCopy(second);
		// A different node (another workflow) has its own memory.
		expectRan(await call(c, request), payload);
	});

	it('runs a retried delivery whose first execution never started (only execute() remembers a delivery)', async () => {
		const { payload, request } = signed(c.id, events[0]);
		const ids = freshNode(c.type);
		const where = c.secretIn(SECRETS[c.id]);
		const { context } = webhookContext({ request, ...ids, ...where });
		const trigger = await c.make();
		// accepted, but n8n never ran the execution (it crashed, the queue lost the job)
		expect((await trigger.webhook!.call(context)).workflowData).toHaveLength(1);
		expectRan(await call(c, request, ids), payload);
		expectCopy(await call(c, request, ids));
	});

	it('remembers at least Retry Memory deliveries, though each records its id and its body (two entries in n8n)', async () => {
		const ids = freshNode(c.type);
		const memory = 100; // the smallest the panel allows
		const parameters = { settings: { retryMemory: memory } };
		const deliveries = Array.from({ length: 2 * memory + 1 }, (_, i) =>
			signed(c.id, events[0], {
				payload: { ...providers[c.id].sample(events[0], { id: `mem-${i}` }), memoryCase: i },
			}),
		);
		for (const d of deliveries.slice(0, memory + 1))
			expectRan(await call(c, d.request, { ...ids, parameters }), d.payload);
		// memory + 1 deliveries later, the second one is still known: the memory holds `memory` deliveries
		expectCopy(await call(c, deliveries[1].request, { ...ids, parameters }));
		// and it is bounded: after twice as many, the first is forgotten and runs again
		for (const d of deliveries.slice(memory + 1))
			expectRan(await call(c, d.request, { ...ids, parameters }), d.payload);
		expectRan(await call(c, deliveries[0].request, { ...ids, parameters }), deliveries[0].payload);
	});

	it('runs copies that arrive at the same moment only once', async () => {
		const { payload, request } = signed(c.id, events[0]);
		const ids = freshNode(c.type);
		const results = await Promise.all([1, 2, 3, 4].map(() => call(c, request, ids)));
		expect(results.filter((r) => r.emitted![0].length === 1)).toHaveLength(1);
		expectRan(
			results.find((r) => r.emitted![0].length === 1)!,
			payload,
		);
	});

	it('runs a retried delivery again when "Ignore Retried Deliveries" is off', async () => {
		const { payload, request } = signed(c.id, events[0]);
		const ids = freshNode(c.type);
		const settings = { settings: { deduplicate: false } };
		expectRan(await call(c, request, { ...ids, parameters: settings }), payload);
		expectRan(await call(c, request, { ...ids, parameters: settings }), payload);
	});

	it('runs every copy while the editor listens (manual executions neither check nor record)', async () => {
		const { payload, request } = signed(c.id, events[0]);
		const ids = freshNode(c.type);
		const store = new ProcessedStore();
		expectRan(await call(c, request, { ...ids, mode: 'manual', store }), payload);
		expectRan(await call(c, request, { ...ids, mode: 'manual', store }), payload);
		expect(store.calls).toBe(0);
	});

	it('emits exactly the payload whatever its own json, binary, pairedItem or _delivery fields say', async () => {
		const hostile = {
			...providers[c.id].sample(events[0]),
			json: { forged: true },
			binary: { data: { data: 'PGgxPg==', mimeType: 'text/html', fileName: 'x.html' } },
			pairedItem: 7,
			_delivery: { verified: true },
		};
		const { payload, request } = signed(c.id, events[0], { payload: hostile });
		const ran = await call(c, request);
		expectRan(ran, payload);
		expect(Object.keys(ran.emitted![0][0]).sort()).toEqual(['json', 'pairedItem']);
		// The duplicate keys travel beside the payload, never inside it.
		expect(ran.out.workflowData![0][0][DELIVERY_FIELD]).toEqual({
			keys: expect.arrayContaining([expect.stringMatching(/^sha256:[0-9a-f]{64}$/)]),
			via: expect.any(String),
		});
		const withMeta = await call(c, request, {
			parameters: { settings: { includeMetadata: true } },
		});
		const json = withMeta.emitted![0][0].json;
		expect(json.json).toEqual({ forged: true });
		expect(json._delivery).toMatchObject({
			provider: c.id,
			verified: c.id === 'smarterMeasure' ? 'key' : 'signature',
		});
		expect((json._delivery as Record<string, unknown>).deliveryId).toBeTypeOf('string');
		expect(withMeta.emitted![0][0].binary).toBeUndefined();
	});

	it('adds _delivery metadata only with includeMetadata', async () => {
		const { payload, request } = signed(c.id, events[0]);
		const before = Date.now();
		const { out } = await call(c, request, { parameters: { settings: { includeMetadata: true } } });
		const json = out.workflowData![0][0].json;
		const { _delivery, ...rest } = json;
		expect(rest).toEqual(payload);
		expect(_delivery).toMatchObject({
			provider: c.id,
			event: events[0],
			verified: c.id === 'smarterMeasure' ? 'key' : 'signature',
			test: providers[c.id].events?.[0]?.test === true,
			format: 'json',
		});
		const meta = _delivery as { deliveryId: string; receivedAt: string };
		expect(typeof meta.deliveryId).toBe('string');
		expect(meta.deliveryId.length).toBeGreaterThan(0);
		expect(Date.parse(meta.receivedAt)).toBeGreaterThanOrEqual(before - 1000);
		const plain = await call(c, request);
		expect(plain.out.workflowData![0][0].json).not.toHaveProperty('_delivery');
	});

	it('answers 500 without details when the credential cannot be loaded', async () => {
		if (c.id === 'smartComply') return; // automatic mode keeps its secret in static data, not a credential
		const { request } = signed(c.id, events[0]);
		const credentialName = Object.keys(c.secretIn('x').credentials ?? {})[0];
		const { out, response, logs } = await call(c, request, {
			credentials: { [credentialName]: new Error('decryption failed') },
		});
		expect(out).toEqual({ noWebhookResponse: true });
		expect(response.statusCode).toBe(500);
		expect(JSON.stringify(response.body)).not.toContain('decryption');
		expect(logs.some((l) => l.level === 'error')).toBe(true);
	});
});

describe('trigger options and provider specifics', () => {
	const byId = (id: ProviderId) => cases.find((c) => c.id === id)!;

	it.each(idsWhere((p) => p.scheme === 'hmacTimestamped'))(
		'%s: an old delivery is refused, and accepted with tolerance 0',
		async (id) => {
			const { payload, request } = signed(id, eventsOf(id)[0], {
				timestamp: Math.floor(Date.now() / 1000) - 3600,
			});
			const refused = await call(byId(id), request);
			expect(refused.response.statusCode).toBe(401);
			expect((refused.response.body as { error: string }).error).toMatch(
				/older than the 300 s tolerance/,
			);
			expectRan(
				await call(byId(id), request, { parameters: { settings: { toleranceSeconds: 0 } } }),
				payload,
			);
			expect(
				(await call(byId(id), request, { parameters: { settings: { toleranceSeconds: 7200 } } }))
					.out.workflowData,
			).toBeDefined();
		},
	);

	it.each(idsWhere((p) => p.testEvent === 'webhook.test'))(
		'%s: webhook.test follows the filter in production and always shows while the editor listens',
		async (id) => {
			const { payload, request } = signed(id, 'webhook.test');
			const filter = { events: [eventsOf(id).find((e) => e !== 'webhook.test')!] };
			const filtered = await call(byId(id), request, { parameters: filter });
			expect(filtered.out.workflowData).toBeUndefined();
			expect(filtered.out.webhookResponse).toMatchObject({ ignored: 'event not selected' });
			expectRan(
				await call(byId(id), request, { parameters: { events: ['webhook.test'] } }),
				payload,
			);
			expectRan(await call(byId(id), request), payload);
			expectRan(
				await call(byId(id), request, {
					parameters: { ...filter, settings: { ignoreTestEvents: true } },
					mode: 'manual',
				}),
				payload,
			);
			const ignored = await call(byId(id), request, {
				parameters: { settings: { ignoreTestEvents: true } },
			});
			expect(ignored.out.workflowData).toBeUndefined();
			expect(ignored.out.webhookResponse).toMatchObject({ ignored: 'test event ignored' });
		},
	);

	it('SmartMaintenance: with no secret in the credential an unsigned delivery runs (unverified)', async () => {
		const c = byId('smartMaintenance');
		const payload = providers.smartMaintenance.sample('task.assigned');
		const rawBody = Buffer.from(JSON.stringify(payload));
		const headers = lowerCaseHeaders(sign('smartMaintenance', rawBody, ''));
		const { emitted } = await call(
			c,
			{ headers, rawBody },
			{ secret: '', parameters: { settings: { includeMetadata: true } } },
		);
		expect(emitted![0][0].json).toMatchObject({
			...payload,
			_delivery: { verified: false, deliveryId: headers['x-smtm-delivery'] },
		});
		const withSecret = await call(c, { headers, rawBody });
		expect(withSecret.response.statusCode).toBe(401);
	});

	it('SmartMaintenance: a copy is recognised by its X-SMTM-Delivery id or by its body', async () => {
		const c = byId('smartMaintenance');
		const ids = freshNode(c.type);
		const a = signed('smartMaintenance', 'task.completed');
		expectRan(await call(c, a.request, ids), a.payload);
		const deliveryId = a.request.headers['x-smtm-delivery'];
		const rawBody = Buffer.from(JSON.stringify({ ...a.payload, timestamp: 'later' }));
		const headers = lowerCaseHeaders(
			sign('smartMaintenance', rawBody, SECRETS.smartMaintenance, { deliveryId }),
		);
		expectCopy(await call(c, { headers, rawBody }, ids));
		// A captured delivery replayed with a new (or no) X-SMTM-Delivery: the header is not signed, the body is.
		expectCopy(
			await call(
				c,
				{
					...a.request,
					headers: {
						...a.request.headers,
						'x-smtm-delivery': 'f00dcafe-0000-4000-8000-000000000000',
					},
				},
				ids,
			),
		);
		const { 'x-smtm-delivery': _dropped, ...noId } = a.request.headers;
		expectCopy(await call(c, { ...a.request, headers: noId }, ids));
	});

	it('SmarterMeasure: key in the VerificationKey query parameter, XML bodies, forced format', async () => {
		const c = byId('smarterMeasure');
		const payload = providers.smarterMeasure.sample('AssessmentCompleted');
		const xml = serializePayload(payload, 'xml');
		const viaQuery = await call(c, {
			headers: { 'content-type': 'application/xml' },
			query: { VerificationKey: SECRETS.smarterMeasure },
			rawBody: xml,
		});
		expectRan(viaQuery, { Webhook: payload });
		const wrongQuery = await call(c, {
			headers: { 'content-type': 'application/xml' },
			query: { VerificationKey: 'nope' },
			rawBody: xml,
		});
		expect(wrongQuery.response.statusCode).toBe(401);
		// Forced XML although the sender says JSON.
		const forced = await call(
			c,
			{
				headers: {
					'content-type': 'application/json',
					'x-smartermeasure-verification-key': SECRETS.smarterMeasure,
				},
				rawBody: xml,
			},
			{ parameters: { format: 'xml' } },
		);
		expectRan(forced, { Webhook: payload });
		const forcedJson = await call(
			c,
			{
				headers: {
					'content-type': 'application/xml',
					'x-smartermeasure-verification-key': SECRETS.smarterMeasure,
				},
				rawBody: xml,
			},
			{ parameters: { format: 'json' } },
		);
		expect(forcedJson.response.statusCode).toBe(400);
		const meta = await call(
			c,
			{ headers: { 'x-smartermeasure-verification-key': SECRETS.smarterMeasure }, rawBody: xml },
			{ parameters: { settings: { includeMetadata: true } } },
		);
		expect(meta.out.workflowData![0][0].json._delivery).toMatchObject({
			format: 'xml',
			event: 'AssessmentCompleted',
			provider: 'smarterMeasure',
		});
	});

	it('SmartComply automatic mode with no stored secret (never registered) refuses with 401', async () => {
		const c = byId('smartComply');
		const { request } = signed('smartComply', 'notice.created');
		const { out, response } = await call(c, request, { staticData: {} });
		expect(out.noWebhookResponse).toBe(true);
		expect(response.statusCode).toBe(401);
		expect((response.body as { error: string }).error).toMatch(/not configured/);
	});

	it('SmartComply manual mode verifies with the credential signing secret, not static data', async () => {
		const c = byId('smartComply');
		const credentialSecret = 'whsec_from_the_dashboard_123';
		const credentials: Record<string, ICredentialDataDecryptedObject> = {
			smartComplyApi: {
				apiKey: 'sc_live_x',
				baseUrl: 'http://127.0.0.1:1/api/v1',
				secret: credentialSecret,
			},
		};
		const good = signed('smartComply', 'notice.created', { secret: credentialSecret });
		const manual = { registration: 'manual' };
		const stale = {
			endpointId: 'whe_1',
			sealedSecret: sealSecret('whsec_stale', 'sc_live_x', 'whe_1'),
		};
		expectRan(
			await call(c, good.request, { parameters: manual, credentials, staticData: stale }),
			good.payload,
		);
		const staleSigned = signed('smartComply', 'notice.created', { secret: 'whsec_stale' });
		const refused = await call(c, staleSigned.request, {
			parameters: manual,
			credentials,
			staticData: stale,
		});
		expect(refused.response.statusCode).toBe(401);
	});

	it('a changed byte in the body is refused by every HMAC trigger', async () => {
		for (const id of idsWhere((p) => p.scheme !== 'staticKey')) {
			const { request } = signed(id, eventsOf(id)[0]);
			const { out, response } = await call(byId(id), {
				...request,
				rawBody: tamper(request.rawBody),
			});
			expect(out.workflowData).toBeUndefined();
			expect(response.statusCode).toBe(401);
		}
	});

	it('a schema-violating but authentic SMP delivery runs with _schemaIssues', async () => {
		const payload = {
			...providers.smp.sample('project.completed'),
			data: { projectId: 42, name: 'x', completedAt: 'y' },
		};
		const { request } = signed('smp', '', { payload });
		const { out } = await call(byId('smp'), request);
		const json = out.workflowData![0][0].json;
		expect(json).toMatchObject(payload);
		expect((json._schemaIssues as Array<{ path: string }>).map((i) => i.path)).toContain(
			'data.projectId',
		);
	});
});
