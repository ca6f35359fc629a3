import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import {
	toOutputItem,
	type ProviderDefinition,
	type ReceiveOptions,
	type ReceiveResult,
} from '../../src/internal';
import { answeredAhead, claimAhead, ranHere, THIS_PROCESS } from './copies';
import { DELIVERY_FIELD, type DeliveryNote } from './delivery-note';
import { providerReceiver, type Receiver } from './receiver';
import { failSetup, refuse } from './refusals';
import { SetupProblem, verifyWithKeys, type SecretLoader } from './secrets';
import { selectedEvents, type TriggerSettings } from './settings';
import { triggerId } from './trigger-id';

/**
 * n8n skips its own body parser for this trigger (the hidden `options.binaryData` parameter, properties.ts), so the
 * bytes are read here, exactly as received (after gzip), with n8n's own reader and size limit.
 */
async function rawBodyOf(
	request: ReturnType<IWebhookFunctions['getRequestObject']>,
): Promise<Buffer | undefined> {
	const reader = (request as { readRawBody?: () => Promise<void> }).readRawBody;
	if (request.rawBody === undefined && typeof reader === 'function') await reader.call(request);
	return request.rawBody;
}

/**
 * The one webhook handler every trigger uses: hands the raw request to the core pipeline and turns its decision
 * into n8n's answer. `loadSecrets` returns what to verify with, from the credential or the node's static data;
 * `secretVersion` changes whenever that source changes (SmartComply: a new registration), so a kept secret is dropped.
 */
export async function handleWebhook(
	this: IWebhookFunctions,
	receiver: Receiver,
	loadSecrets: SecretLoader,
	{ secretVersion }: { secretVersion?: string } = {},
): Promise<IWebhookResponseData> {
	const request = this.getRequestObject();
	const listening = this.getMode() === 'manual';
	const trigger = triggerId(this.getWorkflow(), this.getNode());
	const settings = this.getNodeParameter('settings', {}) as TriggerSettings;
	const receivedAt = new Date();

	let rawBody: Buffer | undefined;
	try {
		rawBody = await rawBodyOf(request);
	} catch (error) {
		// n8n's reader refuses bodies over N8N_PAYLOAD_SIZE_MAX and aborted streams.
		const reason = `body could not be read: ${(error as Error).message}`;
		return refuse.call(this, receiver, 400, reason, listening);
	}

	const options: ReceiveOptions = {
		events: selectedEvents.call(this),
		toleranceSeconds: settings.toleranceSeconds,
		ignoreTestEvents: settings.ignoreTestEvents === true,
		listening,
		now: receivedAt,
		// Copies are recognised in execute(), in n8n's database, where every n8n process sees them.
		dedupe: false,
		format: receiver.formatChoice
			? (this.getNodeParameter('format', 'auto') as ReceiveOptions['format'])
			: undefined,
	};
	// Everything but the keys is read once: a failed check against kept keys may verify a second time.
	const received = {
		headers: request.headers,
		query: request.query as Record<string, unknown>,
		rawBody: rawBody ?? Buffer.alloc(0),
	};
	// the keys a trigger verifies with change with its credentials and, for SmartComply, its registration
	const scope = `${trigger}:${JSON.stringify(this.getNode().credentials ?? {})}:${secretVersion ?? ''}`;
	let result: ReceiveResult | SetupProblem;
	try {
		result = await verifyWithKeys.call(this, scope, loadSecrets, receivedAt, (keys) =>
			receiver.receive(received, {
				...options,
				secret: keys.secrets,
				requiredHeader: keys.requiredHeader,
			}),
		);
	} catch (error) {
		const reason = 'trigger credential could not be loaded';
		return failSetup.call(this, receiver, reason, (error as Error).message);
	}
	if (result instanceof SetupProblem) return failSetup.call(this, receiver, result.message);
	if (result.status !== 200)
		return refuse.call(this, receiver, result.status, result.reason ?? 'refused', listening);

	const item = toOutputItem(receiver.id, result, {
		includeMetadata: settings.includeMetadata === true,
		receivedAt,
	});
	if (!item) return { webhookResponse: { received: true, ignored: result.reason } };
	// A copy of a delivery this very process already ran (regular mode): no execution at all. Elsewhere (queue mode)
	// execute() decides, in n8n's database.
	if (!listening && settings.deduplicate !== false && ranHere(trigger, result.dedupeKeys))
		return { webhookResponse: { received: true, ignored: 'duplicate delivery' } };
	// Wrapped by hand: n8n's returnJsonArray() takes any object with a `json` key as already wrapped, so a payload's
	// own `json` (or `binary`) field would have replaced the item.
	const delivery: DeliveryNote = { keys: result.dedupeKeys, via: THIS_PROCESS };
	// Regular mode: the claim runs while n8n creates the execution (see copies/ahead.ts).
	const ticket =
		!listening && settings.deduplicate !== false && result.dedupeKeys?.length
			? claimAhead(trigger, result.dedupeKeys)
			: undefined;
	if (ticket) {
		delivery.ticket = ticket;
		const response = this.getResponseObject();
		response.once('finish', () => answeredAhead(ticket, response.statusCode));
	}
	return { workflowData: [[{ json: item as IDataObject, [DELIVERY_FIELD]: delivery }]] };
}

/** A trigger's `webhook` as a class property: n8n calls it with its webhook context as `this`. */
export function triggerWebhook(provider: ProviderDefinition, loadSecrets: SecretLoader) {
	const receiver = providerReceiver(provider);
	return async function (this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleWebhook.call(this, receiver, loadSecrets);
	};
}
