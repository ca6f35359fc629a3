// A signed webhook's settings: every incomplete or wrong setup refuses deliveries with a reason naming the problem
// (never lets one through unsigned), and the setup checks and warnings say so before any delivery arrives.
import { describe, expect, it } from 'vitest';
import {
	receiveSigned,
	SIGNED_PRESETS,
	signedSetupProblems,
	signedSetupWarnings,
	signSigned,
	type SignedSchemeSettings,
	type SignedWebhookSettings,
} from '../../src/internal';

const SECRET = 'a-signing-secret-0123456789';
const BODY = Buffer.from('{"id":"evt_1","type":"thing.happened"}');
const NOW_S = 1_780_000_000;

/** A delivery signed with a complete scheme, then received with `settings`. */
function receivedWith(settings: SignedWebhookSettings, secret: string | string[] = SECRET) {
	const headers = signSigned(SIGNED_PRESETS.github.settings, BODY, SECRET);
	return receiveSigned(settings, { headers, rawBody: BODY }, { secret, now: NOW_S * 1000 });
}

const incomplete: Array<[string, SignedSchemeSettings | undefined, RegExp]> = [
	['no scheme', undefined, /scheme must be one of standardWebhooks, bodyHmac, timestampedHmac/],
	['an unknown kind', { kind: 'hmac' as never }, /scheme must be one of/],
	['no signature header', { kind: 'bodyHmac' }, /signature header is not set/],
	['a header name with a space', { kind: 'bodyHmac', header: 'X Sig' }, /not a header name/],
	[
		'an unknown algorithm',
		{ kind: 'bodyHmac', header: 'X-Sig', algorithm: 'md5' as never },
		/algorithm must be one of sha256, sha512, sha1/,
	],
	[
		'an unknown encoding',
		{ kind: 'bodyHmac', header: 'X-Sig', encoding: 'base32' as never },
		/encoding must be hex or base64/,
	],
	['no template', { kind: 'timestampedHmac', header: 'X-Sig' }, /template is not set/],
	[
		'a template without {body}',
		{ kind: 'timestampedHmac', header: 'X-Sig', template: '{timestamp}.' },
		/template must contain \{body\}/,
	],
	[
		'a template with a typo',
		{ kind: 'timestampedHmac', header: 'X-Sig', template: '{ts}.{body}' },
		/template has \{ts\}/,
	],
	[
		'a template with {body} twice',
		{ kind: 'timestampedHmac', header: 'X-Sig', template: '{timestamp}{body}{body}' },
		/more than once/,
	],
	[
		'the same list key twice',
		{
			kind: 'timestampedHmac',
			header: 'X-Sig',
			template: '{timestamp}.{body}',
			signatureKey: 't',
		},
		/must differ/,
	],
	[
		'the timestamp in the signature header’s own name',
		{
			kind: 'timestampedHmac',
			header: 'X-Sig',
			template: '{timestamp}.{body}',
			timestampHeader: 'x-sig',
		},
		/timestamp header and signature header must differ/,
	],
	[
		'a negative tolerance',
		{ kind: 'standardWebhooks', toleranceSeconds: -1 },
		/tolerance must be a whole number/,
	],
];

describe('incomplete schemes fail closed', () => {
	it.each(incomplete)('%s: 401 naming the problem, and a setup problem', (_, scheme, reason) => {
		const settings = { scheme } as SignedWebhookSettings;
		const result = receivedWith(settings);
		expect(result.status).toBe(401);
		expect(result.items).toEqual([]);
		expect(result.reason).toMatch(/^signed webhook is not set up: /);
		expect(result.reason).toMatch(reason);
		expect(signedSetupProblems(settings, SECRET).join('\n')).toMatch(reason);
		expect(() => signSigned(settings, BODY, SECRET)).toThrow(reason);
	});

	it('a copy key or event name source that cannot be read is a setup problem', () => {
		const base = SIGNED_PRESETS.github.settings;
		for (const [settings, reason] of [
			[{ ...base, copyKey: { from: 'header', name: '' } }, /copy key header "" is not/],
			[{ ...base, copyKey: { from: 'jsonPath', path: 'data..id' } }, /copy key path/],
			[{ ...base, eventName: { from: 'query', name: 'x' } }, /header or a JSON path/],
		] as const) {
			const result = receivedWith(settings as SignedWebhookSettings);
			expect(result.status).toBe(401);
			expect(result.reason).toMatch(reason);
		}
	});

	it('no secret: 401 "signing secret is not configured", whatever the signature', () => {
		for (const secret of ['', '   ', []]) {
			const result = receivedWith(SIGNED_PRESETS.github.settings, secret as string);
			expect(result).toMatchObject({ status: 401, reason: 'signing secret is not configured' });
		}
		expect(signedSetupProblems(SIGNED_PRESETS.github.settings, ' ')).toEqual([
			'signing secret is not set',
		]);
	});

	it('a Standard Webhooks secret that is not base64 is a setup problem and refuses deliveries', () => {
		const settings = SIGNED_PRESETS.standardWebhooks.settings;
		expect(signedSetupProblems(settings, 'whsec_not base64!')).toEqual([
			'signing secret is not a Standard Webhooks secret (whsec_ followed by base64)',
		]);
		const headers = signSigned(settings, BODY, 'whsec_c2VjcmV0', { timestamp: NOW_S });
		const result = receiveSigned(
			settings,
			{ headers, rawBody: BODY },
			{ secret: ['whsec_c2VjcmV0', 'whsec_%%%'], now: NOW_S * 1000 },
		);
		expect(result).toMatchObject({ status: 401, reason: /not a whsec_/ });
	});

	it('every preset is ready with a secret, and has no warnings', () => {
		for (const preset of Object.values(SIGNED_PRESETS)) {
			expect(signedSetupProblems(preset.settings, 'whsec_c2VjcmV0')).toEqual([]);
			expect(signedSetupWarnings(preset.settings)).toEqual([]);
		}
	});

	it('warns about SHA-1 and about a tolerance of 0', () => {
		const sha1: SignedWebhookSettings = {
			scheme: { kind: 'bodyHmac', header: 'X-Sig', algorithm: 'sha1' },
		};
		expect(signedSetupWarnings(sha1)).toEqual([
			'SHA-1 is weak: use it only if the sender offers nothing stronger',
		]);
		expect(
			signedSetupWarnings({ scheme: { kind: 'standardWebhooks', toleranceSeconds: 0 } }),
		).toEqual(['timestamp tolerance is off: only the copy keys stop a replayed delivery']);
	});
});
