// Each trigger's webhook() through n8n's IWebhookFunctions interface (typed double), with genuine signed deliveries.
import type { ICredentialType } from 'n8n-workflow';
import { beforeAll, describe, expect, it } from 'vitest';
import { providers, sealSecret, serializePayload, sign, type ProviderId } from '../../src/internal';
import { DELIVERY_FIELD } from '../../nodes/shared/delivery-note';
import {
	PROVIDERS,
	idsWhere,
	loadCredential,
	loadNode,
	nodeName,
	row,
	type ProviderRow,
} from '../providers';
import {
	SECRETS,
	assertSafeReason,
	eventsOf,
	lowerCaseHeaders,
	signedRequest,
	tamper,
} from './helpers';
import {
	expectIgnored,
	expectRan,
	expectRefused,
	freshNode,
	ProcessedStore,
	runTrigger,
	webhookContext,
	type WebhookDoubleOptions,
} from './n8n-doubles';

const credentials = new Map<ProviderId, ICredentialType>();
beforeAll(async () => {
	for (const p of PROVIDERS) credentials.set(p.id, await loadCredential(p));
});

/** The secret in the credential's own password field (not SmartComply's API key). */
const viaCredential = (id: ProviderId, s: string) => {
	const credential = credentials.get(id)!;
	const field = credential.properties.find((p) => p.typeOptions?.password && p.name !== 'apiKey');
	if (!field) throw new Error(`${credential.name} has no secret field`);
	return { credentials: { [credential.name]: { [field.name]: s } } };
};

/** SmartComply in automatic mode: the secret its registration returned, kept in the node's static data. */
const smartComplyAutomatic = (s: string) => ({
	staticData: { endpointId: 'whe_1', sealedSecret: sealSecret(s, 'sc_live_x', 'whe_1') },
	credentials: {
		smartComplyApi: { apiKey: 'sc_live_x', baseUrl: 'http://127.0.0.1:1/api/v1', secret: '' },
	},
});

/** Where the secret lives: a credential field, or (SmartComply automatic mode) the node's static data. */
const secretIn = (id: ProviderId, s: string): Partial<WebhookDoubleOptions> =>
	id === 'smartComply' ? smartComplyAutomatic(s) : viaCredential(id, s);
const typeOf = (p: ProviderRow) => `n8n-nodes-smart-webhooks.${nodeName(p)}`;

/** A genuine delivery of the provider's sample for `event` (or of `payload`), as n8n hands it to the trigger. */
type SignedOptions = { secret?: string; payload?: Record<string, unknown>; timestamp?: number };
const signed = (
	id: ProviderId,
	event: string,
	{ secret, payload, timestamp }: SignedOptions = {},
) => signedRequest(id, payload ?? providers[id].sample(event), secret, { timestamp });

/** Selecting events in the node panel: the multi-select, or SmarterMeasure's typed names. */
const selecting = (id: ProviderId, events: string[]) =>
	providers[id].events ? { events } : { eventFilter: 'named', eventNames: events.join(', ') };

/** One processed-data store per workflow id, as n8n's database keeps one list per workflow and node. */
const stores = new Map<string, ProcessedStore>();
const storeOf = (id: string) => stores.get(id) ?? stores.set(id, new ProcessedStore()).get(id)!;

/** webhook(), then (as n8n does with an accepted delivery) the execution's first step, the trigger's execute(). */
async function call(
	p: ProviderRow,
	request: WebhookDoubleOptions['request'],
	extra: Partial<WebhookDoubleOptions> & { secret?: string; store?: ProcessedStore } = {},
) {
	const ids = extra.node ? { node: extra.node, workflow: extra.workflow! } : freshNode(typeOf(p));
	const where = secretIn(p.id, extra.secret ?? SECRETS[p.id]);
	return await runTrigger(await loadNode(p), {
		request,
		...where,
		...extra,
		...ids,
		credentials: { ...where.credentials, ...extra.credentials },
		store: extra.store ?? storeOf(String(ids.workflow.id)),
	});
}

const withMetadata = { parameters: { settings: { includeMetadata: true } } };

describe.each(PROVIDERS)('$id trigger webhook()', (c) => {
	const events = eventsOf(c.id);
	const verified = c.id === 'smarterMeasure' ? 'key' : 'signature';

	it.each(events)('runs the workflow with the payload of a genuine %s delivery', async (event) => {
		const d = signed(c.id, event);
		expectRan(await call(c, d), d.payload);
	});

	it('refuses a delivery signed with another secret: 401 written, noWebhookResponse, nothing run', async () => {
		const d = signed(c.id, events[0], { secret: 'an-attacker-guess-000000' });
		const result = await call(c, d);
		expectRefused(result, 401, /does not match/);
		const reason = (result.response.body as { error: string }).error;
		expect(JSON.stringify(result.response.body)).not.toContain(SECRETS[c.id]);
		assertSafeReason({ status: 401, reason, items: [] }, SECRETS[c.id], d.rawBody);
	});

	it('refuses a delivery without the signature/key header (401)', async () => {
		// SmartMaintenance with a secret configured refuses unsigned deliveries too.
		const headers = { 'content-type': 'application/json' };
		expectRefused(await call(c, { ...signed(c.id, events[0]), headers }), 401, /missing/);
	});

	it('refuses a malformed body that is otherwise authentic (400)', async () => {
		const rawBody = Buffer.from('{"not":"finished"');
		const headers = lowerCaseHeaders(sign(c.id, rawBody, SECRETS[c.id]));
		expectRefused(await call(c, { headers, rawBody }), 400, /JSON/);
	});

	it('answers 200 without running for an event that is not selected', async () => {
		const parameters = selecting(c.id, ['some.other_event']);
		expectIgnored(await call(c, signed(c.id, events[0]), { parameters }), 'event not selected');
	});

	it('runs for a selected event, also when typed in the other-names field', async () => {
		const d = signed(c.id, events[0]);
		expectRan(await call(c, d, { parameters: selecting(c.id, [events[0]]) }), d.payload);
		if (providers[c.id].events) {
			const parameters = { events: ['x.y'], otherEvents: ` nope , ${events[0]} ` };
			expectRan(await call(c, d, { parameters }), d.payload);
		}
	});

	it('runs a retried delivery only once (same trigger), but again for another trigger', async () => {
		const d = signed(c.id, events[0]);
		const ids = freshNode(typeOf(c));
		expectRan(await call(c, d, ids), d.payload);
		// The copy is answered 200 as a duplicate (by n8n, from webhookResponse) and starts no execution: this process
		// ran the first itself.
		expectIgnored(await call(c, d, ids));
		// A different node (another workflow) has its own memory.
		expectRan(await call(c, d), d.payload);
	});

	it('runs a retried delivery whose first execution never started (only execute() remembers a delivery)', async () => {
		const d = signed(c.id, events[0]);
		const ids = freshNode(typeOf(c));
		const { context } = webhookContext({ request: d, ...ids, ...secretIn(c.id, SECRETS[c.id]) });
		// accepted, but n8n never ran the execution (it crashed, the queue lost the job)
		expect((await (await loadNode(c)).webhook!.call(context)).workflowData).toHaveLength(1);
		expectRan(await call(c, d, ids), d.payload);
		expectIgnored(await call(c, d, ids));
	});

	it('runs a retried delivery that n8n answered with an error (it could not start the execution)', async () => {
		const d = signed(c.id, events[0]);
		const ids = freshNode(typeOf(c));
		const earlier = signed(c.id, events[1]);
		expectRan(await call(c, earlier, ids), earlier.payload);
		// an execution of the trigger ran in this process (regular mode): a delivery's claim now waits for n8n's 2xx
		const { context, n8nAnswers } = webhookContext({
			request: d,
			...ids,
			...secretIn(c.id, SECRETS[c.id]),
		});
		const out = await (await loadNode(c)).webhook!.call(context);
		expect(out.workflowData?.[0][0].smartWebhooksDelivery).toMatchObject({
			ticket: expect.any(String),
		});
		n8nAnswers(500);
		expectRan(await call(c, d, ids), d.payload);
		expectIgnored(await call(c, d, ids));
	});

	it("remembers Retry Memory deliveries, in as many of n8n's entries as each records", async () => {
		const memory = 100; // the smallest the panel allows
		const same = { ...freshNode(typeOf(c)), parameters: { settings: { retryMemory: memory } } };
		const sample = (i: number) => providers[c.id].sample(events[0], { id: `mem-${i}` });
		const deliveries = Array.from({ length: 2 * memory + 1 }, (_, i) =>
			signed(c.id, events[0], { payload: { ...sample(i), memoryCase: i } }),
		);
		for (const d of deliveries.slice(0, memory + 1)) expectRan(await call(c, d, same), d.payload);
		// memory + 1 deliveries later, the second one is still known: the memory holds `memory` deliveries
		expectIgnored(await call(c, deliveries[1], same));
		// and it is bounded: after twice as many, the first is forgotten and runs again
		for (const d of deliveries.slice(memory + 1)) expectRan(await call(c, d, same), d.payload);
		expectRan(await call(c, deliveries[0], same), deliveries[0].payload);
	});

	it('runs copies that arrive at the same moment only once', async () => {
		const d = signed(c.id, events[0]);
		const ids = freshNode(typeOf(c));
		const results = await Promise.all([1, 2, 3, 4].map(() => call(c, d, ids)));
		const ran = results.filter((r) => r.emitted![0].length === 1);
		expect(ran).toHaveLength(1);
		expectRan(ran[0], d.payload);
	});

	it('runs a retried delivery again when "Ignore Retried Deliveries" is off', async () => {
		const d = signed(c.id, events[0]);
		const same = { ...freshNode(typeOf(c)), parameters: { settings: { deduplicate: false } } };
		expectRan(await call(c, d, same), d.payload);
		expectRan(await call(c, d, same), d.payload);
	});

	it('runs every copy while the editor listens (manual executions neither check nor record)', async () => {
		const d = signed(c.id, events[0]);
		const same = { ...freshNode(typeOf(c)), mode: 'manual' as const, store: new ProcessedStore() };
		expectRan(await call(c, d, same), d.payload);
		expectRan(await call(c, d, same), d.payload);
		expect(same.store.calls).toBe(0);
	});

	it('emits exactly the payload whatever its own json, binary, pairedItem or _delivery fields say', async () => {
		const hostile = {
			...providers[c.id].sample(events[0]),
			json: { forged: true },
			binary: { data: { data: 'PGgxPg==', mimeType: 'text/html', fileName: 'x.html' } },
			pairedItem: 7,
			_delivery: { verified: true },
		};
		const d = signed(c.id, events[0], { payload: hostile });
		const ran = await call(c, d);
		expectRan(ran, d.payload);
		expect(Object.keys(ran.emitted![0][0]).sort()).toEqual(['json', 'pairedItem']);
		// The duplicate keys travel beside the payload, never inside it.
		expect(ran.out.workflowData![0][0][DELIVERY_FIELD]).toEqual({
			keys: expect.arrayContaining([expect.any(String)]),
			via: expect.any(String),
		});
		const withMeta = await call(c, d, withMetadata);
		const json = withMeta.emitted![0][0].json;
		expect(json.json).toEqual({ forged: true });
		expect(json._delivery).toMatchObject({ provider: c.id, verified });
		expect((json._delivery as Record<string, unknown>).deliveryId).toBeTypeOf('string');
		expect(withMeta.emitted![0][0].binary).toBeUndefined();
	});

	it('adds _delivery metadata only with includeMetadata', async () => {
		const d = signed(c.id, events[0]);
		const before = Date.now();
		const { out } = await call(c, d, withMetadata);
		const { _delivery, ...rest } = out.workflowData![0][0].json;
		expect(rest).toEqual(d.payload);
		expect(_delivery).toMatchObject({
			provider: c.id,
			event: events[0],
			verified,
			test: providers[c.id].events?.[0]?.test === true,
			format: 'json',
		});
		const meta = _delivery as { deliveryId: string; receivedAt: string };
		expect(meta.deliveryId).toMatch(/[\s\S]/); // a non-empty string
		expect(Date.parse(meta.receivedAt)).toBeGreaterThanOrEqual(before - 1000);
		const plain = await call(c, d);
		expect(plain.out.workflowData![0][0].json).not.toHaveProperty('_delivery');
	});

	it('answers 500 without details when the credential cannot be loaded', async () => {
		if (c.id === 'smartComply') return; // automatic mode keeps its secret in static data, not a credential
		const credentialName = Object.keys(secretIn(c.id, 'x').credentials ?? {})[0];
		const { out, response, logs } = await call(c, signed(c.id, events[0]), {
			credentials: { [credentialName]: new Error('decryption failed') },
		});
		expect(out).toEqual({ noWebhookResponse: true });
		expect(response.statusCode).toBe(500);
		expect(JSON.stringify(response.body)).not.toContain('decryption');
		expect(logs.some((l) => l.level === 'error')).toBe(true);
	});
});

describe('trigger options and provider specifics', () => {
	it.each(idsWhere((p) => p.scheme === 'hmacTimestamped'))(
		'%s: an old delivery is refused, and accepted with tolerance 0',
		async (id) => {
			const timestamp = Math.floor(Date.now() / 1000) - 3600;
			const d = signed(id, eventsOf(id)[0], { timestamp });
			expectRefused(await call(row(id), d), 401, /older than the 300 s tolerance/);
			const tolerance = (s: number) => ({ parameters: { settings: { toleranceSeconds: s } } });
			expectRan(await call(row(id), d, tolerance(0)), d.payload);
			expectRan(await call(row(id), d, tolerance(7200)), d.payload);
		},
	);

	it.each(idsWhere((p) => p.testEvent === 'webhook.test'))(
		'%s: webhook.test follows the filter in production and always shows while the editor listens',
		async (id) => {
			const d = signed(id, 'webhook.test');
			const filter = { events: [eventsOf(id).find((e) => e !== 'webhook.test')!] };
			expectIgnored(await call(row(id), d, { parameters: filter }), 'event not selected');
			expectRan(await call(row(id), d, { parameters: { events: ['webhook.test'] } }), d.payload);
			expectRan(await call(row(id), d), d.payload);
			const ignoreTestEvents = { settings: { ignoreTestEvents: true } };
			const listening = { parameters: { ...filter, ...ignoreTestEvents }, mode: 'manual' as const };
			expectRan(await call(row(id), d, listening), d.payload);
			const ignored = await call(row(id), d, { parameters: ignoreTestEvents });
			expectIgnored(ignored, 'test event ignored');
		},
	);

	it('SmartMaintenance: with no secret in the credential an unsigned delivery runs (unverified)', async () => {
		const c = row('smartMaintenance');
		const d = signed('smartMaintenance', 'task.assigned', { secret: '' });
		const { emitted } = await call(c, d, { secret: '', ...withMetadata });
		expect(emitted![0][0].json).toMatchObject({
			...d.payload,
			_delivery: { verified: false, deliveryId: d.headers['x-smtm-delivery'] },
		});
		expect((await call(c, d)).response.statusCode).toBe(401);
	});

	it('SmartMaintenance: a copy is recognised by its X-SMTM-Delivery id or by its body', async () => {
		const c = row('smartMaintenance');
		const ids = freshNode(typeOf(c));
		const a = signed('smartMaintenance', 'task.completed');
		expectRan(await call(c, a, ids), a.payload);
		const deliveryId = a.headers['x-smtm-delivery'];
		const later = { ...a.payload, timestamp: 'later' };
		const retry = signedRequest('smartMaintenance', later, undefined, { deliveryId });
		expectIgnored(await call(c, retry, ids));
		// A captured delivery replayed with a new (or no) X-SMTM-Delivery: the header is not signed, the body is.
		const renamed = { ...a.headers, 'x-smtm-delivery': 'f00dcafe-0000-4000-8000-000000000000' };
		expectIgnored(await call(c, { ...a, headers: renamed }, ids));
		const { 'x-smtm-delivery': _dropped, ...noId } = a.headers;
		expectIgnored(await call(c, { ...a, headers: noId }, ids));
	});

	it('SmarterMeasure: key in the VerificationKey query parameter, XML bodies, forced format', async () => {
		const c = row('smarterMeasure');
		const payload = providers.smarterMeasure.sample('AssessmentCompleted');
		const rawBody = serializePayload(payload, 'xml');
		const request = (headers: Record<string, string>, query = {}) => ({ headers, query, rawBody });
		const key = { 'x-smartermeasure-verification-key': SECRETS.smarterMeasure };
		const xml = { 'content-type': 'application/xml' };
		const json = { 'content-type': 'application/json' };
		const viaQuery = request(xml, { VerificationKey: SECRETS.smarterMeasure });
		expectRan(await call(c, viaQuery), { Webhook: payload });
		const wrongQuery = request(xml, { VerificationKey: 'nope' });
		expectRefused(await call(c, wrongQuery), 401, /does not match/);
		// Forced XML although the sender says JSON, and forced JSON although it says XML.
		const forced = await call(c, request({ ...json, ...key }), { parameters: { format: 'xml' } });
		expectRan(forced, { Webhook: payload });
		const asJson = { parameters: { format: 'json' } };
		expectRefused(await call(c, request({ ...xml, ...key }), asJson), 400, /JSON/);
		const meta = await call(c, request(key), withMetadata);
		expect(meta.out.workflowData![0][0].json._delivery).toMatchObject({
			format: 'xml',
			event: 'AssessmentCompleted',
			provider: 'smarterMeasure',
		});
	});

	it('SmartComply automatic mode with no stored secret (never registered) refuses with 401', async () => {
		const d = signed('smartComply', 'notice.created');
		expectRefused(await call(row('smartComply'), d, { staticData: {} }), 401, /not configured/);
	});

	it('SmartComply manual mode verifies with the credential signing secret, not static data', async () => {
		const secret = 'whsec_from_the_dashboard_123';
		const manual = {
			parameters: { registration: 'manual' },
			credentials: {
				smartComplyApi: { apiKey: 'sc_live_x', baseUrl: 'http://127.0.0.1:1/api/v1', secret },
			},
			staticData: smartComplyAutomatic('whsec_stale').staticData,
		};
		const good = signed('smartComply', 'notice.created', { secret });
		expectRan(await call(row('smartComply'), good, manual), good.payload);
		const stale = signed('smartComply', 'notice.created', { secret: 'whsec_stale' });
		expectRefused(await call(row('smartComply'), stale, manual), 401, /does not match/);
	});

	const signing = idsWhere((p) => p.scheme !== 'staticKey');
	it.each(signing)('%s: a changed byte in the body is refused', async (id) => {
		const d = signed(id, eventsOf(id)[0]);
		const changed = { ...d, rawBody: tamper(d.rawBody) };
		expectRefused(await call(row(id), changed), 401, /does not match/);
		expectRan(await call(row(id), d), d.payload);
	});

	it('a schema-violating but authentic SMP delivery runs with _schemaIssues', async () => {
		const data = { projectId: 42, name: 'x', completedAt: 'y' };
		const payload = { ...providers.smp.sample('project.completed'), data };
		const { out } = await call(row('smp'), signed('smp', '', { payload }));
		const json = out.workflowData![0][0].json;
		expect(json).toMatchObject(payload);
		const paths = (json._schemaIssues as Array<{ path: string }>).map((i) => i.path);
		expect(paths).toContain('data.projectId');
	});
});
