// Throwaway services for the queue-mode suite, on 127.0.0.1 only: a PostgreSQL 15 cluster, a redis-server, and
// an n8n queue-mode topology (one main, two webhook processors, two workers) on the line-2 runtime.
// node: builtins only. Every wait is bounded; every process started here runs in its own process group (spawnGroup:
// stopped by its own stop(), SIGKILLed when this process exits).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { getFreePort, installPackage, startN8n, tcpProbe } from './n8n-process.mjs';
import { runBounded, spawnGroup, waitUntil } from './run.mjs';

/** Debian's PostgreSQL 15 binaries (apt-get install postgresql); PG_BIN_DIR overrides. */
const PG_BIN_DIR = process.env.PG_BIN_DIR || '/usr/lib/postgresql/15/bin';
/**
 * Runs SQL (or a script on stdin, `input`) with psql against a started PostgreSQL ({ host, port, user, database })
 * and returns its unaligned, tuples-only output, trimmed.
 */
export function psql(pg, sql, input) {
	const args = ['-h', pg.host, '-p', String(pg.port), '-U', pg.user, '-d', pg.database, '-Atq'];
	args.push('-v', 'ON_ERROR_STOP=1', ...(input === undefined ? ['-c', sql] : []));
	const opts = { encoding: 'utf8', timeout: 60_000, input };
	return execFileSync(path.join(PG_BIN_DIR, 'psql'), args, opts).trim();
}

const REDIS_SERVER = process.env.REDIS_SERVER || 'redis-server';

/** uid/gid of a system user (`id -u/-g`; node has no getpwnam). */
function systemUser(name) {
	const id = (flag) =>
		Number(execFileSync('id', [flag, name], { encoding: 'utf8', timeout: 10_000 }).trim());
	return { uid: id('-u'), gid: id('-g') };
}

/**
 * `server` (a spawnGroup in temp dir `dir`) once `ready()` (then `setUp()`), bounded; else stopped and thrown.
 * Its stop() stops it with `signal` (SIGKILL after graceMs) and removes the dir.
 */
async function serve(what, server, dir, { ready, setUp, signal, graceMs, timeoutMs, intervalMs }) {
	const t0 = Date.now();
	const stop = async () => {
		await server.stop(signal, graceMs);
		rmSync(dir, { recursive: true, force: true });
	};
	try {
		await waitUntil(what, ready, { timeoutMs, intervalMs, proc: server });
		await setUp?.();
	} catch (error) {
		await stop();
		throw error;
	}
	return { host: '127.0.0.1', dir, readyMs: Date.now() - t0, output: server.output, stop };
}

/**
 * A throwaway PostgreSQL 15 cluster on 127.0.0.1:<free port>, in a temp dir, trust authentication (loopback only),
 * durability off (fsync, synchronous_commit, full_page_writes: a test database), with one database.
 * initdb refuses to run as root, so as root every server binary runs as the `postgres` system user (spawn's
 * uid/gid) in a temp dir it owns; as another user it runs as that user. Resolves { host, port, user, password,
 * database, dir, readyMs, output(), stop() }.
 */
export async function startPostgres({ logFile } = {}) {
	const t0 = Date.now();
	const bin = (name) => path.join(PG_BIN_DIR, name);
	if (!existsSync(bin('initdb')))
		throw new Error(
			`${bin('initdb')} missing: apt-get install -y postgresql (15), or set PG_BIN_DIR`,
		);
	const asUser = process.getuid?.() === 0 ? systemUser('postgres') : {};
	const dir = mkdtempSync(path.join(os.tmpdir(), 'pg15-'));
	if (asUser.uid !== undefined) chownSync(dir, asUser.uid, asUser.gid);
	const dataDir = path.join(dir, 'data');
	const [user, database] = ['postgres', 'n8n'];
	// bounded, as the cluster's owner; a tiny env (HOME must be readable by that user)
	const env = { PATH: process.env.PATH, HOME: dir, LANG: 'C', LC_ALL: 'C', TZ: 'UTC' };
	try {
		await runBounded(
			bin('initdb'),
			['-D', dataDir, '-U', user, '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
			{ env, cwd: dir, logFile, ...asUser, label: 'initdb', timeoutMs: 120_000, tailLines: 20 },
		);
	} catch (error) {
		rmSync(dir, { recursive: true, force: true });
		throw error;
	}
	const port = await getFreePort();
	const server = spawnGroup(
		bin('postgres'),
		[
			...['-D', dataDir, '-p', String(port), '-h', '127.0.0.1'],
			// unix socket in our temp dir, not /var/run/postgresql (a system cluster may own it)
			...['-k', dir, '-c', 'fsync=off', '-c', 'synchronous_commit=off'],
			...['-c', 'full_page_writes=off', '-c', 'max_connections=100'],
		],
		{ env, cwd: dir, logFile, ...asUser },
	);
	const client = (name, args, timeoutMs) =>
		runBounded(bin(name), ['-h', '127.0.0.1', '-p', String(port), '-U', user, ...args], {
			env,
			timeoutMs,
		});
	const pg = await serve(`postgres on 127.0.0.1:${port}`, server, dir, {
		ready: () =>
			client('pg_isready', ['-t', '2'], 10_000).then(
				() => true,
				() => false,
			),
		setUp: () => client('createdb', [database], 30_000),
		signal: 'SIGINT', // fast shutdown
		graceMs: 20_000,
		timeoutMs: 120_000,
		intervalMs: 300,
	});
	return { ...pg, port, user, password: 'trust-auth-unused', database, readyMs: Date.now() - t0 };
}

/**
 * A throwaway redis-server on 127.0.0.1:<free port>: no persistence (--save '' --appendonly no), its dir a temp dir.
 */
export async function startRedis({ logFile } = {}) {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'redis-'));
	const port = await getFreePort();
	const server = spawnGroup(
		REDIS_SERVER,
		[
			...['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'],
			...['--dir', dir, '--protected-mode', 'yes', '--daemonize', 'no'],
		],
		{ cwd: dir, logFile },
	);
	const redis = await serve(`redis on 127.0.0.1:${port}`, server, dir, {
		ready: () => tcpProbe(port, 'PING\r\n', '+PONG'),
		signal: 'SIGTERM',
		graceMs: 10_000,
		timeoutMs: 60_000,
		intervalMs: 200,
	});
	return { ...redis, port };
}

/**
 * An n8n queue-mode topology on the line-2 runtime (or `line`), with its own PostgreSQL and Redis:
 *   main      `n8n start`    editor/REST, activations (trigger create()/delete() hooks), also serves /webhook/
 *   webhook1  `n8n webhook`  production webhooks; main's WEBHOOK_URL points here, so node panels and SmartComply
 *   webhook2  `n8n webhook`  registrations show webhook1's URL
 *   worker    `n8n worker`   run the executions the others enqueue in Redis (Bull); two by default (`workers`), as
 *   worker2   `n8n worker`   users scale out: two workers record into n8n's processed-data store at once
 * Each process has its own N8N_USER_FOLDER with the tarball installed the README's way (installPackage), its own
 * N8N_PORT and task-runner broker port (N8N_RUNNERS_BROKER_PORT, default 5679 for all), the worker its own health
 * port (QUEUE_HEALTH_CHECK_PORT defaults to 5678, main's default port); one N8N_ENCRYPTION_KEY for all (credentials
 * written by main are decrypted by the others). Logs at debug level, one file per process start in logDir.
 * `workers`: 1 or 2; `env` is added to every process's.
 */
export async function startQueueTopology({
	tarball,
	logDir,
	line = '2',
	env: extraEnv = {},
	echo = false,
	readyTimeoutMs = 240_000,
	workers = 2,
}) {
	if (!tarball) throw new Error('startQueueTopology: tarball is required');
	mkdirSync(logDir, { recursive: true });
	const root = mkdtempSync(path.join(os.tmpdir(), 'n8n-queue-'));
	const t0 = Date.now();
	const pg = await startPostgres({ logFile: path.join(logDir, 'postgres.log') });
	let redis;
	try {
		redis = await startRedis({ logFile: path.join(logDir, 'redis.log') });
	} catch (error) {
		await pg.stop();
		throw error;
	}
	const common = {
		NODE_ENV: 'production', // vitest sets NODE_ENV=test, with which n8n exits at start
		N8N_LOG_LEVEL: 'debug',
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: pg.host,
		DB_POSTGRESDB_PORT: String(pg.port),
		DB_POSTGRESDB_DATABASE: pg.database,
		DB_POSTGRESDB_USER: pg.user,
		DB_POSTGRESDB_PASSWORD: pg.password,
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
		EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
		// a stopped worker waits at most this long for running jobs (default 30 s)
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
		...extraEnv,
	};
	/** role → { name, command, port, dataDir, extra } and its running n8n (or undefined) */
	const procs = {};
	let starts = 0;
	async function launch(name) {
		const p = procs[name];
		const logFile = path.join(logDir, `${String(++starts).padStart(2, '0')}-${name}.log`);
		p.logFiles.push(logFile);
		const env = { ...common, ...p.extra() };
		// p's command, port and dataDir
		p.n8n = await startN8n({ ...p, line, env, logFile, echo, label: name, readyTimeoutMs });
		p.url = p.n8n.url;
		return p;
	}
	async function define(name, command, { withPackage = true, extra = () => ({}) } = {}) {
		const dataDir = path.join(root, name);
		mkdirSync(dataDir, { recursive: true });
		if (withPackage) await installPackage({ userFolder: dataDir, tarball, line });
		const p = {
			name,
			command,
			port: await getFreePort(),
			dataDir,
			withPackage,
			extra,
			logFiles: [],
		};
		if (command === 'worker') {
			// QUEUE_HEALTH_CHECK_PORT defaults to 5678 (main's default port): each worker its own; its /healthz/readiness
			// is how startN8n knows the worker is up
			const healthPort = await getFreePort();
			// (its default address is '::', every interface: loopback only here)
			p.extra = () => ({
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
				QUEUE_HEALTH_CHECK_PORT: String(healthPort),
				N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
				...extra(),
			});
		}
		procs[name] = p;
		return p;
	}

	const topology = {
		pg,
		redis,
		procs,
		/** The running process of a role. */
		get(name) {
			const p = procs[name];
			if (!p?.n8n) throw new Error(`queue topology: ${name} is not running`);
			return p;
		},
		url(name) {
			return topology.get(name).url;
		},
		async stop(name) {
			const p = procs[name];
			if (!p?.n8n) return null;
			const code = await p.n8n.stop();
			p.n8n = undefined;
			return code;
		},
		async restart(name) {
			await topology.stop(name);
			return await launch(name);
		},
		/**
		 * Stop the running worker and start `name` (a worker role defined here on first use) in its place:
		 * withPackage false → a user folder WITHOUT this package (the node type is unknown there).
		 */
		async replaceWorker(name, { withPackage }) {
			for (const [n, p] of Object.entries(procs))
				if (p.command === 'worker' && p.n8n) await topology.stop(n);
			if (!procs[name]) await define(name, 'worker', { withPackage });
			else if (procs[name].withPackage !== withPackage)
				throw new Error(
					`queue topology: ${name} exists with withPackage=${procs[name].withPackage}`,
				);
			return await launch(name);
		},
		/** Start one more worker (`name`, with the package) beside the running ones. */
		async addWorker(name) {
			if (!procs[name]) await define(name, 'worker', { withPackage: true });
			return await launch(name);
		},
		/** Every log file written so far (all starts of all processes). */
		logFiles() {
			return Object.values(procs).flatMap((p) => p.logFiles);
		},
		async stopAll() {
			// workers and webhook processors first, main last, then the services
			for (const name of Object.keys(procs).filter((n) => procs[n].command !== 'start'))
				await topology.stop(name).catch(() => {});
			for (const name of Object.keys(procs)) await topology.stop(name).catch(() => {});
			await redis.stop().catch(() => {});
			await pg.stop().catch(() => {});
			rmSync(root, { recursive: true, force: true });
		},
	};

	const webhookUrl = () => ({ WEBHOOK_URL: `http://127.0.0.1:${procs.webhook1.port}/` });
	try {
		// main's editor and node panels, and SmartComply registrations, show webhook processor 1's URL
		const main = await define('main', 'start', { extra: webhookUrl });
		await define('webhook1', 'webhook', { extra: webhookUrl });
		await define('webhook2', 'webhook', { extra: webhookUrl });
		const workerNames = workers >= 2 ? ['worker', 'worker2'] : ['worker'];
		for (const name of workerNames) await define(name, 'worker');

		// main first: it runs the database migrations the others need
		await launch(main.name);
		// then the others one after the other (2 shared cores; parallel starts only trade one wait for another)
		for (const name of ['webhook1', 'webhook2', ...workerNames]) await launch(name);
	} catch (error) {
		await topology.stopAll();
		throw error;
	}
	topology.readyMs = Date.now() - t0;
	return topology;
}
