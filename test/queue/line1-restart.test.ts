// n8n 1.x, one process with SQLite (the default set-up): the same delivery twice, n8n restarted, twice again →
// the workflow ran once. Deduplication lives in n8n's database, so it survives the restart. Starts its own n8n
// (line 1, fresh temp user folder with the packed tarball installed the README's way) after the queue topology
// of queue-mode.test.ts is gone (files run one after the other).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers, serializePayload, sign } from '../../src/internal';
// @ts-expect-error plain ESM helper without types
import * as n8nProcess from '../../scripts/lib/n8n-process.mjs';
import {
	accepted,
	activate,
	createCredential,
	createWorkflow,
	details,
	ownerClient,
	post,
	relogin,
	settle,
	type Delivery,
	type RestClient,
} from './harness';

const { getFreePort, installPackage, NODE_TYPE_PREFIX, startN8n, tarballForRun } = n8nProcess;
const work = mkdtempSync(path.join(os.tmpdir(), 'queue-line1-'));
const userFolder = path.join(work, 'n8n');
let port = 0;
let n8n: any;
let client: RestClient;
const logFiles: string[] = [];
let starts = 0;

async function start() {
	const logFile = path.join(work, `n8n-${++starts}.log`);
	logFiles.push(logFile);
	n8n = await startN8n({
		line: '1',
		port,
		dataDir: userFolder,
		logFile,
		readyTimeoutMs: 240_000,
		env: {
			NODE_ENV: 'production', // vitest sets NODE_ENV=test, with which n8n exits at start
			N8N_LOG_LEVEL: 'debug',
			EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
			EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
		},
	});
}

beforeAll(async () => {
	const tarball = await tarballForRun(path.join(work, 'pack'));
	await installPackage({ userFolder, tarball, line: '1' });
	port = await getFreePort();
	await start();
	client = await ownerClient(n8n.url);
	expect(await client.nodeTypeNames()).toContain(`${NODE_TYPE_PREFIX}smpTrigger`);
});

afterAll(async () => {
	await n8n?.stop();
	if (process.env.N8N_QUEUE_KEEP === '1') process.stderr.write(`[queue] kept ${work}\n`);
	else rmSync(work, { recursive: true, force: true });
});

describe('n8n 1.x single process (SQLite) with a restart', () => {
	it('SMP: the same delivery twice, n8n restarted, twice again → ran once; no secret or signature in the log', async () => {
		const secret = `smpLine1${randomUUID().replace(/-/g, '')}`;
		const cred = await createCredential(client, 'smpWebhookApi', { secret });
		const wf = await createWorkflow(client, {
			nodeType: 'smpTrigger',
			parameters: { events: ['project.completed'] },
			credentials: { smpWebhookApi: cred },
			name: 'line 1 restart',
		});
		await activate(client, wf, [n8n.url]);
		const payload = providers.smp.sample('project.completed');
		const body = serializePayload(payload);
		const headers = sign('smp', body, secret);
		const answers: Delivery[] = [];
		// first delivery, then its execution finished, as a provider's retry comes later
		const t0 = Date.now();
		answers.push(await post(wf.urlOn(n8n.url), body, headers));
		await settle(client, wf.id, 1, 120_000, 100);
		// "no progress" bound: 50 × what one delivery took here, at least 30 s
		const stallMs = Math.max(30_000, 50 * (Date.now() - t0));
		answers.push(await post(wf.urlOn(n8n.url), body, headers));
		const t1 = Date.now();
		await n8n.stop();
		await start();
		process.stderr.write(`[queue] line 1: n8n ${n8n.version} restarted in ${Date.now() - t1} ms\n`);
		await relogin(client);
		answers.push(await post(wf.urlOn(n8n.url), body, headers));
		answers.push(await post(wf.urlOn(n8n.url), body, headers));
		expect(
			answers.map((a) => a.status),
			answers.map((a) => a.text).join(' | '),
		).toEqual([200, 200, 200, 200]);
		const started = answers.filter(accepted).length;
		const all = await details(client, await settle(client, wf.id, started, stallMs));
		const ran = all.filter((e) => e.ran);
		process.stderr.write(`[queue] line 1: 4 copies, ${all.length} executions, ran ${ran.length}\n`);
		expect(ran).toHaveLength(1);
		expect(ran[0].afterItems).toEqual([payload]);
		for (const file of logFiles) {
			const log = readFileSync(file, 'utf8');
			expect(log).toMatch(/debug/);
			expect(log.includes(secret), file).toBe(false);
			expect(log.includes(headers['X-SMP-Signature']), file).toBe(false);
		}
	});
});
