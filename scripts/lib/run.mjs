// Bounded, non-interactive child processes (node: builtins only).
import { spawn } from 'node:child_process';
import { appendFileSync, createWriteStream, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Process groups started by spawnGroup and not stopped yet: SIGKILLed when this process exits (a crash leaks nothing). */
const liveGroups = new Set();
process.once('exit', () => {
	for (const pgid of liveGroups) killGroup(pgid, 'SIGKILL');
});

function killGroup(pgid, signal) {
	try {
		process.kill(-pgid, signal);
	} catch {}
}

/** A JSON file as npm writes package.json: two-space indents, a final newline. */
export const writeJson = (file, value) =>
	writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);

const tail = (text, n) => text.trimEnd().split('\n').slice(-n).join('\n');

/**
 * Run a command with stdin closed, a hard timeout (SIGKILL to its process group), and output teed to a log file
 * (`uid`/`gid`: as another user; `echo`: to stderr too). Resolves { code, output, ms } on exit code 0; otherwise
 * rejects with an Error whose message contains the last `tailLines` lines of combined stdout/stderr.
 */
export async function runBounded(cmd, args, opts = {}) {
	const {
		timeoutMs = 10 * 60_000,
		logFile,
		label = `${cmd} ${args.join(' ')}`,
		tailLines = 40,
	} = opts;
	const started = Date.now();
	if (logFile) appendFileSync(logFile, `\n$ ${label}\n`);
	const { cwd, env, uid, gid, echo } = opts;
	const proc = spawnGroup(cmd, args, { cwd, env, uid, gid, echo, logFile, track: false });
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		void proc.stop('SIGKILL', 0);
	}, timeoutMs);
	const { code, signal } = await proc.closed;
	clearTimeout(timer);
	const error = proc.exited()?.error;
	if (error) throw new Error(`${label}: failed to spawn: ${error}`);
	const output = proc.output();
	if (code === 0 && !timedOut) return { code, output, ms: Date.now() - started };
	const why = timedOut
		? `timed out after ${Math.round(timeoutMs / 1000)} s`
		: `exited with ${signal ? `signal ${signal}` : `code ${code}`}`;
	const err = new Error(
		`${label} ${why}${logFile ? ` (full log: ${logFile})` : ''}\n--- last ${tailLines} lines ---\n${tail(output, tailLines)}`,
	);
	err.output = output;
	err.code = code;
	throw err;
}

/**
 * Tees a child's stdout and stderr to `log` and, with `echo`, to this process's stderr (`prefix` before every line),
 * and keeps them in memory: once past `maxChars`, only the newest half. Returns a getter for what is kept. Every
 * child these scripts start is read this way. `echoFilter` rewrites what is echoed (not what is logged or kept), one
 * chunk at a time.
 */
export function teeOutput(child, opts = {}) {
	const { log, echo = false, echoFilter = (s) => s, prefix = '', maxChars = 2_000_000 } = opts;
	let output = '';
	const onData = (chunk) => {
		const s = chunk.toString();
		output += s;
		if (output.length > maxChars) output = output.slice(-maxChars / 2);
		log?.write(s);
		const shown = echo ? echoFilter(s) : '';
		if (shown) process.stderr.write(prefix ? shown.replace(/^(?=.)/gm, prefix) : shown);
	};
	child.stdout.on('data', onData);
	child.stderr.on('data', onData);
	return () => output;
}

/**
 * A long-running child in its own process group, its output read by teeOutput (`tee`: its options) into logFile.
 * stop(signal, graceMs) sends `signal` to the group (`signalLeader`: to the leader only, which then stops what it
 * started), SIGKILLs the group after graceMs, and always SIGKILLs what is left of the group (children that outlived
 * the leader). Resolves with exited(): null while it runs, then { code, signal } (or { error } if it never spawned).
 */
export function spawnGroup(cmd, args, opts = {}) {
	const { env, cwd, uid, gid, logFile, signalLeader, track = true, ...tee } = opts;
	const stdio = ['ignore', 'pipe', 'pipe'];
	const child = spawn(cmd, args, { cwd, env, uid, gid, detached: true, stdio });
	const pgid = child.pid;
	if (pgid && track) liveGroups.add(pgid);
	const log = logFile ? createWriteStream(logFile, { flags: 'a' }) : null;
	const output = teeOutput(child, { log, ...tee });
	let exited = null;
	const exitPromise = new Promise((resolve) => {
		child.on('error', (error) => {
			exited = { code: null, signal: null, error: error.message };
			resolve();
		});
		child.on('exit', (code, signal) => {
			exited = { code, signal };
			resolve();
		});
	});
	// the log stream is closed once the pipes are drained (after 'exit' some output may still be buffered); 'close'
	// also follows a failed spawn's 'error'
	const closed = new Promise((resolve) =>
		child.on('close', (code, signal) => {
			log?.end();
			resolve({ code, signal });
		}),
	);
	const stop = async (signal = 'SIGTERM', graceMs = 20_000) => {
		if (!exited && pgid) {
			if (signalLeader) child.kill(signal);
			else killGroup(pgid, signal);
			if ((await Promise.race([exitPromise, sleep(graceMs).then(() => 'timeout')])) === 'timeout') {
				killGroup(pgid, 'SIGKILL');
				await Promise.race([exitPromise, sleep(5000)]);
			}
		}
		killGroup(pgid, 'SIGKILL');
		liveGroups.delete(pgid);
		return exited;
	};
	return { child, pid: pgid, output, exited: () => exited, exitPromise, closed, stop };
}

/**
 * Polls `ready()` every intervalMs until it is true. `proc` (a spawnGroup) exiting first, or timeoutMs passing since
 * `since`, throws `<what>: <why>` and the last 30 lines of its output.
 */
export async function waitUntil(what, ready, opts) {
	const { timeoutMs, since = Date.now(), intervalMs = 200, proc } = opts;
	while (!(await ready())) {
		const e = proc?.exited();
		const why = e
			? `exited before becoming ready (code ${e.code}, signal ${e.signal})`
			: Date.now() > since + timeoutMs && `not ready after ${timeoutMs / 1000} s`;
		if (why) throw new Error(`${what}: ${why}\n${proc ? tail(proc.output(), 30) : ''}`);
		await sleep(intervalMs);
	}
}
