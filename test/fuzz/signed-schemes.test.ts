// Property-based tests of the signed-webhook schemes, over random settings (kind, algorithm, encoding, prefix,
// template, timestamp placement), secrets and bodies of any bytes: what signSigned writes verifies, and any single
// byte changed in the body, or one character of the digest, is refused.
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import {
	receiveSigned,
	SIGNED_PRESETS,
	signedWebhookDefinition,
	signSigned,
	type SignedSchemeSettings,
	type SignedWebhookSettings,
} from '../../src/internal';
import { fuzzIt } from './fuzz-config';

const NOW_S = 1_780_000_000;
const TOLERANCE = 300;

const bodyArb = fc.oneof(
	fc.uint8Array({ maxLength: 1024 }).map((a) => Buffer.from(a)),
	fc.json({ maxDepth: 4 }).map((s) => Buffer.from(s)),
);

/** Literal template text: anything but braces, which would read as placeholders. */
const literalArb = fc.string({ maxLength: 6 }).filter((s) => !/[{}]/.test(s));

const digestArb = fc.record({
	algorithm: fc.constantFrom('sha256', 'sha512', 'sha1'),
	encoding: fc.constantFrom('hex', 'base64'),
});

const schemeArb: fc.Arbitrary<SignedSchemeSettings> = fc.oneof(
	fc.constant<SignedSchemeSettings>({ kind: 'standardWebhooks' }),
	fc
		.tuple(digestArb, fc.constantFrom('', 'sha256=', 'v1=', 'sig:'))
		.map(([digest, prefix]): SignedSchemeSettings => ({
			kind: 'bodyHmac',
			header: 'X-Sig',
			...digest,
			prefix,
		})),
	fc
		.tuple(digestArb, literalArb, literalArb, literalArb, fc.boolean(), fc.boolean())
		.map(([digest, a, b, c, bodyFirst, ownHeader]): SignedSchemeSettings => ({
			kind: 'timestampedHmac',
			header: 'X-Sig',
			...digest,
			template: bodyFirst ? `${a}{body}${b}{timestamp}${c}` : `${a}{timestamp}${b}{body}${c}`,
			...(ownHeader ? { timestampHeader: 'X-Sig-Timestamp', prefix: 'v0=' } : {}),
			toleranceSeconds: TOLERANCE,
		})),
);

const settingsArb = fc.oneof(
	schemeArb.map((scheme): SignedWebhookSettings => ({ scheme })),
	fc.constantFrom(...Object.values(SIGNED_PRESETS).map((p) => p.settings as SignedWebhookSettings)),
);

/** A secret the scheme can use: Standard Webhooks keys are base64 after whsec_. */
function secretArbFor(settings: SignedWebhookSettings) {
	if (settings.scheme.kind === 'standardWebhooks')
		return fc
			.uint8Array({ minLength: 1, maxLength: 64 })
			.map((a) => `whsec_${Buffer.from(a).toString('base64')}`);
	return fc
		.string({ minLength: 1, maxLength: 80 })
		.map((s) => s.trim())
		.filter((s) => s !== '');
}

const caseArb = settingsArb.chain((settings) =>
	fc.record({
		settings: fc.constant(settings),
		secret: secretArbFor(settings),
		body: bodyArb,
		skew: fc.integer({ min: -TOLERANCE, max: TOLERANCE }),
	}),
);

function verify(
	settings: SignedWebhookSettings,
	headers: Record<string, string>,
	body: Buffer,
	secret: string,
) {
	const built = signedWebhookDefinition(settings);
	if (built.problems) throw new Error(built.problems.join('; '));
	return built.definition.scheme.verify({ headers, rawBody: body }, body, {
		secrets: [secret],
		nowSeconds: NOW_S,
		toleranceSeconds: built.definition.toleranceSeconds ?? 0,
	});
}

const DIGEST_BYTES = { sha256: 32, sha512: 64, sha1: 20 } as const;

/** The digest's encoding and length: it always ends the signature header's value, whatever the form. */
function digestOf(settings: SignedWebhookSettings): { encoding: 'hex' | 'base64'; length: number } {
	const scheme = settings.scheme;
	if (scheme.kind === 'standardWebhooks') return { encoding: 'base64', length: 44 };
	const bytes = DIGEST_BYTES[scheme.algorithm ?? 'sha256'];
	const encoding = scheme.encoding ?? 'hex';
	return { encoding, length: encoding === 'hex' ? bytes * 2 : Math.ceil(bytes / 3) * 4 };
}

const HEX = '0123456789abcdef';
const signatureHeaderOf = (settings: SignedWebhookSettings) =>
	settings.scheme.kind === 'standardWebhooks'
		? 'webhook-signature'
		: (settings.scheme.header as string);
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

describe('fuzz signed webhook schemes', () => {
	fuzzIt(
		'signSigned then verify is ok, within the tolerance, over any settings, secret and bytes',
		'signed: genuine accepted',
		21,
		(tick) =>
			fc.property(caseArb, ({ settings, secret, body, skew }) => {
				tick();
				const headers = signSigned(settings, body, secret, { timestamp: NOW_S + skew });
				expect(verify(settings, headers, body, secret)).toEqual({ ok: true });
			}),
	);

	fuzzIt(
		'through receiveSigned, any JSON object round-trips: 200 and the item is the parsed body',
		'signed: JSON round trip',
		24,
		(tick) => {
			const objectArb = fc
				.object({ key: fc.string().filter((k) => k !== '__proto__'), maxDepth: 3 })
				.map((o) => Buffer.from(JSON.stringify(o)));
			return fc.property(caseArb, objectArb, ({ settings, secret, skew }, body) => {
				tick();
				const headers = signSigned(settings, body, secret, { timestamp: NOW_S + skew });
				const result = receiveSigned(
					settings,
					{ headers, rawBody: body },
					{ secret, now: NOW_S * 1000 },
				);
				expect(result.status, result.reason).toBe(200);
				expect(result.items).toEqual([JSON.parse(body.toString())]);
			});
		},
	);

	fuzzIt(
		'any single byte of the body changed is refused',
		'signed: body byte changed',
		22,
		(tick) =>
			fc.property(
				caseArb.filter(({ body }) => body.length > 0),
				fc.nat(),
				fc.integer({ min: 1, max: 255 }),
				({ settings, secret, body }, at, xor) => {
					tick();
					const headers = signSigned(settings, body, secret, { timestamp: NOW_S });
					const changed = Buffer.from(body);
					changed[at % changed.length] ^= xor;
					expect(verify(settings, headers, changed, secret)).toEqual({
						ok: false,
						reason: 'signature does not match',
					});
				},
			),
	);

	fuzzIt(
		'any one character of the digest changed is refused',
		'signed: digest character changed',
		23,
		(tick) =>
			fc.property(caseArb, fc.nat(), fc.nat(), ({ settings, secret, body }, at, pick) => {
				tick();
				const headers = signSigned(settings, body, secret, { timestamp: NOW_S });
				const name = signatureHeaderOf(settings);
				const value = headers[name];
				const digest = digestOf(settings);
				const i = value.length - digest.length + (at % digest.length);
				if (value[i] === '=') return; // base64 padding, not a digit of the digest
				const alphabet = (digest.encoding === 'hex' ? HEX : BASE64).replace(value[i], '');
				const changed = value.slice(0, i) + alphabet[pick % alphabet.length] + value.slice(i + 1);
				expect(verify(settings, { ...headers, [name]: changed }, body, secret).ok).toBe(false);
			}),
	);
});
