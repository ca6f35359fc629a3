import {
	SIGNED_PRESETS,
	type FieldSource,
	type SignedSchemeSettings,
	type SignedWebhookSettings,
} from '../../src/internal';

/** The Sender choice that lets the user describe the scheme field by field instead of picking a preset. */
export const CUSTOM_SENDER = 'custom';

type ParameterReader = (name: string, fallback: unknown) => unknown;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** A header or JSON path source, by the parameters `<prefix>From`, `<prefix>Header`, `<prefix>Path`. */
function sourceOf(get: ParameterReader, prefix: string, from: unknown): FieldSource | undefined {
	if (from === 'header') return { from: 'header', name: text(get(`${prefix}Header`, '')) };
	if (from === 'jsonPath') return { from: 'jsonPath', path: text(get(`${prefix}Path`, '')) };
	return undefined;
}

/** The scheme of the Custom sender, as the panel holds it; buildSignedScheme checks every field. */
function customScheme(get: ParameterReader): SignedSchemeSettings {
	const kind = get('scheme', 'standardWebhooks') as SignedSchemeSettings['kind'];
	if (kind === 'standardWebhooks') return { kind };
	const digest = {
		kind,
		header: text(get('signatureHeader', '')),
		algorithm: get('algorithm', 'sha256') as SignedSchemeSettings['algorithm'],
		encoding: get('encoding', 'hex') as SignedSchemeSettings['encoding'],
		prefix: text(get('prefix', '')),
	};
	if (kind !== 'timestampedHmac') return digest;
	const timestampHeader = text(get('timestampHeader', '')).trim();
	return {
		...digest,
		template: text(get('template', '')),
		...(timestampHeader ? { timestampHeader } : {}),
	};
}

/**
 * The signed-webhook settings the node's parameters describe: a preset's, or the Custom fields. An unknown sender
 * gives a scheme no check accepts, so the trigger fails closed instead of guessing.
 */
export function signedSettingsOf(get: ParameterReader): SignedWebhookSettings {
	const sender = text(get('sender', 'standardWebhooks'));
	if (sender !== CUSTOM_SENDER) {
		const preset = Object.prototype.hasOwnProperty.call(SIGNED_PRESETS, sender)
			? SIGNED_PRESETS[sender as keyof typeof SIGNED_PRESETS]
			: undefined;
		if (!preset) return { scheme: { kind: sender as SignedSchemeSettings['kind'] } };
		return structuredClone(preset.settings) as SignedWebhookSettings;
	}
	const copyFrom = get('copyKeyFrom', 'automatic');
	const copyKey =
		copyFrom === 'bodyHash' ? { from: 'bodyHash' as const } : sourceOf(get, 'copyKey', copyFrom);
	const eventName = sourceOf(get, 'eventName', get('eventNameFrom', 'none'));
	return {
		scheme: customScheme(get),
		...(copyKey ? { copyKey } : {}),
		...(eventName ? { eventName } : {}),
	};
}
