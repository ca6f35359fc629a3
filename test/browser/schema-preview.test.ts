// n8n 1.x's editor shows a trigger's output schema (dist/nodes/<Node>/__schema__/v1.0.0.json, scripts/build-schemas.ts)
// before any delivery: the node after the trigger lists the trigger's fields in its input panel's Schema view, ready
// to map. n8n 2.x's editor shows no preview for triggers, so this runs under N8N_LINE=1 only. The screenshot goes
// through shot(): docs/screenshots/schema-preview-n8n1.png only with UPDATE_SCREENSHOTS=1.
import { afterAll, beforeAll, describe, expect, inject, it, onTestFailed } from 'vitest';
import { NEXT_NAME, triggerWorkflowBody } from '../e2e/workflows';
import {
	keepFailure,
	launchBrowser,
	line,
	ownerRest,
	SHORT,
	shot,
	signInN8n1,
	WAIT,
	type Browser,
} from './browser';

describe.skipIf(line !== '1')('n8n 1.x editor: the trigger’s fields before any delivery', () => {
	let browser: Browser;
	let n8nUrl: string;
	let workflowId: string;

	beforeAll(async () => {
		n8nUrl = inject('n8nUrl');
		const client = await ownerRest(n8nUrl);
		const { body } = triggerWorkflowBody({
			nodeType: 'smartMaintenanceTrigger',
			parameters: { events: ['task.completed'] },
			credentials: {},
		});
		workflowId = String((await client.createWorkflow(body)).id);
		browser = await launchBrowser();
		await signInN8n1(browser.page, n8nUrl);
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('the next node’s input panel maps SmartMaintenance fields from the schema, with no execution', async () => {
		const { page } = browser;
		onTestFailed(() => keepFailure(page, 'schema-preview'));
		const fetched: number[] = [];
		page.on('response', (r) => {
			if (r.url().includes('/schemas/n8n-nodes-smart-webhooks.smartMaintenanceTrigger/1.0.0.json'))
				fetched.push(r.status());
		});
		await page.goto(`${n8nUrl}/workflow/${workflowId}`);
		await page
			.locator(`[data-test-id="canvas-node"][data-node-name="${NEXT_NAME}"]`)
			.dblclick({ timeout: WAIT });
		const input = page.locator('[data-test-id="ndv-input-panel"]');
		await input.waitFor({ timeout: WAIT });
		// "No input data yet … switch to Schema to use the schema preview": the Schema view
		const schemaTab = input.locator('[data-test-id="ndv-run-data-display-mode"] >> text=Schema');
		if (await schemaTab.count()) await schemaTab.first().click({ timeout: SHORT });
		else await input.getByText('Schema', { exact: true }).first().click({ timeout: SHORT });
		for (const field of ['company_name', 'company_id', 'task_id', '_delivery']) {
			await input.getByText(field, { exact: true }).first().waitFor({ timeout: SHORT });
		}
		await input
			.getByText('Usually outputs the following fields', { exact: false })
			.first()
			.waitFor({ timeout: SHORT });
		expect(fetched).toContain(200);
		await shot(page, 'schema-preview-n8n1');
	});
});
