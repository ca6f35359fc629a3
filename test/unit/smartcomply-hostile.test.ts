// The SmartComply client against a hostile management API on 127.0.0.1 (test/fake/hostile-smartcomply.mjs): the
// API key is of no recognisable shape (a self-hosted instance), so redaction cannot lean on the sc_live_ prefix.
// Every bound is asserted in counts and bytes the server managed to write, never in elapsed time.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
	registerEndpoint,
	SmartComplyApiError,
	SmartComplyClient,
	unregisterEndpoint,
	type SmartComplyErrorCode,
} from '../../src/internal';
import {
	startHostileSmartComply,
	type HostileExchange,
	type HostileSmartComply,
} from '../fake/hostile-smartcomply.mjs';

let api: HostileSmartComply;
let client: SmartComplyClient;
const webhookUrl = 'https://n8n.example.com/webhook/hostile/webhook';
const MAX_ANSWER = 256 * 1024;

beforeAll(async () => {
	api = await startHostileSmartComply();
	client = new SmartComplyClient({
		baseUrl: api.url,
		apiKey: api.apiKey,
		timeoutMs: 400,
		maxAnswerBytes: MAX_ANSWER,
	});
});
afterAll(async () => api?.close());
afterEach(() => api.reset());

/** Every secret the API ever held or issued, checked against a text that must contain none of them. */
function expectNoSecret(text: string) {
	expect(text).not.toContain(api.apiKey);
	for (const secret of api.issuedSecrets) expect(text).not.toContain(secret);
}

async function failure(promise: Promise<unknown>, code: SmartComplyErrorCode) {
	const error = await promise.then(
		() => new Error('expected a failure, got success'),
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(SmartComplyApiError);
	expect((error as SmartComplyApiError).code, (error as Error).message).toBe(code);
	expectNoSecret(`${(error as Error).message}\n${(error as Error).stack}`);
	return error as SmartComplyApiError;
}

/** Waits (bounded in polls) until the server saw the client hang up: the positive control for "stopped reading". */
async function hungUp(exchange: () => HostileExchange | undefined): Promise<HostileExchange> {
	for (let i = 0; i < 200; i++) {
		const seen = exchange();
		if (seen && (seen.clientHungUp || seen.done)) return seen;
		await new Promise((r) => setTimeout(r, 25));
	}
	throw new Error('the server never saw the exchange end');
}

const register = () =>
	registerEndpoint(client, { webhookUrl, events: ['notice.created'], description: 'hostile' });

describe('redirects: the API key never leaves the Base URL', () => {
	it.each([301, 302, 303, 307, 308])(
		'a %i on every call is refused, naming where it pointed; the other origin sees nothing',
		async (status) => {
			api.behave(
				{ list: 'redirect', create: 'redirect', delete: 'redirect', get: 'redirect' },
				{ redirectStatus: status },
			);
			const listed = await failure(client.listEndpoints(), 'redirected');
			expect(listed.message).toContain(`(${status})`);
			expect(listed.message).toContain(api.elsewhereOrigin);
			await failure(
				client.createEndpoint({ url: webhookUrl, events: ['notice.created'] }),
				'redirected',
			);
			await failure(client.deleteEndpoint('whe_abc'), 'redirected');
			await failure(client.getEndpoint('whe_abc'), 'redirected');
			expect(api.exchanges.map((e) => e.op)).toEqual(['list', 'create', 'delete', 'get']);
			expect(api.elsewhereRequests).toHaveLength(0);
		},
	);

	it('a registration whose create is redirected fails and takes no secret from the other origin', async () => {
		api.behave({ create: 'redirect' });
		await failure(register(), 'redirected');
		expect(api.elsewhereRequests).toHaveLength(0);
		expect(api.endpoints.size).toBe(0);
	});
});

describe('endpoint ids from the API stay inside /webhooks/endpoints/{id}', () => {
	it('a create answer with id ".." fails naming the id; no request ever goes to another path', async () => {
		api.behave({ create: 'oddId' });
		const error = await failure(register(), 'invalid_response');
		expect(error.message).toContain('".."');
		// The clean-up looked for it by URL and refused to delete by that id: it says so instead of reporting success.
		expect(error.message).toMatch(/removing the endpoint it may have created failed too/);
		expect(api.exchanges.filter((e) => e.method === 'DELETE')).toHaveLength(0);
		expect(api.exchanges.every((e) => /^\/api\/v1\/webhooks\/endpoints\/?$/.test(e.path))).toBe(
			true,
		);
	});

	it('a listed endpoint at our URL with id ".." stops the registration before anything is created', async () => {
		api.behave({ list: 'oddId' }, { oddIdUrl: webhookUrl });
		const error = await failure(register(), 'invalid_endpoint_id');
		expect(error.message).toContain('".."');
		expect(api.exchanges.map((e) => e.op)).toEqual(['list']);
	});

	it('a foreign endpoint with an odd id elsewhere in the list is left alone and registration works', async () => {
		api.behave({ list: 'oddId' }, { oddIdUrl: 'https://someone-else.example/hook' });
		const state = await register();
		expect(api.endpoints.get(state.endpointId!)?.url).toBe(webhookUrl);
		expect(api.exchanges.map((e) => e.op)).toEqual(['list', 'create']);
	});

	it('unregistering a stored id of the wrong shape sends nothing and fails clearly', async () => {
		await failure(unregisterEndpoint(client, { endpointId: '..' }), 'invalid_endpoint_id');
		await failure(
			unregisterEndpoint(client, { endpointId: 'whe_x/../../x' }),
			'invalid_endpoint_id',
		);
		expect(api.exchanges).toHaveLength(0);
	});
});

describe('texts from the API are redacted of the key and of signing secrets', () => {
	it('an error that echoes the Authorization header shows the message with the key masked', async () => {
		api.behave({ list: 'echo', create: 'echo', delete: 'echo' });
		for (const call of [
			() => client.listEndpoints(),
			() => client.createEndpoint({ url: webhookUrl, events: ['notice.created'] }),
			() => client.deleteEndpoint('whe_abc'),
		]) {
			const error = await failure(call(), 'rejected');
			expect(error.message).toContain('Request rejected by policy (Authorization: Bearer …)');
		}
	});

	it('a key of any shape is masked even without the Bearer prefix, and so is a signing secret once received', async () => {
		const c = new SmartComplyClient({ baseUrl: api.url, apiKey: api.apiKey });
		expect(c.redact(`token=${api.apiKey}.`)).toBe('token=….');
		const created = await c.createEndpoint({ url: webhookUrl, events: ['notice.created'] });
		expect(c.redact(`said ${created.signing_secret}!`)).toBe('said …!');
	});
});

describe('answers are bounded in time and size', () => {
	it('a trickle of one byte at a time fails as a timeout, and the server sees the client hang up', async () => {
		api.behave({ list: 'trickle' }, { trickleMs: 20, maxBytes: 100_000 });
		const error = await failure(client.listEndpoints(), 'timeout');
		expect(error.message).toContain('0.4 s');
		const exchange = await hungUp(() => api.exchanges[0]);
		expect(exchange.clientHungUp).toBe(true);
		// 100 000 bytes at 20 ms would take over half an hour: the client stopped after a few dozen.
		expect(exchange.bytesWritten).toBeLessThan(5_000);
	});

	it('an endless answer fails as too large once over the cap; the server managed only a bounded amount', async () => {
		api.behave({ list: 'endless' }, { maxBytes: 256 * 1024 * 1024 });
		const error = await failure(client.listEndpoints(), 'too_large');
		expect(error.message).toMatch(/larger than 0\.25 MiB/);
		const exchange = await hungUp(() => api.exchanges[0]);
		expect(exchange.clientHungUp).toBe(true);
		// Cap + what the loopback socket buffers hold; far from the 256 MiB offered.
		expect(exchange.bytesWritten).toBeLessThan(32 * 1024 * 1024);
	});

	it('a declared Content-Length of 5 GB is refused before the body is read', async () => {
		api.behave({ list: 'endless' }, { declareLength: true, maxBytes: 256 * 1024 * 1024 });
		await failure(client.listEndpoints(), 'too_large');
		const exchange = await hungUp(() => api.exchanges[0]);
		expect(exchange.clientHungUp).toBe(true);
		expect(exchange.bytesWritten).toBeLessThan(32 * 1024 * 1024);
	});
});

describe('partial create answers leave nothing registered', () => {
	it('a create answer without signing_secret: the endpoint it made is deleted, creation is not retried', async () => {
		api.behave({ create: 'noSecret' });
		const error = await failure(register(), 'invalid_response');
		expect(error.message).toMatch(
			/no signing_secret; the endpoint it may have created was removed again/,
		);
		expect(api.endpoints.size).toBe(0);
		expect(api.exchanges.filter((e) => e.op === 'create')).toHaveLength(1);
		expect(api.exchanges.filter((e) => e.op === 'delete')).toHaveLength(1);
	});

	it('the next activation after a failed one still leaves exactly one endpoint', async () => {
		api.behave({ create: 'noSecret' });
		await failure(register(), 'invalid_response');
		api.behave({});
		const state = await register();
		expect([...api.endpoints.keys()]).toEqual([state.endpointId]);
		expectNoSecret(JSON.stringify({ ...state, signingSecret: undefined }));
	});
});
