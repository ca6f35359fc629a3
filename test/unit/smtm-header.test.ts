// SmartMaintenance's required header (credential Header Name + Header Value, the "Headers (optional)" of its webhook
// form): alone or with the HMAC secret, in the core (receive's requiredHeader) and through the trigger's webhook().
import type { ICredentialDataDecryptedObject, INodeExecutionData } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { providers, receive, serializePayload, sign } from '../../src/internal';
import { SmartMaintenanceWebhookApi } from '../../credentials/SmartMaintenanceWebhookApi.credentials';
import { SmartMaintenanceTrigger } from '../../nodes/SmartMaintenanceTrigger/SmartMaintenanceTrigger.node';
import { SECRETS, lowerCaseHeaders } from './helpers';
import { ProcessedStore, executeContext, freshNode, webhookContext } from './n8n-doubles';

const SECRET = SECRETS.smartMaintenance;
const TOKEN = 'Bearer smtm-hdr-4f9a1c7e2b8d6a0f3e5c';
const HEADER = { name: 'Authorization', value: TOKEN };

function delivery(secret: string, extra: Record<string, string> = {}) {
	const payload = providers.smartMaintenance.sample('task.completed');
	const rawBody = serializePayload(payload);
	const headers = { ...lowerCaseHeaders(sign('smartMaintenance', rawBody, secret)), ...extra };
	return { payload, rawBody, headers };
}

describe('receive() with requiredHeader', () => {
	const check = (d: ReturnType<typeof delivery>, secret?: string, header = HEADER) =>
		receive('smartMaintenance', d, { secret, requiredHeader: header });

	it('accepts the header alone (verified "header") and with the signature ("signature+header")', () => {
		const alone = check(delivery('', { authorization: TOKEN }));
		expect(alone).toMatchObject({ status: 200, verified: 'header' });
		const both = check(delivery(SECRET, { authorization: TOKEN }), SECRET);
		expect(both).toMatchObject({ status: 200, verified: 'signature+header' });
		// without a header configured nothing changes: 'signature' or false
		expect(receive('smartMaintenance', delivery(SECRET), { secret: SECRET }).verified).toBe(
			'signature',
		);
		expect(receive('smartMaintenance', delivery('')).verified).toBe(false);
		// an empty name checks no header
		expect(check(delivery(''), undefined, { name: ' ', value: TOKEN }).verified).toBe(false);
	});

	it('matches the name in any case and any copy of the header; the value exactly (after the spaces HTTP strips)', () => {
		expect(check(delivery('', { AUTHORIZATION: ` ${TOKEN} ` })).status).toBe(200);
		expect(check(delivery(''), undefined, { name: 'x-hook-token', value: 'abc' }).status).toBe(401);
		const copies = delivery('');
		(copies.headers as Record<string, unknown>)['x-hook-token'] = ['wrong', 'abc'];
		expect(check(copies, undefined, { name: 'X-Hook-Token', value: 'abc' }).status).toBe(200);
		expect(check(delivery('', { authorization: TOKEN.toLowerCase() })).status).toBe(401);
		expect(check(delivery('', { authorization: `${TOKEN}x` })).status).toBe(401);
		expect(check(delivery('', { authorization: TOKEN.slice(0, -1) })).status).toBe(401);
	});

	it('refuses a missing or wrong header with 401 and a reason that names the header, never its value', () => {
		for (const [d, reason] of [
			[delivery(''), 'missing Authorization header'],
			[delivery('', { authorization: 'Bearer guessed' }), 'Authorization header does not match'],
			// a genuine signature does not make up for a wrong header, nor a right header for a wrong signature
			[
				delivery(SECRET, { authorization: 'Bearer guessed' }),
				'Authorization header does not match',
			],
		] as const) {
			const result = check(d, SECRET);
			expect(result).toMatchObject({ status: 401, reason, items: [] });
			expect(JSON.stringify(result)).not.toContain('smtm-hdr');
		}
		const forged = check(delivery(`${SECRET}x`, { authorization: TOKEN }), SECRET);
		expect(forged).toMatchObject({ status: 401, reason: 'signature does not match', items: [] });
		const unsigned = check(delivery('', { authorization: TOKEN }), SECRET);
		expect(unsigned).toMatchObject({ status: 401, reason: 'missing X-SMTM-Signature header' });
	});

	it('refuses everything when the name is set but the value is empty', () => {
		const result = check(delivery('', { authorization: '' }), undefined, {
			name: 'Authorization',
			value: ' ',
		});
		expect(result).toMatchObject({
			status: 401,
			reason: 'required header value is not configured',
		});
	});
});

describe('SmartMaintenance Trigger with a Header Name and Header Value', () => {
	async function call(
		request: ReturnType<typeof delivery>,
		credential: ICredentialDataDecryptedObject,
	) {
		const { node, workflow } = freshNode('n8n-nodes-smart-webhooks.smartMaintenanceTrigger');
		let reads = 0;
		const { context, response, logs } = webhookContext({
			request: { headers: request.headers, query: {}, rawBody: request.rawBody },
			node,
			workflow,
			parameters: { settings: { includeMetadata: true } },
			credentials: { smartMaintenanceWebhookApi: credential },
		});
		const getCredentials = context.getCredentials.bind(context);
		context.getCredentials = (async (type: string) => {
			reads++;
			return await getCredentials(type);
		}) as typeof context.getCredentials;
		const trigger = new SmartMaintenanceTrigger();
		const out = await trigger.webhook.call(context);
		let emitted: INodeExecutionData[][] | undefined;
		if (out.workflowData) {
			const exec = executeContext({
				items: out.workflowData[0],
				node,
				workflow,
				store: new ProcessedStore(),
			});
			emitted = (await trigger.execute.call(exec.context)) as INodeExecutionData[][];
		}
		const everything = JSON.stringify({ out, response, logs, emitted });
		return { out, response, logs, emitted, reads, everything };
	}

	const headerOnly = { secret: '', headerName: 'Authorization', headerSecret: TOKEN };
	const both = { secret: SECRET, headerName: 'Authorization', headerSecret: TOKEN };

	it('runs a delivery with the header (one credential read), with _delivery.verified telling what was checked', async () => {
		const alone = await call(delivery('', { authorization: TOKEN }), headerOnly);
		expect(alone.reads).toBe(1);
		expect(alone.emitted![0][0].json._delivery).toMatchObject({ verified: 'header' });
		const signed = await call(delivery(SECRET, { authorization: TOKEN }), both);
		expect(signed.emitted![0][0].json._delivery).toMatchObject({ verified: 'signature+header' });
		// the header's value is nowhere in what the trigger answered, logged or emitted
		for (const r of [alone, signed]) expect(r.everything).not.toContain('smtm-hdr');
	});

	it.each([
		['no header', {}, headerOnly],
		['a wrong header', { authorization: 'Bearer nope' }, headerOnly],
		['the header but no signature', { authorization: TOKEN }, both],
	])('refuses %s with 401, runs nothing, logs no value', async (_label, extra, credential) => {
		const r = await call(delivery('', extra), credential);
		expect(r.response.statusCode).toBe(401);
		expect(r.out.workflowData).toBeUndefined();
		expect(
			r.logs.some((l) => l.level === 'warn' && /refused a delivery \(401\)/.test(l.message)),
		).toBe(true);
		expect(r.everything).not.toContain('smtm-hdr');
	});

	it('answers 500 with what to fix when the header pair is incomplete, without the value', async () => {
		const r = await call(delivery('', { authorization: TOKEN }), {
			secret: '',
			headerName: 'Bad Name:',
			headerSecret: TOKEN,
		});
		expect(r.response.statusCode).toBe(500);
		expect(r.response.body).toEqual({
			error: expect.stringContaining('is not a valid header name'),
		});
		expect(r.everything).not.toContain('smtm-hdr');
		const noValue = await call(delivery(''), {
			secret: '',
			headerName: 'Authorization',
			headerSecret: '',
		});
		expect(noValue.response.statusCode).toBe(500);
	});

	it('has the fields in the credential (value as a password field) and a credential test that checks the pair', async () => {
		const all = new SmartMaintenanceWebhookApi().properties;
		// a notice first, shown while the Secret and Header Name are both empty
		expect(all[0]).toMatchObject({
			type: 'notice',
			displayOptions: { show: { secret: [''], headerName: [''] } },
		});
		const fields = all.filter((f) => f.type !== 'notice');
		expect(fields.map((f) => f.name)).toEqual(['secret', 'headerName', 'headerSecret']);
		expect(fields[2].typeOptions?.password).toBe(true);
		const test = new SmartMaintenanceTrigger().methods.credentialTest.smartMaintenanceSecret;
		const run = async (data: Record<string, string>) =>
			await test.call({} as never, { id: '1', name: 'c', type: 't', data });
		expect(await run(headerOnly)).toMatchObject({
			status: 'OK',
			message: expect.stringContaining('Authorization header'),
		});
		expect(await run(both)).toMatchObject({
			status: 'OK',
			message: expect.stringContaining('secret and the Authorization header'),
		});
		for (const bad of [
			{ headerName: 'Authorization', headerSecret: '' },
			{ headerName: '', headerSecret: TOKEN },
			{ headerName: 'Auth orization', headerSecret: TOKEN },
			{ headerName: 'X-SMTM-Signature', headerSecret: TOKEN },
			{ headerName: 'Authorization', headerSecret: ` ${TOKEN}` },
			{ headerName: 'Authorization', headerSecret: `"${TOKEN}"` },
		]) {
			const result = await run({ secret: '', ...bad });
			expect(result.status, JSON.stringify(bad)).toBe('Error');
			expect(result.message).not.toContain('smtm-hdr');
		}
		// saved empty: n8n shows the test's answer, which says what is missing
		expect(await run({ secret: '', headerName: '', headerSecret: '' })).toMatchObject({
			status: 'Error',
			message: expect.stringMatching(/^Nothing is set: .*unsigned deliveries/),
		});
	});

	it('tells the admin to add the header in the registration steps', () => {
		const registration = providers.smartMaintenance.registration;
		expect(registration.kind === 'manual' && registration.steps.join(' ')).toMatch(
			/Under Headers.*Header Name and Header Value/,
		);
	});
});
