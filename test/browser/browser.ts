// What the browser test files share: Debian's chromium driven by playwright-core, the owner's sign-in (the setup
// form on a fresh n8n, else the login form), bounded waits and screenshots (into docs/screenshots/ only when asked:
// UPDATE_SCREENSHOTS=1; a plain run writes them to a temporary folder and leaves the tracked PNGs alone).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
// @ts-expect-error plain ESM helper without types
import { DEFAULT_OWNER, N8nRestClient } from '../../scripts/lib/n8n-api.mjs';
import type { RestClient } from '../e2e/workflows';

export const REPO = path.resolve(__dirname, '../..');
/**
 * Where shot() writes: the tracked docs/screenshots/ with UPDATE_SCREENSHOTS=1, else one folder in the system's
 * temporary directory that each run overwrites (made when a browser starts, not on import: no folder per run).
 */
export const SHOTS =
	process.env.UPDATE_SCREENSHOTS === '1'
		? path.join(REPO, 'docs', 'screenshots')
		: path.join(os.tmpdir(), 'smart-webhooks-shots');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const OWNER: { email: string; firstName: string; lastName: string; password: string } =
	DEFAULT_OWNER;
/** upper bound of every single wait */
export const WAIT = 30_000;
export const SHORT = 10_000;

export const line = process.env.N8N_LINE || '2';

/** No test starts `ms` after the first call (each is capped by its own timeout). */
export function budget(label: string, ms: number) {
	let start = 0;
	return () => {
		start ||= Date.now();
		if (Date.now() - start > ms)
			throw new Error(`${label} over its ${ms / 1000} s budget; not starting more`);
	};
}

export const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export type Browser = Awaited<ReturnType<typeof launchBrowser>>;

/** A fresh chromium profile (temp dir, removed on close) with one 1280x900 page; every wait bounded by WAIT. */
export async function launchBrowser() {
	if (!existsSync(CHROMIUM)) {
		throw new Error(`${CHROMIUM} missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
	}
	mkdirSync(SHOTS, { recursive: true });
	const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'chromium-udd-'));
	const context = await chromium.launchPersistentContext(userDataDir, {
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
	const page = context.pages()[0] ?? (await context.newPage());
	// leaving a workflow with unsaved changes may ask through beforeunload; leave
	page.on('dialog', (d) => void d.accept().catch(() => {}));
	return {
		context,
		page,
		async close() {
			await context.close().catch(() => {});
			rmSync(userDataDir, { recursive: true, force: true });
		},
	};
}

/** Wait (bounded) until `scope` shows `text` somewhere visible. */
export async function sees(scope: Locator | Page, text: string, timeout = SHORT) {
	await scope
		.getByText(text, { exact: false })
		.filter({ visible: true })
		.first()
		.waitFor({ state: 'visible', timeout });
}

/** <SHOTS>/<name>.png: no pointer over the page, no dropdown still fading out, no dialog half faded in. */
export async function shot(page: Page, name: string) {
	await page.mouse.move(0, 899);
	await page
		.locator('.el-select__popper:visible')
		.first()
		.waitFor({ state: 'hidden', timeout: SHORT })
		.catch(() => {});
	await page.screenshot({
		path: path.join(SHOTS, `${name}.png`),
		animations: 'disabled',
		timeout: WAIT,
	});
}

/** What the browser showed when a test failed: screenshot and HTML in a temp dir (outside the repo). */
export async function keepFailure(page: Page, label: string) {
	const dir = mkdtempSync(path.join(os.tmpdir(), `browser-failure-${label}-`));
	await page.screenshot({ path: path.join(dir, 'page.png'), timeout: SHORT }).catch(() => {});
	writeFileSync(path.join(dir, 'page.html'), await page.content().catch(() => ''));
	console.error(`[browser] ${label} failed; screenshot and HTML in ${dir}`);
}

/**
 * Signs the owner in through the UI: the owner-setup form on a fresh n8n (the first browser test file to run), the
 * login form otherwise. Returns which form it was.
 */
export async function signIn(page: Page, n8nUrl: string): Promise<'setup' | 'login'> {
	await page.goto(`${n8nUrl}/`);
	const form = page.locator('[data-test-id="setup-form"], [data-test-id="auth-form"]').first();
	await form.waitFor({ timeout: WAIT });
	let which: 'setup' | 'login';
	if (await page.locator('[data-test-id="setup-form"]').count()) {
		which = 'setup';
		await sees(page, 'Set up owner account');
		await page.locator('#email').fill(OWNER.email);
		await page.locator('#firstName').fill(OWNER.firstName);
		await page.locator('#lastName').fill(OWNER.lastName);
		await page.locator('#password').fill(OWNER.password);
	} else {
		which = 'login';
		await page.locator('#email, input[name="emailOrLdapLoginId"]').first().fill(OWNER.email);
		await page.locator('#password').fill(OWNER.password);
	}
	await page.locator('[data-test-id="form-submit-button"]').click();
	await page.waitForURL((u) => !/\/(setup|signin)\b/.test(u.pathname), { timeout: WAIT });
	return which;
}

/** The owner over REST (set up on a fresh n8n): what the files check n8n stored, or the workflow a 1.x file opens. */
export async function ownerRest(n8nUrl: string): Promise<RestClient> {
	const client = new N8nRestClient(n8nUrl) as RestClient;
	await client.ensureOwner(OWNER);
	await client.login(OWNER);
	return client;
}

/** Signs in through n8n 1.x's form (signIn() knows 2.x's field ids): n8n ties its session to the browser that signed in. */
export async function signInN8n1(page: Page, n8nUrl: string) {
	await page.goto(`${n8nUrl}/signin`);
	await page
		.locator('input[type="email"], input[name="emailOrLdapLoginId"]')
		.first()
		.fill(OWNER.email);
	await page.locator('input[type="password"]').first().fill(OWNER.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL((u) => !/\/signin\b/.test(u.pathname), { timeout: WAIT });
}

/**
 * The URL the trigger's Webhook URLs section shows for `which`, the way a user gets it: open the section (folded by
 * default), pick the tab, click the URL (n8n copies it). Every click fails if something covers the section.
 */
export async function webhookUrl(params: Locator, which: 'test' | 'production'): Promise<string> {
	const shown = params.locator('.webhook-url');
	if (!(await shown.isVisible()))
		await params.locator('.webhooks .headline').click({ timeout: SHORT });
	await params.locator(`[data-test-id="radio-button-${which}"]`).click({ timeout: SHORT });
	const prefix = which === 'test' ? 'webhook-test' : 'webhook';
	await expect
		.poll(async () => (await shown.innerText()).trim(), { timeout: SHORT })
		.toMatch(new RegExp(`/${prefix}/[0-9a-f-]{36}/webhook$`));
	await shown.click({ timeout: SHORT });
	return (await shown.innerText()).trim();
}

/** `node cli/dist/cli.js send smp project.completed --url <url> --secret <secret>`, as a user runs it. */
export function sendWithCli(
	url: string,
	secret: string,
): Promise<{ code: number; output: string }> {
	const cli = path.join(REPO, 'cli', 'dist', 'cli.js');
	const args = [cli, 'send', 'smp', 'project.completed', '--url', url, '--secret', secret];
	return new Promise((resolve) => {
		execFile(
			process.execPath,
			args,
			{ timeout: WAIT + 10_000, encoding: 'utf8' },
			(error, stdout, stderr) => {
				const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
				resolve({ code, output: `${stdout}${stderr}` });
			},
		);
	});
}

/**
 * In the nodes panel: types `search`, clicks the item named exactly `name`, then the trigger action `action` (n8n turns
 * a trigger's Events options into actions such as "On project completed") when given.
 */
export async function pickFromNodesPanel(
	page: Page,
	search: string,
	name: string,
	action?: string,
) {
	const bar = page.locator('[data-test-id="node-creator-search-bar"]');
	await bar.waitFor({ timeout: SHORT });
	await bar.fill(search);
	const items = page.locator('[data-test-id="node-creator"] [data-test-id="item-iterator-item"]');
	const named = page.locator('[data-test-id="node-creator-item-name"]', {
		hasText: new RegExp(`^\\s*${escapeRe(name)}\\s*$`),
	});
	await items.filter({ has: named }).first().click({ timeout: SHORT });
	if (action) await items.filter({ hasText: action }).first().click({ timeout: SHORT });
}

/** The visible dropdown option with `text` (an open select's). */
export const dropdownOption = (page: Page, text: string) =>
	page.locator('.el-select-dropdown__item:visible').filter({ hasText: text }).first();
