// A trigger for any signed webhook: the settings of a scheme (Standard Webhooks, an HMAC of the body, a timestamped
// HMAC), receive and sign for them, and presets for common senders.
export {
	DEFAULT_TOLERANCE_SECONDS,
	SIGNED_SCHEME_KINDS,
	type FieldSource,
	type SignedSchemeKind,
	type SignedSchemeSettings,
	type SignedWebhookSettings,
} from './settings';
export {
	SIGNED_WEBHOOK_DISPLAY_NAME,
	signedSetupProblems,
	signedSetupWarnings,
	signedWebhookDefinition,
} from './definition';
export { receiveSigned } from './receive-signed';
export { signSigned, type SignedSignOptions } from './sign-signed';
export {
	SIGNED_PRESET_IDS,
	SIGNED_PRESETS,
	type SignedPreset,
	type SignedPresetId,
} from './presets';
export { HMAC_ALGORITHMS, type DigestEncoding, type HmacAlgorithm } from '../signatures/hmac';
export {
	STANDARD_WEBHOOKS_HEADERS,
	STANDARD_WEBHOOKS_SECRET_PREFIX,
	SVIX_HEADERS,
} from '../signatures/standard-webhooks';
