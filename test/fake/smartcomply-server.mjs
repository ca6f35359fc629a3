// A real HTTP fake of the SmartComply webhook-endpoint API, on 127.0.0.1 only.
// It implements the documented calls (create, test, rotate-secret) and the REST decisions in docs/providers.md
// (list, read, delete), checks the bearer key, signs its `webhook.test` deliveries exactly as SmartComply
// documents (t=<unix>,v1=HMAC-SHA256(secret, `${t}.${body}`)) with its own code, and fails on demand.
// Used by unit tests, end-to-end tests and `npm run dev -- --demo` (which imports it: plain ESM, no compile step).
import { createHmac, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

const PREFIX = '/api/v1';

function hex(n) {
	return randomBytes(n).toString('hex');
}

export function readBody(req, limit = 1 << 20) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		let size = 0;
		req.on('data', (c) => {
			size += c.length;
			if (size > limit) reject(new Error('too large'));
			else chunks.push(c);
		});
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

export function send(res, status, body) {
	if (res.headersSent || res.destroyed) return;
	if (body === undefined) {
		res.writeHead(status);
		res.end();
		return;
	}
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'Content-Type': 'application/json',
		'Content-Length': Buffer.byteLength(text),
	});
	res.end(text);
}

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

/** The `data` of each event the fake sends (SmartComply's catalogue is not public: shapes as in docs/providers/smartcomply.md). */
function sampleData(type, endpoint) {
	if (type === 'test.submitted')
		return { test_id: `tst_${hex(3)}`, result: 'passed', submitted_by: 'auditor@example.com' };
	if (type === 'notice.created')
		return { notice_id: `ntc_${hex(3)}`, title: 'New regulatory notice', severity: 'medium' };
	return { endpoint_id: endpoint.id, message: 'This is a test event from SmartComply' };
}

/**
 * What the trigger made of a delivery, from its answer: the fake's own report for `npm run dev -- --demo` users, who
 * otherwise see a 200 for a workflow that ran and for one the trigger left alone alike.
 */
export function triggerOutcome(status, body) {
	if (status === 0) return `not delivered: ${body}`;
	let json;
	try {
		json = JSON.parse(body);
	} catch {
		json = undefined;
	}
	if (status >= 200 && status < 300) {
		if (typeof json?.ignored === 'string') return `ignored: ${json.ignored} (nothing ran)`;
		return 'ran: the trigger accepted it and started the workflow';
	}
	const reason = json?.error ?? json?.message ?? body;
	return `refused ${status}: ${typeof reason === 'string' ? reason : JSON.stringify(reason)}`;
}

export async function startFakeSmartComply(options = {}) {
	const apiKey = options.apiKey ?? `sc_live_${hex(12)}`;
	/** @type {Map<string, any>} */
	const endpoints = new Map();
	/** @type {Array<{ endpointId: string, url: string, status: number, body: string, eventId: string }>} */
	const deliveries = [];
	/** @type {Array<{ method: string, path: string, authorized: boolean }>} */
	const requests = [];
	let pendingCalls = 0;
	/**
	 * Failures to inject, consumed in order: { status?, delayMs?, late?, match?: string (substring of "METHOD path"),
	 * url?: string, count }. `late: true` carries the call out and delays only its answer (an endpoint created, the
	 * answer lost to a timeout). `url` scopes a failure to the calls about one webhook URL (the `url` a create sends,
	 * or the URL of the endpoint a call names), so tests that run side by side do not consume each other's failures.
	 */
	let failures = [];
	/** Every signing secret this fake ever issued (create, rotate), for tests that check no secret leaks. */
	const issuedSecrets = [];

	function publicView(endpoint) {
		const { signing_secret: _secret, ...rest } = endpoint;
		return rest;
	}

	/** Signs and POSTs one event to an endpoint, as SmartComply does: webhook.test, or any other event type. */
	async function deliverEvent(endpoint, type = 'webhook.test') {
		const event = {
			id: `evt_${hex(12)}`,
			type,
			created_at: new Date().toISOString(),
			data: sampleData(type, endpoint),
		};
		const body = JSON.stringify(event);
		const t = Math.floor(Date.now() / 1000);
		const v1 = createHmac('sha256', endpoint.signing_secret).update(`${t}.${body}`).digest('hex');
		let status = 0;
		let text = '';
		try {
			const response = await fetch(endpoint.url, {
				method: 'POST',
				headers: {
					'Content-Type': 'application/json',
					'X-SmartComply-Signature': `t=${t},v1=${v1}`,
					'User-Agent': 'SmartComply-Webhooks/1.0',
				},
				body,
				signal: AbortSignal.timeout(options.deliveryTimeoutMs ?? 10_000),
			});
			status = response.status;
			text = await response.text();
		} catch (error) {
			text = String(error?.message ?? error);
		}
		const record = {
			endpointId: endpoint.id,
			url: endpoint.url,
			status,
			body: text,
			eventId: event.id,
		};
		deliveries.push(record);
		return record;
	}

	/** The webhook URL an API call is about: the `url` a create sends, or the URL of the endpoint the path names. */
	function webhookUrlOf(route, body) {
		if (route === '/webhooks/endpoints') {
			try {
				return JSON.parse(body.toString())?.url;
			} catch {
				return undefined;
			}
		}
		const id = /^\/webhooks\/endpoints\/([^/]+)/.exec(route)?.[1];
		return id === undefined ? undefined : endpoints.get(decodeURIComponent(id))?.url;
	}

	async function handle(req, res) {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const path = url.pathname;
		const method = req.method ?? 'GET';

		if (path === '/__control/fail' && method === 'POST') {
			const spec = JSON.parse((await readBody(req)).toString() || '{}');
			failures.push({ count: 1, ...spec });
			return send(res, 204);
		}
		if (path === '/__control/reset' && method === 'POST') {
			// { url } drops only the failures scoped to that webhook URL; no body drops them all
			const { url: only } = JSON.parse((await readBody(req)).toString() || '{}');
			failures = only === undefined ? [] : failures.filter((f) => f.url !== only);
			return send(res, 204);
		}
		if (path === '/__control/secrets' && method === 'GET') {
			return send(res, 200, { apiKey, signingSecrets: issuedSecrets });
		}
		if (path === '/__control/deliver' && method === 'POST') {
			// Not part of SmartComply's API: lets tests and `npm run dev -- --demo` make the fake send any event type.
			const spec = JSON.parse((await readBody(req)).toString() || '{}');
			const endpoint = endpoints.get(String(spec.endpointId ?? ''));
			if (!endpoint) return send(res, 404, { error: { message: 'Endpoint not found' } });
			const record = await deliverEvent(
				endpoint,
				typeof spec.type === 'string' && spec.type ? spec.type : 'webhook.test',
			);
			return send(res, 202, {
				delivered: record.status >= 200 && record.status < 300,
				response_status: record.status,
				trigger: triggerOutcome(record.status, record.body),
				event_id: record.eventId,
			});
		}
		if (path === '/__control/state' && method === 'GET') {
			return send(res, 200, {
				endpoints: [...endpoints.values()].map(publicView),
				deliveries,
				requests,
				pendingCalls,
			});
		}
		if (!path.startsWith(PREFIX)) return send(res, 404, { error: { message: 'Not found' } });

		const route = path.slice(PREFIX.length);
		const authorized = req.headers.authorization === `Bearer ${apiKey}`;
		requests.push({ method, path: route, authorized });
		// counted until the call has been carried out and its answer sent (a late one too, even to a client that gave
		// up): tests wait for none pending instead of sleeping
		pendingCalls++;
		const answer = res.end.bind(res);
		res.end = (...args) => {
			pendingCalls--;
			res.end = answer;
			return answer(...args);
		};

		// read once here: a failure scoped to a webhook URL is matched against the create call's body
		const body = method === 'POST' ? await readBody(req) : Buffer.alloc(0);
		const aboutUrl = webhookUrlOf(route, body);
		const failure = failures.find(
			(f) =>
				f.count > 0 &&
				(!f.match || `${method} ${route}`.includes(f.match)) &&
				(f.url === undefined || f.url === aboutUrl),
		);
		if (failure) {
			failure.count--;
			failures = failures.filter((f) => f.count > 0);
			if (failure.late) {
				// the call is carried out, but its answer comes only after delayMs (a client that gave up never sees it)
				const end = res.end.bind(res);
				res.end = (...args) => {
					wait(failure.delayMs ?? 0).then(() => end(...args));
					return res;
				};
			} else {
				if (failure.delayMs) await wait(failure.delayMs);
				if (failure.status)
					return send(res, failure.status, {
						error: { message: `Injected failure ${failure.status}` },
					});
			}
		}

		if (!authorized) return send(res, 401, { error: { message: 'Invalid API key' } });

		const one = /^\/webhooks\/endpoints\/([^/]+)(\/test|\/rotate-secret)?$/.exec(route);
		if (route === '/webhooks/endpoints' && method === 'POST') {
			let input;
			try {
				input = JSON.parse(body.toString());
			} catch {
				return send(res, 400, { error: { message: 'Body must be JSON' } });
			}
			if (typeof input?.url !== 'string' || !/^https?:\/\//.test(input.url))
				return send(res, 422, { error: { message: 'url must be an http(s) URL' } });
			if (
				!Array.isArray(input.events) ||
				input.events.length === 0 ||
				!input.events.every((e) => typeof e === 'string')
			) {
				return send(res, 422, {
					error: { message: 'events must be a non-empty list of event names' },
				});
			}
			const endpoint = {
				id: `whe_${hex(16)}`,
				url: input.url,
				events: input.events,
				description: typeof input.description === 'string' ? input.description : '',
				status: 'active',
				signing_secret: `whsec_${randomBytes(24).toString('base64url')}`,
				created_at: new Date().toISOString(),
			};
			endpoints.set(endpoint.id, endpoint);
			issuedSecrets.push(endpoint.signing_secret);
			return send(res, 201, endpoint);
		}
		if (route === '/webhooks/endpoints' && method === 'GET') {
			return send(res, 200, { data: [...endpoints.values()].map(publicView) });
		}
		if (one) {
			const endpoint = endpoints.get(decodeURIComponent(one[1]));
			if (!endpoint) return send(res, 404, { error: { message: 'Endpoint not found' } });
			if (!one[2] && method === 'GET') return send(res, 200, publicView(endpoint));
			if (!one[2] && method === 'DELETE') {
				endpoints.delete(endpoint.id);
				return send(res, 204);
			}
			if (one[2] === '/test' && method === 'POST') {
				const record = await deliverEvent(endpoint);
				return send(res, 202, {
					delivered: record.status >= 200 && record.status < 300,
					response_status: record.status,
					event_id: record.eventId,
				});
			}
			if (one[2] === '/rotate-secret' && method === 'POST') {
				endpoint.signing_secret = `whsec_${randomBytes(24).toString('base64url')}`;
				issuedSecrets.push(endpoint.signing_secret);
				return send(res, 200, { id: endpoint.id, signing_secret: endpoint.signing_secret });
			}
		}
		return send(res, 405, { error: { message: 'Method not allowed' } });
	}

	const server = createServer((req, res) => {
		handle(req, res).catch(() => send(res, 500, { error: { message: 'fake server error' } }));
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', resolve);
	});
	const address = server.address();
	const origin = `http://127.0.0.1:${address.port}`;
	return {
		origin,
		url: origin + PREFIX,
		apiKey,
		endpoints,
		deliveries,
		requests,
		/** Make the next matching API call(s) fail: `{ status: 500 }`, `{ delayMs: 15000 }`, `{ status: 401, match: 'POST /webhooks' }`. */
		failNext(spec) {
			failures.push({ count: 1, ...spec });
		},
		/** Deliver a signed webhook.test to an endpoint, as `POST /webhooks/endpoints/{id}/test` does. */
		sendTest(id, type = 'webhook.test') {
			const endpoint = endpoints.get(id);
			if (!endpoint) throw new Error(`no endpoint ${id}`);
			return deliverEvent(endpoint, type);
		},
		close() {
			return new Promise((resolve) => {
				server.closeAllConnections?.();
				server.close(() => resolve());
			});
		},
	};
}
