import { firstValue } from '../headers';
import { looseObject } from '../providers/schema';
import type { ReceivingDefinition } from '../providers/types';
import { HEADER_NAME_PATTERN } from '../signatures/required-header';
import { HMAC_ALGORITHMS, isHmacAlgorithm } from '../signatures/hmac';
import { standardWebhooksId, standardWebhooksKey } from '../signatures/standard-webhooks';
import type { HeaderBag } from '../types';
import { buildSignedScheme } from './build-scheme';
import { parseJsonPath, readJsonPath } from './json-path';
import type { FieldSource, SignedWebhookSettings } from './settings';

export const SIGNED_WEBHOOK_DISPLAY_NAME = 'Signed webhook';

type Reader = (payload: Record<string, unknown>, headers: HeaderBag) => string | undefined;

/** A reader for a header or a JSON path, or the problem with the source. */
function readerOf(source: FieldSource | undefined, what: string): Reader | string | undefined {
	if (source === undefined) return undefined;
	if (source.from === 'header') {
		const name = typeof source.name === 'string' ? source.name.trim() : '';
		if (!HEADER_NAME_PATTERN.test(name)) return `${what} header "${name}" is not a header name`;
		return (_payload, headers) => firstValue(headers, name);
	}
	if (source.from === 'jsonPath') {
		const segments = typeof source.path === 'string' ? parseJsonPath(source.path) : undefined;
		if (!segments) return `${what} path "${String(source.path)}" is not a path such as data.id`;
		return (payload) => readJsonPath(payload, segments);
	}
	return `${what} comes from a header or a JSON path`;
}

/**
 * Whether the copy key is covered by the signature: read from the body, or Standard Webhooks' message id (signed with
 * the body). A header the user names may not be signed, so the body's hash stays beside it.
 */
function copyKeySigned(settings: SignedWebhookSettings | undefined): boolean {
	const copyKey = settings?.copyKey;
	return copyKey ? copyKey.from === 'jsonPath' : settings?.scheme?.kind === 'standardWebhooks';
}

/** The copy key's reader: the user's source, or by default Standard Webhooks' signed message id. */
function copyKeyReader(settings: SignedWebhookSettings | undefined): Reader | string | undefined {
	const copyKey = settings?.copyKey;
	if (copyKey?.from === 'bodyHash') return undefined;
	if (copyKey) return readerOf(copyKey, 'copy key');
	return settings?.scheme?.kind === 'standardWebhooks'
		? (_payload, headers) => standardWebhooksId(headers)
		: undefined;
}

export type BuiltDefinition =
	{ definition: ReceivingDefinition; problems?: undefined } | { problems: string[] };

/**
 * What receive() verifies a signed webhook with: the scheme built from the settings, facts read where the settings
 * say. Any problem in the settings means no definition at all.
 */
export function signedWebhookDefinition(settings: SignedWebhookSettings): BuiltDefinition {
	const built = buildSignedScheme(settings?.scheme);
	const problems = built.problems ? [...built.problems] : [];
	const idReader = copyKeyReader(settings);
	const eventReader = readerOf(settings?.eventName, 'event name');
	for (const reader of [idReader, eventReader])
		if (typeof reader === 'string') problems.push(reader);
	if (built.problems || problems.length) return { problems };
	const readId = idReader as Reader | undefined;
	const readEvent = eventReader as Reader | undefined;
	const idSigned = copyKeySigned(settings);
	return {
		definition: {
			displayName: SIGNED_WEBHOOK_DISPLAY_NAME,
			scheme: built.scheme,
			signature: 'required',
			toleranceSeconds: built.toleranceSeconds,
			formats: ['json', 'xml'],
			schema: looseObject,
			facts: (payload, headers) => ({
				event: readEvent?.(payload, headers),
				deliveryId: readId?.(payload, headers),
				idSigned,
				test: false,
			}),
		},
	};
}

/**
 * Everything that keeps a signed webhook from verifying deliveries, for a setup check before any arrives: the
 * settings' problems, a missing secret, a secret the scheme cannot use. Empty when it is ready.
 */
export function signedSetupProblems(
	settings: SignedWebhookSettings,
	secret: string | readonly string[] | undefined,
): string[] {
	const built = signedWebhookDefinition(settings);
	const problems = built.problems ? [...built.problems] : [];
	const secrets = (typeof secret === 'string' ? [secret] : (secret ?? []))
		.map((s) => s.trim())
		.filter(Boolean);
	if (secrets.length === 0) problems.push('signing secret is not set');
	if (settings?.scheme?.kind === 'standardWebhooks' && secrets.some((s) => !standardWebhooksKey(s)))
		problems.push('signing secret is not a Standard Webhooks secret (whsec_ followed by base64)');
	return problems;
}

/** What works but is worth saying: a weak hash, no timestamp check. */
export function signedSetupWarnings(settings: SignedWebhookSettings): string[] {
	const scheme = settings?.scheme;
	if (!scheme) return [];
	const warnings: string[] = [];
	if (scheme.kind !== 'standardWebhooks' && isHmacAlgorithm(scheme.algorithm)) {
		if (HMAC_ALGORITHMS[scheme.algorithm].weak)
			warnings.push(
				`${HMAC_ALGORITHMS[scheme.algorithm].label} is weak: use it only if the sender offers nothing stronger`,
			);
	}
	if (scheme.kind !== 'bodyHmac' && scheme.toleranceSeconds === 0)
		warnings.push('timestamp tolerance is off: only the copy keys stop a replayed delivery');
	return warnings;
}
