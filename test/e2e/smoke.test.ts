import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { providers, serializePayload, sign } from '../../src';
import { createCredential, createTriggerWorkflow, env, executionItems, post, waitForExecutions } from './harness';

describe('smoke', () => {
	it('n8n runs a SMP trigger', async () => {
		const cred = await createCredential('smpWebhookApi', { signingSecret: 'smp_secret_e2e' });
		const wf = await createTriggerWorkflow({ nodeType: 'smpTrigger', credentials: { smpWebhookApi: cred } });
		const payload = providers.smp.sample('project.completed');
		const body = serializePayload(payload);
		const res = await post(wf.productionUrl, body, sign('smp', body, 'smp_secret_e2e'));
		console.log(env.version, res.status, res.text);
		expect(res.status).toBe(200);
		const [ex] = await waitForExecutions(wf.id, 1);
		expect(await executionItems(ex.id)).toEqual([payload]);
	});
});
