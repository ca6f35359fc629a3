// A trigger for any signed webhook: the settings of a scheme (Standard Webhooks, an HMAC of the body, a timestamped
// HMAC), receive and sign for them, and presets for common senders.
export {
	SIGNED_SCHEME_KINDS,
	type FieldSource,
	type SignedSchemeKind,
	type SignedSchemeSettings,
	type SignedWebhookSettings,
} from './settings';
export { signedSetupProblems, signedSetupWarnings, signedWebhookDefinition } from './definition';
export { receiveSigned } from './receive-signed';
export { signSigned, type SignedSignOptions } from './sign-signed';
export {
	SIGNED_PRESET_IDS,
	SIGNED_PRESETS,
	type SignedPreset,
	type SignedPresetId,
} from './presets';
export type { DigestEncoding, HmacAlgorithm } from '../signatures/hmac';
