// ONE n8n (N8N_LINE, default '2') with this package installed (test/n8n.ts) and the SmartComply fake, for the whole e2e
// run; the values reach the test files through vitest's provide/inject (harness.ts).
import type { TestProject } from 'vitest/node';
// @ts-expect-error plain ESM helper without types
import { DEFAULT_OWNER, N8nRestClient } from '../../scripts/lib/n8n-api.mjs';
import { startFakeSmartComply } from '../fake/smartcomply-server.mjs';
import { installedN8n } from '../n8n';
import { PROVIDERS, SIGNED_NODE, nodeName } from '../providers';
import { NODE_TYPE_PREFIX } from './workflows';

export default async function setup(project: TestProject) {
	const line = process.env.N8N_LINE === '1' ? '1' : '2';
	const t0 = Date.now();
	const instance = await installedN8n({
		line,
		label: 'e2e',
		echo: process.env.N8N_E2E_ECHO === '1',
		keep: process.env.N8N_E2E_KEEP === '1',
		// every run (success or error) saved with its data: the test files read executions
		env: {
			EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
			EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
			EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
			// debug: the suites check that no secret, key or signature reaches n8n's log even at this level
			N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL || 'debug',
		},
	});
	const fake = await startFakeSmartComply({ apiKey: 'sc_live_e2e_key_0123456789' });
	try {
		const n8n = await instance.start();
		const logFile = instance.logFiles[0];
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
		process.stderr.write(
			`[e2e] n8n ${n8n.version} (line ${line}) ready in ${n8n.readyMs} ms on ${n8n.url} (setup ${Date.now() - t0} ms); log ${logFile}\n`,
		);
		project.provide('n8nUrl', n8n.url);
		project.provide('n8nCookie', client.cookie);
		project.provide('n8nOwner', { email: DEFAULT_OWNER.email, password: DEFAULT_OWNER.password });
		project.provide('n8nLine', line);
		project.provide('n8nVersion', n8n.version);
		project.provide('n8nLogFile', logFile);
		project.provide('fakeUrl', fake.url);
		project.provide('fakeOrigin', fake.origin);
		project.provide('fakeApiKey', fake.apiKey);
	} catch (error) {
		await instance.remove();
		await fake.close();
		throw error;
	}
	return async () => {
		const code = await instance.remove();
		await fake.close();
		process.stderr.write(
			`[e2e] n8n stopped (exit ${code}); suite wall time ${Math.round((Date.now() - t0) / 1000)} s\n`,
		);
	};
}

declare module 'vitest' {
	export interface ProvidedContext {
		n8nUrl: string;
		n8nCookie: string;
		n8nOwner: { email: string; password: string };
		n8nLine: '1' | '2';
		n8nVersion: string;
		n8nLogFile: string;
		fakeUrl: string;
		fakeOrigin: string;
		fakeApiKey: string;
	}
}
