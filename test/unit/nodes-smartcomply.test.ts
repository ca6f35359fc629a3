// SmartComply Trigger's webhookMethods (checkExists / create / delete) through a typed IHookFunctions double whose
// httpRequestWithAuthentication does real HTTP to the fake SmartComply API, then webhook() with the stored secret.
// The n8n transport against a hostile API: smartcomply-hostile.test.ts.
import { NodeOperationError, type IDataObject, type IWebhookResponseData } from 'n8n-workflow';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openSealedSecret, providers } from '../../src/internal';
import { SmartComplyTrigger } from '../../nodes/SmartComplyTrigger/SmartComplyTrigger.node';
import { failureOf } from '../../nodes/SmartComplyTrigger/n8n-transport';
import { startFakeSmartComply, type FakeSmartComply } from '../fake/smartcomply-server.mjs';
import { loopback, signedRequest } from './helpers';
import {
	freshNode,
	hookContext,
	webhookContext,
	type HookDoubleOptions,
	type WebhookDoubleOptions,
} from './n8n-doubles';

const TYPE = 'n8n-nodes-smart-webhooks.smartComplyTrigger';
const ALL_NON_TEST = (providers.smartComply.events ?? []).filter((e) => !e.test).map((e) => e.name);

let fake: FakeSmartComply;
/** A loopback route that hands each request to `onRequest` (the trigger's webhook()), as n8n's webhook route would. */
let route: Awaited<ReturnType<typeof loopback>>;
let onRequest: (req: WebhookDoubleOptions['request']) => Promise<{ status: number; body: unknown }>;

beforeAll(async () => {
	fake = await startFakeSmartComply({ deliveryTimeoutMs: 5000 });
	route = await loopback(async (req) => {
		const { status, body } = await onRequest(req);
		return { status, body: JSON.stringify(body) };
	});
});

afterAll(async () => {
	await fake?.close();
	await route?.close();
});

afterEach(() => {
	fake.endpoints.clear();
	fake.requests.length = 0;
	fake.deliveries.length = 0;
});

function credential(apiKey = fake.apiKey, extra: IDataObject = {}) {
	return { smartComplyApi: { apiKey, baseUrl: fake.url, secret: '', ...extra } };
}

function hooks(
	webhookUrl: string,
	opts: Partial<HookDoubleOptions> & { ids?: ReturnType<typeof freshNode> } = {},
) {
	const ids = opts.ids ?? freshNode(TYPE, 'SmartComply Trigger');
	return hookContext({ webhookUrl, credentials: credential(), parameters: {}, ...ids, ...opts });
}

const trigger = new SmartComplyTrigger();
const methods = trigger.webhookMethods!.default!;

/** The signing secret a registration sealed into the static data. */
const secretOf = (data: IDataObject) =>
	openSealedSecret(data.sealedSecret, fake.apiKey, data.endpointId as string) as string;

/** webhook() for a delivery of `event` signed with `secret`, with the credential unless `extra` says otherwise. */
async function deliver(
	secret: string,
	extra: Partial<WebhookDoubleOptions> = {},
	event = 'notice.created',
) {
	const request = signedRequest('smartComply', providers.smartComply.sample(event), secret);
	const made = webhookContext({ request, credentials: credential(), ...freshNode(TYPE), ...extra });
	return { ...made, payload: request.payload, out: await trigger.webhook!.call(made.context) };
}

async function expectNodeError(
	promise: Promise<unknown>,
	...mustNotContain: string[]
): Promise<NodeOperationError> {
	const error = await promise.catch((e: unknown) => e); // what it resolved to fails the next check
	expect(error).toBeInstanceOf(NodeOperationError);
	const nodeError = error as NodeOperationError;
	for (const s of mustNotContain) {
		expect(nodeError.message).not.toContain(s);
		expect(String(nodeError.description ?? '')).not.toContain(s);
	}
	return nodeError;
}

describe('SmartComply Trigger registration (automatic)', () => {
	const prodUrl = () => `${route.origin}/webhook/wf-sc/webhook`;
	const testUrl = () => `${route.origin}/webhook-test/wf-sc/webhook`;
	/** A registration at the production URL into `staticData`. */
	const register = async (staticData: IDataObject, opts: Parameters<typeof hooks>[1] = {}) =>
		await methods.create.call(hooks(prodUrl(), { staticData, ...opts }).context);

	it('create registers the webhook URL with all non-test events when none are selected, and stores id and secret', async () => {
		const { context, staticData, http } = hooks(prodUrl());
		expect(ALL_NON_TEST).toEqual(['test.submitted', 'notice.created']);
		expect(await methods.create.call(context)).toBe(true);
		expect(fake.endpoints.size).toBe(1);
		const [endpoint] = [...fake.endpoints.values()];
		expect(endpoint.url).toBe(prodUrl());
		expect(endpoint.events).toEqual(ALL_NON_TEST);
		expect(staticData.endpointId).toBe(endpoint.id);
		// kept sealed: the secret itself never sits in static data (stored and exported in clear by n8n)
		expect(staticData.signingSecret).toBeUndefined();
		expect(JSON.stringify(staticData)).not.toContain(endpoint.signing_secret);
		expect(secretOf(staticData)).toBe(endpoint.signing_secret);
		// Through n8n's authenticated request helper, with the credential type, never a hand-made Authorization header.
		expect(http.length).toBeGreaterThan(0);
		expect(http.every((c) => c.credentialType === 'smartComplyApi')).toBe(true);
		for (const call of http)
			expect(JSON.stringify(call.options.headers ?? {})).not.toContain(fake.apiKey);
		expect(fake.requests.every((r) => r.authorized)).toBe(true);
	});

	it('create registers exactly the selected events (multi-select plus typed names)', async () => {
		const parameters = { events: ['notice.created'], otherEvents: 'report.generated' };
		await register({}, { parameters });
		expect([...fake.endpoints.values()][0].events).toEqual(['notice.created', 'report.generated']);
	});

	it('checkExists is true after create, false once the endpoint is deleted at SmartComply, and never deletes', async () => {
		const { context, staticData } = hooks(prodUrl());
		expect(await methods.checkExists.call(context)).toBe(false); // nothing stored yet
		await methods.create.call(context);
		expect(await methods.checkExists.call(context)).toBe(true);
		fake.endpoints.delete(staticData.endpointId as string);
		expect(await methods.checkExists.call(context)).toBe(false);
		expect(fake.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
	});

	it('checkExists is false when the selected events changed (so n8n re-creates), without deleting anything', async () => {
		const staticData: IDataObject = {};
		await register(staticData);
		const changed = hooks(prodUrl(), { staticData, parameters: { events: ['notice.created'] } });
		expect(await methods.checkExists.call(changed.context)).toBe(false);
		expect(fake.endpoints.size).toBe(1);
		expect(fake.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
		// Re-creating replaces the old registration instead of adding a second one for the same URL.
		await methods.create.call(changed.context);
		expect(fake.endpoints.size).toBe(1);
		expect([...fake.endpoints.values()][0].events).toEqual(['notice.created']);
		expect(await methods.checkExists.call(changed.context)).toBe(true);
	});

	it('a test-URL registration with its own static data leaves the production endpoint alone', async () => {
		const ids = freshNode(TYPE);
		const prodData: IDataObject = {};
		await register(prodData, { ids });
		const { endpointId: prodId, sealedSecret: prodSealed } = prodData;
		const prodSecret = secretOf(prodData);

		const testData: IDataObject = {};
		const test = hooks(testUrl(), { ids, staticData: testData, mode: 'manual' });
		expect(await methods.checkExists.call(test.context)).toBe(false);
		await methods.create.call(test.context);
		expect(fake.endpoints.size).toBe(2);
		expect(fake.endpoints.get(prodId as string)?.signing_secret).toBe(prodSecret);
		expect(testData.endpointId).not.toBe(prodId);
		expect(fake.endpoints.get(testData.endpointId as string)?.url).toBe(testUrl());
		expect(fake.endpoints.get(testData.endpointId as string)?.description).toMatch(/\(test\)/);
		expect(prodData).toMatchObject({ endpointId: prodId, sealedSecret: prodSealed });

		await methods.delete.call(test.context);
		expect(fake.endpoints.has(prodId as string)).toBe(true);
		expect(fake.endpoints.size).toBe(1);
		const prod = hooks(prodUrl(), { ids, staticData: prodData });
		expect(await methods.checkExists.call(prod.context)).toBe(true);
	});

	it('delete removes the endpoint and clears the stored secret; already gone is fine', async () => {
		const { context, staticData } = hooks(prodUrl());
		await methods.create.call(context);
		const id = staticData.endpointId as string;
		expect(await methods.delete.call(context)).toBe(true);
		expect(fake.endpoints.has(id)).toBe(false);
		expect(staticData).toEqual({});

		const second = hooks(prodUrl());
		await methods.create.call(second.context);
		fake.endpoints.delete(second.staticData.endpointId as string); // removed in the dashboard meanwhile
		expect(await methods.delete.call(second.context)).toBe(true);
		expect(second.staticData).toEqual({});
		expect(await methods.delete.call(second.context)).toBe(true); // nothing stored: nothing to do
	});

	it('create with a bad API key throws a NodeOperationError that names no key, and stores nothing', async () => {
		const badKey = 'sc_live_BAD_KEY_0123456789abcdef';
		const bad = { credentials: credential(badKey) };
		const staticData: IDataObject = {};
		const error = await expectNodeError(register(staticData, bad), badKey, fake.apiKey, 'BAD_KEY');
		expect(error.message).toMatch(/401/);
		expect(staticData).toEqual({});
		expect(fake.endpoints.size).toBe(0);
		// checkExists with a stored registration has to ask the API, and fails as loudly.
		const stored: IDataObject = {};
		await register(stored);
		const check = hooks(prodUrl(), { staticData: stored, ...bad });
		await expectNodeError(methods.checkExists.call(check.context), badKey, 'BAD_KEY');
		expect(fake.endpoints.size).toBe(1);
	});

	it('create when SmartComply fails (500) throws a NodeOperationError that names no key', async () => {
		const staticData: IDataObject = {};
		fake.failNext({ status: 500, match: 'POST /webhooks/endpoints' });
		const error = await expectNodeError(register(staticData), fake.apiKey);
		expect(error.message).toMatch(/500/);
		expect(staticData).toEqual({});
		expect(fake.endpoints.size).toBe(0);
	});

	it('delete when SmartComply fails throws instead of pretending, and keeps the state for a retry', async () => {
		const { context, staticData } = hooks(prodUrl());
		await methods.create.call(context);
		fake.failNext({ status: 500, match: 'DELETE' });
		await expectNodeError(methods.delete.call(context), fake.apiKey);
		expect(staticData.endpointId).toBeDefined();
		expect(await methods.delete.call(context)).toBe(true);
		expect(fake.endpoints.size).toBe(0);
	});

	it('an unreachable API is a NodeOperationError too', async () => {
		const credentials = credential(fake.apiKey, { baseUrl: 'http://127.0.0.1:9/api/v1' });
		const error = await expectNodeError(register({}, { credentials }), fake.apiKey);
		expect(error.message).toMatch(/Could not reach SmartComply/);
	});

	it('a delivery signed with the stored secret is accepted by webhook(); the real test event runs the workflow', async () => {
		const ids = freshNode(TYPE);
		const staticData: IDataObject = {};
		await register(staticData, { ids });

		// 1. Signed here with the stored secret.
		const storedSecret = secretOf(staticData);
		const direct = await deliver(storedSecret, { staticData, ...ids });
		expect(direct.out.workflowData?.[0]?.map((item) => item.json)).toEqual([direct.payload]);

		// 2. SmartComply's own test delivery over HTTP, to a route that runs webhook() as n8n would.
		const credentials = credential();
		const runs: IWebhookResponseData[] = [];
		onRequest = async (request) => {
			const webhookUrl = prodUrl();
			const made = webhookContext({ request, staticData, credentials, ...ids, webhookUrl });
			const out = await trigger.webhook!.call(made.context);
			runs.push(out);
			return made.response.writes > 0
				? { status: made.response.statusCode ?? 200, body: made.response.body }
				: { status: 200, body: out.webhookResponse ?? { received: true } };
		};
		const record = await fake.sendTest(staticData.endpointId as string);
		expect(record.status).toBe(200);
		expect(runs).toHaveLength(1);
		const test = { type: 'webhook.test', id: record.eventId };
		expect(runs[0].workflowData?.[0][0].json).toMatchObject(test);

		// 3. After a rotation at SmartComply the stored secret no longer matches: refused, nothing runs.
		fake.endpoints.get(staticData.endpointId as string)!.signing_secret = 'whsec_rotated_elsewhere';
		const refused = await fake.sendTest(staticData.endpointId as string);
		expect(refused.status).toBe(401);
		expect(runs[1].workflowData).toBeUndefined();
		expect(refused.body).not.toContain(storedSecret);
	});

	it('a sealed secret that does not open with the credential (API key replaced) answers 500 and runs nothing', async () => {
		const ids = freshNode(TYPE);
		const staticData: IDataObject = {};
		await register(staticData, { ids });
		const secret = secretOf(staticData);
		const credentials = credential('sc_live_replaced_key_0123456789');
		const { out, response } = await deliver(secret, { staticData, credentials, ...ids });
		expect(out.workflowData).toBeUndefined();
		expect(response.statusCode).toBe(500);
		expect(JSON.stringify(response.body)).not.toContain(secret);
	});
});

describe('SmartComply Trigger registration (manual, endpoint made in the dashboard)', () => {
	const manual = { registration: 'manual' };

	it('checkExists, create and delete do nothing at the API', async () => {
		const staticData: IDataObject = {};
		const webhookUrl = `${route.origin}/webhook/wf-m/webhook`;
		const { context, http } = hooks(webhookUrl, { parameters: manual, staticData });
		expect(await methods.checkExists.call(context)).toBe(true);
		expect(await methods.create.call(context)).toBe(true);
		expect(await methods.delete.call(context)).toBe(true);
		expect(http).toEqual([]);
		expect(fake.requests).toEqual([]);
		expect(staticData).toEqual({});
	});

	it('webhook() verifies with the credential signing secret', async () => {
		const secret = 'whsec_pasted_from_dashboard_42';
		const withSecret = (signedWith: string, s: string) => {
			const credentials = credential(fake.apiKey, { secret: s });
			return deliver(signedWith, { parameters: manual, credentials }, 'test.submitted');
		};
		const ok = await withSecret(secret, secret);
		expect(ok.out.workflowData?.[0]?.map((item) => item.json)).toEqual([ok.payload]);
		const bad = await withSecret('whsec_other', secret);
		expect(bad.out).toEqual({ noWebhookResponse: true });
		expect(bad.response.statusCode).toBe(401);
		const empty = await withSecret(secret, '');
		expect(empty.response.statusCode).toBe(401);
		expect((empty.response.body as { error: string }).error).toMatch(/not configured/);
	});
});

describe('failureOf (how the node tells a timeout from an unreachable API, on both n8n lines)', () => {
	const error = (message: string, fields: object = {}) => Object.assign(new Error(message), fields);
	const axiosTimeout = error('timeout of 10000ms exceeded', { code: 'ECONNABORTED' });
	const refused = error('connect ECONNREFUSED 127.0.0.1:9', { code: 'ECONNREFUSED' });
	const aborted = 'The connection was aborted, perhaps the server is offline';
	const cycle: { cause?: unknown; message: string } = { message: 'a' };
	cycle.cause = cycle;
	const nodeApi = error(aborted, { cause: undefined, errorResponse: axiosTimeout, messages: [] });
	const inMessages = { message: 'aborted', messages: ['timeout of 10000ms exceeded'] };
	const refusedCause = error('The service refused the connection', { cause: refused });

	it.each([
		['an axios timeout', true, axiosTimeout],
		// n8n 1.x: NodeApiError with its own wording, the HTTP library's error kept as cause
		['a timeout as the cause', true, error(aborted, { cause: axiosTimeout })],
		// n8n 1.123 as observed: `cause` present but undefined, the original kept as errorResponse
		['a timeout as errorResponse', true, nodeApi],
		['a timeout in messages', true, inMessages],
		['a TimeoutError', true, error('x', { name: 'TimeoutError' })],
		['n8n 2.x wording', true, new Error('The connection timed out, consider retrying')],
		['a refused connection', false, refused],
		['a refusal as the cause', false, refusedCause],
		['undefined', false, undefined],
		['a string', false, 'timeout'],
		['a cycle in the chain', false, cycle],
	])('%s: timed out is %s', (_label, timedOut, value) => {
		expect(failureOf(value).timedOut).toBe(timedOut);
	});

	it('names the first system error code down the same chain, in the same walk', () => {
		const wrapped = { message: refusedCause.message, cause: undefined, errorResponse: refused };
		expect(failureOf(wrapped)).toEqual({ timedOut: false, code: 'ECONNREFUSED' });
		const timedOut = { timedOut: true, code: 'ECONNABORTED' };
		expect(failureOf({ message: 'aborted', cause: axiosTimeout })).toEqual(timedOut);
		expect(failureOf({ code: 'not-a-system-code' })).toEqual({ timedOut: false });
	});
});
