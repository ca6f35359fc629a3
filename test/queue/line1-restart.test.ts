// n8n 1.x, one process with SQLite (the default set-up): the same delivery twice, n8n restarted, twice again → the
// workflow ran once. Deduplication lives in n8n's database, so it survives the restart. Its own n8n (test/n8n.ts),
// started after queue-mode.test.ts's topology is gone (files run one after the other).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers, serializePayload, sign } from '../../src/internal';
import { installedN8n } from '../n8n';
import { NODE_TYPE_PREFIX, providerTrigger } from '../e2e/workflows';
import {
	activeWorkflow,
	expectRanOnce,
	ownerClient,
	post,
	relogin,
	say,
	settle,
	type Delivery,
	type RestClient,
} from './harness';

let instance: Awaited<ReturnType<typeof installedN8n>>;
let client: RestClient;

beforeAll(async () => {
	instance = await installedN8n({
		line: '1',
		label: 'queue-line1',
		readyTimeoutMs: 240_000,
		keep: process.env.N8N_QUEUE_KEEP === '1',
		env: {
			N8N_LOG_LEVEL: 'debug',
			EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
			EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
		},
	});
	client = await ownerClient((await instance.start()).url);
	expect(await client.nodeTypeNames()).toContain(`${NODE_TYPE_PREFIX}smpTrigger`);
});

afterAll(async () => {
	await instance?.remove();
});

describe('n8n 1.x single process (SQLite) with a restart', () => {
	it('SMP: the same delivery twice, n8n restarted, twice again → ran once; no secret or signature in the log', async () => {
		const secret = `smpLine1${randomUUID().replace(/-/g, '')}`;
		const url = instance.n8n.url;
		const wf = await activeWorkflow(
			client,
			{ ...providerTrigger('smp', secret, 'project.completed'), name: 'line 1 restart' },
			[url],
		);
		const payload = providers.smp.sample('project.completed');
		const body = serializePayload(payload);
		const headers = sign('smp', body, secret);
		const answers: Delivery[] = [];
		// first delivery, then its execution finished, as a provider's retry comes later
		const t0 = Date.now();
		answers.push(await post(wf.urlOn(url), body, headers));
		await settle(client, wf.id, 1, 120_000, 100);
		// "no progress" bound: 50 × what one delivery took here, at least 30 s
		const stallMs = Math.max(30_000, 50 * (Date.now() - t0));
		answers.push(await post(wf.urlOn(url), body, headers));
		const t1 = Date.now();
		await instance.n8n.stop();
		await instance.start();
		say(`line 1: n8n ${instance.n8n.version} restarted in ${Date.now() - t1} ms`);
		await relogin(client);
		answers.push(await post(wf.urlOn(url), body, headers));
		answers.push(await post(wf.urlOn(url), body, headers));
		await expectRanOnce(client, wf, answers, payload, stallMs, 'line 1');
		for (const file of instance.logFiles) {
			const log = readFileSync(file, 'utf8');
			expect(log).toMatch(/debug/);
			expect(log.includes(secret), file).toBe(false);
			expect(log.includes(headers['X-SMP-Signature']), file).toBe(false);
		}
	});
});
