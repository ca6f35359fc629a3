// The adapter's own behaviour around a delivery: raw bytes read past n8n's parser, the kept secret, refusals made
// visible (log and editor), and SmartComply's sealed secret after an API key change.
import type { ICredentialDataDecryptedObject, IWebhookFunctions } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { providers, sealSecret, sign } from '../../src/internal';
import { SmpTrigger } from '../../nodes/SmpTrigger/SmpTrigger.node';
import { SmartComplyTrigger } from '../../nodes/SmartComplyTrigger/SmartComplyTrigger.node';
import { DELIVERY_FIELD } from '../../nodes/shared/delivery-note';
import {
	describePlace,
	REFUSALS_LOGGED_PER_MINUTE,
	RefusalLog,
} from '../../nodes/shared/refusal-log';
import { SECRET_KEEP_SECONDS, SecretCache } from '../../nodes/shared/secret-cache';
import { lowerCaseHeaders } from './helpers';
import { executeContext, freshNode, ProcessedStore, webhookContext } from './n8n-doubles';

const SMP = 'n8n-nodes-smart-webhooks.smpTrigger';

function smpDelivery(secret: string) {
	const payload = providers.smp.sample('project.completed');
	const rawBody = Buffer.from(JSON.stringify(payload));
	return { payload, rawBody, headers: lowerCaseHeaders(sign('smp', rawBody, secret)) };
}

/** A webhook context whose credential reads are counted. */
function counted(options: Parameters<typeof webhookContext>[0]) {
	const made = webhookContext(options);
	let reads = 0;
	const original = made.context.getCredentials.bind(made.context);
	made.context.getCredentials = (async (type: string) => {
		reads++;
		return await original(type);
	}) as IWebhookFunctions['getCredentials'];
	return { ...made, reads: () => reads };
}

describe('raw body', () => {
	it('reads the bytes with n8n’s readRawBody when n8n left the body unparsed (options.binaryData)', async () => {
		const { payload, rawBody, headers } = smpDelivery('s3cret-value');
		const ids = freshNode(SMP);
		const { context } = webhookContext({
			request: { headers, rawBody },
			credentials: { smpWebhookApi: { secret: 's3cret-value' } },
			...ids,
		});
		const request: { rawBody?: Buffer; readRawBody?: () => Promise<void> } = {
			...context.getRequestObject(),
			rawBody: undefined,
		};
		let reads = 0;
		request.readRawBody = async () => {
			reads++;
			request.rawBody = rawBody;
		};
		context.getRequestObject = (() => request) as unknown as IWebhookFunctions['getRequestObject'];
		const out = await new SmpTrigger().webhook!.call(context);
		expect(reads).toBe(1);
		expect(out.workflowData?.[0]?.[0]?.json).toEqual(payload);
	});
});

describe('kept secret', () => {
	it('reads the credential once per keep time, not per delivery', async () => {
		const ids = freshNode(SMP);
		const trigger = new SmpTrigger();
		let total = 0;
		for (let i = 0; i < 5; i++) {
			const { rawBody, headers } = smpDelivery('kept-secret-1');
			const made = counted({
				request: { headers, rawBody },
				credentials: { smpWebhookApi: { secret: 'kept-secret-1' } },
				...ids,
			});
			expect((await trigger.webhook!.call(made.context)).workflowData).toBeDefined();
			total += made.reads();
		}
		expect(total).toBe(1);
	});

	it('a replaced secret takes effect on its first delivery; forged requests force at most one read per keep time', async () => {
		const ids = freshNode(SMP);
		const trigger = new SmpTrigger();
		const first = smpDelivery('old-secret-1');
		const warm = counted({
			request: first,
			credentials: { smpWebhookApi: { secret: 'old-secret-1' } },
			...ids,
		});
		await trigger.webhook!.call(warm.context);
		// The user pastes a new secret; the provider signs with it.
		const next = smpDelivery('new-secret-2');
		const replaced = counted({
			request: next,
			credentials: { smpWebhookApi: { secret: 'new-secret-2' } },
			...ids,
		});
		expect((await trigger.webhook!.call(replaced.context)).workflowData?.[0]?.[0]?.json).toEqual(
			next.payload,
		);
		expect(replaced.reads()).toBe(1);
		// A flood of forgeries right after: refused, without a credential read each.
		let reads = 0;
		for (let i = 0; i < 20; i++) {
			const forged = smpDelivery(`guess-${i}`);
			const made = counted({
				request: forged,
				credentials: { smpWebhookApi: { secret: 'new-secret-2' } },
				...ids,
			});
			await trigger.webhook!.call(made.context);
			expect(made.response.statusCode).toBe(401);
			reads += made.reads();
		}
		expect(reads).toBe(0);
	});

	it('requests that find no kept secret at the same moment share one credential read', async () => {
		const ids = freshNode(SMP);
		const trigger = new SmpTrigger();
		const made = Array.from({ length: 8 }, () =>
			counted({
				request: smpDelivery('shared-read-1'),
				credentials: { smpWebhookApi: { secret: 'shared-read-1' } },
				...ids,
			}),
		);
		const outs = await Promise.all(made.map((m) => trigger.webhook!.call(m.context)));
		expect(outs.every((o) => o.workflowData !== undefined)).toBe(true);
		expect(made.reduce((sum, m) => sum + m.reads(), 0)).toBe(1);
	});

	it('SecretCache: expires after the keep time and allows one forced refresh per keep time', () => {
		const cache = new SecretCache();
		const keep = SECRET_KEEP_SECONDS * 1000;
		cache.set('a', ['x'], 0);
		expect(cache.get('a', keep - 1)).toEqual(['x']);
		expect(cache.get('a', keep)).toBeUndefined();
		expect(cache.mayRefresh('a', 10)).toBe(true);
		expect(cache.mayRefresh('a', 20)).toBe(false);
		expect(cache.mayRefresh('a', 10 + keep)).toBe(true);
		expect(cache.mayRefresh('unknown', 0)).toBe(false);
	});
});

describe('refusals made visible', () => {
	it('logs one warn line per refusal with workflow, node, reason and address, never the secret or signature', async () => {
		const ids = freshNode(SMP);
		const forged = smpDelivery('not-the-secret');
		const { context, logs, response } = webhookContext({
			request: forged,
			credentials: { smpWebhookApi: { secret: 'the-real-secret-9' } },
			...ids,
		});
		const out = await new SmpTrigger().webhook!.call(context);
		expect(out).toEqual({ noWebhookResponse: true });
		expect(response.statusCode).toBe(401);
		const warns = logs.filter((l) => l.level === 'warn');
		expect(warns).toHaveLength(1);
		// the line itself says it all: n8n's default console output prints the message, not the metadata
		expect(warns[0].message).toBe(
			`SMP Trigger refused a delivery (401): signature does not match; workflow "${ids.workflow.name}" (id ${ids.workflow.id}), node "${ids.node.name}", from 127.0.0.9`,
		);
		expect(warns[0].metadata).toMatchObject({
			workflowId: ids.workflow.id,
			node: ids.node.name,
			remoteAddress: '127.0.0.9',
		});
		const text = JSON.stringify(logs);
		expect(text).not.toContain('the-real-secret-9');
		expect(text).not.toContain(forged.headers['x-smp-signature']);
	});

	it('quotes names so a newline or quote in them cannot forge a log line; keeps only address characters', () => {
		const text = describePlace(
			{
				workflowId: 'wf"1\n',
				workflowName: 'a\nWARN fake "line"',
				nodeName: 'x'.repeat(100),
				from: '10.0.0.1\r\nx',
			},
			3,
		);
		expect(text).not.toMatch(/[\r\n]/);
		expect(text).toContain('workflow "a\\nWARN fake \\"line\\"" (id wf1)');
		expect(text).toContain(`node "${'x'.repeat(79)}…"`);
		expect(text).toContain('from 10.0.0.1');
		expect(text).not.toContain('10.0.0.1x');
		expect(text).toContain('3 more refusals by this trigger in the minute before were not logged');
		expect(describePlace({ nodeName: 'T' })).toBe('an unsaved workflow, node "T"');
	});

	it('rate-limits the log per trigger and reports what it left out', () => {
		const log = new RefusalLog();
		const admitted = Array.from({ length: 50 }, (_, i) => log.admit('t', i)).filter((a) => a.log);
		expect(admitted).toHaveLength(REFUSALS_LOGGED_PER_MINUTE);
		expect(log.admit('other', 0).log).toBe(true);
		expect(log.admit('t', 60_000)).toEqual({
			log: true,
			suppressed: 50 - REFUSALS_LOGGED_PER_MINUTE,
		});
	});

	it('while the editor listens, a refused delivery becomes the trigger’s error there; in production it runs nothing', async () => {
		const ids = freshNode(SMP);
		const forged = smpDelivery('not-the-secret');
		const trigger = new SmpTrigger();
		const listening = webhookContext({
			request: forged,
			credentials: { smpWebhookApi: { secret: 'real-secret-7' } },
			mode: 'manual',
			...ids,
		});
		const out = await trigger.webhook!.call(listening.context);
		expect(listening.response.statusCode).toBe(401);
		expect(out.noWebhookResponse).toBe(true);
		expect(out.workflowData?.[0]?.[0]?.json).toEqual({});
		expect(out.workflowData?.[0]?.[0]?.[DELIVERY_FIELD]).toEqual({
			refused: { status: 401, reason: 'signature does not match' },
		});
		const exec = executeContext({
			items: out.workflowData![0],
			...ids,
			store: new ProcessedStore(),
			mode: 'manual',
		});
		const error = await trigger.execute!.call(exec.context).then(
			() => undefined,
			(e: Error) => e,
		);
		expect(error?.message).toBe('Delivery refused (401): signature does not match');
		// n8n 2.x's error reporter logs an error and every cause: no cause, one line (measured on 2.41.1)
		expect(error?.cause).toBeUndefined();
		const production = webhookContext({
			request: forged,
			credentials: { smpWebhookApi: { secret: 'real-secret-7' } },
			...ids,
		});
		expect(await trigger.webhook!.call(production.context)).toEqual({ noWebhookResponse: true });
	});
});

describe('SmartComply after the API key was replaced', () => {
	it('answers 500 saying to deactivate and activate, and logs it as an error', async () => {
		const ids = freshNode('n8n-nodes-smart-webhooks.smartComplyTrigger');
		const payload = providers.smartComply.sample('notice.created');
		const rawBody = Buffer.from(JSON.stringify(payload));
		const staticData = {
			endpointId: 'whe_9',
			sealedSecret: sealSecret('whsec_registered', 'sc_live_old_key', 'whe_9'),
		};
		const credentials: Record<string, ICredentialDataDecryptedObject> = {
			smartComplyApi: { apiKey: 'sc_live_new_key', baseUrl: 'http://127.0.0.1:1/api/v1' },
		};
		const { context, response, logs } = webhookContext({
			request: {
				headers: lowerCaseHeaders(sign('smartComply', rawBody, 'whsec_registered')),
				rawBody,
			},
			staticData,
			credentials,
			...ids,
		});
		const out = await new SmartComplyTrigger().webhook!.call(context);
		expect(out).toEqual({ noWebhookResponse: true });
		expect(response.statusCode).toBe(500);
		expect((response.body as { error: string }).error).toMatch(
			/API key was changed .* deactivate and activate the workflow/,
		);
		expect(logs.some((l) => l.level === 'error' && /deactivate and activate/.test(l.message))).toBe(
			true,
		);
		expect(JSON.stringify([response.body, logs])).not.toMatch(
			/whsec_registered|sc_live_new_key|sc_live_old_key/,
		);
	});
});
