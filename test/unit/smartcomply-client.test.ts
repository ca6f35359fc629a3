// The SmartComply API client and the registration helpers against the real HTTP fake on 127.0.0.1 (no mocked fetch).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
	SmartComplyApiError,
	SmartComplyClient,
	endpointIsCurrent,
	openSealedSecret,
	sealSecret,
	receive,
	registerEndpoint,
	unregisterEndpoint,
	type ReceiveResult,
	type SmartComplyErrorCode,
} from '../../src/internal';
import { normaliseBaseUrl, redact, SMARTCOMPLY_DEFAULT_BASE_URL } from '../../src/smartcomply/api';
import { startFakeSmartComply, type FakeSmartComply } from '../fake/smartcomply-server.mjs';

/** A real webhook receiver on loopback that runs receive('smartComply', …) with whatever secret it is given. */
interface Receiver {
	url: string;
	secret: string;
	results: ReceiveResult[];
	close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
	const receiver = { secret: '', results: [] as ReceiveResult[] } as Receiver;
	const server: Server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const result = receive(
				'smartComply',
				{ headers: req.headers, rawBody: Buffer.concat(chunks) },
				{ secret: receiver.secret },
			);
			receiver.results.push(result);
			res.writeHead(result.status, { 'Content-Type': 'application/json' });
			res.end(
				JSON.stringify(result.status === 200 ? { received: true } : { error: result.reason }),
			);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/abc/webhook`;
	receiver.close = () => new Promise((resolve) => server.close(() => resolve()));
	return receiver;
}

async function expectApiError(
	promise: Promise<unknown>,
	code: SmartComplyErrorCode,
	...mustNotContain: string[]
): Promise<SmartComplyApiError> {
	const error = await promise.then(
		() => {
			throw new Error(`expected a ${code} error, got success`);
		},
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(SmartComplyApiError);
	const apiError = error as SmartComplyApiError;
	expect(apiError.code).toBe(code);
	for (const secret of mustNotContain) {
		expect(apiError.message).not.toContain(secret);
		expect(String(apiError.stack)).not.toContain(secret);
	}
	return apiError;
}

let fake: FakeSmartComply;
let receiver: Receiver;
let client: SmartComplyClient;

beforeAll(async () => {
	fake = await startFakeSmartComply({ deliveryTimeoutMs: 5000 });
	receiver = await startReceiver();
	client = new SmartComplyClient({ baseUrl: fake.url, apiKey: fake.apiKey, timeoutMs: 5000 });
});

afterAll(async () => {
	await fake?.close();
	await receiver?.close();
});

afterEach(() => {
	fake.endpoints.clear();
	fake.deliveries.length = 0;
	fake.requests.length = 0;
	receiver.results.length = 0;
	receiver.secret = '';
});

describe('SmartComplyClient against the fake API', () => {
	it('creates an endpoint and returns its signing secret once', async () => {
		const created = await client.createEndpoint({
			url: receiver.url,
			events: ['test.submitted', 'notice.created'],
			description: 'unit',
		});
		expect(created.id).toMatch(/^whe_/);
		expect(created.signing_secret).toMatch(/^whsec_/);
		expect(created).toMatchObject({
			url: receiver.url,
			events: ['test.submitted', 'notice.created'],
			description: 'unit',
			status: 'active',
		});
		expect(fake.endpoints.get(created.id)?.signing_secret).toBe(created.signing_secret);
		expect(fake.requests.at(-1)).toEqual({
			method: 'POST',
			path: '/webhooks/endpoints',
			authorized: true,
		});
	});

	it('lists and reads endpoints without their secrets', async () => {
		const a = await client.createEndpoint({
			url: 'https://a.example/hook',
			events: ['notice.created'],
		});
		const b = await client.createEndpoint({
			url: 'https://b.example/hook',
			events: ['test.submitted'],
		});
		const list = await client.listEndpoints();
		expect(list.map((e) => e.id).sort()).toEqual([a.id, b.id].sort());
		expect(list.every((e) => !('signing_secret' in e))).toBe(true);
		const one = await client.getEndpoint(b.id);
		expect(one).toMatchObject({
			id: b.id,
			url: 'https://b.example/hook',
			events: ['test.submitted'],
		});
		expect(one).not.toHaveProperty('signing_secret');
		expect(await client.getEndpoint('whe_doesnotexist')).toBeUndefined();
	});

	it('deletes an endpoint; deleting one already gone answers false', async () => {
		const a = await client.createEndpoint({
			url: 'https://a.example/hook',
			events: ['notice.created'],
		});
		expect(await client.deleteEndpoint(a.id)).toBe(true);
		expect(fake.endpoints.has(a.id)).toBe(false);
		expect(await client.deleteEndpoint(a.id)).toBe(false);
		expect(await client.getEndpoint(a.id)).toBeUndefined();
	});

	it('refuses endpoint ids not of the documented shape before any request', async () => {
		for (const id of ['../../__control/state', '..', 'whe_a/b', 'whe_', 'ep_1', 'whe_a%2F..']) {
			await expectApiError(client.getEndpoint(id), 'invalid_endpoint_id');
			await expectApiError(client.deleteEndpoint(id), 'invalid_endpoint_id');
		}
		expect(fake.requests).toHaveLength(0);
	});

	it('sendTestEvent makes SmartComply deliver a signed webhook.test that receive() accepts with the returned secret', async () => {
		const created = await client.createEndpoint({ url: receiver.url, events: ['notice.created'] });
		receiver.secret = created.signing_secret;
		await client.sendTestEvent(created.id);
		expect(fake.deliveries).toHaveLength(1);
		expect(fake.deliveries[0].status).toBe(200);
		expect(receiver.results).toHaveLength(1);
		const result = receiver.results[0];
		expect(result.status).toBe(200);
		expect(result.event).toBe('webhook.test');
		expect(result.test).toBe(true);
		expect(result.verified).toBe('signature');
		expect(result.deliveryId).toBe(fake.deliveries[0].eventId);
		expect(result.items[0]).toMatchObject({
			type: 'webhook.test',
			id: fake.deliveries[0].eventId,
			data: { endpoint_id: created.id },
		});
	});

	it('a test delivery checked with another secret is refused (401) by the receiver', async () => {
		const created = await client.createEndpoint({ url: receiver.url, events: ['notice.created'] });
		receiver.secret = 'whsec_not_the_right_one';
		await client.sendTestEvent(created.id);
		expect(fake.deliveries[0].status).toBe(401);
		expect(fake.deliveries[0].body).not.toContain(created.signing_secret);
	});

	it('rotateSecret returns a new secret that signs the next deliveries', async () => {
		const created = await client.createEndpoint({ url: receiver.url, events: ['notice.created'] });
		const rotated = await client.rotateSecret(created.id);
		expect(rotated).toMatch(/^whsec_/);
		expect(rotated).not.toBe(created.signing_secret);
		expect(fake.endpoints.get(created.id)?.signing_secret).toBe(rotated);
		receiver.secret = created.signing_secret;
		await client.sendTestEvent(created.id);
		expect(receiver.results.at(-1)?.status).toBe(401);
		receiver.secret = rotated;
		await client.sendTestEvent(created.id);
		expect(receiver.results.at(-1)?.status).toBe(200);
	});

	it('sendTestEvent and rotateSecret on a missing endpoint fail with not_found', async () => {
		await expectApiError(client.sendTestEvent('whe_gone'), 'not_found');
		await expectApiError(client.rotateSecret('whe_gone'), 'not_found');
	});

	it('a refused create (422) is "rejected" with the server message', async () => {
		const error = await expectApiError(
			client.createEndpoint({ url: 'ftp://nope', events: ['notice.created'] }),
			'rejected',
			fake.apiKey,
		);
		expect(error.status).toBe(422);
		expect(error.message).toContain('url must be an http(s) URL');
	});
});

describe('SmartComplyClient failures', () => {
	it('a bad API key is "unauthorized", and the message never contains the key', async () => {
		const badKey = 'sc_live_THIS_KEY_IS_WRONG_1234567890';
		const bad = new SmartComplyClient({ baseUrl: fake.url, apiKey: badKey });
		const error = await expectApiError(
			bad.createEndpoint({ url: receiver.url, events: ['notice.created'] }),
			'unauthorized',
			badKey,
			fake.apiKey,
			'THIS_KEY',
		);
		expect(error.status).toBe(401);
		await expectApiError(bad.listEndpoints(), 'unauthorized', badKey);
		await expectApiError(bad.getEndpoint('whe_x'), 'unauthorized', badKey);
		await expectApiError(bad.deleteEndpoint('whe_x'), 'unauthorized', badKey);
		expect(fake.requests.every((r) => r.authorized === false)).toBe(true);
		const none = new SmartComplyClient({ baseUrl: fake.url });
		await expectApiError(none.listEndpoints(), 'unauthorized');
	});

	it('a 500 is "server_error"', async () => {
		fake.failNext({ status: 500 });
		const error = await expectApiError(client.listEndpoints(), 'server_error', fake.apiKey);
		expect(error.status).toBe(500);
		// Only the next call failed.
		expect(await client.listEndpoints()).toEqual([]);
	});

	it.each([
		[403, 'forbidden'],
		[429, 'rate_limited'],
		[503, 'server_error'],
	] as const)('a %i is "%s"', async (status, code) => {
		fake.failNext({ status });
		await expectApiError(
			client.createEndpoint({ url: receiver.url, events: ['notice.created'] }),
			code,
			fake.apiKey,
		);
		expect(fake.endpoints.size).toBe(0);
	});

	it('an answer later than timeoutMs is "timeout"', async () => {
		const quick = new SmartComplyClient({ baseUrl: fake.url, apiKey: fake.apiKey, timeoutMs: 200 });
		fake.failNext({ delayMs: 1500 });
		// The fake answers only after 1.5 s: a 'timeout' (not the answer) is what shows the client gave up first; how
		// long that took is not asserted (machine speed). test/unit/smartcomply-hostile.test.ts bounds it in bytes.
		const error = await expectApiError(quick.listEndpoints(), 'timeout', fake.apiKey);
		expect(fake.requests).toHaveLength(1);
		expect(error.message).toContain('0.2 s');
	});

	it('a closed port is "network"', async () => {
		const probe = createServer();
		await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
		const port = (probe.address() as AddressInfo).port;
		await new Promise((resolve) => probe.close(resolve));
		const closed = new SmartComplyClient({
			baseUrl: `http://127.0.0.1:${port}/api/v1`,
			apiKey: fake.apiKey,
			timeoutMs: 2000,
		});
		const error = await expectApiError(closed.listEndpoints(), 'network', fake.apiKey);
		expect(error.message).toContain(`127.0.0.1:${port}`);
	});

	it('an answer of the wrong shape is "invalid_response"', async () => {
		const wrongPlace = new SmartComplyClient({ baseUrl: fake.origin, apiKey: fake.apiKey });
		// The fake's control endpoint answers 200 with something that is not an endpoint list.
		await expectApiError(
			new SmartComplyClient({
				baseUrl: `${fake.origin}/__control/state#`,
				apiKey: fake.apiKey,
			}).getEndpoint('whe_x'),
			'invalid_response',
		);
		await expectApiError(wrongPlace.listEndpoints(), 'not_found');
	});

	it('an invalid base URL is refused before any request', () => {
		for (const base of [
			'not a url',
			'ftp://app.smartcomply.app/api/v1',
			'javascript:alert(1)',
			'file:///etc/passwd',
		]) {
			let error: unknown;
			try {
				new SmartComplyClient({ baseUrl: base, apiKey: 'sc_live_x' });
			} catch (e) {
				error = e;
			}
			expect(error).toBeInstanceOf(SmartComplyApiError);
			expect((error as SmartComplyApiError).code).toBe('invalid_base_url');
		}
		expect(normaliseBaseUrl(undefined)).toBe(SMARTCOMPLY_DEFAULT_BASE_URL);
		expect(normaliseBaseUrl('  ')).toBe(SMARTCOMPLY_DEFAULT_BASE_URL);
		expect(normaliseBaseUrl('http://127.0.0.1:9/api/v1///')).toBe('http://127.0.0.1:9/api/v1');
	});

	it('redact() masks keys and secrets', () => {
		const out = redact(
			'key sc_live_abcDEF123 secret whsec_XYZ-987 custom my-own-secret',
			'my-own-secret',
		);
		expect(out).not.toContain('abcDEF123');
		expect(out).not.toContain('XYZ-987');
		expect(out).not.toContain('my-own-secret');
		expect(out).toContain('sc_live_');
	});
});

describe('registration helpers', () => {
	const url = 'https://n8n.example.com/webhook/wf1/webhook';

	it('registerEndpoint removes stale endpoints with the same URL and keeps the others', async () => {
		const stale1 = await client.createEndpoint({ url, events: ['notice.created'] });
		const stale2 = await client.createEndpoint({ url, events: ['test.submitted'] });
		const other = await client.createEndpoint({
			url: 'https://n8n.example.com/webhook-test/wf1/webhook',
			events: ['notice.created'],
		});
		const state = await registerEndpoint(client, {
			webhookUrl: url,
			events: ['notice.created', 'test.submitted'],
			description: 'n8n: wf → node',
		});
		expect(fake.endpoints.has(stale1.id)).toBe(false);
		expect(fake.endpoints.has(stale2.id)).toBe(false);
		expect(fake.endpoints.has(other.id)).toBe(true);
		const mine = [...fake.endpoints.values()].filter((e) => e.url === url);
		expect(mine).toHaveLength(1);
		expect(state).toEqual({
			endpointId: mine[0].id,
			signingSecret: mine[0].signing_secret,
			webhookUrl: url,
			events: ['notice.created', 'test.submitted'],
		});
		expect(mine[0]).toMatchObject({
			events: ['notice.created', 'test.submitted'],
			description: 'n8n: wf → node',
		});
	});

	it('registerEndpoint removes the endpoint recorded from an earlier URL (n8n moved), and tolerates it being gone', async () => {
		const oldUrl = 'https://old-host.example.com/webhook/wf1/webhook';
		const first = await registerEndpoint(client, {
			webhookUrl: oldUrl,
			events: ['notice.created'],
			description: 'x',
		});
		const second = await registerEndpoint(
			client,
			{ webhookUrl: url, events: ['notice.created'], description: 'x' },
			first,
		);
		expect(fake.endpoints.has(first.endpointId!)).toBe(false);
		expect(fake.endpoints.get(second.endpointId!)?.url).toBe(url);
		fake.endpoints.delete(second.endpointId!);
		const third = await registerEndpoint(
			client,
			{ webhookUrl: url, events: ['notice.created'], description: 'x' },
			second,
		);
		expect([...fake.endpoints.values()].filter((e) => e.url === url).map((e) => e.id)).toEqual([
			third.endpointId,
		]);
	});

	it('registerEndpoint still registers when listing is not supported (404)', async () => {
		fake.failNext({ status: 404, match: 'GET /webhooks/endpoints' });
		const state = await registerEndpoint(client, {
			webhookUrl: url,
			events: ['notice.created'],
			description: 'x',
		});
		expect(fake.endpoints.get(state.endpointId!)?.url).toBe(url);
	});

	it('registerEndpoint fails loudly when listing fails for another reason, and creates nothing', async () => {
		fake.failNext({ status: 500, match: 'GET /webhooks/endpoints' });
		await expectApiError(
			registerEndpoint(client, { webhookUrl: url, events: ['notice.created'], description: 'x' }),
			'server_error',
		);
		expect(fake.endpoints.size).toBe(0);
	});

	it('endpointIsCurrent: true while registered as stored; false when deleted at the API, events or URL changed, or no secret', async () => {
		const state = await registerEndpoint(client, {
			webhookUrl: url,
			events: ['notice.created', 'test.submitted'],
			description: 'x',
		});
		expect(await endpointIsCurrent(client, state, url, ['test.submitted', 'notice.created'])).toBe(
			true,
		);
		expect(await endpointIsCurrent(client, state, url, ['notice.created'])).toBe(false);
		expect(
			await endpointIsCurrent(client, state, url, [
				'notice.created',
				'test.submitted',
				'webhook.test',
			]),
		).toBe(false);
		expect(
			await endpointIsCurrent(client, state, url.replace('/webhook/', '/webhook-test/'), [
				'notice.created',
				'test.submitted',
			]),
		).toBe(false);
		expect(
			await endpointIsCurrent(client, { ...state, signingSecret: undefined }, url, [
				'notice.created',
				'test.submitted',
			]),
		).toBe(false);
		expect(await endpointIsCurrent(client, {}, url, ['notice.created'])).toBe(false);
		// Changed at the API (someone edited the URL in the dashboard).
		fake.endpoints.get(state.endpointId!)!.url = 'https://elsewhere.example/hook';
		expect(await endpointIsCurrent(client, state, url, ['notice.created', 'test.submitted'])).toBe(
			false,
		);
		fake.endpoints.get(state.endpointId!)!.url = url;
		fake.endpoints.delete(state.endpointId!);
		expect(await endpointIsCurrent(client, state, url, ['notice.created', 'test.submitted'])).toBe(
			false,
		);
		// Only reads: nothing was ever deleted or created by the checks.
		expect(fake.requests.filter((r) => r.method !== 'GET').map((r) => r.method)).toEqual(['POST']);
	});

	it('endpointIsCurrent surfaces API failures instead of guessing', async () => {
		const state = await registerEndpoint(client, {
			webhookUrl: url,
			events: ['notice.created'],
			description: 'x',
		});
		fake.failNext({ status: 500 });
		await expectApiError(endpointIsCurrent(client, state, url, ['notice.created']), 'server_error');
	});

	it('unregisterEndpoint removes the endpoint and tolerates one already gone', async () => {
		const state = await registerEndpoint(client, {
			webhookUrl: url,
			events: ['notice.created'],
			description: 'x',
		});
		await unregisterEndpoint(client, state);
		expect(fake.endpoints.size).toBe(0);
		await expect(unregisterEndpoint(client, state)).resolves.toBeUndefined();
		const before = fake.requests.length;
		await unregisterEndpoint(client, {});
		expect(fake.requests.length).toBe(before);
	});

	it('unregisterEndpoint reports a real failure', async () => {
		const state = await registerEndpoint(client, {
			webhookUrl: url,
			events: ['notice.created'],
			description: 'x',
		});
		fake.failNext({ status: 500, match: 'DELETE' });
		await expectApiError(unregisterEndpoint(client, state), 'server_error');
		expect(fake.endpoints.has(state.endpointId!)).toBe(true);
	});
});

describe('sealSecret / openSealedSecret (how the node keeps the returned signing secret in static data)', () => {
	const secret = 'whsec_4d1c5e0b9a7f4b2e8c3d6a1f0e9b8c7d';
	const apiKey = 'sc_live_0123456789abcdefghijklmnop';

	it('round-trips, never contains the secret, and differs each time (fresh IV)', () => {
		const a = sealSecret(secret, apiKey, 'ep_1');
		const b = sealSecret(secret, apiKey, 'ep_1');
		expect(a).not.toBe(b);
		expect(a).not.toContain(secret);
		expect(a).toMatch(/^sc1\.[\w-]+\.[\w-]+\.[\w-]+$/);
		expect(openSealedSecret(a, apiKey, 'ep_1')).toBe(secret);
		expect(openSealedSecret(b, apiKey, 'ep_1')).toBe(secret);
	});

	it('opens with nothing but the same API key and endpoint id, and refuses any altered text', () => {
		const sealed = sealSecret(secret, apiKey, 'ep_1');
		expect(openSealedSecret(sealed, `${apiKey}x`, 'ep_1')).toBeUndefined();
		expect(openSealedSecret(sealed, apiKey, 'ep_2')).toBeUndefined();
		const parts = sealed.split('.');
		for (let i = 1; i < parts.length; i++) {
			const flipped = [...parts];
			flipped[i] = (flipped[i][0] === 'A' ? 'B' : 'A') + flipped[i].slice(1);
			expect(openSealedSecret(flipped.join('.'), apiKey, 'ep_1')).toBeUndefined();
		}
	});

	it('is total on garbage', () => {
		for (const junk of [
			undefined,
			null,
			42,
			{},
			'',
			'sc1',
			'sc1...',
			'sc2.a.b.c',
			`${sealSecret(secret, apiKey, 'e')}.x`,
			'x'.repeat(10_000),
		]) {
			expect(openSealedSecret(junk, apiKey, 'e')).toBeUndefined();
		}
	});
});
