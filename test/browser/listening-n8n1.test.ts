// n8n 1.x's editor: the README's Quick start says Execute step first (the only execute button without a trigger
// panel; 1.123.81 says "Listen for test event" for n8n's own Webhook node only), then the Test URL from the trigger's
// Webhook URLs section. This file does that on 1.x (journey.test.ts does the whole walk-through on 2.x): the
// parameters stay usable while n8n listens because the triggers declare no trigger panel; a click that something
// covers fails the step after SHORT. Runs under N8N_LINE=1 only.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, onTestFailed } from 'vitest';
// @ts-expect-error plain ESM helper without types
import { N8nRestClient } from '../../scripts/lib/n8n-api.mjs';
import { TRIGGER_NAME, triggerWorkflowBody, type RestClient } from '../e2e/workflows';
import {
	OWNER,
	REPO,
	SHORT,
	WAIT,
	keepFailure,
	launchBrowser,
	sees,
	type Browser,
} from './browser';

const line = process.env.N8N_LINE || '2';
const SECRET = 'listening-n8n1-secret-0123456789';

describe.skipIf(line !== '1')('n8n 1.x editor: the Test URL while listening', () => {
	let browser: Browser;
	let n8nUrl: string;
	let workflowId: string;

	beforeAll(async () => {
		n8nUrl = inject('n8nUrl');
		const client = new N8nRestClient(n8nUrl) as RestClient & {
			ensureOwner(o: unknown): Promise<void>;
			login(o: unknown): Promise<void>;
			createCredential(o: unknown): Promise<{ id: string; name: string }>;
		};
		await client.ensureOwner(OWNER);
		await client.login(OWNER);
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
		const { page } = browser;
		await page.goto(`${n8nUrl}/signin`);
		await page
			.locator('input[type="email"], input[name="emailOrLdapLoginId"]')
			.first()
			.fill(OWNER.email);
		await page.locator('input[type="password"]').first().fill(OWNER.password);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.waitForURL((u) => !/\/signin\b/.test(u.pathname), { timeout: WAIT });
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
		await params.locator('.webhooks .headline').click({ timeout: SHORT });
		await params.locator('[data-test-id="radio-button-test"]').click({ timeout: SHORT });
		const shown = params.locator('.webhook-url');
		await expect
			.poll(async () => (await shown.innerText()).trim(), { timeout: SHORT })
			.toMatch(/\/webhook-test\/[0-9a-f-]{36}\/webhook$/);
		await shown.click({ timeout: SHORT });
		const testUrl = (await shown.innerText()).trim();

		const sent = await new Promise<{ code: number; output: string }>((resolve) => {
			execFile(
				process.execPath,
				[
					path.join(REPO, 'cli', 'dist', 'cli.js'),
					'send',
					'smp',
					'project.completed',
					'--url',
					testUrl,
					'--secret',
					SECRET,
				],
				{ timeout: WAIT, encoding: 'utf8' },
				(error, stdout, stderr) =>
					resolve({
						code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
						output: `${stdout}${stderr}`,
					}),
			);
		});
		expect(sent.output).toMatch(/accepted: 200/);
		expect(sent.code).toBe(0);
		await sees(ndv.locator('[data-test-id="output-panel"]'), '1 item', WAIT);
	});
});
