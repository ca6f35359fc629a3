// Starts ONE n8n (2.x; 1.x under N8N_LINE=1) for the whole browser suite (editor.test.ts, then journey.test.ts, one after the other against
// it; order fixed in vitest.config.ts): fresh temp data dir, so the first file sets up the owner through the UI form
// and the other logs in;
// this package's packed tarball installed in its .n8n/nodes as users install it (installPackage). Stopped and
// removed afterwards. The URL reaches the test files through vitest's provide/inject.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
// @ts-expect-error plain ESM helper without types
import { ensureN8n } from '../../scripts/n8n-runtime.mjs';
// @ts-expect-error plain ESM helper without types
import * as n8nProcess from '../../scripts/lib/n8n-process.mjs';

const { getFreePort, installPackage, startN8n, tarballForRun } = n8nProcess;

const REPO = path.resolve(__dirname, '../..');

export default async function setup(project: TestProject) {
	// editor.test.ts and journey.test.ts are for the 2.x editor (1.x's differs) and skip themselves under
	// `N8N_LINE=1`; schema-preview.test.ts is for 1.x (2.x's editor shows no schema preview for triggers).
	const line = process.env.N8N_LINE === '1' ? '1' : '2';
	if (!existsSync(path.join(REPO, 'dist', 'nodes')))
		throw new Error('dist/ missing: npm run build first');
	const t0 = Date.now();
	await ensureN8n(line);
	const dataDir = mkdtempSync(path.join(os.tmpdir(), 'n8n-browser-'));
	await installPackage({
		userFolder: dataDir,
		tarball: await tarballForRun(path.join(dataDir, 'pack')),
		line,
	});
	const logFile = path.join(dataDir, 'n8n.log');
	let n8n: { url: string; version: string; readyMs: number; stop: () => Promise<number | null> };
	try {
		n8n = await startN8n({
			line,
			port: await getFreePort(),
			dataDir,
			logFile,
			readyTimeoutMs: 90_000,
			// vitest sets NODE_ENV=test, with which n8n exits at start (code 1, no output)
			env: { NODE_ENV: 'production' },
		});
	} catch (error) {
		rmSync(dataDir, { recursive: true, force: true });
		throw error;
	}
	process.stderr.write(
		`[browser] n8n ${n8n.version} ready on ${n8n.url} in ${n8n.readyMs} ms (setup ${Date.now() - t0} ms); log ${logFile}\n`,
	);
	project.provide('n8nUrl', n8n.url);
	project.provide('n8nLogFile', logFile);
	return async () => {
		const code = await n8n.stop();
		process.stderr.write(
			`[browser] n8n stopped (exit ${code}); suite wall time ${Math.round((Date.now() - t0) / 1000)} s\n`,
		);
		if (process.env.N8N_BROWSER_KEEP !== '1') rmSync(dataDir, { recursive: true, force: true });
	};
}

declare module 'vitest' {
	export interface ProvidedContext {
		n8nUrl: string;
		n8nLogFile: string;
	}
}
