// What the nodes, the credentials and the CLI take from the n8n-free core, built once as dist/internal.js; the
// package's main export (src/index.ts, what docs/core-api.md documents) is a subset of it.
export type {
	ProviderId,
	WebhookRequest,
	ReceiveResult,
	ReceiveStatus,
	SchemaIssue,
	BodyFormat,
	HeaderBag,
	Verified,
} from './types';
export { HEADER_NAME_PATTERN, type RequiredHeader } from './signatures/required-header';
export { pastedValueProblem } from './pasted-value';
export { receive, receiveAs, type KeyStore, type ReceiveOptions } from './receive';
export { sign, type ProviderSignOptions } from './sign';
export { serializePayload } from './serialize';
export { SIGNED_WEBHOOK_SOURCE, toOutputItem, type DeliveryMetadata } from './output';
export {
	providers,
	providerIds,
	type ProviderDefinition,
	type ReceivingDefinition,
	type EventInfo,
	type Registration,
} from './providers';
export { SMARTERMEASURE_KEY_QUERY } from './providers/smarterMeasure';
export * from './smartcomply';
export * from './signed';
