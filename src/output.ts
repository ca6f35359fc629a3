import type { ProviderId, ReceiveResult, SchemaIssue, Verified } from './types';

/** What `_delivery.provider` says for a signed webhook (src/signed/), which is not one of the providers. */
export const SIGNED_WEBHOOK_SOURCE = 'signedWebhook';

/** Metadata about a delivery, added to the item as `_delivery` when the node option asks for it. */
export interface DeliveryMetadata {
	provider: ProviderId | typeof SIGNED_WEBHOOK_SOURCE;
	event: string | null;
	deliveryId: string | null;
	verified: Verified;
	receivedAt: string;
	test: boolean;
	format: string;
}

export const METADATA_FIELD = '_delivery';
export const SCHEMA_ISSUES_FIELD = '_schemaIssues';

/**
 * The item a trigger emits for an accepted delivery: the payload as parsed, plus, only when asked for,
 * `_delivery`; and `_schemaIssues` only when the payload does not match the provider's documented shape,
 * so a workflow can route such items with an IF node instead of losing them.
 */
export function toOutputItem(
	provider: DeliveryMetadata['provider'],
	result: ReceiveResult,
	{
		includeMetadata = false,
		receivedAt = new Date(),
	}: { includeMetadata?: boolean; receivedAt?: Date } = {},
): Record<string, unknown> | undefined {
	const payload = result.items[0];
	if (!payload) return undefined;
	if (!includeMetadata && !result.schemaIssues) return payload;
	const item: Record<string, unknown> = { ...payload };
	if (result.schemaIssues) item[SCHEMA_ISSUES_FIELD] = result.schemaIssues satisfies SchemaIssue[];
	if (includeMetadata) {
		item[METADATA_FIELD] = {
			provider,
			event: result.event ?? null,
			deliveryId: result.deliveryId ?? null,
			verified: result.verified ?? false,
			receivedAt: receivedAt.toISOString(),
			test: result.test === true,
			format: result.format ?? 'json',
		} satisfies DeliveryMetadata;
	}
	return item;
}
