// What the browser test files share: Debian's chromium driven by playwright-core, the owner's sign-in (the setup
// form on a fresh n8n, else the login form), bounded waits and screenshots (into docs/screenshots/ only when asked:
// UPDATE_SCREENSHOTS=1; a plain run writes them to a temporary folder and leaves the tracked PNGs alone).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const REPO = path.resolve(__dirname, '../..');
/** Where shot() writes: the tracked docs/screenshots/ with UPDATE_SCREENSHOTS=1, else a temporary folder. */
export const SHOTS =
	process.env.UPDATE_SCREENSHOTS === '1'
		? path.join(REPO, 'docs', 'screenshots')
		: mkdtempSync(path.join(os.tmpdir(), 'smart-webhooks-shots-'));
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const OWNER = {
	email: 'owner@example.com',
	firstName: 'Dev',
	lastName: 'Owner',
	password: 'Passw0rd-e2e',
};
/** upper bound of every single wait */
export const WAIT = 30_000;
export const SHORT = 10_000;

export const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface Browser {
	context: BrowserContext;
	page: Page;
	close(): Promise<void>;
}

/** A fresh chromium profile (temp dir, removed on close) with one 1280x900 page; every wait bounded by WAIT. */
export async function launchBrowser(): Promise<Browser> {
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
