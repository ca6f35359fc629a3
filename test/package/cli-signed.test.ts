// `smart-webhooks send signed` as users get it (the packed, installed bin) against a receiver on 127.0.0.1 that
// decides with the core's receiveSigned(): every preset and hand-set schemes are accepted, tampered sends refused,
// retries recognised as copies, and set-up mistakes are usage errors before anything is sent.
// Needs `npm run build` first (npm test builds).
import { describe, expect, it } from 'vitest';
import {
	receiveSigned,
	SIGNED_PRESET_IDS,
	SIGNED_PRESETS,
	type SignedWebhookSettings,
} from '../../src/internal';
import { cliAndReceiver } from './cli-install';

/** base64 of "cli-signed-test-secret": a Standard Webhooks secret, and a plain one for the other schemes. */
const SECRET = 'whsec_Y2xpLXNpZ25lZC10ZXN0LXNlY3JldA==';

/** Receivers set up by hand, as the flags of the same name describe them. */
const CUSTOM: Record<string, { settings: SignedWebhookSettings; flags: string[] }> = {
	sha512: {
		settings: {
			scheme: {
				kind: 'bodyHmac',
				header: 'X-Sig',
				algorithm: 'sha512',
				encoding: 'base64',
				prefix: 'sig=',
			},
			copyKey: { from: 'header', name: 'X-Delivery' },
			eventName: { from: 'header', name: 'X-Event' },
		},
		// prettier-ignore
		flags: [
			'--scheme', 'bodyHmac', '--signature-header', 'X-Sig', '--algorithm', 'sha512',
			'--encoding', 'base64', '--prefix', 'sig=', '--id-header', 'X-Delivery',
			'--event-header', 'X-Event', '--event', 'order.paid',
		],
	},
	ownTimestamp: {
		settings: {
			scheme: {
				kind: 'timestampedHmac',
				header: 'X-Sig',
				template: '{timestamp}:{body}',
				timestampHeader: 'X-Sig-Time',
				prefix: 'v9=',
			},
			copyKey: { from: 'jsonPath', path: 'id' },
			eventName: { from: 'jsonPath', path: 'type' },
		},
		// prettier-ignore
		flags: [
			'--scheme', 'timestampedHmac', '--signature-header', 'X-Sig', '--template', '{timestamp}:{body}',
			'--timestamp-header', 'X-Sig-Time', '--prefix', 'v9=', '--id-path', 'id', '--event-path', 'type',
			'--event', 'thing.done',
		],
	},
};

function settingsFor(route: string): SignedWebhookSettings {
	const [kind, name] = route.split('/');
	if (kind === 'preset') return SIGNED_PRESETS[name as keyof typeof SIGNED_PRESETS].settings;
	return CUSTOM[name].settings;
}

const { ctx, seen, run } = cliAndReceiver(({ route, headers, body }, dedupe) => {
	const result = receiveSigned(
		settingsFor(route),
		{ headers, rawBody: body },
		{ secret: SECRET, dedupe },
	);
	const { status, reason, event, dedupeKeys, duplicate } = result;
	return { route, status, reason, event, dedupeKeys, duplicate, ignored: duplicate };
});
// prettier-ignore
const preset = (id: string, ...flags: string[]) => [
	'send', 'signed', '--preset', id, '--url', `${ctx.base}/preset/${id}`, '--secret', SECRET, ...flags,
];

describe('smart-webhooks send signed', () => {
	it.each(SIGNED_PRESET_IDS)(
		'--preset %s: accepted (exit 0), with the sender’s event name',
		async (id) => {
			const { code, out } = await run(preset(id));
			expect(out).toMatch(/accepted: 200/);
			expect(out).not.toContain('Y2xpLXNpZ25lZC10ZXN0LXNlY3JldA');
			expect(code).toBe(0);
			expect(seen).toEqual([
				expect.objectContaining({ status: 200, event: SIGNED_PRESETS[id].exampleEvent }),
			]);
		},
	);

	it.each(SIGNED_PRESET_IDS)('--preset %s --tamper: refused with 401 (exit 1)', async (id) => {
		const { code, out } = await run(preset(id, '--tamper'));
		expect(out).toMatch(/tampered: one byte of the body changed/);
		expect(out).toMatch(/refused: 401 signature does not match/);
		expect(code).toBe(1);
	});

	it.each(SIGNED_PRESET_IDS)('--preset %s --times 3: one accepted, two copies', async (id) => {
		const { code, out } = await run(preset(id, '--times', '3'));
		expect(code).toBe(0);
		expect(out).toMatch(/#3 accepted: 200 not run: duplicate delivery/);
		expect(seen.map((s) => s.duplicate)).toEqual([false, true, true]);
	});

	it.each(Object.keys(CUSTOM))(
		'--scheme flags (%s) sign as the same settings verify',
		async (name) => {
			const args = ['send', 'signed', ...CUSTOM[name].flags, '--url', `${ctx.base}/custom/${name}`];
			const { code, out } = await run([...args, '--secret', SECRET]);
			expect(out).toMatch(/accepted: 200/);
			expect(code).toBe(0);
			expect(seen[0].event).toMatch(/^(order\.paid|thing\.done)$/);
			// the id, and the body's hash beside an id read from a header (which the signature does not cover)
			const fromHeader = CUSTOM[name].settings.copyKey?.from === 'header';
			expect(seen[0].dedupeKeys).toHaveLength(fromHeader ? 2 : 1);
			const tampered = await run([...args, '--secret', SECRET, '--tamper']);
			expect(tampered.code).toBe(1);
			const wrong = await run([...args, '--secret', 'another-secret']);
			expect(wrong.out).toMatch(/refused: 401 signature does not match/);
		},
	);
});

describe('smart-webhooks send signed: set-up mistakes are usage errors (exit 2), nothing sent', () => {
	const url = ['--url', 'http://127.0.0.1:9/'];
	// prettier-ignore
	it.each([
		[['--secret', 's', ...url], /name a sender with --preset .* or a scheme with --scheme/],
		[['--preset', 'githb', '--secret', 's', ...url], /unknown preset "githb"; did you mean github\?/],
		[['--scheme', 'bodyHmc', '--secret', 's', ...url], /did you mean bodyHmac\?/],
		[['--scheme', 'bodyHmac', '--secret', 's', ...url], /not set up: signature header is not set/],
		[
			['--scheme', 'timestampedHmac', '--signature-header', 'X-S', '--template', '{ts}.{body}', '--secret', 's', ...url],
			/not set up: template has \{ts\}/,
		],
		[['--preset', 'standardWebhooks', '--secret', 'not base64!', ...url], /not a Standard Webhooks secret/],
		[['--preset', 'github', '--algorithm', 'sha1', '--secret', 's', ...url], /drop --algorithm, or use --scheme/],
		[['--preset', 'github', ...url], /--secret is required: signed webhooks are never sent unsigned/],
		[['--preset', 'github', '--secret', 's', '--query-key', ...url], /send signed does not take --query-key/],
	])('%j', async (flags, message) => {
		const { code, err } = await run(['send', 'signed', ...(flags as string[])]);
		expect(err).toMatch(message);
		expect(code).toBe(2);
		expect(seen).toHaveLength(0);
	});

	it('provider sends refuse the signed-only flags', async () => {
		const args = [
			'send',
			'smp',
			'project.completed',
			'--secret',
			's',
			...url,
			'--scheme',
			'bodyHmac',
		];
		const { code, err } = await run(args);
		expect(err).toMatch(/--scheme is for send signed/);
		expect(code).toBe(2);
	});
});
