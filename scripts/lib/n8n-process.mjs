// Start / stop a local n8n (pinned by scripts/n8n-runtime.mjs) on loopback, with everything that
// phones home switched off. node: builtins only. See docs/n8n-runtime.md.
import { spawn } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureN8n } from '../n8n-runtime.mjs';
import { runBounded } from './run.mjs';

/**
 * Lay out a custom-extensions folder the way a self-hosted user does (~/.n8n/custom):
 *   <dataDir>/custom/<package name>/{package.json, dist/}     (a copy, refreshed on every call)
 * n8n's CustomDirectoryLoader globs every **\/*.node.js and **\/*.credentials.js below the folder
 * given in N8N_CUSTOM_EXTENSIONS (it does not read package.json), so node types are
 * `CUSTOM.<description.name>`; credential types keep their plain `name`.
 *
 * Because the copy sits inside this repo when dataDir does (.n8n-data/), Node's module lookup from
 * it would find the repo's own node_modules/n8n-workflow (the devDependency) before n8n's. To load
 * the same n8n-workflow a user gets (n8n's own, via NODE_PATH), <dataDir>/node_modules/n8n-workflow
 * is a symlink to the runtime's copy (runtimeDir = ensureN8n(line).dir).
 *
 * @param {{ dataDir: string, packageDir: string, runtimeDir?: string }} o
 * @returns {string} the package copy's folder; pass its parent folder as customExtensions
 */
export function prepareCustomExtensions({ dataDir, packageDir, runtimeDir }) {
  const pkg = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
  const distDir = path.join(packageDir, 'dist');
  if (!existsSync(distDir)) throw new Error(`prepareCustomExtensions: ${distDir} missing (build first)`);
  const target = path.join(dataDir, 'custom', pkg.name);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  cpSync(path.join(packageDir, 'package.json'), path.join(target, 'package.json'));
  cpSync(distDir, path.join(target, 'dist'), { recursive: true, dereference: true });
  if (runtimeDir) {
    const link = path.join(dataDir, 'node_modules', 'n8n-workflow');
    const real = path.join(runtimeDir, 'node_modules', 'n8n-workflow');
    mkdirSync(path.dirname(link), { recursive: true });
    try {
      lstatSync(link);
      rmSync(link, { recursive: true, force: true });
    } catch {}
    symlinkSync(real, link, 'dir');
  }
  return target;
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

/** true if something already listens on 127.0.0.1:port */
export function isPortInUse(port) {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: '127.0.0.1' });
    sock.setTimeout(1000);
    sock.once('connect', () => { sock.destroy(); resolve(true); });
    sock.once('timeout', () => { sock.destroy(); resolve(false); });
    sock.once('error', () => resolve(false));
  });
}

/**
 * The environment n8n runs with. Exported so CLI commands (import:workflow, ...) use the same
 * user folder / settings as the server.
 * @param {{ port?: number, dataDir: string, customExtensions?: string, runnersBrokerPort?: number,
 *           line?: string }} o
 */
export function n8nEnv({ port = 5678, dataDir, customExtensions, runnersBrokerPort, line = '2' }) {
  const env = {
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
    N8N_COMMUNITY_PACKAGES_ENABLED: 'false', // no npm calls; we load the package as a custom extension
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
  if (customExtensions) env.N8N_CUSTOM_EXTENSIONS = path.resolve(customExtensions);
  if (String(line) === '2') {
    // 2.x refreshes an MCP server registry from api.n8n.io at startup; nothing else needs it.
    // (Module names are validated: this list must only hold modules the 2.x line knows.)
    env.N8N_DISABLED_MODULES = 'mcp-registry';
  }
  if (String(line) === '1') {
    // n8n 1.123.x defaults to the isolated-vm expression engine; isolated-vm 6 needs Node >= 22,
    // so on Node 20 use the legacy (in-process) engine -- the engine every other 1.x release used.
    env.N8N_EXPRESSION_ENGINE = 'legacy';
    // task runners are off by default on 1.x (Code node runs in-process); keep the default
  }
  return env;
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
 * Spawn `n8n start` and wait until GET /healthz answers 200.
 * @param {{ line?: '2'|'1', port?: number, dataDir: string, customExtensions?: string,
 *           env?: Record<string,string>, readyTimeoutMs?: number, logFile?: string,
 *           echo?: boolean }} opts
 *   echo: also copy n8n's output to this process's stderr (default false; always kept in memory
 *   and, if given, in logFile).
 * @returns {Promise<{ url: string, port: number, line: string, version: string, readyMs: number,
 *                     child: import('node:child_process').ChildProcess, output: () => string,
 *                     env: Record<string,string>, stop: () => Promise<number|null> }>}
 */
export async function startN8n({
  line = '2',
  port = 5678,
  dataDir,
  customExtensions,
  env: extraEnv = {},
  readyTimeoutMs = 120_000,
  logFile,
  echo = false,
} = {}) {
  if (!dataDir) throw new Error('startN8n: dataDir is required');
  const rt = await ensureN8n(String(line));
  if (await isPortInUse(port)) throw new Error(`startN8n: 127.0.0.1:${port} is already in use`);
  mkdirSync(dataDir, { recursive: true });
  const runnersBrokerPort = extraEnv.N8N_RUNNERS_BROKER_PORT ? undefined : await getFreePort();
  const env = {
    ...process.env,
    ...rt.env,
    ...n8nEnv({ port, dataDir, customExtensions, runnersBrokerPort, line: rt.line }),
    ...extraEnv,
  };
  const started = Date.now();
  const child = spawn(rt.nodeBin, [rt.n8nBin, 'start'], {
    cwd: path.resolve(dataDir),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = logFile ? createWriteStream(logFile, { flags: 'a' }) : null;
  let output = '';
  const onData = (chunk) => {
    const s = chunk.toString();
    output += s;
    if (output.length > 4_000_000) output = output.slice(-2_000_000);
    log?.write(s);
    if (echo) process.stderr.write(s);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(code);
    });
  });
  exitPromise.then(() => log?.end());

  const stop = async (graceMs = 15_000) => {
    if (exited) return exited.code;
    child.kill('SIGTERM');
    const t = sleep(graceMs).then(() => 'timeout');
    if ((await Promise.race([exitPromise, t])) === 'timeout' && !exited) {
      child.kill('SIGKILL');
      await Promise.race([exitPromise, sleep(5000)]);
    }
    return exited?.code ?? null;
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = started + readyTimeoutMs;
  const fail = async (why) => {
    if (!exited) await stop();
    throw new Error(`n8n ${rt.version} ${why}\n` + output.trimEnd().split('\n').slice(-40).join('\n'));
  };
  // Readiness, in order (all bounded by readyTimeoutMs):
  //  1. GET /healthz -> 200 (answers as soon as the HTTP server listens -- even during DB migrations)
  //  2. GET /healthz/readiness -> 200 (DB connected and migrated)
  //  3. GET /rest/settings -> JSON (before that, n8n answers 200 "n8n is starting up. Please wait")
  //  4. the "Editor is now accessible via" log line (printed after active workflows are registered),
  //     when the log level prints it
  const waitLogLine = ['info', 'debug'].includes(env.N8N_LOG_LEVEL || 'info');
  const checks = [
    async () => (await httpStatus(`${url}/healthz`)) === 200,
    async () => (await httpStatus(`${url}/healthz/readiness`)) === 200,
    async () => {
      try {
        const res = await fetch(`${url}/rest/settings`, { signal: AbortSignal.timeout(2000) });
        const body = await res.text();
        return res.status === 200 && body.startsWith('{');
      } catch {
        return false;
      }
    },
    async () => !waitLogLine || output.includes('Editor is now accessible via'),
  ];
  for (const check of checks) {
    while (!(await check())) {
      if (exited) await fail(`exited before becoming ready (code ${exited.code}, signal ${exited.signal})`);
      if (Date.now() > deadline) await fail(`not ready on ${url} after ${readyTimeoutMs / 1000} s`);
      await sleep(200);
    }
  }
  const readyMs = Date.now() - started;
  return { url, port, line: rt.line, version: rt.version, readyMs, child, env, output: () => output, stop };
}

/**
 * Run an n8n CLI command (import:workflow, publish:workflow, ...) against a data dir.
 * Use the same dataDir as the server (the encryption key lives in <dataDir>/.n8n/config).
 * @param {{ line?: '2'|'1', dataDir: string, args: string[], env?: Record<string,string>,
 *           timeoutMs?: number }} o
 * @returns {Promise<{ output: string, ms: number }>} rejects with the last output lines on failure
 */
export async function n8nCli({ line = '2', dataDir, args, env: extraEnv = {}, timeoutMs = 180_000 }) {
  const rt = await ensureN8n(String(line));
  mkdirSync(dataDir, { recursive: true });
  const env = { ...process.env, ...rt.env, ...n8nEnv({ dataDir, line: rt.line }), N8N_LOG_LEVEL: 'warn', ...extraEnv };
  const { output, ms } = await runBounded(rt.nodeBin, [rt.n8nBin, ...args], {
    cwd: path.resolve(dataDir),
    env,
    timeoutMs,
    label: `n8n ${args.join(' ')}`,
  });
  return { output, ms };
}
