// Drives the real n8n 2.x editor as a user would: owner setup through the form (this file runs first, see
// vitest.config.ts), then per trigger a new workflow, the nodes panel search, the node panel (events, Webhook URLs,
// setup steps, notices) and the credential dialog. Screenshots: docs/screenshots/<provider>-panel.png and
// <provider>-credential.png. Every wait is bounded (<= 30 s).
import { type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it, onTestFailed } from 'vitest';
import {
	budget,
	dropdownOption,
	escapeRe,
	keepFailure,
	launchBrowser,
	line,
	pickFromNodesPanel,
	sees,
	SHORT,
	shot as shotOf,
	signIn,
	WAIT,
	type Browser,
} from './browser';

// the whole file stays under 3 minutes: no test starts after 150 s (each is capped at 45 s by the config)
const withinBudget = budget('browser suite', 150_000);

interface Provider {
	/** screenshot file prefix */
	file: string;
	/** typed into the nodes panel search, and the name it shows (n8n drops " Trigger" from the display name) */
	listName: string;
	/** the trigger action n8n derives from the Events list, clicked to add the node (none: added directly) */
	action?: string;
	/** the event that action preselects (shown in the Events field and as the canvas subtitle) */
	preselected?: string;
	/** every documented event, expected in the Events dropdown */
	events?: string[];
	/** text the panel must show (first the try-it notice, which names the event the action chose) */
	panelTexts: string[];
	/** text the panel must not show */
	panelAbsent?: string[];
	credential: { type: string; fields: string[]; texts?: string[] };
}

const PROVIDERS: Provider[] = [
	{
		file: 'smp',
		listName: 'SMP',
		action: 'On project completed',
		preselected: 'project.completed',
		events: ['project.completed', 'webhook.delivery_failed', 'webhook.test'],
		panelTexts: [
			'send smp project.completed --url',
			'Register this webhook in SMP by hand',
			'Organisation settings → Webhooks',
			'Generate a signing secret',
			'HTTPS required: SMP refuses http:// URLs',
		],
		credential: { type: 'SMP Webhook API', fields: ['Signing Secret'] },
	},
	{
		file: 'smartcomply',
		listName: 'SmartComply',
		action: 'On test submitted',
		preselected: 'test.submitted',
		events: ['test.submitted', 'notice.created', 'webhook.test'],
		panelTexts: [
			'send smartComply test.submitted --url',
			'Registration',
			'the trigger creates its own endpoint in SmartComply',
			'Nothing to copy by hand',
		],
		panelAbsent: ['HTTPS required'],
		credential: {
			type: 'SmartComply API',
			fields: ['API Key', 'Base URL', 'Signing Secret (Dashboard Endpoints Only)'],
		},
	},
	{
		file: 'smartlyq',
		listName: 'SmartlyQ',
		action: 'On job completed',
		preselected: 'job.completed',
		events: [
			'job.completed',
			'job.failed',
			'social.posted',
			'social.failed',
			'chatbot.message',
			'wallet.low',
		],
		panelTexts: [
			'send smartlyQ job.completed --url',
			'Register this webhook in SmartlyQ by hand',
			'Developer Dashboard',
			'Webhooks tab',
			'HTTPS required: SmartlyQ only accepts HTTPS endpoint URLs',
		],
		credential: { type: 'SmartlyQ Webhook API', fields: ['Signing Secret'] },
	},
	{
		file: 'smartmaintenance',
		listName: 'SmartMaintenance',
		action: 'On task completed',
		preselected: 'task.completed',
		events: [
			'task.assigned',
			'task.completed',
			'task.approved',
			'task.rejected',
			'repair_request.created',
			'repair_request.updated',
			'shutdown.reported',
			'shutdown.resolved',
			'user.created',
			'user.deactivated',
			'audit.exported',
		],
		panelTexts: [
			'send smartMaintenance task.completed --url',
			'Register this webhook in SmartMaintenance by hand',
			'Configuration → Webhooks',
			'Send test event',
			'Under Headers, add one header',
			'SmartMaintenance warns about http:// URLs',
		],
		// HTTPS is recommended, not required, for SmartMaintenance
		panelAbsent: ['HTTPS required'],
		credential: {
			type: 'SmartMaintenance Webhook API',
			fields: ['Secret', 'Header Name'],
			// shown while nothing is typed: what is missing
			texts: ['Fill in the Secret, a header (Header Name and Header Value), or both'],
		},
	},
	{
		file: 'smartermeasure',
		// no catalogue: its Events choice (every event, or the ones typed in) gives the two actions
		listName: 'SmarterMeasure',
		action: 'On SmarterMeasure events you name',
		panelTexts: [
			'send smarterMeasure <one of the Event Names> --url',
			'Verification Key Sent In',
			'SmarterMeasure sets up webhooks by e-mail only',
			'developers@smartermeasure.com',
			'The URL: the Production URL',
			'X-SmarterMeasure-Verification-Key',
			'The events you want',
			'JSON or XML',
			'They reply with the verification key',
			'Payload Format',
		],
		panelAbsent: ['VerificationKey={VerificationKey}'],
		credential: { type: 'SmarterMeasure Webhook API', fields: ['Verification Key'] },
	},
	{
		file: 'signedwebhook',
		listName: 'Signed Webhook',
		action: 'On signed webhook events you name',
		panelTexts: [
			'send signed --preset standardWebhooks --event invoice.paid --url',
			'Give the sender the Production URL',
			'Previous Signing Secret',
			'Include Delivery Metadata: off',
		],
		panelAbsent: ['Signature Header'],
		credential: {
			type: 'Signed Webhook API',
			fields: ['Signing Secret', 'Previous Signing Secret'],
		},
	},
];

const timings: Record<string, number> = {};
let browser: Browser | undefined;
let page: Page;
let n8nUrl = '';

const shot = (name: string) => shotOf(page, name);

describe.skipIf(line !== '2')('n8n 2.x editor: every trigger as a user sees it', () => {
	beforeAll(async () => {
		const t0 = Date.now();
		withinBudget();
		n8nUrl = inject('n8nUrl');
		browser = await launchBrowser();
		page = browser.page;
		timings.browserStart = Date.now() - t0;
	});

	afterAll(async () => {
		await browser?.close();
		console.log(`[browser] editor timings (ms): ${JSON.stringify(timings)}`);
	});

	it('sets up the owner account through the form (or logs in)', async () => {
		withinBudget();
		const t0 = Date.now();
		await signIn(page, n8nUrl);
		timings.owner = Date.now() - t0;
	});

	for (const p of PROVIDERS) {
		it(`${p.listName} Trigger: found in the nodes panel; panel shows events, URLs and setup; credential fields`, async () => {
			withinBudget();
			const t0 = Date.now();
			onTestFailed(() => keepFailure(page, p.file));
			// a new, empty workflow
			await page.goto(`${n8nUrl}/workflow/new`);
			await page.locator('[data-test-id="canvas-add-button"]').click({ timeout: WAIT });

			// the nodes panel: search by name and pick the trigger (and its action)
			await pickFromNodesPanel(page, p.listName, p.listName, p.action);
			if (!p.action) {
				// n8n 2.41 opens a community package's node (one installed in ~/.n8n/nodes) on its "Node details" view; one
				// without actions is added from there
				await sees(page.locator('[data-test-id="node-creator"]'), 'Node details');
				await page
					.locator('[data-test-id="node-creator"]')
					.getByRole('button', { name: 'Add to workflow' })
					.click({ timeout: SHORT });
			}

			// the node panel (NDV) opens on the new node
			const ndv = page.locator('[data-test-id="ndv"]');
			await ndv.waitFor({ timeout: WAIT });
			await sees(ndv, `${p.listName} Trigger`);
			const params = ndv.locator('[data-test-id="node-parameters"]');

			// Webhook URLs: expand, switch to Production URL, read it
			await params.locator('.webhooks .headline').click();
			await params.locator('[data-test-id="radio-button-production"]').click({ timeout: SHORT });
			const url = params.locator('.webhook-url');
			await expect
				.poll(async () => ((await url.innerText()) || '').trim(), { timeout: SHORT })
				.toMatch(new RegExp(`^${escapeRe(n8nUrl)}/webhook/[0-9a-f-]{36}/webhook$`));

			for (const text of p.panelTexts) await sees(params, text);
			const panelText = await params.innerText();
			for (const text of p.panelAbsent ?? []) expect(panelText).not.toContain(text);

			if (p.events) {
				// the chosen action preselected its event
				await sees(params.locator('[data-test-id="parameter-input-events"]'), p.preselected!);
				// open the Events dropdown: every documented event is listed
				await params.locator('[data-test-id="parameter-input-events"]').click();
				const options = page.locator('.el-select-dropdown__item:visible');
				for (const event of p.events) {
					await options
						.filter({
							has: page.locator('.option-headline', {
								hasText: new RegExp(`^\\s*${escapeRe(event)}\\s*$`),
							}),
						})
						.first()
						.waitFor({ timeout: SHORT });
				}
				expect(await options.count()).toBe(p.events.length);
				await page.keyboard.press('Escape');
				await options.first().waitFor({ state: 'hidden', timeout: SHORT });
			} else {
				// SmarterMeasure: the action chose typed names, so the free-text Event Names field shows
				await params
					.locator('[data-test-id="parameter-input-eventNames"]')
					.waitFor({ timeout: SHORT });
			}

			if (p.file === 'smartcomply') {
				// both registration options, and the manual steps once the dashboard option is chosen
				await params.locator('[data-test-id="parameter-input-registration"]').click();
				await dropdownOption(page, 'Automatic (SmartComply API)').waitFor({ timeout: SHORT });
				await dropdownOption(page, 'Endpoint Made in the SmartComply Dashboard').click({
					timeout: SHORT,
				});
				await sees(params, 'Register the endpoint in SmartComply');
				await sees(params, 'Settings → Webhooks → Add endpoint');
				await sees(params, 'signing secret (whsec_');
				await shot(`${p.file}-panel-manual`);
				// back to the default
				await params.locator('[data-test-id="parameter-input-registration"]').click();
				await dropdownOption(page, 'Automatic (SmartComply API)').click({ timeout: SHORT });
				await sees(params, 'Nothing to copy by hand');
			}

			if (p.file === 'smartermeasure') {
				await shot(`${p.file}-panel`);
				// the URL to e-mail changes when the key goes in the query string
				await params.locator('[data-test-id="parameter-input-keyLocation"]').click();
				await dropdownOption(page, 'URL Query Parameter (VerificationKey)').click({
					timeout: SHORT,
				});
				await sees(params, 'VerificationKey={VerificationKey}');
				await sees(params, 'replaces {VerificationKey} with your key on every call');
				await params
					.getByText('VerificationKey={VerificationKey}')
					.first()
					.scrollIntoViewIfNeeded();
				await shot(`${p.file}-panel-query`);
			} else {
				await params.locator('.webhooks').scrollIntoViewIfNeeded();
				await shot(`${p.file}-panel`);
			}

			// the credential: "Connect to ..." (2.x's empty state) opens the new-credential dialog
			await params
				.locator('[data-test-id="node-credentials-empty-state"] button')
				.click({ timeout: SHORT });
			const dialog = page.locator('[data-test-id="editCredential-modal"]');
			await dialog.waitFor({ timeout: WAIT });
			await sees(dialog, p.credential.type);
			for (const field of p.credential.fields) {
				await dialog
					.locator('[data-test-id="credential-connection-parameter"] label span.n8n-text', {
						hasText: new RegExp(`^\\s*${escapeRe(field)}\\s*\\*?\\s*$`),
					})
					.first()
					.waitFor({ timeout: SHORT });
			}
			for (const text of p.credential.texts ?? []) await sees(dialog, text);
			if (p.file === 'smartcomply') {
				await expect
					.poll(
						() => dialog.locator('[data-test-id="parameter-input-baseUrl"] input').inputValue(),
						{ timeout: SHORT },
					)
					.toBe('https://app.smartcomply.app/api/v1');
			}
			await shot(`${p.file}-credential`);
			await page.keyboard.press('Escape');
			await dialog.waitFor({ state: 'hidden', timeout: SHORT });
			if (await ndv.isVisible()) await page.keyboard.press('Escape');
			await ndv.waitFor({ state: 'hidden', timeout: SHORT });

			// the canvas node's subtitle: the selected event (or "All events"), not an expression error
			const node = page.locator('[data-test-id="canvas-node"]', {
				hasText: `${p.listName} Trigger`,
			});
			await node.waitFor({ timeout: SHORT });
			// (n8n 2.40 renders it as <div class="_subtitle_…"> under the node's label)
			const subtitle = (
				await node.locator('[class*="_subtitle_"]').first().innerText({ timeout: SHORT })
			).trim();
			expect(subtitle).not.toMatch(/ERROR|\[|\{\{|undefined/i);
			expect(subtitle).toBe(p.preselected ?? 'All events');
			timings[p.file] = Date.now() - t0;
		});
	}
});
