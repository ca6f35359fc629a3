// The package's main export: the n8n-free core docs/core-api.md documents and what the
// nodes, credentials and the CLI import. Tests reach other internals through their own modules.
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
export { MAX_DEDUPE_KEYS, receive, receiveAs, type KeyStore, type ReceiveOptions } from './receive';
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
export {
	SMARTERMEASURE_CONTACT,
	SMARTERMEASURE_KEY_HEADER,
	SMARTERMEASURE_KEY_QUERY,
} from './providers/smarterMeasure';
export * from './smartcomply';
export * from './signed';
