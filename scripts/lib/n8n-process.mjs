// Start / stop a local n8n (pinned by scripts/n8n-runtime.mjs) on loopback, with everything that
// phones home switched off. node: builtins only. See docs/n8n-runtime.md.
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { cleanNpmEnv, ensureN8n, REPO_ROOT } from '../n8n-runtime.mjs';
import { runBounded, spawnGroup, waitUntil, writeJson } from './run.mjs';

const PACKAGE_NAME = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).name;
/** n8n names the node types of a package in <N8N_USER_FOLDER>/.n8n/nodes `<package name>.<description.name>`. */
export const NODE_TYPE_PREFIX = `${PACKAGE_NAME}.`;

/**
 * The install command the README gives users, run inside `<N8N_USER_FOLDER>/.n8n/nodes`. --legacy-peer-deps: a
 * plain install pulls the peer n8n-workflow 2.x and with it isolated-vm, whose native build fails; n8n supplies
 * n8n-workflow itself, and its own community-package installer drops peerDependencies the same way. --omit=peer
 * works too but still resolves the peer's 164 packages (measurements: docs/n8n-runtime.md).
 */
export const INSTALL_ARGS = Object.freeze(['install', '--legacy-peer-deps']);

/** `npm pack` this package (build first) into destDir, as `npm publish` would pack it. Returns the tarball's path. */
export async function packPackage({ destDir }) {
	if (!existsSync(path.join(REPO_ROOT, 'dist')))
		throw new Error(`packPackage: ${path.join(REPO_ROOT, 'dist')} missing (npm run build first)`);
	mkdirSync(destDir, { recursive: true });
	const { output } = await runBounded(
		'npm',
		['pack', '--json', '--pack-destination', path.resolve(destDir)],
		{ cwd: REPO_ROOT, env: cleanNpmEnv(), timeoutMs: 120_000, label: 'npm pack' },
	);
	const json = JSON.parse(output.slice(output.indexOf('[')));
	const tarball = path.join(path.resolve(destDir), json[0].filename);
	if (!existsSync(tarball)) throw new Error(`npm pack: ${tarball} not written`);
	return tarball;
}

/** `npm test` packs once per run and hands the tarball to every suite through this variable. */
export const TARBALL_ENV = 'SMART_WEBHOOKS_TARBALL';

/** The tarball of this run: $SMART_WEBHOOKS_TARBALL when `npm test` set it, else a fresh `npm pack` into destDir. */
export async function tarballForRun(destDir) {
	const given = process.env[TARBALL_ENV];
	if (given) {
		if (!existsSync(given)) throw new Error(`${TARBALL_ENV}=${given} does not exist`);
		return path.resolve(given);
	}
	return await packPackage({ destDir });
}

/**
 * Install a packed tarball into an n8n user folder as the README tells users to (`cd <userFolder>/.n8n/nodes && npm
 * install --legacy-peer-deps <tarball>`), where both lines load community packages from at start; `line`: with that
 * line's Node first on PATH, as a user of that n8n would. Resolves { nodesDir, packageDir, version, ms }.
 * - A package.json is written first when the folder has none (as n8n itself does): without one, npm installs into the
 *   nearest parent folder holding a package.json or node_modules.
 * - A user folder inside this repository (`npm run dev`'s .n8n-data/) would let the package resolve n8n-workflow from
 *   the repo's node_modules (the 1.x devDependency) before n8n's NODE_PATH: there a nearer link to the runtime's copy.
 */
export async function installPackage({ userFolder, tarball, line, timeoutMs = 300_000 }) {
	if (!userFolder) throw new Error('installPackage: userFolder is required');
	if (!tarball || !existsSync(tarball))
		throw new Error(`installPackage: tarball ${tarball} missing`);
	const nodesDir = path.join(path.resolve(userFolder), '.n8n', 'nodes');
	mkdirSync(nodesDir, { recursive: true });
	const manifest = path.join(nodesDir, 'package.json');
	if (!existsSync(manifest))
		writeJson(manifest, { name: 'installed-nodes', private: true, dependencies: {} });
	let extra = {};
	let rt;
	if (line) {
		rt = await ensureN8n(String(line));
		extra = rt.env; // PATH with the line's Node first: `npm` (#!/usr/bin/env node) runs on it
	}
	const { ms } = await runBounded('npm', [...INSTALL_ARGS, path.resolve(tarball)], {
		cwd: nodesDir,
		env: cleanNpmEnv(extra),
		timeoutMs,
		label: `npm ${INSTALL_ARGS.join(' ')} ${path.basename(tarball)} (in ${nodesDir})`,
	});
	const packageDir = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	const installed = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
	if (existsSync(path.join(nodesDir, 'node_modules', 'n8n-workflow')))
		throw new Error(
			`installPackage: npm installed the peer n8n-workflow into ${nodesDir} (it must come from n8n)`,
		);
	const rel = path.relative(REPO_ROOT, path.resolve(userFolder));
	if (!rel.startsWith('..') && !path.isAbsolute(rel)) {
		const runtimeDir = (rt ?? (await ensureN8n(String(line ?? '2')))).dir;
		const link = path.join(path.resolve(userFolder), 'node_modules', 'n8n-workflow');
		mkdirSync(path.dirname(link), { recursive: true });
		rmSync(link, { recursive: true, force: true }); // an earlier run's link (rmSync does not follow it)
		symlinkSync(path.join(runtimeDir, 'node_modules', 'n8n-workflow'), link, 'dir');
	}
	return { nodesDir, packageDir, version: installed.version, ms };
}

/** A free TCP port on 127.0.0.1 (asks the OS). */
export function getFreePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

/** Connects to 127.0.0.1:port; true once connected (with `send`: once the answer holds `expect`), else false. */
export function tcpProbe(port, send, expect, timeoutMs = 2000) {
	return new Promise((resolve) => {
		const sock = net.connect({ port, host: '127.0.0.1' });
		let buf = '';
		const done = (v) => {
			sock.destroy();
			resolve(v);
		};
		sock.setTimeout(timeoutMs, () => done(false));
		sock.once('error', () => done(false));
		sock.once('connect', () => (send ? sock.write(send) : done(true)));
		sock.on('data', (d) => {
			buf += d.toString();
			if (buf.includes(expect)) done(true);
		});
	});
}

/** true if something already listens on 127.0.0.1:port */
export const isPortInUse = (port) => tcpProbe(port, null, null, 1000);

/**
 * The environment n8n (the runtime `rt` of ensureN8n) runs with, the server's and its CLI commands' (n8nCli): the
 * same user folder and settings. This package is loaded from <dataDir>/.n8n/nodes (installPackage).
 */
function n8nEnv({ rt, port = 5678, dataDir, runnersBrokerPort }) {
	const { line } = rt;
	const env = {
		...process.env,
		...rt.env,
		N8N_USER_FOLDER: path.resolve(dataDir), // n8n keeps everything in <dataDir>/.n8n/
		DB_TYPE: 'sqlite',
		DB_SQLITE_POOL_SIZE: '2', // WAL mode, no deprecation warning
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_SECURE_COOKIE: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		// nothing phones home
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		EXTERNAL_FRONTEND_HOOKS_URLS: '',
		// no npm or api.n8n.io calls from the Community Nodes panel. Packages already in <dataDir>/.n8n/nodes are still
		// loaded: both lines' community-packages module scans that folder unless N8N_COMMUNITY_PACKAGES_PREVENT_LOADING
		// is set (checked on 2.41.1 and 1.123.81: nodeLoaders()/loadDir() test only preventLoading).
		N8N_COMMUNITY_PACKAGES_ENABLED: 'false',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'false',
		// task runners: internal mode uses @n8n/task-runner from node_modules (nothing downloaded);
		// own broker port so several instances (dev + e2e) can run side by side
		N8N_RUNNERS_MODE: 'internal',
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		// misc
		N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL || 'info',
		N8N_LOG_OUTPUT: 'console',
		GENERIC_TIMEZONE: 'UTC',
		TZ: 'UTC',
	};
	if (runnersBrokerPort) env.N8N_RUNNERS_BROKER_PORT = String(runnersBrokerPort);
	if (line === '2') {
		// 2.x refreshes an MCP server registry from api.n8n.io at startup; nothing else needs it.
		// (Module names are validated: this list must only hold modules the 2.x line knows.)
		env.N8N_DISABLED_MODULES = 'mcp-registry';
	}
	if (line === '1') {
		// n8n 1.123.x defaults to the isolated-vm expression engine; isolated-vm 6 needs Node >= 22,
		// so on Node 20 use the legacy (in-process) engine -- the engine every other 1.x release used.
		env.N8N_EXPRESSION_ENGINE = 'legacy';
		// task runners are off by default on 1.x (Code node runs in-process); keep the default
	}
	return env;
}

/** n8n's REST API answers JSON (before that, n8n answers 200 "n8n is starting up. Please wait"). */
async function restAnswers(url) {
	try {
		const res = await fetch(`${url}/rest/settings`, { signal: AbortSignal.timeout(2000) });
		return res.status === 200 && (await res.text()).startsWith('{');
	} catch {
		return false;
	}
}

async function httpStatus(url, timeoutMs = 2000) {
	try {
		const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
		await res.arrayBuffer().catch(() => {});
		return res.status;
	} catch {
		return 0;
	}
}

/**
 * Spawn an n8n process (`n8n start` by default; `webhook` / `worker` for queue mode) and wait until it is ready.
 * Its output is always kept in memory and, if given, in logFile; `echo` also copies it to this process's stderr
 * (`echoFilter` rewrites what is echoed). A worker's readiness needs QUEUE_HEALTH_CHECK_ACTIVE=true and
 * QUEUE_HEALTH_CHECK_PORT in env. Resolves { url, port, line, version, command, readyMs, child, env, output(),
 * stop() (→ exit code), exited() }.
 */
export async function startN8n({
	line = '2',
	command = 'start',
	port = 5678,
	dataDir,
	env: extraEnv = {},
	readyTimeoutMs = 120_000,
	logFile,
	echo = false,
	echoFilter,
	label,
} = {}) {
	if (!dataDir) throw new Error('startN8n: dataDir is required');
	if (!['start', 'webhook', 'worker'].includes(command))
		throw new Error(`startN8n: unknown command ${command}`);
	const rt = await ensureN8n(String(line));
	if (await isPortInUse(port)) throw new Error(`startN8n: 127.0.0.1:${port} is already in use`);
	mkdirSync(dataDir, { recursive: true });
	const runnersBrokerPort = extraEnv.N8N_RUNNERS_BROKER_PORT ? undefined : await getFreePort();
	const env = { ...n8nEnv({ rt, port, dataDir, runnersBrokerPort }), ...extraEnv };
	const started = Date.now();
	// own process group: stop() reaps what n8n started (task runners), and so does the exit hook if this process ends
	// without stopping it; SIGTERM goes to n8n alone, which stops its runners itself
	const proc = spawnGroup(rt.nodeBin, [rt.n8nBin, command], {
		cwd: path.resolve(dataDir),
		env,
		logFile,
		signalLeader: true,
		echo,
		echoFilter,
		prefix: label ? `[${label}] ` : '',
		maxChars: 4_000_000,
	});
	const { child, output } = proc;
	const stop = async (graceMs = 15_000) => (await proc.stop('SIGTERM', graceMs))?.code ?? null;
	const url = `http://127.0.0.1:${port}`;
	const logs = ['info', 'debug'].includes(env.N8N_LOG_LEVEL || 'info');
	const logged = (line) => async () => !logs || output().includes(line);
	const answers200 = (u) => async () => (await httpStatus(u)) === 200;
	const hp = env.QUEUE_HEALTH_CHECK_ACTIVE === 'true' ? env.QUEUE_HEALTH_CHECK_PORT : undefined;
	const health = [answers200(`${url}/healthz`), answers200(`${url}/healthz/readiness`)];
	// Readiness, in order, all bounded by readyTimeoutMs. /healthz answers as soon as the HTTP server listens (even
	// during DB migrations), /healthz/readiness once the DB is connected and migrated; `n8n start` then answers
	// /rest/settings with JSON and logs "Editor is now accessible via" after active workflows are registered. A
	// worker's health server (QUEUE_HEALTH_CHECK_*) answers once the queue is set up; it logs "n8n worker is now
	// ready" after it takes jobs. Log lines only count at a log level that prints them.
	const checks = {
		start: [...health, () => restAnswers(url), logged('Editor is now accessible via')],
		webhook: [...health, logged('Webhook listener waiting for requests')],
		worker: [
			async () => !hp || (await answers200(`http://127.0.0.1:${hp}/healthz/readiness`)()),
			logged('n8n worker is now ready'),
		],
	}[command];
	const what = `n8n ${rt.version} ${command}${label ? ` (${label})` : ''} on ${url}`;
	try {
		for (const check of checks)
			await waitUntil(what, check, { timeoutMs: readyTimeoutMs, since: started, proc });
	} catch (error) {
		await stop();
		throw error;
	}
	const readyMs = Date.now() - started;
	return {
		url,
		port,
		line: rt.line,
		version: rt.version,
		command,
		readyMs,
		child,
		env,
		output,
		stop,
		exited: proc.exited,
	};
}

/**
 * Run an n8n CLI command (import:credentials, ...) against a data dir: the same dataDir as the server (the
 * encryption key lives in <dataDir>/.n8n/config). Resolves { output, ms }; rejects with the last output lines.
 */
export async function n8nCli({ line = '2', dataDir, args, timeoutMs = 180_000 }) {
	const rt = await ensureN8n(String(line));
	mkdirSync(dataDir, { recursive: true });
	const env = { ...n8nEnv({ rt, dataDir }), N8N_LOG_LEVEL: 'warn' };
	const label = `n8n ${args.join(' ')}`;
	const opts = { cwd: path.resolve(dataDir), env, timeoutMs, label };
	const { output, ms } = await runBounded(rt.nodeBin, [rt.n8nBin, ...args], opts);
	return { output, ms };
}
