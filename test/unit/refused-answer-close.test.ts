// An answer refused for its declared size (Content-Length: 5 GB) is refused before a byte is read, and its connection
// is closed at once, in both SmartComply transports: a real server on 127.0.0.1 announces the size, then writes a
// chunk at a time for as long as its socket is open, and records the socket's 'close'. The verdict is which event
// comes first on the server: the close, or a fixed number of further writes after the refusal.
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransportError, type HttpRequest, type SmartComplyApiError } from '../../src/internal';
import { fetchTransport } from '../../src/smartcomply/transport';
import { smartComplyClient } from '../../nodes/SmartComplyTrigger/n8n-transport';

const CHUNK = Buffer.alloc(16 * 1024, 0x20);
const FIVE_GB = String(5 * 1024 ** 3);
/** Writes the server may make after the refusal before the connection counts as left open. */
const WRITES_AFTER_REFUSAL = 50;

interface Exchange {
	socket: Socket;
	bytesWritten: number;
	/** Resolves when the socket closes; rejects after WRITES_AFTER_REFUSAL writes past `refused()` without a close. */
	closed: Promise<number>;
	refused(): void;
}

let server: Server;
let url: string;
let exchanges: Exchange[] = [];

beforeAll(async () => {
	server = createServer((_req, res) => {
		const socket = res.socket as Socket;
		let writesAfterRefusal: number | undefined;
		let settle: { resolve(bytes: number): void; reject(error: Error): void };
		const exchange: Exchange = {
			socket,
			bytesWritten: 0,
			closed: new Promise((resolve, reject) => (settle = { resolve, reject })),
			refused: () => (writesAfterRefusal = 0),
		};
		exchange.closed.catch(() => {});
		exchanges.push(exchange);
		socket.once('close', () => settle.resolve(exchange.bytesWritten));
		res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': FIVE_GB });
		res.flushHeaders();
		// One chunk per turn of the timer queue, whether or not anyone reads: slow enough that the loopback buffers
		// never fill, so the server never waits on 'drain' and keeps counting writes.
		const write = () => {
			if (socket.destroyed) return;
			if (writesAfterRefusal !== undefined && ++writesAfterRefusal > WRITES_AFTER_REFUSAL) {
				settle.reject(
					new Error(`still open after ${WRITES_AFTER_REFUSAL} writes past the refusal`),
				);
				socket.destroy();
				return;
			}
			exchange.bytesWritten += CHUNK.length;
			res.write(CHUNK);
			setTimeout(write, 5);
		};
		write();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
});
afterAll(async () => {
	server.closeAllConnections();
	await new Promise((resolve) => server.close(resolve));
});

const listRequest = (): HttpRequest => ({
	method: 'GET',
	url: `${url}/webhooks/endpoints`,
	headers: {},
	timeoutMs: 30_000,
	signal: new AbortController().signal,
	maxBytes: 2 * 1024 * 1024,
});

/** Runs one exchange, which must fail; returns its error and the bytes the server had written when its socket closed. */
async function refusedAndClosed(
	run: () => Promise<unknown>,
): Promise<{ error: unknown; bytes: number }> {
	exchanges = [];
	const error = await run().then(
		() => new Error('expected a refusal'),
		(e: unknown) => e,
	);
	expect(exchanges).toHaveLength(1);
	exchanges[0].refused();
	return { error, bytes: await exchanges[0].closed };
}

describe('a declared 5 GB answer is refused and its connection closed at once', () => {
	it('by fetchTransport (the core outside n8n)', async () => {
		const { error, bytes } = await refusedAndClosed(() => fetchTransport(listRequest()));
		expect(error).toBeInstanceOf(TransportError);
		expect((error as TransportError).kind).toBe('too_large');
		expect(bytes).toBeLessThan(2 * 1024 * 1024);
	});

	/**
	 * n8n's httpRequestWithAuthentication in stream mode, done with node:http. `piped`: the helper hands back a stream
	 * fed from the response rather than the response itself (as a decompressing or progress stream is), whose
	 * destroy() does not reach the socket: the abort signal must.
	 */
	function n8nContext(piped: boolean) {
		const context = {
			getCredentials: async () => ({ apiKey: 'k', baseUrl: url, secret: '' }),
			helpers: {
				httpRequestWithAuthentication: (_type: string, options: Record<string, unknown>) =>
					new Promise((resolve, reject) => {
						const req = httpRequest(
							String(options.url),
							{ method: String(options.method), signal: options.abortSignal as AbortSignal },
							(res: IncomingMessage) => {
								const body = piped ? res.pipe(new PassThrough()) : res;
								resolve({ statusCode: res.statusCode, headers: res.headers, body });
							},
						);
						req.on('error', reject);
						req.end();
					}),
			},
		};
		return context as unknown as Parameters<typeof smartComplyClient>[0];
	}

	it.each([
		['the response stream itself', false],
		['a stream piped from the response', true],
	])('by the n8n transport, when n8n hands back %s', async (_label, piped) => {
		const client = await smartComplyClient(n8nContext(piped));
		const { error, bytes } = await refusedAndClosed(() => client.listEndpoints());
		expect((error as SmartComplyApiError).code).toBe('too_large');
		expect(bytes).toBeLessThan(2 * 1024 * 1024);
	});
});
