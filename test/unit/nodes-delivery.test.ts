// The adapter's own behaviour around a delivery: raw bytes read past n8n's parser, the kept secret, refusals made
// visible (log and editor), and SmartComply's sealed secret after an API key change.
import type { IWebhookFunctions } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { providers, sealSecret } from '../../src/internal';
import { SmpTrigger } from '../../nodes/SmpTrigger/SmpTrigger.node';
import { SmartComplyTrigger } from '../../nodes/SmartComplyTrigger/SmartComplyTrigger.node';
import { DELIVERY_FIELD } from '../../nodes/shared/delivery-note';
import {
	describePlace,
	REFUSALS_LOGGED_PER_MINUTE,
	RefusalLog,
} from '../../nodes/shared/refusal-log';
import { SECRET_KEEP_SECONDS, SecretCache } from '../../nodes/shared/secret-cache';
import { signedRequest } from './helpers';
import {
	executeContext,
	freshNode,
	ProcessedStore,
	webhookContext,
	type WebhookDoubleOptions,
} from './n8n-doubles';

const SMP = 'n8n-nodes-smart-webhooks.smpTrigger';

/** An SMP delivery signed with `signedWith`, to the trigger `ids` whose credential holds `secret`. */
function smpCall(
	ids: ReturnType<typeof freshNode>,
	signedWith: string,
	secret = signedWith,
	extra: Partial<WebhookDoubleOptions> = {},
) {
	const delivery = signedRequest('smp', providers.smp.sample('project.completed'), signedWith);
	const credentials = { smpWebhookApi: { secret } };
	return { delivery, ...webhookContext({ request: delivery, credentials, ...ids, ...extra }) };
}

describe('raw body', () => {
	it('reads the bytes with n8n’s readRawBody when n8n left the body unparsed (options.binaryData)', async () => {
		const { context, delivery } = smpCall(freshNode(SMP), 's3cret-value');
		type Unparsed = { rawBody?: Buffer; readRawBody?: () => Promise<void> };
		const request: Unparsed = { ...context.getRequestObject(), rawBody: undefined };
		let reads = 0;
		request.readRawBody = async () => {
			reads++;
			request.rawBody = delivery.rawBody;
		};
		context.getRequestObject = (() => request) as unknown as IWebhookFunctions['getRequestObject'];
		const out = await new SmpTrigger().webhook!.call(context);
		expect(reads).toBe(1);
		expect(out.workflowData?.[0]?.[0]?.json).toEqual(delivery.payload);
	});
});

describe('kept secret', () => {
	it('reads the credential once per keep time, not per delivery', async () => {
		const ids = freshNode(SMP);
		const trigger = new SmpTrigger();
		let total = 0;
		for (let i = 0; i < 5; i++) {
			const made = smpCall(ids, 'kept-secret-1');
			expect((await trigger.webhook!.call(made.context)).workflowData).toBeDefined();
			total += made.credentialReads();
		}
		expect(total).toBe(1);
	});

	it('a replaced secret takes effect on its first delivery; forged requests force at most one read per keep time', async () => {
		const ids = freshNode(SMP);
		const trigger = new SmpTrigger();
		await trigger.webhook!.call(smpCall(ids, 'old-secret-1').context);
		// The user pastes a new secret; the provider signs with it.
		const replaced = smpCall(ids, 'new-secret-2');
		const out = await trigger.webhook!.call(replaced.context);
		expect(out.workflowData?.[0]?.[0]?.json).toEqual(replaced.delivery.payload);
		expect(replaced.credentialReads()).toBe(1);
		// A flood of forgeries right after: refused, without a credential read each.
		let reads = 0;
		for (let i = 0; i < 20; i++) {
			const made = smpCall(ids, `guess-${i}`, 'new-secret-2');
			await trigger.webhook!.call(made.context);
			expect(made.response.statusCode).toBe(401);
			reads += made.credentialReads();
		}
		expect(reads).toBe(0);
	});

	it('requests that find no kept secret at the same moment share one credential read', async () => {
		const ids = freshNode(SMP);
		const trigger = new SmpTrigger();
		const made = Array.from({ length: 8 }, () => smpCall(ids, 'shared-read-1'));
		const outs = await Promise.all(made.map((m) => trigger.webhook!.call(m.context)));
		expect(outs.every((o) => o.workflowData !== undefined)).toBe(true);
		expect(made.reduce((sum, m) => sum + m.credentialReads(), 0)).toBe(1);
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
		const made = smpCall(ids, 'not-the-secret', 'the-real-secret-9');
		const { context, logs, response, delivery } = made;
		const out = await new SmpTrigger().webhook!.call(context);
		expect(out).toEqual({ noWebhookResponse: true });
		expect(response.statusCode).toBe(401);
		const warns = logs.filter((l) => l.level === 'warn');
		expect(warns).toHaveLength(1);
		// the line itself says it all: n8n's default console output prints the message, not the metadata
		expect(warns[0].message).toBe(
			`SMP Trigger refused a delivery (401): signature does not match; workflow "${ids.workflow.name}" (id ${ids.workflow.id}), node "${ids.node.name}", from 127.0.0.9`,
		);
		const place = { workflowId: ids.workflow.id, node: ids.node.name, remoteAddress: '127.0.0.9' };
		expect(warns[0].metadata).toMatchObject(place);
		const text = JSON.stringify(logs);
		expect(text).not.toContain('the-real-secret-9');
		expect(text).not.toContain(delivery.headers['x-smp-signature']);
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
		const suppressed = 50 - REFUSALS_LOGGED_PER_MINUTE;
		expect(log.admit('t', 60_000)).toEqual({ log: true, suppressed });
	});

	it('while the editor listens, a refused delivery becomes the trigger’s error there; in production it runs nothing', async () => {
		const ids = freshNode(SMP);
		const trigger = new SmpTrigger();
		const listening = smpCall(ids, 'not-the-secret', 'real-secret-7', { mode: 'manual' });
		const out = await trigger.webhook!.call(listening.context);
		expect(listening.response.statusCode).toBe(401);
		expect(out.noWebhookResponse).toBe(true);
		expect(out.workflowData?.[0]?.[0]?.json).toEqual({});
		const refused = { status: 401, reason: 'signature does not match' };
		expect(out.workflowData?.[0]?.[0]?.[DELIVERY_FIELD]).toEqual({ refused });
		const items = out.workflowData![0];
		const exec = executeContext({ items, ...ids, store: new ProcessedStore(), mode: 'manual' });
		const error = (await trigger.execute!.call(exec.context).catch((e: Error) => e)) as Error;
		expect(error).toBeInstanceOf(Error);
		expect(error.message).toBe('Delivery refused (401): signature does not match');
		// n8n 2.x's error reporter logs an error and every cause: no cause, one line (measured on 2.41.1)
		expect(error.cause).toBeUndefined();
		const production = smpCall(ids, 'not-the-secret', 'real-secret-7');
		expect(await trigger.webhook!.call(production.context)).toEqual({ noWebhookResponse: true });
	});
});

describe('SmartComply after the API key was replaced', () => {
	it('answers 500 saying to deactivate and activate, and logs it as an error', async () => {
		const ids = freshNode('n8n-nodes-smart-webhooks.smartComplyTrigger');
		const payload = providers.smartComply.sample('notice.created');
		const { context, response, logs } = webhookContext({
			request: signedRequest('smartComply', payload, 'whsec_registered'),
			staticData: {
				endpointId: 'whe_9',
				sealedSecret: sealSecret('whsec_registered', 'sc_live_old_key', 'whe_9'),
			},
			credentials: {
				smartComplyApi: { apiKey: 'sc_live_new_key', baseUrl: 'http://127.0.0.1:1/api/v1' },
			},
			...ids,
		});
		const out = await new SmartComplyTrigger().webhook!.call(context);
		expect(out).toEqual({ noWebhookResponse: true });
		expect(response.statusCode).toBe(500);
		const fix = /API key was changed .* deactivate and activate the workflow/;
		expect((response.body as { error: string }).error).toMatch(fix);
		const errors = logs.filter((l) => l.level === 'error').map((l) => l.message);
		expect(errors.join('\n')).toMatch(/deactivate and activate/);
		const secrets = /whsec_registered|sc_live_new_key|sc_live_old_key/;
		expect(JSON.stringify([response.body, logs])).not.toMatch(secrets);
	});
});
