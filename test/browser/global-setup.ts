// ONE n8n for the whole browser suite (2.x; 1.x under N8N_LINE=1), this package installed (test/n8n.ts), on a fresh
// user folder: the first file sets up the owner (order fixed in vitest.config.ts). Its URL reaches the files through
// vitest's provide/inject.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { installedN8n } from '../n8n';

export default async function setup(project: TestProject) {
	// editor.test.ts and journey.test.ts are for the 2.x editor and skip themselves under N8N_LINE=1;
	// listening-n8n1.test.ts and schema-preview.test.ts are for 1.x (2.x's editor shows no schema preview for triggers).
	const line = process.env.N8N_LINE === '1' ? '1' : '2';
	if (!existsSync(path.resolve(__dirname, '../../dist/nodes')))
		throw new Error('dist/ missing: npm run build first');
	const t0 = Date.now();
	const instance = await installedN8n({
		line,
		label: 'browser',
		readyTimeoutMs: 90_000,
		keep: process.env.N8N_BROWSER_KEEP === '1',
	});
	const n8n = await instance.start().catch(async (error) => {
		await instance.remove();
		throw error;
	});
	process.stderr.write(
		`[browser] n8n ${n8n.version} ready on ${n8n.url} in ${n8n.readyMs} ms (setup ${Date.now() - t0} ms); log ${instance.logFiles[0]}\n`,
	);
	project.provide('n8nUrl', n8n.url);
	return async () => {
		const code = await instance.remove();
		process.stderr.write(
			`[browser] n8n stopped (exit ${code}); suite wall time ${Math.round((Date.now() - t0) / 1000)} s\n`,
		);
	};
}
