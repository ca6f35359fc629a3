// The Signed Webhook Trigger through n8n's IWebhookFunctions and IExecuteFunctions (typed doubles): each Sender
// preset with deliveries signed by signSigned, the Custom scheme, fail-closed setup, rotation, copies, event filter.
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
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
import {
	executeContext,
	expectIgnored,
	expectRan,
	expectRefused,
	freshNode,
	ProcessedStore,
	runTrigger,
	type LogEntry,
} from './n8n-doubles';

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

/** The preset's sample for its example event (with `extra` fields), signed as the sender signs. */
function presetDelivery(id: SignedPresetId, secret = SECRET, timestamp?: number, extra = {}) {
	const { exampleEvent: event, settings } = SIGNED_PRESETS[id];
	const payload = { ...SIGNED_PRESETS[id].sample(event), ...extra };
	return signedBy(settings, payload, secret, { event, timestamp });
}

const store = new ProcessedStore();

interface DeliverOptions {
	parameters?: Record<string, unknown>;
	credential?: ICredentialDataDecryptedObject | Error;
	ids?: ReturnType<typeof freshNode>;
}

async function deliver(
	delivery: Pick<Delivery, 'headers' | 'rawBody'>,
	{ parameters = {}, credential = { secret: SECRET }, ids = freshNode(TYPE) }: DeliverOptions = {},
) {
	const credentials = { signedWebhookApi: credential };
	const options = { request: delivery, ...ids, parameters, credentials, store };
	return await runTrigger(new SignedWebhookTrigger(), options);
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const signsTime = (id: SignedPresetId) => SIGNED_PRESETS[id].settings.scheme.kind !== 'bodyHmac';
const TIMED = SIGNED_PRESET_IDS.filter(signsTime);

describe.each(SIGNED_PRESET_IDS)('Sender %s', (id) => {
	const parameters = { sender: id };

	it('runs the workflow with exactly the payload of a delivery signed as the sender signs', async () => {
		const d = presetDelivery(id);
		expectRan(await deliver(d, { parameters }), d.payload);
	});

	it('refuses the delivery with one byte changed: 401, nothing run', async () => {
		const d = presetDelivery(id);
		const changed = { ...d, rawBody: tamper(d.rawBody) };
		expectRefused(await deliver(changed, { parameters }), 401, /does not match/);
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
		const named = (l: LogEntry) => l.level === 'error' && /Signed Webhook Trigger/.test(l.message);
		expect(result.logs.some(named)).toBe(true);
	});

	it('runs a delivery once: its copy is recognised, and a new delivery after it still runs', async () => {
		const ids = freshNode(TYPE);
		const d = presetDelivery(id);
		expectRan(await deliver(d, { parameters, ids }), d.payload);
		expectIgnored(await deliver(d, { parameters, ids }));
		const marker = presetDelivery(id, SECRET, undefined, { marker: 1 });
		expectRan(await deliver(marker, { parameters, ids }), marker.payload);
	});

	it('filters by event name: another event answers 200 without running, its own runs', async () => {
		const d = presetDelivery(id);
		const named = { ...parameters, eventFilter: 'named' };
		const other = await deliver(d, { parameters: { ...named, eventNames: 'not.this.one' } });
		expectIgnored(other, 'event not selected');
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
		const meta = { provider: 'signedWebhook', event: 'push', verified: 'signature' };
		expect(_delivery).toMatchObject(meta);
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

	/** A delivery of `{ meta: { id }, ...extra }` signed with the settings the fields describe. */
	const acme = (id: string, extra = {}, event?: string) =>
		signedBy(settings, { meta: { id }, ...extra }, 'acme-secret', { event });
	const credential = { secret: 'acme-secret' };
	const deliverAcme = (d: Delivery, parameters: object, ids?: ReturnType<typeof freshNode>) =>
		deliver(d, { parameters: { ...custom, ...parameters }, credential, ids });

	it('verifies with the scheme the fields describe, reads the event from its header and the copy key from its path', async () => {
		const d = acme('d-1', { n: 1 }, 'order.paid');
		const named = { eventFilter: 'named', eventNames: 'order.paid' };
		const ids = freshNode(TYPE);
		expectRan(await deliverAcme(d, named, ids), d.payload);
		// another body with the same meta.id is a copy: the id came from the configured path
		expectIgnored(await deliverAcme(acme('d-1', { n: 2 }, 'order.paid'), named, ids));
		const tampered = { ...d, rawBody: tamper(d.rawBody) };
		expectRefused(await deliverAcme(tampered, named), 401, /does not match/);
	});

	it('fails closed with 500 naming what is missing when the scheme is incomplete', async () => {
		const result = await deliverAcme(acme('d-2'), { signatureHeader: '', template: '' });
		expectRefused(result, 500, /not set up: signature header is not set; template is not set/);
	});

	it('fails closed when Event Names are set but no event name source is', async () => {
		const parameters = { eventNameFrom: 'none', eventFilter: 'named', eventNames: 'a' };
		expectRefused(await deliverAcme(acme('d-3'), parameters), 500, /Event Name From is None/);
	});

	it('fails closed on an unknown sender rather than guessing', async () => {
		const result = await deliver(presetDelivery('github'), { parameters: { sender: 'gitlab' } });
		expectRefused(result, 500, /scheme must be one of/);
	});

	it('refuses a Standard Webhooks secret that is not whsec_/base64 with 500', async () => {
		const d = presetDelivery('standardWebhooks');
		const credential = { secret: 'not base64 !' };
		expectRefused(await deliver(d, { credential }), 500, /not a Standard Webhooks secret/);
	});
});
