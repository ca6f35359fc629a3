// The Signed Webhook Trigger through n8n's IWebhookFunctions and IExecuteFunctions (typed doubles): each Sender
// preset with deliveries signed by signSigned, the Custom scheme, fail-closed setup, rotation, copies, event filter.
import type { ICredentialDataDecryptedObject, INodeExecutionData } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import {
	SIGNED_PRESET_IDS,
	SIGNED_PRESETS,
	signSigned,
	type SignedPresetId,
	type SignedWebhookSettings,
} from '../../src/internal';
import { SignedWebhookTrigger } from '../../nodes/SignedWebhookTrigger/SignedWebhookTrigger.node';
import { DELIVERY_FIELD } from '../../nodes/shared/delivery-note';
import { lowerCaseHeaders, tamper } from './helpers';
import { executeContext, freshNode, ProcessedStore, webhookContext } from './n8n-doubles';

const TYPE = 'n8n-nodes-smart-webhooks.signedWebhookTrigger';
/** Standard Webhooks secrets are whsec_<base64>; the others are any string. */
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OLD_SECRET = 'whsec_dGhlLXByZXZpb3VzLXNlY3JldC0xMjM0NTY=';

type Delivery = { headers: Record<string, string>; rawBody: Buffer; payload: object };

function signedBy(
	settings: SignedWebhookSettings,
	payload: object,
	secret = SECRET,
	options: { timestamp?: number; event?: string; deliveryId?: string } = {},
): Delivery {
	const rawBody = Buffer.from(JSON.stringify(payload));
	const headers = lowerCaseHeaders(signSigned(settings, rawBody, secret, options));
	return { headers, rawBody, payload };
}

function presetDelivery(
	id: SignedPresetId,
	secret = SECRET,
	timestamp?: number,
	extra: object = {},
): Delivery {
	const preset = SIGNED_PRESETS[id];
	const payload = { ...preset.sample(preset.exampleEvent), ...extra };
	return signedBy(preset.settings, payload, secret, {
		event: preset.exampleEvent,
		timestamp,
	});
}

const store = new ProcessedStore();

async function deliver(
	delivery: Pick<Delivery, 'headers' | 'rawBody'>,
	{
		parameters = {},
		credential = { secret: SECRET },
		ids = freshNode(TYPE),
	}: {
		parameters?: Record<string, unknown>;
		credential?: ICredentialDataDecryptedObject | Error;
		ids?: ReturnType<typeof freshNode>;
	} = {},
) {
	const { context, response, logs } = webhookContext({
		request: { headers: delivery.headers, rawBody: delivery.rawBody },
		...ids,
		parameters,
		credentials: { signedWebhookApi: credential },
	});
	const trigger = new SignedWebhookTrigger();
	const out = await trigger.webhook.call(context);
	let emitted: INodeExecutionData[][] | undefined;
	if (out.workflowData) {
		const exec = executeContext({ items: out.workflowData[0], ...ids, parameters, store });
		emitted = (await trigger.execute.call(exec.context)) as INodeExecutionData[][];
	}
	return { out, response, logs, emitted };
}

function expectRan(result: Awaited<ReturnType<typeof deliver>>, payload: object) {
	expect(result.response.writes).toBe(0);
	expect(result.emitted).toEqual([[{ json: payload, pairedItem: { item: 0 } }]]);
}

function expectRefused(
	result: Awaited<ReturnType<typeof deliver>>,
	status: number,
	reason: RegExp,
) {
	expect(result.out).toEqual({ noWebhookResponse: true });
	expect(result.emitted).toBeUndefined();
	expect(result.response.statusCode).toBe(status);
	expect((result.response.body as { error: string }).error).toMatch(reason);
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const TIMED = SIGNED_PRESET_IDS.filter(
	(id) => SIGNED_PRESETS[id].settings.scheme.kind !== 'bodyHmac',
);

describe.each(SIGNED_PRESET_IDS)('Sender %s', (id) => {
	const parameters = { sender: id };

	it('runs the workflow with exactly the payload of a delivery signed as the sender signs', async () => {
		const d = presetDelivery(id);
		expectRan(await deliver(d, { parameters }), d.payload);
	});

	it('refuses the delivery with one byte changed: 401, nothing run', async () => {
		const d = presetDelivery(id);
		expectRefused(
			await deliver({ ...d, rawBody: tamper(d.rawBody) }, { parameters }),
			401,
			/does not match/,
		);
	});

	it('accepts a delivery signed with the previous secret while both are set (rotation)', async () => {
		const d = presetDelivery(id, OLD_SECRET);
		const credential = { secret: SECRET, previousSecret: OLD_SECRET };
		expectRan(await deliver(d, { parameters, credential }), d.payload);
		// and without the previous secret it is refused: the rotation is what accepted it
		expectRefused(await deliver(d, { parameters }), 401, /does not match/);
	});

	it('answers 500 naming the missing secret when the credential has none, and runs nothing', async () => {
		const result = await deliver(presetDelivery(id), { parameters, credential: { secret: '' } });
		expectRefused(result, 500, /signing secret is not set/);
		expect(
			result.logs.some((l) => l.level === 'error' && /Signed Webhook Trigger/.test(l.message)),
		).toBe(true);
	});

	it('runs a delivery once: its copy is recognised, and a new delivery after it still runs', async () => {
		const ids = freshNode(TYPE);
		const d = presetDelivery(id);
		expectRan(await deliver(d, { parameters, ids }), d.payload);
		const copy = await deliver(d, { parameters, ids });
		expect(copy.out.workflowData).toBeUndefined();
		expect(copy.out.webhookResponse).toEqual({ received: true, ignored: 'duplicate delivery' });
		const marker = presetDelivery(id, SECRET, undefined, { marker: 1 });
		expectRan(await deliver(marker, { parameters, ids }), marker.payload);
	});

	it('filters by event name: another event answers 200 without running, its own runs', async () => {
		const d = presetDelivery(id);
		const named = { ...parameters, eventFilter: 'named' };
		const other = await deliver(d, { parameters: { ...named, eventNames: 'not.this.one' } });
		expect(other.out.workflowData).toBeUndefined();
		expect(other.out.webhookResponse).toMatchObject({ ignored: 'event not selected' });
		const event = SIGNED_PRESETS[id].exampleEvent;
		expectRan(await deliver(d, { parameters: { ...named, eventNames: `x, ${event}` } }), d.payload);
	});
});

describe('Include Delivery Metadata', () => {
	it('adds _delivery naming the signed webhook source, the event and the verification', async () => {
		const d = presetDelivery('github');
		const parameters = { sender: 'github', settings: { includeMetadata: true } };
		const { emitted } = await deliver(d, { parameters });
		const { _delivery, ...rest } = emitted![0][0].json;
		expect(rest).toEqual(d.payload);
		expect(_delivery).toMatchObject({
			provider: 'signedWebhook',
			event: 'push',
			verified: 'signature',
		});
	});
});

describe.each(TIMED)('Sender %s (signs a timestamp)', (id) => {
	it('refuses a delivery signed ten minutes ago (401), and accepts it with a wider tolerance', async () => {
		const d = presetDelivery(id, SECRET, nowSeconds() - 600);
		expectRefused(await deliver(d, { parameters: { sender: id } }), 401, /tolerance/);
		const wider = { sender: id, settings: { toleranceSeconds: 900 } };
		expectRan(await deliver(d, { parameters: wider }), d.payload);
	});
});

describe('Copies are recognised in execute()', () => {
	it('a copy accepted by another process emits nothing there', async () => {
		const ids = freshNode(TYPE);
		const d = presetDelivery('github');
		const first = await deliver(d, { parameters: { sender: 'github' }, ids });
		expectRan(first, d.payload);
		// The same items reaching execute() in a process that did not run the first (queue mode: another worker).
		const items = first.out.workflowData![0].map((item) => ({
			...item,
			[DELIVERY_FIELD]: { ...(item[DELIVERY_FIELD] as object), via: 'elsewhere' },
		}));
		const exec = executeContext({ items, ...ids, parameters: { sender: 'github' }, store });
		expect(await new SignedWebhookTrigger().execute.call(exec.context)).toEqual([[]]);
	});
});

describe('Custom sender', () => {
	const custom = {
		sender: 'custom',
		scheme: 'timestampedHmac',
		signatureHeader: 'X-Acme-Signature',
		algorithm: 'sha512',
		encoding: 'base64',
		prefix: 'v2=',
		template: '{timestamp}:{body}',
		timestampHeader: 'X-Acme-Timestamp',
		copyKeyFrom: 'jsonPath',
		copyKeyPath: 'meta.id',
		eventNameFrom: 'header',
		eventNameHeader: 'X-Acme-Event',
	};
	const settings: SignedWebhookSettings = {
		scheme: {
			kind: 'timestampedHmac',
			header: 'X-Acme-Signature',
			algorithm: 'sha512',
			encoding: 'base64',
			prefix: 'v2=',
			template: '{timestamp}:{body}',
			timestampHeader: 'X-Acme-Timestamp',
		},
		copyKey: { from: 'jsonPath', path: 'meta.id' },
		eventName: { from: 'header', name: 'X-Acme-Event' },
	};

	it('verifies with the scheme the fields describe, reads the event from its header and the copy key from its path', async () => {
		const d = signedBy(settings, { meta: { id: 'd-1' }, n: 1 }, 'acme-secret', {
			event: 'order.paid',
		});
		const parameters = { ...custom, eventFilter: 'named', eventNames: 'order.paid' };
		const ids = freshNode(TYPE);
		const credential = { secret: 'acme-secret' };
		expectRan(await deliver(d, { parameters, credential, ids }), d.payload);
		// another body with the same meta.id is a copy: the id came from the configured path
		const again = signedBy(settings, { meta: { id: 'd-1' }, n: 2 }, 'acme-secret', {
			event: 'order.paid',
		});
		expect((await deliver(again, { parameters, credential, ids })).emitted).toBeUndefined();
		expectRefused(
			await deliver({ ...d, rawBody: tamper(d.rawBody) }, { parameters, credential }),
			401,
			/does not match/,
		);
	});

	it('fails closed with 500 naming what is missing when the scheme is incomplete', async () => {
		const d = signedBy(settings, { meta: { id: 'd-2' } }, 'acme-secret');
		const incomplete = { ...custom, signatureHeader: '', template: '' };
		const result = await deliver(d, {
			parameters: incomplete,
			credential: { secret: 'acme-secret' },
		});
		expectRefused(result, 500, /not set up: signature header is not set; template is not set/);
	});

	it('fails closed when Event Names are set but no event name source is', async () => {
		const d = signedBy(settings, { meta: { id: 'd-3' } }, 'acme-secret');
		const parameters = { ...custom, eventNameFrom: 'none', eventFilter: 'named', eventNames: 'a' };
		expectRefused(
			await deliver(d, { parameters, credential: { secret: 'acme-secret' } }),
			500,
			/Event Name From is None/,
		);
	});

	it('fails closed on an unknown sender rather than guessing', async () => {
		const d = presetDelivery('github');
		expectRefused(
			await deliver(d, { parameters: { sender: 'gitlab' } }),
			500,
			/scheme must be one of/,
		);
	});

	it('refuses a Standard Webhooks secret that is not whsec_/base64 with 500', async () => {
		const d = presetDelivery('standardWebhooks');
		const credential = { secret: 'not base64 !' };
		expectRefused(await deliver(d, { credential }), 500, /not a Standard Webhooks secret/);
	});
});
