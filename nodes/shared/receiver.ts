import {
	receiveAs,
	type DeliveryMetadata,
	type ProviderDefinition,
	type ReceiveOptions,
	type ReceiveResult,
	type ReceivingDefinition,
	type WebhookRequest,
} from '../../src/internal';
import { offersFormatChoice } from './properties';

/**
 * What a trigger hands its two phases: who it is (log lines, errors, `_delivery.provider`) and how a delivery is
 * verified and parsed. One of the five providers, or a signed webhook built from the node's own settings.
 */
export interface Receiver {
	/** As users read it: "SMP", "Signed Webhook". */
	displayName: string;
	/** `_delivery.provider` on the item. */
	id: DeliveryMetadata['provider'];
	/** The node has a Payload Format choice (parameter `format`). */
	formatChoice: boolean;
	receive(request: WebhookRequest, options: ReceiveOptions): ReceiveResult;
}

/** The receiver of one of the five providers, from its definition (no lookup by id on the way). */
export function providerReceiver(provider: ProviderDefinition): Receiver {
	return definitionReceiver(provider, provider.id, offersFormatChoice(provider));
}

/** A receiver for any receiving definition (a signed webhook's is built from the node's settings). */
export function definitionReceiver(
	definition: ReceivingDefinition,
	id: DeliveryMetadata['provider'],
	formatChoice = false,
): Receiver {
	return {
		displayName: definition.displayName,
		id,
		formatChoice,
		receive: (request, options) => receiveAs(definition, request, options),
	};
}
