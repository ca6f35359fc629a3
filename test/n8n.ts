// The one way the suites run a standalone n8n (e2e and browser global setups, the queue suite's 1.x restart): a fresh
// user folder with this run's packed tarball installed the README's way (installPackage: $SMART_WEBHOOKS_TARBALL from
// `npm test`, else a fresh `npm pack`), one free port for every start, a log file per start.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// @ts-expect-error plain ESM helper without types
import * as n8nProcess from '../scripts/lib/n8n-process.mjs';

// (a namespace import: prettier would split a long named import away from its @ts-expect-error line)
const { getFreePort, installPackage, startN8n, tarballForRun } = n8nProcess;

export interface N8nProcess {
	url: string;
	version: string;
	readyMs: number;
	child: { pid: number };
	stop(): Promise<number | null>;
}

export async function installedN8n(options: {
	line: '1' | '2';
	label: string;
	env?: Record<string, string>;
	readyTimeoutMs?: number;
	echo?: boolean;
	/** keep the user folder (and logs) when removed */
	keep?: boolean;
}) {
	const dir = mkdtempSync(path.join(os.tmpdir(), `n8n-${options.label}-${options.line}-`));
	const port = await getFreePort();
	const logFiles: string[] = [];
	let current: N8nProcess | undefined;
	try {
		const tarball = await tarballForRun(path.join(dir, 'pack'));
		await installPackage({ userFolder: dir, tarball, line: options.line });
	} catch (error) {
		rmSync(dir, { recursive: true, force: true });
		throw error;
	}
	return {
		dir,
		logFiles,
		get n8n(): N8nProcess {
			if (!current) throw new Error('n8n not started');
			return current;
		},
		async start(): Promise<N8nProcess> {
			const logFile = path.join(dir, `n8n-${logFiles.length + 1}.log`);
			logFiles.push(logFile);
			current = await startN8n({
				line: options.line,
				port,
				dataDir: dir,
				logFile,
				readyTimeoutMs: options.readyTimeoutMs,
				echo: options.echo,
				// vitest sets NODE_ENV=test, with which n8n exits at start (code 1, no output)
				env: { NODE_ENV: 'production', ...options.env },
			});
			return current!;
		},
		/** Stops n8n (if running) and removes the folder unless `keep`; resolves to n8n's exit code. */
		async remove(): Promise<number | null | undefined> {
			const code = await current?.stop();
			if (options.keep) process.stderr.write(`[${options.label}] kept ${dir}\n`);
			else rmSync(dir, { recursive: true, force: true });
			return code;
		},
	};
}
