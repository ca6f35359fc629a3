// The SmartComply API client and the registration helpers against the real HTTP fake on 127.0.0.1 (no mocked fetch).
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
} from '../../src/internal';
import { normaliseBaseUrl, redact, SMARTCOMPLY_DEFAULT_BASE_URL } from '../../src/smartcomply/api';
import { startFakeSmartComply, type FakeSmartComply } from '../fake/smartcomply-server.mjs';
import { expectApiError, loopback } from './helpers';

let fake: FakeSmartComply;
let client: SmartComplyClient;
/**
 * A real webhook receiver on loopback that runs receive('smartComply', …) with whatever secret it is given, or, as a
 * stand-in trigger, gives a set answer.
 */
const receiver = {
	url: '',
	secret: '',
	results: [] as ReceiveResult[],
	answer: undefined as { status: number; body: string } | undefined,
	close: async () => {},
};

beforeAll(async () => {
	fake = await startFakeSmartComply({ deliveryTimeoutMs: 5000 });
	const server = await loopback((request) => {
		if (receiver.answer) return receiver.answer;
		const result = receive('smartComply', request, { secret: receiver.secret });
		receiver.results.push(result);
		const body = result.status === 200 ? { received: true } : { error: result.reason };
		return { status: result.status, body: JSON.stringify(body) };
	});
	receiver.url = `${server.origin}/webhook/abc/webhook`;
	receiver.close = async () => void (await server.close());
	client = new SmartComplyClient({ baseUrl: fake.url, apiKey: fake.apiKey, timeoutMs: 5000 });
});

afterAll(async () => {
	await fake?.close();
	await receiver.close();
});

afterEach(() => {
	fake.endpoints.clear();
	fake.deliveries.length = 0;
	fake.requests.length = 0;
	receiver.results.length = 0;
	receiver.secret = '';
	receiver.answer = undefined;
});

const create = (url = receiver.url, events = ['notice.created']) =>
	client.createEndpoint({ url, events });

describe('SmartComplyClient against the fake API', () => {
	it('creates an endpoint and returns its signing secret once', async () => {
		const events = ['test.submitted', 'notice.created'];
		const asked = { url: receiver.url, events, description: 'unit' };
		const created = await client.createEndpoint(asked);
		expect(created.id).toMatch(/^whe_/);
		expect(created.signing_secret).toMatch(/^whsec_/);
		expect(created).toMatchObject({ ...asked, status: 'active' });
		expect(fake.endpoints.get(created.id)?.signing_secret).toBe(created.signing_secret);
		const request = { method: 'POST', path: '/webhooks/endpoints', authorized: true };
		expect(fake.requests.at(-1)).toEqual(request);
	});

	it('lists and reads endpoints without their secrets', async () => {
		const a = await create('https://a.example/hook');
		const b = await create('https://b.example/hook', ['test.submitted']);
		const list = await client.listEndpoints();
		expect(list.map((e) => e.id).sort()).toEqual([a.id, b.id].sort());
		expect(list.every((e) => !('signing_secret' in e))).toBe(true);
		const one = await client.getEndpoint(b.id);
		expect(one).toMatchObject({ id: b.id, url: b.url, events: ['test.submitted'] });
		expect(b.url).toBe('https://b.example/hook');
		expect(one).not.toHaveProperty('signing_secret');
		expect(await client.getEndpoint('whe_doesnotexist')).toBeUndefined();
	});

	it('deletes an endpoint; deleting one already gone answers false', async () => {
		const a = await create('https://a.example/hook');
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
		const created = await create();
		receiver.secret = created.signing_secret;
		await client.sendTestEvent(created.id);
		expect(fake.deliveries).toHaveLength(1);
		expect(fake.deliveries[0].status).toBe(200);
		expect(receiver.results).toHaveLength(1);
		const result = receiver.results[0];
		const { eventId } = fake.deliveries[0];
		expect(result).toMatchObject({ status: 200, event: 'webhook.test', test: true });
		expect(result).toMatchObject({ verified: 'signature', deliveryId: eventId });
		const data = { endpoint_id: created.id };
		expect(result.items[0]).toMatchObject({ type: 'webhook.test', id: eventId, data });
	});

	it('a test delivery checked with another secret is refused (401) by the receiver', async () => {
		const created = await create();
		receiver.secret = 'whsec_not_the_right_one';
		await client.sendTestEvent(created.id);
		expect(fake.deliveries[0].status).toBe(401);
		expect(fake.deliveries[0].body).not.toContain(created.signing_secret);
	});

	it('rotateSecret returns a new secret that signs the next deliveries', async () => {
		const created = await create();
		const rotated = await client.rotateSecret(created.id);
		expect(rotated).toMatch(/^whsec_/);
		expect(rotated).not.toBe(created.signing_secret);
		expect(fake.endpoints.get(created.id)?.signing_secret).toBe(rotated);
		const rounds = [[created.signing_secret, 401] as const, [rotated, 200] as const];
		for (const [secret, status] of rounds) {
			receiver.secret = secret;
			await client.sendTestEvent(created.id);
			expect(receiver.results.at(-1)?.status).toBe(status);
		}
	});

	it('sendTestEvent and rotateSecret on a missing endpoint fail with not_found', async () => {
		await expectApiError(client.sendTestEvent('whe_gone'), 'not_found');
		await expectApiError(client.rotateSecret('whe_gone'), 'not_found');
	});

	it('a refused create (422) is "rejected" with the server message', async () => {
		const error = await expectApiError(create('ftp://nope'), 'rejected', fake.apiKey);
		expect(error.status).toBe(422);
		expect(error.message).toContain('url must be an http(s) URL');
	});
});

describe('SmartComplyClient failures', () => {
	it('a bad API key is "unauthorized", and the message never contains the key', async () => {
		const badKey = 'sc_live_THIS_KEY_IS_WRONG_1234567890';
		const bad = new SmartComplyClient({ baseUrl: fake.url, apiKey: badKey });
		const attempt = bad.createEndpoint({ url: receiver.url, events: ['notice.created'] });
		const error = await expectApiError(attempt, 'unauthorized', badKey, fake.apiKey, 'THIS_KEY');
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

	const statuses = [
		[403, 'forbidden'],
		[429, 'rate_limited'],
		[503, 'server_error'],
	] as const;
	it.each(statuses)('a %i is "%s"', async (status, code) => {
		fake.failNext({ status });
		await expectApiError(create(), code, fake.apiKey);
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
		const probe = await loopback(() => ({ status: 200, body: '' }));
		await probe.close();
		const baseUrl = `${probe.origin}/api/v1`;
		const closed = new SmartComplyClient({ baseUrl, apiKey: fake.apiKey, timeoutMs: 2000 });
		const error = await expectApiError(closed.listEndpoints(), 'network', fake.apiKey);
		expect(error.message).toContain(probe.origin.slice('http://'.length));
	});

	it('an answer of the wrong shape is "invalid_response"', async () => {
		// The fake's control endpoint answers 200 with something that is not an endpoint list.
		const baseUrl = `${fake.origin}/__control/state#`;
		const control = new SmartComplyClient({ baseUrl, apiKey: fake.apiKey });
		await expectApiError(control.getEndpoint('whe_x'), 'invalid_response');
		const wrongPlace = new SmartComplyClient({ baseUrl: fake.origin, apiKey: fake.apiKey });
		await expectApiError(wrongPlace.listEndpoints(), 'not_found');
	});

	const invalidBaseUrls = ['not a url', 'ftp://app.smartcomply.app/api/v1', 'javascript:alert(1)'];
	it.each([...invalidBaseUrls, 'file:///etc/passwd'])(
		'an invalid base URL (%s) is refused before any request',
		(baseUrl) => {
			const make = () => new SmartComplyClient({ baseUrl, apiKey: 'sc_live_x' });
			expect(make).toThrow(SmartComplyApiError);
			expect(make).toThrow(expect.objectContaining({ code: 'invalid_base_url' }));
		},
	);

	it('normaliseBaseUrl defaults a missing base URL and drops trailing slashes', () => {
		expect(normaliseBaseUrl(undefined)).toBe(SMARTCOMPLY_DEFAULT_BASE_URL);
		expect(normaliseBaseUrl('  ')).toBe(SMARTCOMPLY_DEFAULT_BASE_URL);
		expect(normaliseBaseUrl('http://127.0.0.1:9/api/v1///')).toBe('http://127.0.0.1:9/api/v1');
	});

	it('redact() masks keys and secrets', () => {
		const text = 'key sc_live_abcDEF123 secret whsec_XYZ-987 custom my-own-secret';
		const out = redact(text, 'my-own-secret');
		expect(out).not.toContain('abcDEF123');
		expect(out).not.toContain('XYZ-987');
		expect(out).not.toContain('my-own-secret');
		expect(out).toContain('sc_live_');
	});
});

describe('registration helpers', () => {
	const url = 'https://n8n.example.com/webhook/wf1/webhook';
	const both = ['notice.created', 'test.submitted'];
	const register = (
		previous?: Parameters<typeof registerEndpoint>[2],
		webhookUrl = url,
		events = ['notice.created'],
	) => registerEndpoint(client, { webhookUrl, events, description: 'x' }, previous);
	const current = (state: Parameters<typeof endpointIsCurrent>[1], at = url, events = both) =>
		endpointIsCurrent(client, state, at, events);

	it('registerEndpoint removes stale endpoints with the same URL and keeps the others', async () => {
		const stale1 = await create(url);
		const stale2 = await create(url, ['test.submitted']);
		const other = await create('https://n8n.example.com/webhook-test/wf1/webhook');
		const description = 'n8n: wf → node';
		const state = await registerEndpoint(client, { webhookUrl: url, events: both, description });
		expect(fake.endpoints.has(stale1.id)).toBe(false);
		expect(fake.endpoints.has(stale2.id)).toBe(false);
		expect(fake.endpoints.has(other.id)).toBe(true);
		const mine = [...fake.endpoints.values()].filter((e) => e.url === url);
		expect(mine).toHaveLength(1);
		const [{ id: endpointId, signing_secret: signingSecret }] = mine;
		expect(state).toEqual({ endpointId, signingSecret, webhookUrl: url, events: both });
		expect(mine[0]).toMatchObject({ events: both, description });
	});

	it('registerEndpoint removes the endpoint recorded from an earlier URL (n8n moved), and tolerates it being gone', async () => {
		const first = await register(undefined, 'https://old-host.example.com/webhook/wf1/webhook');
		const second = await register(first);
		expect(fake.endpoints.has(first.endpointId!)).toBe(false);
		expect(fake.endpoints.get(second.endpointId!)?.url).toBe(url);
		fake.endpoints.delete(second.endpointId!);
		const third = await register(second);
		const atUrl = [...fake.endpoints.values()].filter((e) => e.url === url);
		expect(atUrl.map((e) => e.id)).toEqual([third.endpointId]);
	});

	it('registerEndpoint still registers when listing is not supported (404)', async () => {
		fake.failNext({ status: 404, match: 'GET /webhooks/endpoints' });
		const state = await register();
		expect(fake.endpoints.get(state.endpointId!)?.url).toBe(url);
	});

	it('registerEndpoint fails loudly when listing fails for another reason, and creates nothing', async () => {
		fake.failNext({ status: 500, match: 'GET /webhooks/endpoints' });
		await expectApiError(register(), 'server_error');
		expect(fake.endpoints.size).toBe(0);
	});

	it('endpointIsCurrent: true while registered as stored; false when deleted at the API, events or URL changed, or no secret', async () => {
		const state = await register(undefined, url, both);
		expect(await current(state, url, ['test.submitted', 'notice.created'])).toBe(true);
		expect(await current(state, url, ['notice.created'])).toBe(false);
		expect(await current(state, url, [...both, 'webhook.test'])).toBe(false);
		expect(await current(state, url.replace('/webhook/', '/webhook-test/'))).toBe(false);
		expect(await current({ ...state, signingSecret: undefined })).toBe(false);
		expect(await current({}, url, ['notice.created'])).toBe(false);
		// Changed at the API (someone edited the URL in the dashboard).
		fake.endpoints.get(state.endpointId!)!.url = 'https://elsewhere.example/hook';
		expect(await current(state)).toBe(false);
		fake.endpoints.get(state.endpointId!)!.url = url;
		expect(await current(state)).toBe(true);
		fake.endpoints.delete(state.endpointId!);
		expect(await current(state)).toBe(false);
		// Only reads: nothing was ever deleted or created by the checks.
		expect(fake.requests.filter((r) => r.method !== 'GET').map((r) => r.method)).toEqual(['POST']);
	});

	it('endpointIsCurrent surfaces API failures instead of guessing', async () => {
		const state = await register();
		fake.failNext({ status: 500 });
		await expectApiError(current(state, url, ['notice.created']), 'server_error');
	});

	it('unregisterEndpoint removes the endpoint and tolerates one already gone', async () => {
		const state = await register();
		await unregisterEndpoint(client, state);
		expect(fake.endpoints.size).toBe(0);
		await expect(unregisterEndpoint(client, state)).resolves.toBeUndefined();
		const before = fake.requests.length;
		await unregisterEndpoint(client, {});
		expect(fake.requests.length).toBe(before);
	});

	it('unregisterEndpoint reports a real failure', async () => {
		const state = await register();
		fake.failNext({ status: 500, match: 'DELETE' });
		await expectApiError(unregisterEndpoint(client, state), 'server_error');
		expect(fake.endpoints.has(state.endpointId!)).toBe(true);
	});
});

// The demo SmartComply API (`npm run dev -- --demo`): its deliver call reports what the trigger made of the delivery,
// not only the HTTP status, so a 200 for "event not selected" does not read as a run.
describe('demo SmartComply API: /__control/deliver reports the trigger', () => {
	async function deliver(answer: { status: number; body: string }) {
		receiver.answer = answer;
		const { id } = await create();
		const response = await fetch(`${fake.origin}/__control/deliver`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ endpointId: id, type: 'notice.created' }),
		});
		return (await response.json()) as Record<string, unknown>;
	}

	it('an empty 200: the workflow ran', async () => {
		const trigger = 'ran: the trigger accepted it and started the workflow';
		const outcome = await deliver({ status: 200, body: '' });
		expect(outcome).toMatchObject({ delivered: true, response_status: 200, trigger });
	});

	it('a 200 that ignores the delivery says so and why', async () => {
		const body = '{"received":true,"ignored":"event not selected"}';
		const trigger = 'ignored: event not selected (nothing ran)';
		expect(await deliver({ status: 200, body })).toMatchObject({ response_status: 200, trigger });
	});

	it('a refusal carries its reason', async () => {
		const body = '{"error":"signature does not match"}';
		const trigger = 'refused 401: signature does not match';
		expect(await deliver({ status: 401, body })).toMatchObject({ delivered: false, trigger });
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
		const notSealed = [undefined, null, 42, {}, '', 'sc1', 'sc1...', 'sc2.a.b.c'];
		const extended = [`${sealSecret(secret, apiKey, 'e')}.x`, 'x'.repeat(10_000)];
		for (const junk of [...notSealed, ...extended])
			expect(openSealedSecret(junk, apiKey, 'e')).toBeUndefined();
	});
});
