// Drives the real n8n 2.x editor as a user would: owner setup through the form, a new workflow per trigger, the
// nodes panel search, the node panel (events, Webhook URLs, setup steps, notices) and the credential dialog.
// Screenshots go to docs/screenshots/<provider>-panel.png and <provider>-credential.png.
//
// Standalone: starts its own n8n (line 2, fresh temp data dir, this package's packed tarball installed in its
// .n8n/nodes as users install it) through scripts/lib/n8n-process.mjs, so it needs `npm run build` first (npm test
// does that, and packs once for every suite). Browser: Debian's
// chromium (/usr/bin/chromium, or CHROMIUM_PATH), driven by playwright-core. Every wait is bounded (<= 30 s).
//   npx vitest run --config test/browser/vitest.config.ts
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
// @ts-expect-error plain ESM helper without types
import { getFreePort, installPackage, startN8n, tarballForRun } from '../../scripts/lib/n8n-process.mjs';
// @ts-expect-error plain ESM helper without types
import { ensureN8n } from '../../scripts/n8n-runtime.mjs';

const REPO = path.resolve(__dirname, '../..');
const SHOTS = path.join(REPO, 'docs', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const OWNER = { email: 'owner@example.com', firstName: 'Dev', lastName: 'Owner', password: 'Passw0rd-e2e' };
const WAIT = 30_000; // upper bound of every single wait
const SHORT = 10_000;
// the whole file stays under 4 minutes: no test starts after BUDGET_MS (each test is capped at 45 s by the config)
const BUDGET_MS = 180_000;
let suiteStart = 0;
function withinBudget() {
	if (Date.now() - suiteStart > BUDGET_MS) throw new Error(`browser suite over its ${BUDGET_MS / 1000} s budget; not starting more`);
}
// This suite is for the 2.x editor only (1.x's editor differs); under `N8N_LINE=1` it is skipped.
const line = process.env.N8N_LINE || '2';

interface Provider {
	/** screenshot file prefix */
	file: string;
	/** typed into the nodes panel search */
	search: string;
	/** name the nodes panel shows (n8n drops " Trigger") */
	listName: string;
	displayName: string;
	/** the trigger action n8n derives from the Events list, clicked to add the node (none: added directly) */
	action?: string;
	/** the event that action preselects (shown in the Events field and as the canvas subtitle) */
	preselected?: string;
	/** every documented event, expected in the Events dropdown */
	events?: string[];
	/** text the panel must show */
	panelTexts: string[];
	/** text the panel must not show */
	panelAbsent?: string[];
	credential: { type: string; fields: string[] };
}

const PROVIDERS: Provider[] = [
	{
		file: 'smp',
		search: 'SMP',
		listName: 'SMP',
		displayName: 'SMP Trigger',
		action: 'On project completed',
		preselected: 'project.completed',
		events: ['project.completed', 'webhook.delivery_failed', 'webhook.test'],
		panelTexts: [
			'Register this webhook in SMP by hand',
			'Organisation settings → Webhooks',
			'Generate a signing secret',
			'HTTPS required: SMP refuses http:// URLs',
		],
		credential: { type: 'SMP Webhook API', fields: ['Signing Secret'] },
	},
	{
		file: 'smartcomply',
		search: 'SmartComply',
		listName: 'SmartComply',
		displayName: 'SmartComply Trigger',
		action: 'On test submitted',
		preselected: 'test.submitted',
		events: ['test.submitted', 'notice.created', 'webhook.test'],
		panelTexts: ['Registration', 'the trigger creates its own endpoint in SmartComply', 'Nothing to copy by hand'],
		panelAbsent: ['HTTPS required'],
		credential: { type: 'SmartComply API', fields: ['API Key', 'Base URL', 'Signing Secret (Dashboard Endpoints Only)'] },
	},
	{
		file: 'smartlyq',
		search: 'SmartlyQ',
		listName: 'SmartlyQ',
		displayName: 'SmartlyQ Trigger',
		action: 'On job completed',
		preselected: 'job.completed',
		events: ['job.completed', 'job.failed', 'social.posted', 'social.failed', 'chatbot.message', 'wallet.low'],
		panelTexts: ['Register this webhook in SmartlyQ by hand', 'Developer Dashboard', 'Webhooks tab', 'HTTPS required: SmartlyQ only accepts HTTPS endpoint URLs'],
		credential: { type: 'SmartlyQ Webhook API', fields: ['Signing Secret'] },
	},
	{
		file: 'smartmaintenance',
		search: 'SmartMaintenance',
		listName: 'SmartMaintenance',
		displayName: 'SmartMaintenance Trigger',
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
		panelTexts: ['Register this webhook in SmartMaintenance by hand', 'Configuration → Webhooks', 'Send test event', 'SmartMaintenance warns about http:// URLs'],
		// HTTPS is recommended, not required, for SmartMaintenance
		panelAbsent: ['HTTPS required'],
		credential: { type: 'SmartMaintenance Webhook API', fields: ['Secret'] },
	},
	{
		file: 'smartermeasure',
		search: 'SmarterMeasure',
		// no actions (its Events is free text), so n8n lists it under its full name
		listName: 'SmarterMeasure Trigger',
		displayName: 'SmarterMeasure Trigger',
		panelTexts: [
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
];

const timings: Record<string, number> = {};
let n8n: { url: string; stop: () => Promise<number | null>; output: () => string } | undefined;
let dataDir = '';
let userDataDir = '';
let context: BrowserContext | undefined;
let page: Page;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Wait (bounded) until `scope` shows `text` somewhere visible. */
async function sees(scope: Locator | Page, text: string, timeout = SHORT) {
	await scope.getByText(text, { exact: false }).filter({ visible: true }).first().waitFor({ state: 'visible', timeout });
}

async function shot(name: string) {
	// no pointer over the page, no dropdown still fading out, no dialog half faded in
	await page.mouse.move(0, 899);
	await page.locator('.el-select__popper:visible').first().waitFor({ state: 'hidden', timeout: SHORT }).catch(() => {});
	await page.screenshot({ path: path.join(SHOTS, `${name}.png`), animations: 'disabled', timeout: WAIT });
}

describe.skipIf(line !== '2')('n8n 2.x editor: the five triggers as a user sees them', () => {
	beforeAll(async () => {
		if (!existsSync(CHROMIUM)) {
			throw new Error(`${CHROMIUM} missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
		}
		if (!existsSync(path.join(REPO, 'dist', 'nodes'))) throw new Error('dist/ missing: npm run build first');
		mkdirSync(SHOTS, { recursive: true });
		suiteStart = Date.now();
		let t0 = Date.now();
		await ensureN8n('2');
		dataDir = mkdtempSync(path.join(os.tmpdir(), 'n8n-browser-'));
		await installPackage({ userFolder: dataDir, tarball: await tarballForRun(path.join(dataDir, 'pack')), line: '2' });
		n8n = await startN8n({
			line: '2',
			port: await getFreePort(),
			dataDir,
			logFile: path.join(dataDir, 'n8n.log'),
			readyTimeoutMs: 90_000,
			// vitest sets NODE_ENV=test, with which n8n exits at start (code 1, no output)
			env: { NODE_ENV: 'production' },
		});
		timings.n8nStart = Date.now() - t0;
		t0 = Date.now();
		userDataDir = mkdtempSync(path.join(os.tmpdir(), 'chromium-udd-'));
		context = await chromium.launchPersistentContext(userDataDir, {
			executablePath: CHROMIUM,
			headless: true,
			args: [
				'--headless',
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
			],
			viewport: { width: 1280, height: 900 },
			timeout: WAIT,
		});
		context.setDefaultTimeout(WAIT);
		context.setDefaultNavigationTimeout(WAIT);
		page = context.pages()[0] ?? (await context.newPage());
		// leaving a workflow with unsaved changes may ask through beforeunload; leave
		page.on('dialog', (d) => void d.accept().catch(() => {}));
		timings.browserStart = Date.now() - t0;
	});

	afterAll(async () => {
		await context?.close().catch(() => {});
		await n8n?.stop();
		if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
		if (dataDir) rmSync(dataDir, { recursive: true, force: true });
		console.log(`[browser] timings (ms): ${JSON.stringify(timings)}`);
	});

	it('sets up the owner account through the form (or logs in)', async () => {
		withinBudget();
		const t0 = Date.now();
		await page.goto(`${n8n!.url}/`);
		const form = page.locator('[data-test-id="setup-form"], [data-test-id="auth-form"]').first();
		await form.waitFor({ timeout: WAIT });
		if (await page.locator('[data-test-id="setup-form"]').count()) {
			await sees(page, 'Set up owner account');
			await page.locator('#email').fill(OWNER.email);
			await page.locator('#firstName').fill(OWNER.firstName);
			await page.locator('#lastName').fill(OWNER.lastName);
			await page.locator('#password').fill(OWNER.password);
		} else {
			await page.locator('#email, input[name="emailOrLdapLoginId"]').first().fill(OWNER.email);
			await page.locator('#password').fill(OWNER.password);
		}
		await page.locator('[data-test-id="form-submit-button"]').click();
		await page.waitForURL((u) => !/\/(setup|signin)\b/.test(u.pathname), { timeout: WAIT });
		timings.owner = Date.now() - t0;
	});

	for (const p of PROVIDERS) {
		it(`${p.displayName}: found in the nodes panel; panel shows events, URLs and setup; credential fields`, async () => {
			withinBudget();
			const t0 = Date.now();
			onTestFailed(async () => {
				// what the browser showed, for the failure report (outside the repo)
				const dir = mkdtempSync(path.join(os.tmpdir(), `browser-failure-${p.file}-`));
				await page.screenshot({ path: path.join(dir, 'page.png'), timeout: SHORT }).catch(() => {});
				writeFileSync(path.join(dir, 'page.html'), await page.content().catch(() => ''));
				console.error(`[browser] ${p.displayName} failed; screenshot and HTML in ${dir}`);
			});
			// a new, empty workflow
			await page.goto(`${n8n!.url}/workflow/new`);
			await page.locator('[data-test-id="canvas-add-button"]').click({ timeout: WAIT });

			// the nodes panel: search by name and pick the trigger
			const search = page.locator('[data-test-id="node-creator-search-bar"]');
			await search.waitFor({ timeout: SHORT });
			await search.fill(p.search);
			const item = page
				.locator('[data-test-id="node-creator"] [data-test-id="item-iterator-item"]')
				.filter({ has: page.locator('[data-test-id="node-creator-item-name"]', { hasText: new RegExp(`^\\s*${escapeRe(p.listName)}\\s*$`) }) });
			await item.first().waitFor({ timeout: SHORT });
			await item.first().click();
			if (p.action) {
				// n8n turns the Events options into trigger actions ("On project completed", ...)
				const action = page.locator('[data-test-id="node-creator"] [data-test-id="item-iterator-item"]', { hasText: p.action });
				await action.first().click({ timeout: SHORT });
			} else {
				// a node installed from npm (as users install this package) and without actions opens n8n's community-node
				// details ("Installed", "Via npm") with an "Add to workflow" button instead of being added at once
				const add = page.locator('[data-test-id="node-creator"] button', { hasText: 'Add to workflow' });
				await add.first().click({ timeout: SHORT });
			}

			// the node panel (NDV) opens on the new node
			const ndv = page.locator('[data-test-id="ndv"]');
			await ndv.waitFor({ timeout: WAIT });
			await sees(ndv, p.displayName);
			const params = ndv.locator('[data-test-id="node-parameters"]');

			// Webhook URLs: expand, switch to Production URL, read it
			await params.locator('.webhooks .headline').click();
			await params.locator('[data-test-id="radio-button-production"]').click({ timeout: SHORT });
			const url = params.locator('.webhook-url');
			await expect
				.poll(async () => ((await url.innerText()) || '').trim(), { timeout: SHORT })
				.toMatch(new RegExp(`^${escapeRe(n8n!.url)}/webhook/[0-9a-f-]{36}/webhook$`));

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
					await options.filter({ has: page.locator('.option-headline', { hasText: new RegExp(`^\\s*${escapeRe(event)}\\s*$`) }) }).first().waitFor({ timeout: SHORT });
				}
				expect(await options.count()).toBe(p.events.length);
				await page.keyboard.press('Escape');
				await options.first().waitFor({ state: 'hidden', timeout: SHORT });
			} else {
				// SmarterMeasure: free-text Events with the payload fields named
				await params.locator('[data-test-id="parameter-input-eventNames"]').waitFor({ timeout: SHORT });
			}

			if (p.file === 'smartcomply') {
				// both registration options, and the manual steps once the dashboard option is chosen
				await params.locator('[data-test-id="parameter-input-registration"]').click();
				const reg = page.locator('.el-select-dropdown__item:visible');
				await reg.filter({ hasText: 'Automatic (SmartComply API)' }).first().waitFor({ timeout: SHORT });
				await reg.filter({ hasText: 'Endpoint Made in the SmartComply Dashboard' }).first().click({ timeout: SHORT });
				await sees(params, 'Register the endpoint in SmartComply');
				await sees(params, 'Settings → Webhooks → Add endpoint');
				await sees(params, 'signing secret (whsec_');
				await shot(`${p.file}-panel-manual`);
				// back to the default
				await params.locator('[data-test-id="parameter-input-registration"]').click();
				await page.locator('.el-select-dropdown__item:visible').filter({ hasText: 'Automatic (SmartComply API)' }).first().click({ timeout: SHORT });
				await sees(params, 'Nothing to copy by hand');
			}

			if (p.file === 'smartermeasure') {
				await shot(`${p.file}-panel`);
				// the URL to e-mail changes when the key goes in the query string
				await params.locator('[data-test-id="parameter-input-keyLocation"]').click();
				await page.locator('.el-select-dropdown__item:visible').filter({ hasText: 'URL Query Parameter (VerificationKey)' }).first().click({ timeout: SHORT });
				await sees(params, 'VerificationKey={VerificationKey}');
				await sees(params, 'replaces {VerificationKey} with your key on every call');
				await params.getByText('VerificationKey={VerificationKey}').first().scrollIntoViewIfNeeded();
				await shot(`${p.file}-panel-query`);
			} else {
				await params.locator('.webhooks').scrollIntoViewIfNeeded();
				await shot(`${p.file}-panel`);
			}

			// the credential: "Connect to ..." (2.x's empty state) opens the new-credential dialog
			await params.locator('[data-test-id="node-credentials-empty-state"] button').click({ timeout: SHORT });
			const dialog = page.locator('[data-test-id="editCredential-modal"]');
			await dialog.waitFor({ timeout: WAIT });
			await sees(dialog, p.credential.type);
			for (const field of p.credential.fields) {
				await dialog.locator('[data-test-id="credential-connection-parameter"] label span.n8n-text', { hasText: new RegExp(`^\\s*${escapeRe(field)}\\s*\\*?\\s*$`) }).first().waitFor({ timeout: SHORT });
			}
			if (p.file === 'smartcomply') {
				await expect
					.poll(() => dialog.locator('[data-test-id="parameter-input-baseUrl"] input').inputValue(), { timeout: SHORT })
					.toBe('https://app.smartcomply.app/api/v1');
			}
			await shot(`${p.file}-credential`);
			await page.keyboard.press('Escape');
			await dialog.waitFor({ state: 'hidden', timeout: SHORT });
			if (await ndv.isVisible()) await page.keyboard.press('Escape');
			await ndv.waitFor({ state: 'hidden', timeout: SHORT });

			// the canvas node's subtitle: the selected event (or "All events"), not an expression error
			const node = page.locator('[data-test-id="canvas-node"]', { hasText: p.displayName });
			await node.waitFor({ timeout: SHORT });
			// (n8n 2.40 renders it as <div class="_subtitle_…"> under the node's label)
			const subtitle = (await node.locator('[class*="_subtitle_"]').first().innerText({ timeout: SHORT })).trim();
			expect(subtitle).not.toMatch(/ERROR|\[|\{\{|undefined/i);
			expect(subtitle).toBe(p.preselected ?? 'All events');
			timings[p.file] = Date.now() - t0;
		});
	}
});
