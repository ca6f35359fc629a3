// `smart-webhooks send signed`: a delivery signed with any signed-webhook scheme (a preset for a known sender, or
// the scheme's own settings), so the signed-webhook trigger can be tried before the real sender is wired.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
	SIGNED_PRESET_IDS,
	SIGNED_PRESETS,
	SIGNED_SCHEME_KINDS,
	signedSetupProblems,
	signSigned,
	type SignedPresetId,
	type SignedSchemeSettings,
	type SignedWebhookSettings,
} from '../../src/internal';
import { headerArg, timesArg, urlArg, type ExtraHeader, type Flags } from './args';
import { postDeliveries, tamperBody } from './post';
import { closest, UsageError, type CliIo } from './usage';

/** The scheme's settings, flag by flag (their names as in SignedSchemeSettings). */
const SCHEME_FLAGS = {
	'signature-header': 'header',
	algorithm: 'algorithm',
	encoding: 'encoding',
	prefix: 'prefix',
	template: 'template',
	'timestamp-header': 'timestampHeader',
	'timestamp-key': 'timestampKey',
	'signature-key': 'signatureKey',
} as const satisfies Record<string, keyof SignedSchemeSettings>;

/** The options only `send signed` takes, for node:util's parseArgs. */
export const SIGNED_OPTIONS = {
	preset: { type: 'string' },
	scheme: { type: 'string' },
	...Object.fromEntries(Object.keys(SCHEME_FLAGS).map((k) => [k, { type: 'string' }])),
	'id-header': { type: 'string' },
	'id-path': { type: 'string' },
	'event-header': { type: 'string' },
	'event-path': { type: 'string' },
	event: { type: 'string' },
} as Record<string, { type: 'string' }>;

const SHARED = new Set(['url', 'secret', 'file', 'times', 'tamper', 'header']);

export const SIGNED_HELP = `  smart-webhooks send signed --preset <sender> --url <URL> --secret <secret> [options]
  smart-webhooks send signed --scheme <scheme> [scheme options] --url <URL> --secret <secret> [options]

send signed: a delivery signed as any signed-webhook sender would (see docs/signed-webhooks.md)
  --preset <sender>    ${SIGNED_PRESET_IDS.join(', ')}:
                       that sender's scheme, copy key, event name and sample body
  --scheme <scheme>    ${SIGNED_SCHEME_KINDS.join(', ')}, with:
    --signature-header <name>  the header with the signature (bodyHmac, timestampedHmac)
    --algorithm sha256|sha512|sha1   --encoding hex|base64   (default sha256, hex)
    --prefix <text>            before the digest, e.g. sha256= (GitHub) or v0= (Slack)
    --template <text>          timestampedHmac: what is signed, e.g. "{timestamp}.{body}"
    --timestamp-header <name>  timestampedHmac: the timestamp in its own header (Slack); without it
                               the signature header is "t=<timestamp>,v1=<digest>" (Stripe;
                               --timestamp-key and --signature-key change t and v1)
    --id-header <name>, --id-path <path>        where the receiver reads the copy key
                                                (a fresh id is sent there)
    --event-header <name>, --event-path <path>  where the receiver reads the event name
  --event <name>       the event name: sent in the event header, or in the sample body at --event-path
  --file, --times, --tamper, --header as for providers; Standard Webhooks secrets are whsec_<base64>`;

export interface SignedSendArgs {
	label: string;
	settings: SignedWebhookSettings;
	preset?: SignedPresetId;
	event?: string;
	url: URL;
	secret: string;
	file?: string;
	times: number;
	tamper: boolean;
	header?: ExtraHeader;
}

function presetOf(name: string): SignedPresetId {
	const id = SIGNED_PRESET_IDS.find((p) => p.toLowerCase() === name.toLowerCase());
	if (id) return id;
	const guess = closest(name, SIGNED_PRESET_IDS);
	throw new UsageError(
		`unknown preset "${name}"${guess ? `; did you mean ${guess}?` : '.'} Presets: ${SIGNED_PRESET_IDS.join(', ')}.`,
	);
}

function source(flags: Flags, what: 'id' | 'event'): SignedWebhookSettings['eventName'] {
	const header = flags.get(`${what}-header`) as string | undefined;
	const path = flags.get(`${what}-path`) as string | undefined;
	if (header !== undefined && path !== undefined)
		throw new UsageError(`give --${what}-header or --${what}-path, not both`);
	if (header !== undefined) return { from: 'header', name: header };
	return path === undefined ? undefined : { from: 'jsonPath', path };
}

/** The settings from --preset, or from --scheme and the scheme flags. */
function settingsOf(flags: Flags): { settings: SignedWebhookSettings; preset?: SignedPresetId } {
	const presetName = flags.get('preset') as string | undefined;
	const scheme = flags.get('scheme') as string | undefined;
	if (presetName !== undefined) {
		const own = [...flags.keys()].filter(
			(k) => k in SIGNED_OPTIONS && k !== 'preset' && k !== 'event',
		);
		if (scheme !== undefined || own.length > 0)
			throw new UsageError(
				`--preset sets the scheme, copy key and event name; drop --${scheme !== undefined ? 'scheme' : own[0]}, or use --scheme`,
			);
		const preset = presetOf(presetName);
		return { settings: SIGNED_PRESETS[preset].settings as SignedWebhookSettings, preset };
	}
	if (scheme === undefined)
		throw new UsageError(
			`name a sender with --preset (${SIGNED_PRESET_IDS.join(', ')}) or a scheme with --scheme (${SIGNED_SCHEME_KINDS.join(', ')})`,
		);
	const kind = SIGNED_SCHEME_KINDS.find((k) => k.toLowerCase() === scheme.toLowerCase());
	if (!kind) {
		const guess = closest(scheme, SIGNED_SCHEME_KINDS);
		throw new UsageError(
			`unknown scheme "${scheme}"${guess ? `; did you mean ${guess}?` : '.'} Schemes: ${SIGNED_SCHEME_KINDS.join(', ')}.`,
		);
	}
	const fields: Record<string, string> = {};
	for (const [flag, field] of Object.entries(SCHEME_FLAGS)) {
		const value = flags.get(flag);
		if (typeof value === 'string') fields[field] = value;
	}
	const copyKey = source(flags, 'id');
	const eventName = source(flags, 'event');
	return {
		settings: {
			scheme: { kind, ...fields } as SignedSchemeSettings,
			...(copyKey ? { copyKey } : {}),
			...(eventName ? { eventName } : {}),
		},
	};
}

export function signedSendArgs(positional: string[], flags: Flags, secret: string): SignedSendArgs {
	if (positional.length > 0) throw new UsageError(`unexpected argument "${positional[0]}"`);
	for (const name of flags.keys())
		if (!(name in SIGNED_OPTIONS) && !SHARED.has(name))
			throw new UsageError(`send signed does not take --${name}`);
	const { settings, preset } = settingsOf(flags);
	const url = urlArg(flags);
	if (secret.trim() === '')
		throw new UsageError('--secret is required: signed webhooks are never sent unsigned');
	const problems = signedSetupProblems(settings, secret);
	if (problems.length > 0) throw new UsageError(`the scheme is not set up: ${problems.join('; ')}`);
	return {
		label: preset ? SIGNED_PRESETS[preset].displayName : `signed webhook (${settings.scheme.kind})`,
		settings,
		preset,
		event: flags.get('event') as string | undefined,
		url,
		secret,
		file: flags.get('file') as string | undefined,
		times: timesArg(flags),
		tamper: flags.get('tamper') === true,
		header: headerArg(flags.get('header') as string | undefined),
	};
}

/** Sets `value` at a dotted path (`event.type`, an optional leading `$.`), making the objects on the way. */
function setAtPath(target: Record<string, unknown>, path: string, value: unknown): void {
	const segments = path.trim().replace(/^\$\./, '').split('.');
	const last = segments.pop() as string;
	let at = target;
	for (const segment of segments) {
		const next = at[segment];
		if (next === null || typeof next !== 'object' || Array.isArray(next)) at[segment] = {};
		at = at[segment] as Record<string, unknown>;
	}
	at[last] = value;
}

/**
 * A small body: the preset's sample, or an `{ id, type, created_at, data }` envelope that also carries the event
 * name at --event-path and a fresh id at --id-path, so the receiver finds both where it is told to look.
 */
function sampleBody(args: SignedSendArgs): Buffer {
	if (args.preset)
		return Buffer.from(
			JSON.stringify(
				SIGNED_PRESETS[args.preset].sample(args.event ?? SIGNED_PRESETS[args.preset].exampleEvent),
			),
		);
	const payload: Record<string, unknown> = {
		id: `evt_${randomUUID()}`,
		type: args.event ?? 'test.delivery',
		created_at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
		data: { message: 'A test delivery from smart-webhooks' },
	};
	const { copyKey, eventName } = args.settings;
	if (copyKey?.from === 'jsonPath') setAtPath(payload, copyKey.path, `evt_${randomUUID()}`);
	if (eventName?.from === 'jsonPath' && args.event !== undefined)
		setAtPath(payload, eventName.path, args.event);
	return Buffer.from(JSON.stringify(payload));
}

export async function sendSigned(args: SignedSendArgs, io: CliIo): Promise<number> {
	let body: Buffer;
	try {
		body = args.file ? readFileSync(args.file) : sampleBody(args);
	} catch (error) {
		throw new UsageError(
			`cannot read --file ${args.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
		);
	}
	const event = args.event ?? (args.preset ? SIGNED_PRESETS[args.preset].exampleEvent : undefined);
	const headers = signSigned(args.settings, body, args.secret, { event });
	if (args.header) headers[args.header.name] = args.header.value;
	if (args.tamper) {
		body = tamperBody(body);
		io.out('tampered: one byte of the body changed after signing');
	}
	const what = args.file ? `${args.file} (${body.length} bytes)` : (event ?? 'sample');
	io.out(
		`${args.label} ${what} → ${args.url.toString()}${args.header ? ` (with header ${args.header.name})` : ''}`,
	);
	return postDeliveries(args.url, headers, body, args.times, io);
}
