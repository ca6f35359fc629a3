// Bounded, non-interactive child-process helper (node: builtins only).
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';

/**
 * Run a command with stdin closed, a hard timeout, and output teed to a log file.
 * Resolves { code, output, ms } on exit code 0; otherwise rejects with an Error whose
 * message contains the last `tailLines` lines of combined stdout/stderr.
 *
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, timeoutMs?: number, logFile?: string,
 *           label?: string, tailLines?: number, echo?: boolean }} [opts]
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
	} = opts;
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const log = logFile ? createWriteStream(logFile, { flags: 'a' }) : null;
		log?.write(`\n$ ${label}\n`);
		const child = spawn(cmd, args, {
			cwd,
			env,
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
			const tail = output.trimEnd().split('\n').slice(-tailLines).join('\n');
			const why = timedOut
				? `timed out after ${Math.round(timeoutMs / 1000)} s`
				: `exited with ${signal ? `signal ${signal}` : `code ${code}`}`;
			const err = new Error(
				`${label} ${why}${logFile ? ` (full log: ${logFile})` : ''}\n--- last ${tailLines} lines ---\n${tail}`,
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
 * child these scripts start is read this way (runBounded, startN8n, the queue suite's services). `echoFilter` rewrites
 * what is echoed (not what is logged or kept), one chunk at a time.
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
