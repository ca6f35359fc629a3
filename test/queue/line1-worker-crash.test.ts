// n8n 1.x queue mode: a worker killed while an execution waits in a Wait node. n8n 1.x hands the stalled job to
// another worker, which runs the same execution again from the trigger with the items the webhook phase enqueued: the
// trigger must emit them again (the record it finds is this very execution's), so the node after the Wait runs once;
// a provider's retry, a new execution, must not. Short lock and stalled-check intervals: a hand-over in seconds.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers, serializePayload, sign } from '../../src/internal';
// @ts-expect-error plain ESM helper without types
import { startQueueTopology } from '../../scripts/lib/services.mjs';
// @ts-expect-error plain ESM helper without types
import { tarballForRun } from '../../scripts/lib/n8n-process.mjs';
import {
	accepted,
	activate,
	allExecutions,
	copyKeys,
	ownerClient,
	post,
	rowHolds,
	say,
	settle,
	type RestClient,
} from './harness';
import {
	createChain,
	createCredentialOn,
	sideEffectNode,
	smpTriggerNode,
	startRecorder,
} from '../e2e/workflows';

const work = mkdtempSync(path.join(os.tmpdir(), 'queue-line1-crash-'));
const WAIT_SECONDS = 15;
let topo: any;
let client: RestClient;
let recorder: Awaited<ReturnType<typeof startRecorder>>;

beforeAll(async () => {
	recorder = await startRecorder();
	const tarball = await tarballForRun(path.join(work, 'pack'));
	topo = await startQueueTopology({
		tarball,
		logDir: path.join(work, 'logs'),
		line: '1',
		workers: 1,
		env: {
			QUEUE_WORKER_LOCK_DURATION: '5000',
			QUEUE_WORKER_LOCK_RENEW_TIME: '2000',
			QUEUE_WORKER_STALLED_INTERVAL: '5000',
		},
	});
	client = await ownerClient(topo.url('main'));
});

afterAll(async () => {
	await topo?.stopAll();
	await recorder?.close();
	if (process.env.N8N_QUEUE_KEEP === '1') say(`kept ${work}`);
	else rmSync(work, { recursive: true, force: true });
});

/** SMP Trigger → Wait → HTTP Request posting the item to the recorder: the side effect counted. */
async function waitingWorkflow(secret: string) {
	const credential = await createCredentialOn(client, 'smpWebhookApi', { secret });
	const webhookId = randomUUID();
	const id = await createChain(client, `line 1 worker crash ${webhookId.slice(0, 8)}`, [
		smpTriggerNode('Trigger', webhookId, credential),
		{
			id: randomUUID(),
			name: 'Wait',
			type: 'n8n-nodes-base.wait',
			typeVersion: 1.1,
			position: [240, 0],
			webhookId: randomUUID(),
			parameters: { resume: 'timeInterval', amount: WAIT_SECONDS, unit: 'seconds' },
		},
		sideEffectNode('Side Effect', recorder.url, [480, 0]),
	]);
	return { id, urlOn: (base: string) => `${base}/webhook/${webhookId}/webhook` };
}

describe('n8n 1.x queue mode: a worker dies during an execution', () => {
	it('the stalled execution runs again from the trigger on another worker: the node after the Wait runs once with the payload; a retry does not run it again', async () => {
		const secret = `smpCrash${randomUUID().replace(/-/g, '')}`;
		const wf = await waitingWorkflow(secret);
		const hook = topo.url('webhook1');
		await activate(client, wf, [hook]);
		const delivery = (id: string) => {
			const payload = providers.smp.sample('project.completed', { id });
			const body = serializePayload(payload);
			return { payload, body, headers: sign('smp', body, secret) };
		};
		const d = delivery(`evt_crash_${randomUUID().slice(0, 8)}`);
		const first = await post(wf.urlOn(hook), d.body, d.headers);
		expect(accepted(first), first.text).toBe(true);
		// the trigger has claimed the delivery once its keys are in the row; then the execution sits in the Wait
		await rowHolds(topo.pg, wf.id, copyKeys('smp', d, secret), 120_000);
		const victim = topo.get('worker').n8n;
		process.kill(-victim.child.pid, 'SIGKILL');
		await topo.stop('worker');
		expect(
			recorder.received,
			'the side effect ran before the worker was killed: the Wait was too short',
		).toEqual([]);
		const t0 = Date.now();
		await topo.addWorker('worker2');
		const [execution] = await settle(client, wf.id, 1, 180_000);
		say(
			`line 1 worker crash: execution ${execution.id} ${execution.status} ${Date.now() - t0} ms after the second worker started`,
		);
		expect(execution.status).toBe('success');
		expect(recorder.received).toEqual([d.payload]);

		// a provider's retry of it is a new execution whose trigger emits nothing; then a new delivery (the marker
		// that anything the retry would have run has run)
		const retry = await post(wf.urlOn(hook), d.body, d.headers);
		expect(accepted(retry), retry.text).toBe(true);
		const d2 = delivery(`evt_crash_next_${randomUUID().slice(0, 8)}`);
		const next = await post(wf.urlOn(hook), d2.body, d2.headers);
		expect(accepted(next), next.text).toBe(true);
		const all = await settle(client, wf.id, 3, 180_000);
		expect(all.map((e) => e.status)).toEqual(['success', 'success', 'success']);
		expect(recorder.received).toEqual([d.payload, d2.payload]);
		expect((await allExecutions(client, wf.id)).length).toBe(3);
	});
});
