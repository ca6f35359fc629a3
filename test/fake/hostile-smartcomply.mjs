// A hostile SmartComply management API on 127.0.0.1, for tests that treat the credential's Base URL as an adversary.
// Two listeners: `api` (the Base URL the user typed) and `elsewhere` (another origin, another port) that records every
// request it ever sees, Authorization header included, so a test can prove the API key never went there.
// Each operation (list, create, get, delete) answers with a behaviour chosen by the test:
//   ok        a plain in-memory API (ids whe_…, secrets whsec_…), so endpoints left behind can be counted
//   redirect  307 (or `redirectStatus`) to the same path on `elsewhere`
//   trickle   200 headers, then one byte every `trickleMs` (up to `maxBytes`)
//   endless   200 headers (with `Content-Length: 5 GB` when `declareLength`), then 64 KiB chunks as fast as the
//             client takes them (up to `maxBytes`)
//   echo      400 whose message echoes the request's Authorization header (a proxy "rejected by policy")
//   oddId     create: 201 with id `..` (and a secret); list: an entry with id `..` at the URL of the last create or
//             `oddIdUrl`
//   noSecret  create: the endpoint is created, but the answer has no signing_secret
// Bytes written per exchange and whether the client hung up are recorded: bounds are asserted in bytes and counts.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { readBody, send as json } from './smartcomply-server.mjs';

const PREFIX = '/api/v1';
const CHUNK = Buffer.alloc(64 * 1024, 0x20);
const hex = (n) => randomBytes(n).toString('hex');

function listen(handler) {
	const server = createServer(handler);
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve(server));
	});
}

/** @param {{ apiKey?: string }} [options] */
export async function startHostileSmartComply(options = {}) {
	const apiKey = options.apiKey ?? `selfhosted-${hex(16)}`;
	/** @type {Map<string, any>} */
	const endpoints = new Map();
	const issuedSecrets = [];
	/** every exchange on `api`: { op, method, path, behaviour, bytesWritten, clientHungUp, done } */
	const exchanges = [];
	/** every request `elsewhere` saw: { method, path, authorization } */
	const elsewhereRequests = [];
	let behaviours = {};
	let settings = {};
	let lastCreatedUrl;
	const timers = new Set();

	function opOf(method, route) {
		if (route === '/webhooks/endpoints') return method === 'POST' ? 'create' : 'list';
		if (route.startsWith('/webhooks/endpoints/')) return method === 'DELETE' ? 'delete' : 'get';
		return 'other';
	}

	/** Writes until the client hangs up or `maxBytes` went out; `pace` waits between writes. */
	function pour(res, exchange, chunkOf, pace) {
		const max = settings.maxBytes ?? 256 * 1024 * 1024;
		const step = () => {
			if (res.destroyed || exchange.clientHungUp) return;
			if (exchange.bytesWritten >= max) {
				exchange.done = true;
				res.end();
				return;
			}
			const chunk = chunkOf();
			exchange.bytesWritten += chunk.length;
			const drained = res.write(chunk);
			if (pace) {
				const timer = setTimeout(() => {
					timers.delete(timer);
					step();
				}, pace);
				timers.add(timer);
			} else if (drained) setImmediate(step);
			else res.once('drain', step);
		};
		step();
	}

	async function handleApi(req, res) {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const method = req.method ?? 'GET';
		const route = url.pathname.startsWith(PREFIX)
			? url.pathname.slice(PREFIX.length)
			: url.pathname;
		const op = opOf(method, route);
		const behaviour = behaviours[op] ?? 'ok';
		const exchange = {
			op,
			method,
			path: url.pathname,
			behaviour,
			authorized: req.headers.authorization === `Bearer ${apiKey}`,
			bytesWritten: 0,
			clientHungUp: false,
			done: false,
		};
		exchanges.push(exchange);
		res.on('close', () => {
			if (!res.writableFinished) exchange.clientHungUp = true;
		});
		const input = (await readBody(req).catch(() => Buffer.alloc(0))).toString();

		if (behaviour === 'redirect') {
			res.writeHead(settings.redirectStatus ?? 307, {
				Location: `${elsewhere.origin}${url.pathname}${url.search}`,
			});
			return res.end();
		}
		if (behaviour === 'trickle') {
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.flushHeaders();
			return pour(res, exchange, () => Buffer.from(' '), settings.trickleMs ?? 50);
		}
		if (behaviour === 'endless') {
			res.writeHead(
				200,
				settings.declareLength
					? { 'Content-Type': 'application/json', 'Content-Length': String(5 * 1024 ** 3) }
					: { 'Content-Type': 'application/json' },
			);
			res.flushHeaders();
			return pour(res, exchange, () => CHUNK, 0);
		}
		if (behaviour === 'echo') {
			return json(res, 400, {
				error: {
					message: `Request rejected by policy (Authorization: ${req.headers.authorization ?? 'none'})`,
				},
			});
		}
		if (!exchange.authorized) return json(res, 401, { error: { message: 'Invalid API key' } });

		if (op === 'create') {
			let body = {};
			try {
				body = JSON.parse(input);
			} catch {
				return json(res, 400, { error: { message: 'Body must be JSON' } });
			}
			const endpoint = {
				id: behaviour === 'oddId' ? '..' : `whe_${hex(16)}`,
				url: String(body.url),
				events: Array.isArray(body.events) ? body.events : [],
				description: String(body.description ?? ''),
				status: 'active',
				signing_secret: `whsec_${randomBytes(24).toString('base64url')}`,
				created_at: new Date().toISOString(),
			};
			lastCreatedUrl = endpoint.url;
			endpoints.set(endpoint.id, endpoint);
			issuedSecrets.push(endpoint.signing_secret);
			if (behaviour === 'noSecret') {
				const { signing_secret: _omitted, ...partial } = endpoint;
				return json(res, 201, partial);
			}
			return json(res, 201, endpoint);
		}
		if (op === 'list') {
			const data = [...endpoints.values()].map(({ signing_secret: _s, ...rest }) => rest);
			if (behaviour === 'oddId')
				data.push({ id: '..', url: settings.oddIdUrl ?? lastCreatedUrl ?? '', events: [] });
			return json(res, 200, { data });
		}
		const id = decodeURIComponent(route.slice('/webhooks/endpoints/'.length));
		const endpoint = endpoints.get(id);
		if (!endpoint) return json(res, 404, { error: { message: 'Endpoint not found' } });
		if (op === 'delete') {
			endpoints.delete(id);
			res.writeHead(204);
			return res.end();
		}
		const { signing_secret: _s, ...rest } = endpoint;
		return json(res, 200, rest);
	}

	const elsewhereServer = await listen((req, res) => {
		elsewhereRequests.push({
			method: req.method,
			path: req.url,
			authorization: req.headers.authorization,
		});
		// An origin that would gladly take the registration: its own signing secret, a plausible id.
		const secret = `whsec_elsewhere_${hex(12)}`;
		issuedSecrets.push(secret);
		json(res, req.method === 'POST' ? 201 : 200, {
			id: `whe_${hex(16)}`,
			url: 'https://elsewhere.example/hook',
			events: ['notice.created'],
			signing_secret: secret,
			data: [],
		});
	});
	const elsewhere = { origin: `http://127.0.0.1:${elsewhereServer.address().port}` };
	const apiServer = await listen((req, res) => {
		handleApi(req, res).catch(() => {
			if (!res.headersSent) json(res, 500, { error: { message: 'hostile fake error' } });
		});
	});
	const origin = `http://127.0.0.1:${apiServer.address().port}`;

	return {
		origin,
		url: origin + PREFIX,
		elsewhereOrigin: elsewhere.origin,
		apiKey,
		endpoints,
		issuedSecrets,
		exchanges,
		elsewhereRequests,
		/** e.g. `behave({ list: 'redirect' }, { redirectStatus: 308 })`; replaces earlier behaviours. */
		behave(next, nextSettings = {}) {
			behaviours = { ...next };
			settings = { ...nextSettings };
		},
		reset() {
			behaviours = {};
			settings = {};
			endpoints.clear();
			exchanges.length = 0;
			elsewhereRequests.length = 0;
			lastCreatedUrl = undefined;
		},
		close() {
			for (const timer of timers) clearTimeout(timer);
			const stop = (server) =>
				new Promise((resolve) => {
					server.closeAllConnections?.();
					server.close(() => resolve());
				});
			return Promise.all([stop(apiServer), stop(elsewhereServer)]).then(() => undefined);
		},
	};
}
