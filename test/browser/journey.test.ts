// A new user's first SMP workflow in the real n8n 2.x editor, in the order of the README's "Quick start", every step in
// the UI: the SMP trigger from the nodes panel, its credential from the credential dialog, Edit Fields after it;
// Execute step, then (while n8n listens) the Test URL where the panel's try-it notice says it is (a click something
// covers fails the step) and a delivery sent there with the package's own sender (cli/dist/cli.js); a field of the item
// dragged into Edit Fields; published, and one delivery to the Production URL runs the workflow exactly once (checked
// over REST and in the Executions view); a wrong secret while listening shows as the trigger's error.
// Screenshots: docs/screenshots/journey-*.png. Every wait is bounded (<= 30 s each, the file by its budget); waits are
// for UI states and registrations, counts are exact.
import { type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it, onTestFailed } from 'vitest';
import { TEST_URL_STEPS } from '../../nodes/shared/try-it';
import { nodeItems, readExecution } from '../e2e/executions';
import { webhookRegistered, type RestClient } from '../e2e/workflows';
import {
	budget,
	escapeRe,
	keepFailure,
	launchBrowser,
	line,
	ownerRest,
	pickFromNodesPanel,
	sees,
	sendWithCli,
	SHORT,
	shot as shotOf,
	signIn,
	WAIT,
	webhookUrl,
	type Browser,
} from './browser';

const SECRET = 'journey-signing-secret-0123456789';
/** the project name in the sender's project.completed sample (src/providers/smp.ts) */
const PROJECT_NAME = 'Authentication accessibility audit';
const TRIGGER = 'SMP Trigger';
/** the try-it notice's directions to the Test URL, as the panel renders them (no tags) */
const TEST_URL_WHERE = TEST_URL_STEPS.replace(/<[^>]+>/g, '');
const NEXT = 'Edit Fields';
const STEP_TIMEOUT = 60_000;
// no step starts 180 s after the first (each is capped by its own timeout)
const withinBudget = budget('journey', 180_000);

const timings: Record<string, number> = {};
let browser: Browser | undefined;
let page: Page;
let n8nUrl = '';
let api: RestClient;
let fileStart = 0;
/** what the steps found out, for the later steps */
const state: {
	workflowId?: string;
	testUrl?: string;
	productionUrl?: string;
	productionExecutionId?: string;
} = {};

const shot = (name: string) => shotOf(page, name);
const ndv = () => page.locator('[data-test-id="ndv"]');
const outputPanel = () => ndv().locator('[data-test-id="output-panel"]');

/** A step: within the file's budget, the page kept if it fails (as `label`); done() records its time as `name`. */
function begin(label: string, name: string) {
	withinBudget();
	const t0 = Date.now();
	onTestFailed(() => keepFailure(page, label));
	return () => (timings[name] = Date.now() - t0);
}

function need<T>(value: T | undefined, what: string): T {
	if (value === undefined) throw new Error(`an earlier step did not get ${what}`);
	return value;
}

/** n8n registered the webhook (bounded); nothing is delivered, so a listening Test URL stays armed. */
const waitForRegistration = (url: string) =>
	webhookRegistered(url, { probes: 120, intervalMs: 250 });

/** The workflow's executions in production (mode "webhook"), oldest first. */
async function productionExecutions(workflowId: string) {
	const list = (await api.listExecutions(workflowId, { limit: 100 })) ?? [];
	return list.filter((e) => e.mode === 'webhook').sort((a, b) => Number(a.id) - Number(b.id));
}

/** The JSON of the items a node output in an execution. */
const itemsOf = async (executionId: string, node: string) =>
	nodeItems(await readExecution(api, executionId), node) ?? [];

async function openNode(name: string) {
	if (await ndv().isVisible()) await closeNdv();
	await page
		.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`)
		.dblclick({ timeout: SHORT });
	await ndv().waitFor({ timeout: WAIT });
	await sees(ndv().locator('[data-test-id="node-title-container"]'), name);
}

async function closeNdv() {
	await page.locator('[data-test-id="ndv-close-button"]').click({ timeout: SHORT });
	await ndv().waitFor({ state: 'hidden', timeout: SHORT });
}

/** n8n 2.x listens: the node's Execute step button reads "Stop Listening" (the panel's notice says so). */
async function listening() {
	await expect
		.poll(
			async () => (await ndv().locator('[data-test-id="node-execute-button"]').innerText()).trim(),
			{ timeout: WAIT },
		)
		.toBe('Stop Listening');
}

/** Shows a run-data pane (input or output) as JSON, where every field of the item is on screen. */
async function asJson(pane: Locator) {
	await pane.locator('[data-test-id="radio-button-json"]').click({ timeout: SHORT });
}

describe.skipIf(line !== '2')("n8n 2.x editor: a new user's first SMP workflow", () => {
	beforeAll(async () => {
		fileStart = Date.now();
		withinBudget();
		n8nUrl = inject('n8nUrl');
		browser = await launchBrowser();
		page = browser.page;
		timings.browserStart = Date.now() - fileStart;
	});

	afterAll(async () => {
		await browser?.close();
		console.log(
			`[browser] journey timings (ms): ${JSON.stringify({ ...timings, total: Date.now() - fileStart })}`,
		);
	});

	it(
		'signs in, opens a new workflow, adds the SMP trigger from the nodes panel and creates its credential',
		{ timeout: STEP_TIMEOUT },
		async () => {
			const done = begin('journey-add-trigger', 'addTrigger');
			// the owner (set up through the form when this file runs first, else logged in); the REST client checks
			// what n8n stored with its own session
			await signIn(page, n8nUrl);
			api = await ownerRest(n8nUrl);

			await page.goto(`${n8nUrl}/workflow/new`);
			await page.locator('[data-test-id="canvas-add-button"]').click({ timeout: WAIT });
			// the trigger action preselects project.completed
			await pickFromNodesPanel(page, 'SMP', 'SMP', 'On project completed');
			await ndv().waitFor({ timeout: WAIT });
			await sees(ndv(), TRIGGER);
			const params = ndv().locator('[data-test-id="node-parameters"]');
			await sees(params.locator('[data-test-id="parameter-input-events"]'), 'project.completed');

			// the credential: "Connect to SMP Webhook" opens the new-credential dialog; type the secret, save
			await params
				.locator('[data-test-id="node-credentials-empty-state"] button')
				.click({ timeout: SHORT });
			const dialog = page.locator('[data-test-id="editCredential-modal"]');
			await dialog.waitFor({ timeout: WAIT });
			await sees(dialog, 'SMP Webhook API');
			await dialog.locator('[data-test-id="parameter-input-secret"] input').fill(SECRET);
			await dialog.locator('[data-test-id="credential-save-button"]').click({ timeout: SHORT });
			await dialog.waitFor({ state: 'hidden', timeout: WAIT });
			// the new credential is selected in the node
			await expect
				.poll(() => params.locator('[data-test-id="node-credentials-select"] input').inputValue(), {
					timeout: SHORT,
				})
				.toBe('SMP Webhook account');

			await closeNdv();
			done();
		},
	);

	it('adds Edit Fields (Set) after the trigger from its + handle', async () => {
		const done = begin('journey-add-set', 'addSet');
		await page
			.locator(
				`[data-test-id="canvas-node-output-handle"][data-node-name="${TRIGGER}"] [data-test-id="canvas-handle-plus"]`,
			)
			.click({ timeout: SHORT });
		await pickFromNodesPanel(page, 'Edit Fields', 'Edit Fields (Set)');
		await ndv().waitFor({ timeout: WAIT });
		await sees(ndv().locator('[data-test-id="node-title-container"]'), NEXT);
		await closeNdv();
		// connected: the trigger's output goes to Edit Fields (an edge between the two on the canvas)
		await page
			.locator(`[data-test-id="canvas-node"][data-node-name="${NEXT}"]`)
			.waitFor({ timeout: SHORT });
		// the editor has saved the workflow by now (n8n 2.x saves as you edit): its id is in the address
		await page.waitForURL((u) => /^\/workflow\/[A-Za-z0-9]{10,}/.test(u.pathname), {
			timeout: WAIT,
		});
		state.workflowId = new URL(page.url()).pathname.split('/')[2];
		done();
	});

	it(
		'Execute step listens; a delivery sent with the sender to the Test URL shows as the item in the output panel',
		{ timeout: STEP_TIMEOUT },
		async () => {
			const done = begin('journey-listen', 'listenAndItem');
			await openNode(TRIGGER);
			const params = ndv().locator('[data-test-id="node-parameters"]');
			// the documented order: Execute step first ...
			await ndv().locator('[data-test-id="node-execute-button"]').click({ timeout: SHORT });
			await listening();
			// ... then, while n8n listens, the Test URL where the panel's try-it notice says it is. A click that
			// something covers (n8n's listening overlay) fails here after SHORT.
			await sees(params, TEST_URL_WHERE);
			state.testUrl = await webhookUrl(params, 'test');
			expect(state.testUrl).toMatch(
				new RegExp(`^${escapeRe(n8nUrl)}/webhook-test/[0-9a-f-]{36}/webhook$`),
			);
			await shot('journey-1-listening');
			const testUrl = state.testUrl;
			await waitForRegistration(testUrl);

			const sent = await sendWithCli(testUrl, SECRET);
			expect(sent.output).toMatch(/accepted: 200/);
			expect(sent.code).toBe(0);

			// the item in the trigger's output panel
			const out = outputPanel();
			await out.locator('[data-test-id="node-run-status-success"]').waitFor({ timeout: WAIT });
			await sees(out, '1 item');
			await asJson(out);
			await sees(out, PROJECT_NAME);
			await sees(out, '"project.completed"');
			await shot('journey-2-item');
			done();
		},
	);

	it(
		'maps the project name in Edit Fields by dragging it from the input; preview and output show the value',
		{ timeout: STEP_TIMEOUT },
		async () => {
			const done = begin('journey-map', 'map');
			await openNode(NEXT);
			const input = ndv().locator('[data-test-id="ndv-input-panel"]');
			// the trigger's item is the input (schema view): drag data.name onto "Drag input fields here"
			const pill = input.locator('[data-target="mappable"][data-path=".data.name"]');
			const drop = ndv().locator('[data-test-id="assignment-collection-drop-area"]');
			await pill.waitFor({ timeout: WAIT });
			await drop.waitFor({ timeout: SHORT });
			const from = await pill.boundingBox();
			const to = await drop.boundingBox();
			if (!from || !to)
				throw new Error('the name field or the drop area has no position on the page');
			await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
			await page.mouse.down();
			await page.mouse.move(from.x + from.width / 2 + 20, from.y + from.height / 2 + 5, {
				steps: 5,
			});
			await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 15 });
			await page.mouse.up();

			// one assignment, its value the expression for the dragged field, its preview the value
			const assignment = ndv().locator('[data-test-id="assignment"]');
			await assignment.first().waitFor({ timeout: SHORT });
			expect(await assignment.count()).toBe(1);
			await sees(assignment, '{{ $json.data.name }}');
			await expect
				.poll(
					async () =>
						// (the preview separates words with no-break spaces)
						(
							await assignment
								.locator('[data-test-id="parameter-expression-preview-value"]')
								.innerText()
						)
							.replace(/\s+/g, ' ')
							.trim(),
					{ timeout: SHORT },
				)
				.toBe(PROJECT_NAME);
			// a clearer field name than the dragged path
			await assignment.locator('[data-test-id="assignment-name"] input').fill('projectName');

			// Execute step runs Edit Fields on the trigger's item
			await ndv().locator('[data-test-id="node-execute-button"]').click({ timeout: SHORT });
			const out = outputPanel();
			await out.locator('[data-test-id="node-run-status-success"]').waitFor({ timeout: WAIT });
			await asJson(out);
			await sees(out, '"projectName"');
			await sees(out, PROJECT_NAME);
			await shot('journey-3-mapped');
			done();
		},
	);

	it(
		'saves and publishes; one delivery to the Production URL runs the workflow exactly once with that payload',
		{ timeout: STEP_TIMEOUT },
		async () => {
			const done = begin('journey-publish', 'publishAndProduction');
			const workflowId = need(state.workflowId, 'the workflow id');
			await closeNdv();
			await page.keyboard.press('Control+s');
			// stored: the trigger with its credential and event, Edit Fields with the mapping
			await expect
				.poll(
					async () => {
						const wf = await api.getWorkflow(workflowId);
						const trigger = wf.nodes.find((n: any) => n.name === TRIGGER);
						const set = wf.nodes.find((n: any) => n.name === NEXT);
						return {
							type: trigger?.type,
							events: trigger?.parameters?.events,
							credential: trigger?.credentials?.smpWebhookApi?.name,
							assignments: set?.parameters?.assignments?.assignments?.map(
								(a: any) => `${a.name}=${a.value}`,
							),
							connected: wf.connections?.[TRIGGER]?.main?.[0]?.[0]?.node,
						};
					},
					{ timeout: WAIT, interval: 500 },
				)
				.toEqual({
					type: 'n8n-nodes-smart-webhooks.smpTrigger',
					events: ['project.completed'],
					credential: 'SMP Webhook account',
					assignments: ['projectName=={{ $json.data.name }}'],
					connected: NEXT,
				});

			// Publish (n8n 2.x's activation): the publish dialog, then n8n's "Workflow published" notice
			const publish = page.locator('[data-test-id="workflow-open-publish-modal-button"]');
			await publish.click({ timeout: SHORT });
			const modal = page.locator('[data-test-id="workflowPublish-modal"]');
			await modal.waitFor({ timeout: SHORT });
			await modal.locator('[data-test-id="workflow-publish-button"]').click({ timeout: SHORT });
			await expect
				.poll(async () => (await publish.innerText()).trim(), { timeout: WAIT })
				.toBe('Published');
			const notice = page.locator('[data-test-id="activation-modal"]');
			await notice.waitFor({ timeout: SHORT });
			await sees(notice, 'Your workflow will now listen for events from SMP');
			await notice.getByRole('button', { name: 'Got it' }).click({ timeout: SHORT });
			await notice.waitFor({ state: 'hidden', timeout: SHORT });
			await expect
				.poll(async () => (await api.getWorkflow(workflowId)).active, {
					timeout: WAIT,
					interval: 500,
				})
				.toBe(true);
			// the Production URL, from the trigger's Webhook URLs as the README says
			await openNode(TRIGGER);
			const productionUrl = await webhookUrl(
				ndv().locator('[data-test-id="node-parameters"]'),
				'production',
			);
			expect(productionUrl).toBe(
				need(state.testUrl, 'the Test URL').replace('/webhook-test/', '/webhook/'),
			);
			state.productionUrl = productionUrl;
			await closeNdv();
			await waitForRegistration(productionUrl);
			expect(await productionExecutions(workflowId)).toEqual([]);

			const sent = await sendWithCli(productionUrl, SECRET);
			expect(sent.output).toMatch(/accepted: 200/);
			expect(sent.code).toBe(0);

			// exactly one production execution, finished, with the delivered payload
			await expect
				.poll(async () => (await productionExecutions(workflowId)).map((e) => e.status), {
					timeout: WAIT,
					interval: 500,
				})
				.toEqual(['success']);
			const [execution] = await productionExecutions(workflowId);
			state.productionExecutionId = String(execution.id);
			const items = await itemsOf(state.productionExecutionId, TRIGGER);
			expect(items).toHaveLength(1);
			expect(items[0]).toMatchObject({
				type: 'project.completed',
				data: { projectId: 'proj_7H8K2', name: PROJECT_NAME },
			});
			expect(items[0].id).toMatch(/^evt_/);
			expect(await itemsOf(state.productionExecutionId, NEXT)).toEqual([
				{ projectName: PROJECT_NAME },
			]);

			// the same execution in the Executions view
			await page.locator('[data-test-id="radio-button-executions"]').click({ timeout: SHORT });
			const entry = page.locator(
				`[data-test-id="execution-details-${state.productionExecutionId}"]`,
			);
			await entry.waitFor({ timeout: WAIT });
			await entry.click({ timeout: SHORT });
			const preview = page.locator(
				`[data-test-id="execution-preview-details-${state.productionExecutionId}"]`,
			);
			await preview.waitFor({ timeout: WAIT });
			await sees(preview, 'Succeeded');
			const host = page.locator('[data-test-id="execution-preview-host"]');
			await host
				.locator(`[data-test-id="canvas-node"][data-node-name="${NEXT}"]`)
				.waitFor({ timeout: WAIT });
			await expect
				.poll(() => host.locator('[data-test-id="canvas-node-status-success"]').count(), {
					timeout: SHORT,
				})
				.toBe(2);
			await shot('journey-4-execution');
			done();
		},
	);

	it(
		"while listening, a delivery with the wrong secret shows in the editor as the trigger's error; nothing else runs",
		{ timeout: STEP_TIMEOUT },
		async () => {
			const done = begin('journey-refused', 'refused');
			const workflowId = need(state.workflowId, 'the workflow id');
			const testUrl = need(state.testUrl, 'the Test URL');
			await page.locator('[data-test-id="radio-button-workflow"]').click({ timeout: SHORT });
			await openNode(TRIGGER);
			await ndv().locator('[data-test-id="node-execute-button"]').click({ timeout: SHORT });
			await listening();
			await waitForRegistration(testUrl);

			const sent = await sendWithCli(testUrl, 'not-the-signing-secret');
			expect(sent.output).toMatch(/refused: 401 signature does not match/);
			expect(sent.code).toBe(1);

			const error = outputPanel().locator('[data-test-id="node-error-message"]');
			await error.waitFor({ timeout: WAIT });
			expect((await error.innerText()).trim()).toBe(
				'Delivery refused (401): signature does not match',
			);
			await sees(outputPanel(), 'The sender was answered 401 and nothing else ran');
			await shot('journey-refused');

			// still the one production execution from before
			expect((await productionExecutions(workflowId)).map((e) => String(e.id))).toEqual([
				need(state.productionExecutionId, 'the production execution'),
			]);
			done();
		},
	);
});
