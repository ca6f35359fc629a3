// Starts ONE n8n (the line in N8N_LINE, default '2') with this package's packed tarball installed the way users install
// it (<N8N_USER_FOLDER>/.n8n/nodes, see installPackage), plus the
// SmartComply fake, for the whole e2e run; tears both down afterwards. Values reach the test files
// through vitest's provide/inject (see harness.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
// @ts-expect-error plain ESM helper without types
import { ensureN8n } from '../../scripts/n8n-runtime.mjs';
// @ts-expect-error plain ESM helper without types
import * as n8nProcess from '../../scripts/lib/n8n-process.mjs';
// @ts-expect-error plain ESM helper without types
import { DEFAULT_OWNER, N8nRestClient } from '../../scripts/lib/n8n-api.mjs';
import { startFakeSmartComply } from '../fake/smartcomply-server.mjs';
import { PROVIDERS, SIGNED_NODE, nodeName } from '../providers';

// (a namespace import: prettier would split a long named import away from its @ts-expect-error line)
const { getFreePort, installPackage, NODE_TYPE_PREFIX, startN8n, tarballForRun } = n8nProcess;

export default async function setup(project: TestProject) {
	const line = process.env.N8N_LINE === '1' ? '1' : '2';
	const t0 = Date.now();
	await ensureN8n(line);
	const dataDir = mkdtempSync(path.join(os.tmpdir(), `n8n-e2e-${line}-`));
	// the tarball `npm test` packed for this run (or a fresh `npm pack` when this suite runs alone)
	const tarball = await tarballForRun(path.join(dataDir, 'pack'));
	await installPackage({ userFolder: dataDir, tarball, line });
	const port = await getFreePort();
	const logFile = path.join(dataDir, 'n8n.log');
	const fake = await startFakeSmartComply({ apiKey: 'sc_live_e2e_key_0123456789' });
	let n8n: Awaited<ReturnType<typeof startN8n>> | undefined;
	try {
		n8n = await startN8n({
			line,
			port,
			dataDir,
			logFile,
			echo: process.env.N8N_E2E_ECHO === '1',
			// the test files poll executions; make sure every run (success or error) is saved with its data
			env: {
				// vitest sets NODE_ENV=test, with which n8n exits at start (code 1, no output)
				NODE_ENV: 'production',
				EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
				EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
				EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
				// debug: the faults suite checks that no secret, key or signature reaches n8n's log even at this level
				N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL || 'debug',
			},
		});
		const client = new N8nRestClient(n8n.url);
		await client.ensureOwner(DEFAULT_OWNER);
		await client.login(DEFAULT_OWNER);
		const types: string[] = await client.nodeTypeNames();
		for (const name of [...PROVIDERS.map(nodeName), SIGNED_NODE.name]) {
			if (!types.includes(`${NODE_TYPE_PREFIX}${name}`))
				throw new Error(
					`n8n ${n8n.version} did not load ${NODE_TYPE_PREFIX}${name}; log: ${logFile}`,
				);
		}
		const readyMs = n8n.readyMs;
		process.stderr.write(
			`[e2e] n8n ${n8n.version} (line ${line}) ready in ${readyMs} ms on ${n8n.url} (setup ${Date.now() - t0} ms); log ${logFile}\n`,
		);
		project.provide('n8nUrl', n8n.url);
		project.provide('n8nCookie', client.cookie);
		project.provide('n8nOwner', { email: DEFAULT_OWNER.email, password: DEFAULT_OWNER.password });
		project.provide('n8nLine', line);
		project.provide('n8nVersion', n8n.version);
		project.provide('n8nReadyMs', readyMs);
		project.provide('n8nLogFile', logFile);
		project.provide('fakeUrl', fake.url);
		project.provide('fakeOrigin', fake.origin);
		project.provide('fakeApiKey', fake.apiKey);
	} catch (error) {
		await n8n?.stop();
		await fake.close();
		throw error;
	}
	const started = n8n;
	return async () => {
		const code = await started.stop();
		await fake.close();
		process.stderr.write(
			`[e2e] n8n stopped (exit ${code}); suite wall time ${Math.round((Date.now() - t0) / 1000)} s\n`,
		);
		if (process.env.N8N_E2E_KEEP !== '1') rmSync(dataDir, { recursive: true, force: true });
	};
}

declare module 'vitest' {
	export interface ProvidedContext {
		n8nUrl: string;
		n8nCookie: string;
		n8nOwner: { email: string; password: string };
		n8nLine: '1' | '2';
		n8nVersion: string;
		n8nReadyMs: number;
		n8nLogFile: string;
		fakeUrl: string;
		fakeOrigin: string;
		fakeApiKey: string;
	}
}
