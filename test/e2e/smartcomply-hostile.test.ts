// SmartComply's management API as an adversary, through the packed tarball in real n8n (1.x and 2.x): the Base URL
// of the credential points at test/fake/hostile-smartcomply.mjs, which redirects to another origin (recording whether
// it ever saw the key), echoes the Authorization header, trickles, streams without end and answers create partially.
// Each case checks what n8n shows (the activation error: 1.x's REST answer, 2.x's publication status), what it logs
// (its log file, at debug level), and what is left at the API. Bounds are asserted in bytes and counts.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startHostileSmartComply, type HostileSmartComply } from '../fake/hostile-smartcomply.mjs';
import { randomUUID } from 'node:crypto';
import { providers, serializePayload } from '../../src/internal';
import {
	activationError,
	createTriggerWorkflow,
	deactivate,
	env,
	executionItems,
	post,
	rest,
	waitForExecutions,
} from './harness';

const started: HostileSmartComply[] = [];
afterAll(async () => {
	await Promise.all(started.map((api) => api.close()));
});

/**
 * A hostile API of the case's own, and an inactive workflow whose credential points at it: what one case makes it do,
 * and what it records, stays apart from the cases running beside it.
 */
async function hostileApi() {
	// A self-hosted key of no recognisable shape: redaction cannot rely on a sc_live_ prefix.
	const api = await startHostileSmartComply();
	started.push(api);
	const wf = await createTriggerWorkflow({
		nodeType: 'smartComplyTrigger',
		parameters: { registration: 'api', events: ['notice.created'] },
		credential: {
			type: 'smartComplyApi',
			data: { apiKey: api.apiKey, baseUrl: api.url, secret: '' },
		},
		activate: false,
	});
	return { api, wf, cred: wf.credential! };
}

function expectNoSecret(api: HostileSmartComply, text: string) {
	expect(text).not.toContain(api.apiKey);
	for (const secret of api.issuedSecrets) expect(text).not.toContain(secret);
}

/** n8n's log from this suite's start: the key and every secret the API issued are absent from all of it. */
function expectLogClean(api: HostileSmartComply) {
	expectNoSecret(api, readFileSync(inject('n8nLogFile'), 'utf8'));
}

const settleDeactivated = (id: string) => deactivate(id).catch(() => {});

// Side by side: most of each case is n8n waiting (2.x retries a failing publication 1, 2, 4 and 8 s apart; the trickle
// takes 10 s an attempt), and every case has its own API, credential and workflow.
describe.concurrent('SmartComply Trigger against a hostile management API', () => {
	// the longest case (10 s an attempt, 5 attempts on 2.x) first, so that the others run beside it
	it('a trickle of one byte every 500 ms is given up at the 10 s deadline, not kept alive', async () => {
		const { api, wf } = await hostileApi();
		// 1000 bytes at 500 ms: 500 s if the client kept reading; ~20 bytes at a 10 s deadline.
		api.behave({ list: 'trickle' }, { trickleMs: 500, maxBytes: 1000 });
		const error = await activationError(wf.id);
		expect(error).toMatch(/did not answer within 10 s/);
		const lists = api.exchanges.filter((e) => e.op === 'list');
		expect(lists.length).toBeGreaterThanOrEqual(1);
		for (const exchange of lists) {
			expect(exchange.clientHungUp).toBe(true);
			expect(exchange.bytesWritten).toBeLessThan(100);
		}
		process.stderr.write(
			`[smartcomply-hostile] n8n ${env.line}.x trickle: bytes written before hang-up ${lists.map((e) => e.bytesWritten).join(', ')}\n`,
		);
		await settleDeactivated(wf.id);
	}, 240_000);

	it('the credential test follows no redirect: it fails saying so, and the other origin never sees the key', async () => {
		const { api, cred } = await hostileApi();
		api.behave({ list: 'redirect' }, { redirectStatus: 307 });
		// the credential dialog's Test
		const testCredential = async () =>
			await (
				await rest()
			).request('POST', '/rest/credentials/test', {
				credentials: {
					id: cred.id,
					name: cred.name,
					type: 'smartComplyApi',
					data: { apiKey: api.apiKey, baseUrl: api.url, secret: '' },
				},
			});
		const result = await testCredential();
		expect(result.status).toBe('Error');
		// 2.x applies the credential's responseCode rules; 1.x answers with the HTTP library's message for a 3xx.
		expect(result.message).toMatch(
			env.line === '2' ? /redirect \(307\), which is not followed/ : /status code 307/,
		);
		expect(api.exchanges.filter((e) => e.op === 'list')).toHaveLength(1);
		expect(api.elsewhereRequests).toHaveLength(0);
		// positive control: the same test passes against the same API once it answers
		api.behave({});
		const ok = await testCredential();
		expect(ok.status, ok.message).toBe('OK');
	});

	it('activation redirected to another origin fails saying so; the key and the registration stay home', async () => {
		const { api, wf } = await hostileApi();
		api.behave({ list: 'redirect', create: 'redirect' }, { redirectStatus: 307 });
		const error = await activationError(wf.id);
		expect(error).toMatch(/redirect \(307\) to http:\/\/127\.0\.0\.1:\d+, which is not followed/);
		expectNoSecret(api, error!);
		expect(api.exchanges.length).toBeGreaterThan(0);
		expect(api.elsewhereRequests).toHaveLength(0);
		expect(api.endpoints.size).toBe(0);
		await settleDeactivated(wf.id);
		expectLogClean(api);
	}, 180_000);

	it('an error answer echoing the Authorization header is shown with the key masked, nowhere in the log', async () => {
		const { api, wf } = await hostileApi();
		api.behave({ list: 'echo' });
		const error = await activationError(wf.id);
		expect(error).toContain('Request rejected by policy (Authorization: Bearer …)');
		expectNoSecret(api, error!);
		await settleDeactivated(wf.id);
		expectLogClean(api);
	}, 180_000);

	it('a create answer without signing_secret fails clearly and leaves no endpoint, however often n8n retries', async () => {
		const { api, wf } = await hostileApi();
		api.behave({ create: 'noSecret' });
		const error = await activationError(wf.id);
		expect(error).toMatch(/no signing_secret; the endpoint it may have created was removed again/);
		const creates = api.exchanges.filter((e) => e.op === 'create').length;
		expect(creates).toBeGreaterThanOrEqual(1);
		expect(api.exchanges.filter((e) => e.op === 'delete')).toHaveLength(creates);
		expect(api.endpoints.size).toBe(0);
		process.stderr.write(
			`[smartcomply-hostile] n8n ${env.line}.x no signing_secret: ${creates} create(s), ${creates} delete(s), ${api.endpoints.size} endpoint(s) left\n`,
		);
		await settleDeactivated(wf.id);
		expectLogClean(api);
	}, 180_000);

	it('a create answer with id ".." is refused by name; no DELETE ever leaves /webhooks/endpoints/{id}', async () => {
		const { api, wf } = await hostileApi();
		api.behave({ create: 'oddId' });
		const error = await activationError(wf.id);
		expect(error).toContain('".."');
		expect(api.exchanges.filter((e) => e.method === 'DELETE')).toHaveLength(0);
		expect(api.exchanges.every((e) => /^\/api\/v1\/webhooks\/endpoints\/?$/.test(e.path))).toBe(
			true,
		);
		await settleDeactivated(wf.id);
		expectLogClean(api);
	}, 180_000);

	it('an endless answer is given up past the cap: a bounded number of bytes read per attempt', async () => {
		const { api, wf } = await hostileApi();
		api.behave({ list: 'endless' }, { maxBytes: 256 * 1024 * 1024 });
		const error = await activationError(wf.id);
		expect(error).toMatch(/larger than 2 MiB; it was not read further/);
		const lists = api.exchanges.filter((e) => e.op === 'list');
		expect(lists.length).toBeGreaterThanOrEqual(1);
		for (const exchange of lists) {
			expect(exchange.clientHungUp).toBe(true);
			expect(exchange.bytesWritten).toBeLessThan(64 * 1024 * 1024);
		}
		process.stderr.write(
			`[smartcomply-hostile] n8n ${env.line}.x endless: bytes written before hang-up ${lists.map((e) => e.bytesWritten).join(', ')}\n`,
		);
		await settleDeactivated(wf.id);
	}, 180_000);
});

describe('SmarterMeasure XML in UTF-16 through n8n (as .NET writes it)', () => {
	it('UTF-16 LE with BOM and BE without BOM are accepted and run once each; a wrong key is still 401', async () => {
		const key = `sm_utf16_${randomUUID().replace(/-/g, '')}`;
		const wf = await createTriggerWorkflow({
			nodeType: 'smarterMeasureTrigger',
			parameters: { eventFilter: 'named', eventNames: 'AssessmentCompleted', format: 'auto' },
			credential: { type: 'smarterMeasureWebhookApi', data: { secret: key } },
		});
		const xml = (id: string) =>
			serializePayload(providers.smarterMeasure.sample('AssessmentCompleted', { id }), 'xml')
				.toString('utf8')
				.replace('encoding="UTF-8"', 'encoding="utf-16"')
				.replace('</Webhook>', '<Note>Zoë</Note></Webhook>');
		const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml('U16-LE'), 'utf16le')]);
		const be = Buffer.from(xml('U16-BE'), 'utf16le').swap16();
		const headers = { 'Content-Type': 'text/xml; charset=utf-16' };
		const refused = await post(wf.productionUrl, le, {
			...headers,
			'X-SmarterMeasure-Verification-Key': 'wrong',
		});
		expect(refused.status).toBe(401);
		for (const body of [le, be]) {
			const answer = await post(wf.productionUrl, body, {
				...headers,
				'X-SmarterMeasure-Verification-Key': key,
			});
			expect(answer.status, answer.text).toBe(200);
		}
		const executions = await waitForExecutions(wf.id, 2);
		const notes = [];
		for (const execution of executions) {
			const [item] = await executionItems(execution.id);
			notes.push((item as { Webhook: { Note: string } }).Webhook.Note);
		}
		expect(notes).toEqual(['Zoë', 'Zoë']);
		// the refused one, answered before both, started none: the two genuine deliveries are its positive control
		expect(executions).toHaveLength(2);
		await deactivate(wf.id);
	}, 120_000);
});
