// The smart-webhooks-cli package as users get it: packed from cli/ with `npm pack`, installed from the tarball into a
// temporary prefix, its bin run as a shell runs it, against a receiver on 127.0.0.1. Needs `npm run build` first.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { KeyStore } from '../../src/internal';
import { memoryKeyStore } from '../key-store';
import { ROOT } from '../providers';

export const CLI_PACKAGE = path.join(ROOT, 'cli');

export interface InstalledCli {
	/** The installed bin, node_modules/.bin/smart-webhooks in the prefix. */
	cli: string;
	/** The prefix (remove it when done). */
	installDir: string;
	/** What `npm pack` put in the tarball. */
	packedFiles: string[];
}

export function installCli(): InstalledCli {
	if (!existsSync(path.join(CLI_PACKAGE, 'dist/cli.js')))
		throw new Error('cli/dist/cli.js is missing: run npm run build first');
	const installDir = mkdtempSync(path.join(tmpdir(), 'sw-cli-install-'));
	const [packed] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--pack-destination', installDir], {
			cwd: CLI_PACKAGE,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'ignore'],
		}),
	) as Array<{ filename: string; files: Array<{ path: string }> }>;
	// No dependencies, so this needs no registry: --offline makes sure of it.
	// prettier-ignore
	const args = ['install', '--offline', '--no-audit', '--no-fund', '--no-save', '--prefix', installDir];
	execFileSync('npm', [...args, path.join(installDir, packed.filename)], {
		cwd: installDir,
		stdio: ['ignore', 'ignore', 'pipe'],
	});
	return {
		cli: path.join(installDir, 'node_modules/.bin/smart-webhooks'),
		installDir,
		packedFiles: packed.files.map((f) => f.path).sort(),
	};
}

export function runCli(
	cli: string,
	args: string[],
	env: Record<string, string> = {},
): Promise<{ code: number | null; out: string; err: string }> {
	return new Promise((resolve, reject) => {
		// The bin itself (its #!/usr/bin/env node line), as a shell runs it.
		const child = spawn(cli, args, {
			env: {
				PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
				...env,
			},
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let out = '';
		let err = '';
		child.stdout.on('data', (d: Buffer) => (out += d.toString()));
		child.stderr.on('data', (d: Buffer) => (err += d.toString()));
		child.on('error', reject);
		child.on('close', (code) => resolve({ code, out, err }));
	});
}

export interface Received {
	/** the URL path without its leading slash */
	route: string;
	headers: IncomingHttpHeaders;
	query: Record<string, string>;
	body: Buffer;
}

/**
 * Around the file's tests: the CLI installed (installCli) and a receiver on 127.0.0.1 that answers what `decide` makes
 * of each request (with a key store per route), in the shapes the n8n triggers answer with
 * (nodes/shared/webhook-phase.ts). `seen` holds what `decide` returned, and with the stores is emptied before each test.
 */
export function cliAndReceiver<T extends { status: number; reason?: string; ignored?: boolean }>(
	decide: (request: Received, store: KeyStore) => T,
) {
	const ctx = { installed: undefined as unknown as InstalledCli, base: '', seen: [] as T[] };
	let stores = new Map<string, KeyStore>();
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const url = new URL(req.url ?? '/', 'http://127.0.0.1');
			const route = url.pathname.slice(1);
			if (!stores.has(route)) stores.set(route, memoryKeyStore());
			const query = Object.fromEntries(url.searchParams);
			const body = Buffer.concat(chunks);
			const seen = decide({ route, headers: req.headers, query, body }, stores.get(route)!);
			ctx.seen.push(seen);
			res.writeHead(seen.status, { 'Content-Type': 'application/json' });
			const answer =
				seen.status !== 200
					? { error: seen.reason }
					: seen.ignored
						? { received: true, ignored: seen.reason }
						: { received: true };
			res.end(JSON.stringify(answer));
		});
	});
	beforeAll(async () => {
		ctx.installed = installCli();
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		ctx.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(async () => {
		await new Promise<void>((resolve) => server.close(() => resolve()));
		rmSync(ctx.installed.installDir, { recursive: true, force: true });
	});
	beforeEach(() => {
		ctx.seen.length = 0;
		stores = new Map();
	});
	const run = (args: string[], env: Record<string, string> = {}) =>
		runCli(ctx.installed.cli, args, env);
	return { ctx, seen: ctx.seen, run };
}
