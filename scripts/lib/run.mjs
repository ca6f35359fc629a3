// Bounded, non-interactive child processes (node: builtins only).
import { spawn } from 'node:child_process';
import { createWriteStream, writeFileSync } from 'node:fs';
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
 * Run a command with stdin closed, a hard timeout, and output teed to a log file (`uid`/`gid`: as another user).
 * Resolves { code, output, ms } on exit code 0; otherwise rejects with an Error whose
 * message contains the last `tailLines` lines of combined stdout/stderr.
 */
export function runBounded(cmd, args, opts = {}) {
	const {
		cwd,
		env = process.env,
		timeoutMs = 10 * 60_000,
		logFile,
		label = `${cmd} ${args.join(' ')}`,
		tailLines = 40,
		echo = false,
		uid,
		gid,
	} = opts;
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const log = logFile ? createWriteStream(logFile, { flags: 'a' }) : null;
		log?.write(`\n$ ${label}\n`);
		const child = spawn(cmd, args, {
			cwd,
			env,
			uid,
			gid,
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true, // own process group, so a timeout can kill the whole tree
		});
		const kept = teeOutput(child, { log, echo });
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {
				child.kill('SIGKILL');
			}
		}, timeoutMs);
		child.on('error', (err) => {
			clearTimeout(timer);
			log?.end();
			reject(new Error(`${label}: failed to spawn: ${err.message}`));
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			log?.end();
			const ms = Date.now() - started;
			const output = kept();
			if (code === 0 && !timedOut) return resolve({ code, output, ms });
			const why = timedOut
				? `timed out after ${Math.round(timeoutMs / 1000)} s`
				: `exited with ${signal ? `signal ${signal}` : `code ${code}`}`;
			const err = new Error(
				`${label} ${why}${logFile ? ` (full log: ${logFile})` : ''}\n--- last ${tailLines} lines ---\n${tail(output, tailLines)}`,
			);
			err.output = output;
			err.code = code;
			reject(err);
		});
	});
}

/**
 * Tees a child's stdout and stderr to `log` and, with `echo`, to this process's stderr (`prefix` before every line),
 * and keeps them in memory: once past `maxChars`, only the newest half. Returns a getter for what is kept. Every
 * child these scripts start is read this way. `echoFilter` rewrites what is echoed (not what is logged or kept), one
 * chunk at a time.
 */
export function teeOutput(
	child,
	{ log, echo = false, echoFilter = (s) => s, prefix = '', maxChars = 2_000_000 } = {},
) {
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
export function spawnGroup(cmd, args, { env, cwd, uid, gid, logFile, signalLeader, ...tee } = {}) {
	const child = spawn(cmd, args, {
		cwd,
		env,
		uid,
		gid,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const pgid = child.pid;
	if (pgid) liveGroups.add(pgid);
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
	// the log stream is closed once the pipes are drained (after 'exit' some output may still be buffered)
	child.on('close', () => log?.end());
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
	return { child, pid: pgid, output, exited: () => exited, exitPromise, stop };
}

/**
 * Polls `ready()` every intervalMs until it is true. `proc` (a spawnGroup) exiting first, or timeoutMs passing since
 * `since`, throws `<what>: <why>` and the last 30 lines of its output.
 */
export async function waitUntil(
	what,
	ready,
	{ timeoutMs, since = Date.now(), intervalMs = 200, proc },
) {
	while (!(await ready())) {
		const e = proc?.exited();
		const why = e
			? `exited before becoming ready (code ${e.code}, signal ${e.signal})`
			: Date.now() > since + timeoutMs && `not ready after ${timeoutMs / 1000} s`;
		if (why) throw new Error(`${what}: ${why}\n${proc ? tail(proc.output(), 30) : ''}`);
		await sleep(intervalMs);
	}
}
