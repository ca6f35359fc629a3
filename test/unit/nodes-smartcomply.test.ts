// SmartComply Trigger's webhookMethods (checkExists / create / delete) through a typed IHookFunctions double whose
// httpRequestWithAuthentication does real HTTP to the fake SmartComply API, then webhook() with the stored secret.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NodeOperationError, type IDataObject, type IWebhookResponseData } from 'n8n-workflow';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openSealedSecret, providers, sign, SmartComplyApiError } from '../../src/internal';
import { smartComplyClient } from '../../nodes/SmartComplyTrigger/n8n-transport';
import { startHostileSmartComply, type HostileSmartComply } from '../fake/hostile-smartcomply.mjs';
import { SmartComplyTrigger } from '../../nodes/SmartComplyTrigger/SmartComplyTrigger.node';
import { startFakeSmartComply, type FakeSmartComply } from '../fake/smartcomply-server.mjs';
import { lowerCaseHeaders } from './helpers';
import { freshNode, hookContext, webhookContext, type HookDoubleOptions } from './n8n-doubles';

const TYPE = 'n8n-nodes-smart-webhooks.smartComplyTrigger';
const ALL_NON_TEST = (providers.smartComply.events ?? []).filter((e) => !e.test).map((e) => e.name);

let fake: FakeSmartComply;
/** A loopback HTTP server that hands each request to the trigger's webhook(), as n8n's webhook route would. */
let server: Server;
let origin: string;
let onRequest: (req: {
	headers: Record<string, unknown>;
	rawBody: Buffer;
}) => Promise<{ status: number; body: unknown }>;

beforeAll(async () => {
	fake = await startFakeSmartComply({ deliveryTimeoutMs: 5000 });
	server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			onRequest({
				headers: req.headers as Record<string, unknown>,
				rawBody: Buffer.concat(chunks),
			}).then(
				({ status, body }) => {
					res.writeHead(status, { 'Content-Type': 'application/json' });
					res.end(JSON.stringify(body));
				},
				() => {
					res.writeHead(599);
					res.end();
				},
			);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	await fake?.close();
	await new Promise((resolve) => server?.close(resolve));
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

async function expectNodeError(
	promise: Promise<unknown>,
	...mustNotContain: string[]
): Promise<NodeOperationError> {
	const error = await promise.then(
		() => {
			throw new Error('expected a NodeOperationError');
		},
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(NodeOperationError);
	const nodeError = error as NodeOperationError;
	for (const s of mustNotContain) {
		expect(nodeError.message).not.toContain(s);
		expect(String(nodeError.description ?? '')).not.toContain(s);
	}
	return nodeError;
}

describe('SmartComply Trigger registration (automatic)', () => {
	const prodUrl = () => `${origin}/webhook/wf-sc/webhook`;
	const testUrl = () => `${origin}/webhook-test/wf-sc/webhook`;

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
		expect(openSealedSecret(staticData.sealedSecret, fake.apiKey, endpoint.id)).toBe(
			endpoint.signing_secret,
		);
		// Through n8n's authenticated request helper, with the credential type, never a hand-made Authorization header.
		expect(http.length).toBeGreaterThan(0);
		expect(http.every((c) => c.credentialType === 'smartComplyApi')).toBe(true);
		expect(http.every((c) => !JSON.stringify(c.options.headers ?? {}).includes(fake.apiKey))).toBe(
			true,
		);
		expect(fake.requests.every((r) => r.authorized)).toBe(true);
	});

	it('create registers exactly the selected events (multi-select plus typed names)', async () => {
		const { context } = hooks(prodUrl(), {
			parameters: { events: ['notice.created'], otherEvents: 'report.generated' },
		});
		await methods.create.call(context);
		expect([...fake.endpoints.values()][0].events).toEqual(['notice.created', 'report.generated']);
	});

	it('checkExists is true after create, false once the endpoint is deleted at SmartComply, and never deletes', async () => {
		const ids = freshNode(TYPE);
		const staticData: IDataObject = {};
		const { context } = hooks(prodUrl(), { ids, staticData });
		expect(await methods.checkExists.call(context)).toBe(false); // nothing stored yet
		await methods.create.call(context);
		expect(await methods.checkExists.call(context)).toBe(true);
		fake.endpoints.delete(staticData.endpointId as string);
		expect(await methods.checkExists.call(context)).toBe(false);
		expect(fake.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
	});

	it('checkExists is false when the selected events changed (so n8n re-creates), without deleting anything', async () => {
		const staticData: IDataObject = {};
		await methods.create.call(hooks(prodUrl(), { staticData }).context);
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
		await methods.create.call(hooks(prodUrl(), { ids, staticData: prodData }).context);
		const prodId = prodData.endpointId as string;
		const prodSecret = openSealedSecret(prodData.sealedSecret, fake.apiKey, prodId) as string;
		const prodSealed = prodData.sealedSecret;

		const testData: IDataObject = {};
		const test = hooks(testUrl(), { ids, staticData: testData, mode: 'manual' });
		expect(await methods.checkExists.call(test.context)).toBe(false);
		await methods.create.call(test.context);
		expect(fake.endpoints.size).toBe(2);
		expect(fake.endpoints.get(prodId)?.signing_secret).toBe(prodSecret);
		expect(testData.endpointId).not.toBe(prodId);
		expect(fake.endpoints.get(testData.endpointId as string)?.url).toBe(testUrl());
		expect(fake.endpoints.get(testData.endpointId as string)?.description).toMatch(/\(test\)/);
		expect(prodData).toMatchObject({ endpointId: prodId, sealedSecret: prodSealed });

		await methods.delete.call(test.context);
		expect(fake.endpoints.has(prodId)).toBe(true);
		expect(fake.endpoints.size).toBe(1);
		expect(
			await methods.checkExists.call(hooks(prodUrl(), { ids, staticData: prodData }).context),
		).toBe(true);
	});

	it('delete removes the endpoint and clears the stored secret; already gone is fine', async () => {
		const staticData: IDataObject = {};
		const { context } = hooks(prodUrl(), { staticData });
		await methods.create.call(context);
		const id = staticData.endpointId as string;
		expect(await methods.delete.call(context)).toBe(true);
		expect(fake.endpoints.has(id)).toBe(false);
		expect(staticData).toEqual({});

		const again: IDataObject = {};
		const second = hooks(prodUrl(), { staticData: again });
		await methods.create.call(second.context);
		fake.endpoints.delete(again.endpointId as string); // removed in the dashboard meanwhile
		expect(await methods.delete.call(second.context)).toBe(true);
		expect(again).toEqual({});
		expect(await methods.delete.call(second.context)).toBe(true); // nothing stored: nothing to do
	});

	it('create with a bad API key throws a NodeOperationError that names no key, and stores nothing', async () => {
		const badKey = 'sc_live_BAD_KEY_0123456789abcdef';
		const staticData: IDataObject = {};
		const { context } = hooks(prodUrl(), { staticData, credentials: credential(badKey) });
		const error = await expectNodeError(
			methods.create.call(context),
			badKey,
			fake.apiKey,
			'BAD_KEY',
		);
		expect(error.message).toMatch(/401/);
		expect(staticData).toEqual({});
		expect(fake.endpoints.size).toBe(0);
		// checkExists with a stored registration has to ask the API, and fails as loudly.
		const stored: IDataObject = {};
		await methods.create.call(hooks(prodUrl(), { staticData: stored }).context);
		const check = hooks(prodUrl(), { staticData: stored, credentials: credential(badKey) });
		await expectNodeError(methods.checkExists.call(check.context), badKey, 'BAD_KEY');
		expect(fake.endpoints.size).toBe(1);
	});

	it('create when SmartComply fails (500) throws a NodeOperationError that names no key', async () => {
		const staticData: IDataObject = {};
		const { context } = hooks(prodUrl(), { staticData });
		fake.failNext({ status: 500, match: 'POST /webhooks/endpoints' });
		const error = await expectNodeError(methods.create.call(context), fake.apiKey);
		expect(error.message).toMatch(/500/);
		expect(staticData).toEqual({});
		expect(fake.endpoints.size).toBe(0);
	});

	it('delete when SmartComply fails throws instead of pretending, and keeps the state for a retry', async () => {
		const staticData: IDataObject = {};
		const { context } = hooks(prodUrl(), { staticData });
		await methods.create.call(context);
		fake.failNext({ status: 500, match: 'DELETE' });
		await expectNodeError(methods.delete.call(context), fake.apiKey);
		expect(staticData.endpointId).toBeDefined();
		expect(await methods.delete.call(context)).toBe(true);
		expect(fake.endpoints.size).toBe(0);
	});

	it('an unreachable API is a NodeOperationError too', async () => {
		const { context } = hooks(prodUrl(), {
			credentials: {
				smartComplyApi: { apiKey: fake.apiKey, baseUrl: 'http://127.0.0.1:9/api/v1' },
			},
		});
		const error = await expectNodeError(methods.create.call(context), fake.apiKey);
		expect(error.message).toMatch(/Could not reach SmartComply/);
	});

	it('a delivery signed with the stored secret is accepted by webhook(); the real test event runs the workflow', async () => {
		const ids = freshNode(TYPE);
		const staticData: IDataObject = {};
		const url = prodUrl();
		await methods.create.call(hooks(url, { ids, staticData }).context);

		// 1. Signed here with the stored secret.
		const payload = providers.smartComply.sample('notice.created');
		const rawBody = Buffer.from(JSON.stringify(payload));
		const storedSecret = openSealedSecret(
			staticData.sealedSecret,
			fake.apiKey,
			staticData.endpointId as string,
		) as string;
		const headers = lowerCaseHeaders(sign('smartComply', rawBody, storedSecret));
		const direct = webhookContext({
			request: { headers, rawBody },
			staticData,
			credentials: credential(),
			...ids,
		});
		expect(
			(await trigger.webhook!.call(direct.context)).workflowData?.[0]?.map((item) => item.json),
		).toEqual([payload]);

		// 2. SmartComply's own test delivery over HTTP, to a route that runs webhook() as n8n would.
		const runs: IWebhookResponseData[] = [];
		onRequest = async (req) => {
			const { context, response } = webhookContext({
				request: { headers: req.headers, rawBody: req.rawBody },
				staticData,
				credentials: credential(),
				...ids,
				webhookUrl: url,
			});
			const out = await trigger.webhook!.call(context);
			runs.push(out);
			return response.writes > 0
				? { status: response.statusCode ?? 200, body: response.body }
				: { status: 200, body: out.webhookResponse ?? { received: true } };
		};
		const record = await fake.sendTest(staticData.endpointId as string);
		expect(record.status).toBe(200);
		expect(runs).toHaveLength(1);
		expect(runs[0].workflowData?.[0][0].json).toMatchObject({
			type: 'webhook.test',
			id: record.eventId,
		});

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
		await methods.create.call(hooks(prodUrl(), { ids, staticData }).context);
		const secret = openSealedSecret(
			staticData.sealedSecret,
			fake.apiKey,
			staticData.endpointId as string,
		) as string;
		const rawBody = Buffer.from(JSON.stringify(providers.smartComply.sample('notice.created')));
		const headers = lowerCaseHeaders(sign('smartComply', rawBody, secret));
		const { context, response } = webhookContext({
			request: { headers, rawBody },
			staticData,
			credentials: credential('sc_live_replaced_key_0123456789'),
			...ids,
		});
		const out = await trigger.webhook!.call(context);
		expect(out.workflowData).toBeUndefined();
		expect(response.statusCode).toBe(500);
		expect(JSON.stringify(response.body)).not.toContain(secret);
	});
});

describe('SmartComply Trigger registration (manual, endpoint made in the dashboard)', () => {
	const manual = { registration: 'manual' };

	it('checkExists, create and delete do nothing at the API', async () => {
		const staticData: IDataObject = {};
		const { context, http } = hooks(`${origin}/webhook/wf-m/webhook`, {
			parameters: manual,
			staticData,
		});
		expect(await methods.checkExists.call(context)).toBe(true);
		expect(await methods.create.call(context)).toBe(true);
		expect(await methods.delete.call(context)).toBe(true);
		expect(http).toEqual([]);
		expect(fake.requests).toEqual([]);
		expect(staticData).toEqual({});
	});

	it('webhook() verifies with the credential signing secret', async () => {
		const secret = 'whsec_pasted_from_dashboard_42';
		const payload = providers.smartComply.sample('test.submitted');
		const rawBody = Buffer.from(JSON.stringify(payload));
		const ok = webhookContext({
			request: { headers: lowerCaseHeaders(sign('smartComply', rawBody, secret)), rawBody },
			parameters: manual,
			credentials: credential(fake.apiKey, { secret }),
			...freshNode(TYPE),
		});
		expect(
			(await trigger.webhook!.call(ok.context)).workflowData?.[0]?.map((item) => item.json),
		).toEqual([payload]);
		const bad = webhookContext({
			request: { headers: lowerCaseHeaders(sign('smartComply', rawBody, 'whsec_other')), rawBody },
			parameters: manual,
			credentials: credential(fake.apiKey, { secret }),
			...freshNode(TYPE),
		});
		expect(await trigger.webhook!.call(bad.context)).toEqual({ noWebhookResponse: true });
		expect(bad.response.statusCode).toBe(401);
		const empty = webhookContext({
			request: { headers: lowerCaseHeaders(sign('smartComply', rawBody, secret)), rawBody },
			parameters: manual,
			credentials: credential(fake.apiKey, { secret: '' }),
			...freshNode(TYPE),
		});
		await trigger.webhook!.call(empty.context);
		expect(empty.response.statusCode).toBe(401);
		expect((empty.response.body as { error: string }).error).toMatch(/not configured/);
	});
});

describe('failureOf (how the node tells a timeout from an unreachable API, on both n8n lines)', () => {
	it('finds the timeout in the error itself or down its cause chain', async () => {
		const { failureOf } = await import('../../nodes/SmartComplyTrigger/n8n-transport');
		const isTimeout = (error: unknown) => failureOf(error).timedOut;
		const axiosTimeout = Object.assign(new Error('timeout of 10000ms exceeded'), {
			code: 'ECONNABORTED',
		});
		// n8n 1.x: NodeApiError with its own wording, the HTTP library's error kept as cause
		const wrapped = Object.assign(
			new Error('The connection was aborted, perhaps the server is offline'),
			{ cause: axiosTimeout },
		);
		expect(isTimeout(axiosTimeout)).toBe(true);
		expect(isTimeout(wrapped)).toBe(true);
		// n8n 1.123 as observed: `cause` present but undefined, the original kept as errorResponse
		const nodeApiError = Object.assign(
			new Error('The connection was aborted, perhaps the server is offline'),
			{
				cause: undefined,
				errorResponse: axiosTimeout,
				messages: [],
			},
		);
		expect(isTimeout(nodeApiError)).toBe(true);
		expect(isTimeout({ message: 'aborted', messages: ['timeout of 10000ms exceeded'] })).toBe(true);
		expect(isTimeout(Object.assign(new Error('x'), { name: 'TimeoutError' }))).toBe(true);
		expect(isTimeout(new Error('The connection timed out, consider retrying'))).toBe(true);
		const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {
			code: 'ECONNREFUSED',
		});
		expect(isTimeout(refused)).toBe(false);
		expect(
			isTimeout(Object.assign(new Error('The service refused the connection'), { cause: refused })),
		).toBe(false);
		expect(isTimeout(undefined)).toBe(false);
		expect(isTimeout('timeout')).toBe(false);
		// a cycle in the chain ends the walk
		const a: { cause?: unknown; message: string } = { message: 'a' };
		a.cause = a;
		expect(isTimeout(a)).toBe(false);
	});

	it('names the first system error code down the same chain, in the same walk', async () => {
		const { failureOf } = await import('../../nodes/SmartComplyTrigger/n8n-transport');
		const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {
			code: 'ECONNREFUSED',
		});
		const wrapped = {
			message: 'The service refused the connection',
			cause: undefined,
			errorResponse: refused,
		};
		expect(failureOf(wrapped)).toEqual({ timedOut: false, code: 'ECONNREFUSED' });
		const timeout = Object.assign(new Error('timeout of 10000ms exceeded'), {
			code: 'ECONNABORTED',
		});
		expect(failureOf({ message: 'aborted', cause: timeout })).toEqual({
			timedOut: true,
			code: 'ECONNABORTED',
		});
		expect(failureOf({ code: 'not-a-system-code' })).toEqual({ timedOut: false });
	});
});

describe("the n8n transport against a hostile API, with n8n's helper in stream mode (as n8n 1.x and 2.x run it)", () => {
	/**
	 * httpRequestWithAuthentication the way n8n-core's convertN8nRequestToAxios treats the options the transport sets:
	 * no redirect followed (disableFollowRedirect → maxRedirects 0), abortSignal as the request's signal, the response
	 * stream handed back (encoding 'stream'), any status (ignoreHttpStatusErrors). The credential's header added.
	 */
	function streamingContext(apiKey: string, baseUrl: string) {
		const seen: Array<Record<string, unknown>> = [];
		const context = {
			getCredentials: async () => ({ apiKey, baseUrl, secret: '' }),
			helpers: {
				httpRequestWithAuthentication: (_type: string, options: Record<string, unknown>) =>
					new Promise((resolve, reject) => {
						seen.push(options);
						const body = options.body === undefined ? undefined : JSON.stringify(options.body);
						const req = httpRequest(
							String(options.url),
							{
								method: String(options.method),
								headers: {
									...(options.headers as Record<string, string>),
									Authorization: `Bearer ${apiKey}`,
									...(body ? { 'Content-Type': 'application/json' } : {}),
								},
								signal: options.abortSignal as AbortSignal,
							},
							(res) => resolve({ statusCode: res.statusCode, headers: res.headers, body: res }),
						);
						req.on('error', reject);
						req.end(body);
					}),
			},
		};
		return { context: context as unknown as Parameters<typeof smartComplyClient>[0], seen };
	}

	let api: HostileSmartComply;
	beforeAll(async () => {
		api = await startHostileSmartComply();
	});
	afterAll(async () => api?.close());
	afterEach(() => api.reset());

	async function refusal(promise: Promise<unknown>) {
		const error = (await promise.then(
			() => new Error('expected a failure'),
			(e: unknown) => e,
		)) as SmartComplyApiError;
		expect(error).toBeInstanceOf(SmartComplyApiError);
		const text = `${error.message}\n${error.stack}\n${JSON.stringify(error)}`;
		expect(text).not.toContain(api.apiKey);
		for (const secret of api.issuedSecrets) expect(text).not.toContain(secret);
		return error;
	}

	it("sets the options that bound n8n's helper, and registers through it", async () => {
		const { context, seen } = streamingContext(api.apiKey, api.url);
		const client = await smartComplyClient(context);
		const created = await client.createEndpoint({
			url: 'https://n8n.example.com/webhook/x/webhook',
			events: ['notice.created'],
		});
		expect(api.endpoints.get(created.id)?.signing_secret).toBe(created.signing_secret);
		expect(seen[0]).toMatchObject({
			disableFollowRedirect: true,
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		});
		expect(seen[0].abortSignal).toBeInstanceOf(AbortSignal);
		// n8n adds the key: the client does not put it in the options
		expect(JSON.stringify(seen[0].headers)).not.toContain(api.apiKey);
	});

	it('a redirect is refused and the other origin sees nothing; an echoed key is masked', async () => {
		const { context } = streamingContext(api.apiKey, api.url);
		const client = await smartComplyClient(context);
		api.behave({ list: 'redirect', delete: 'echo' });
		expect((await refusal(client.listEndpoints())).code).toBe('redirected');
		const echoed = await refusal(client.deleteEndpoint('whe_abc'));
		expect(echoed.message).toContain('(Authorization: Bearer …)');
		expect(api.elsewhereRequests).toHaveLength(0);
	});

	it('an endless answer stops past the 2 MiB cap, the server sees the hang-up, bytes bounded', async () => {
		const { context } = streamingContext(api.apiKey, api.url);
		const client = await smartComplyClient(context);
		api.behave({ list: 'endless' }, { maxBytes: 256 * 1024 * 1024 });
		expect((await refusal(client.listEndpoints())).code).toBe('too_large');
		for (let i = 0; i < 200 && !api.exchanges[0]?.clientHungUp; i++)
			await new Promise((r) => setTimeout(r, 25));
		expect(api.exchanges[0].clientHungUp).toBe(true);
		expect(api.exchanges[0].bytesWritten).toBeLessThan(32 * 1024 * 1024);
	});

	it('a refused connection is "network" with the system code, and n8n\'s error (which holds the request) is not kept', async () => {
		const { context } = streamingContext(api.apiKey, 'http://127.0.0.1:9/api/v1');
		const client = await smartComplyClient(context);
		const error = await refusal(client.listEndpoints());
		expect(error.code).toBe('network');
		expect((error.cause as Error).message).toMatch(/could not connect \(ECONNREFUSED\)/);
		expect((error.cause as Error).cause).toBeUndefined();
	});
});
