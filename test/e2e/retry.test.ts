// The editor's Retry of a failed execution (POST /rest/executions/:id/retry, the executions list's "Retry" button):
// n8n resumes at the failed node with the saved run data, so the trigger is not asked again and the delivery it
// emitted reaches the node after it once more. The copy check must not stand in the way, on either n8n line.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../../src/internal';
import {
	activate,
	createCredential,
	env,
	executionData,
	rest,
	sendSigned,
	waitForExecutions,
} from './harness';
import { createChain, sideEffectNode, smpTriggerNode, startRecorder } from './workflows';

/** A downstream service that was down once: 500 to the first request, 200 after. */
let flaky: Awaited<ReturnType<typeof startRecorder>>;

beforeAll(async () => {
	flaky = await startRecorder((n) => (n === 1 ? 500 : 200));
});

afterAll(async () => {
	await flaky?.close();
});

describe(`editor Retry on n8n ${env.line}.x`, () => {
	it('a failed execution retried from the executions list runs the node after the trigger with the delivery', async () => {
		const client = await rest();
		const secret = `smpRetry${randomUUID().replace(/-/g, '')}`;
		const cred = await createCredential('smpWebhookApi', { secret });
		const webhookId = randomUUID();
		const id = await createChain(client, `e2e retry ${webhookId.slice(0, 8)}`, [
			smpTriggerNode('Trigger', webhookId, cred),
			sideEffectNode('Downstream', flaky.url, [240, 0]),
		]);
		await activate(id);
		const payload = providers.smp.sample('project.completed', {
			id: `evt_retry_${randomUUID().slice(0, 8)}`,
		});
		const answer = await sendSigned(
			`${env.n8nUrl}/webhook/${webhookId}/webhook`,
			'smp',
			secret,
			payload,
		);
		expect(answer.status, answer.text).toBe(200);
		const [failed] = await waitForExecutions(id, 1);
		expect(failed.status).toBe('error');
		expect(flaky.received).toEqual([payload]);

		await client.request('POST', `/rest/executions/${failed.id}/retry`, { loadWorkflow: false });
		const [, retried] = await waitForExecutions(id, 2);
		expect(retried.status).toBe('success');
		expect(flaky.received).toEqual([payload, payload]);
		const runData = (await executionData(retried.id)).data.resultData.runData;
		expect(runData.Downstream[0].data.main[0].map((i: any) => i.json)).toEqual([{ ok: true }]);
	});
});
