// n8n 1.x's editor: the README's Quick start says Execute step first (the only execute button without a trigger
// panel; 1.123.81 says "Listen for test event" for n8n's own Webhook node only), then the Test URL from the trigger's
// Webhook URLs section (journey.test.ts does the whole walk-through on 2.x). The parameters stay usable while n8n
// listens because the triggers declare no trigger panel; a click that something covers fails after SHORT.
import { afterAll, beforeAll, describe, expect, inject, it, onTestFailed } from 'vitest';
import { TRIGGER_NAME, triggerWorkflowBody } from '../e2e/workflows';
import {
	keepFailure,
	launchBrowser,
	line,
	ownerRest,
	sees,
	sendWithCli,
	SHORT,
	signInN8n1,
	WAIT,
	webhookUrl,
	type Browser,
} from './browser';

const SECRET = 'listening-n8n1-secret-0123456789';

describe.skipIf(line !== '1')('n8n 1.x editor: the Test URL while listening', () => {
	let browser: Browser;
	let n8nUrl: string;
	let workflowId: string;

	beforeAll(async () => {
		n8nUrl = inject('n8nUrl');
		const client = await ownerRest(n8nUrl);
		const credential = await client.createCredential({
			name: 'SMP listening',
			type: 'smpWebhookApi',
			data: { secret: SECRET },
		});
		const { body } = triggerWorkflowBody({
			nodeType: 'smpTrigger',
			parameters: { events: ['project.completed'] },
			credentials: { smpWebhookApi: { id: String(credential.id), name: credential.name } },
		});
		workflowId = String((await client.createWorkflow(body)).id);
		browser = await launchBrowser();
		await signInN8n1(browser.page, n8nUrl);
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('Execute step, then Webhook URLs → Test URL; a delivery sent there shows as the item', async () => {
		const { page } = browser;
		onTestFailed(() => keepFailure(page, 'listening-n8n1'));
		await page.goto(`${n8nUrl}/workflow/${workflowId}`);
		await page
			.locator(`[data-test-id="canvas-node"][data-node-name="${TRIGGER_NAME}"]`)
			.dblclick({ timeout: WAIT });
		const ndv = page.locator('[data-test-id="ndv"]');
		await ndv.waitFor({ timeout: WAIT });
		const execute = ndv.locator('[data-test-id="node-execute-button"]');
		await expect
			.poll(async () => (await execute.innerText()).trim(), { timeout: SHORT })
			.toBe('Execute step');
		await execute.click({ timeout: SHORT });
		await expect
			.poll(async () => (await execute.innerText()).trim(), { timeout: WAIT })
			.toBe('Stop Listening');

		// while n8n listens: open the section, pick the Test URL, click it (n8n copies it)
		const params = ndv.locator('[data-test-id="node-parameters"]');
		await sees(params, 'open Webhook URLs at the top of this panel');
		const testUrl = await webhookUrl(params, 'test');

		const sent = await sendWithCli(testUrl, SECRET);
		expect(sent.output).toMatch(/accepted: 200/);
		expect(sent.code).toBe(0);
		await sees(ndv.locator('[data-test-id="output-panel"]'), '1 item', WAIT);
	});
});
