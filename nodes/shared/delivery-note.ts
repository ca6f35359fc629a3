import type { IDataObject } from 'n8n-workflow';

/**
 * What the webhook phase hands to `execute()` besides the payload, on the item but outside `json`, so the payload
 * stays exactly what the provider sent and n8n still serialises it with the execution (queue mode: to the worker).
 * `execute()` never passes it on.
 */
export const DELIVERY_FIELD = 'smartWebhooksDelivery';

export interface DeliveryNote extends IDataObject {
	/** The delivery's duplicate keys (see ReceiveResult.dedupeKeys). */
	keys?: string[];
	/** The process whose webhook took it (copies' THIS_PROCESS). */
	via?: string;
	/** Regular mode: the ticket of the claim started once n8n answered (copies' claimAhead). */
	ticket?: string;
	/** Only while the editor listens: a refused delivery, shown there as the trigger's error. */
	refused?: { status: number; reason: string };
}
