// SmartMaintenance's required header inside a real n8n (both lines): alone and with the HMAC secret, refused when
// missing or wrong with nothing run (a good delivery afterwards is the positive control), and its value nowhere in
// an answer, n8n's log (debug level, global-setup.ts) or the stored execution data.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { providers, serializePayload, sign } from '../../src/internal';
import {
	allExecutions,
	createTriggerWorkflow,
	executionData,
	post,
	waitForExecutions,
	workflowRuns,
} from './harness';

const HEADER = 'X-Hook-Token';

function delivery(secret: string) {
	const payload = providers.smartMaintenance.sample('task.completed');
	const body = serializePayload(payload);
	return { payload, body, headers: sign('smartMaintenance', body, secret) };
}

describe.each([
	{ label: 'header alone', signed: false, verified: 'header' },
	{ label: 'header and HMAC secret', signed: true, verified: 'signature+header' },
])('SmartMaintenance Trigger requiring a header ($label)', ({ signed, verified }) => {
	it('refuses a missing or wrong header (and a missing signature) with 401 and runs nothing; runs a good delivery once; the value is never shown', async () => {
		const token = `smtmhdr_${randomUUID().replace(/-/g, '')}`;
		const secret = signed ? `smtm_e2e_${randomUUID().replace(/-/g, '')}` : '';
		const wf = await createTriggerWorkflow({
			nodeType: 'smartMaintenanceTrigger',
			parameters: { events: [], settings: { includeMetadata: true } },
			credential: {
				type: 'smartMaintenanceWebhookApi',
				data: { secret, headerName: HEADER, headerSecret: token },
			},
		});
		const answers: string[] = [];

		const refusals: Array<[Record<string, string>, string]> = [
			[{}, `missing ${HEADER} header`],
			[{ [HEADER]: `${token}x` }, `${HEADER} header does not match`],
			[{ [HEADER]: token.slice(0, -1) }, `${HEADER} header does not match`],
		];
		// with the secret configured, the right header does not make up for a missing signature
		if (signed)
			refusals.push([{ [HEADER]: token, unsigned: '1' }, 'missing X-SMTM-Signature header']);
		for (const [extra, reason] of refusals) {
			const { body, headers } = delivery(extra.unsigned ? '' : secret);
			const { unsigned: _u, ...sent } = extra;
			const res = await post(wf.productionUrl, body, { ...headers, ...sent });
			answers.push(res.text);
			expect(res.status, res.text).toBe(401);
			expect(res.json).toEqual({ error: reason });
		}

		// positive control: the good delivery, sent after the refused ones, is the only run
		const good = delivery(secret);
		const res = await post(wf.productionUrl, good.body, { ...good.headers, [HEADER]: token });
		answers.push(res.text);
		expect(res.status, res.text).toBe(200);
		const executions = await waitForExecutions(wf.id, 1);
		expect(await allExecutions(wf.id)).toHaveLength(1);
		const runs = await workflowRuns(executions);
		expect(runs).toHaveLength(1);
		const { _delivery, ...item } = runs[0].items[0] as Record<string, any>;
		expect(item).toEqual(good.payload);
		expect(_delivery).toMatchObject({ provider: 'smartMaintenance', verified });

		for (const text of answers) expect(text).not.toContain(token);
		expect(JSON.stringify(await executionData(runs[0].id))).not.toContain(token);
		expect(readFileSync(inject('n8nLogFile'), 'utf8')).not.toContain(token);
	});
});
