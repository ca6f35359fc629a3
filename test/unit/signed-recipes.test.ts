// docs/signed-webhooks.md, recipe by recipe: its settings are the preset of the same name, and every
// `smart-webhooks send signed` command in it, run through the CLI's main(), is accepted by receiveSigned with those
// settings (the event name found where they say), and refused with --tamper.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../cli/src/cli';
import {
	receiveSigned,
	SIGNED_PRESET_IDS,
	SIGNED_PRESETS,
	type ReceiveResult,
	type SignedWebhookSettings,
} from '../../src/internal';
import { memoryKeyStore } from '../key-store';

const DOC = readFileSync(path.resolve(__dirname, '../../docs/signed-webhooks.md'), 'utf8');
const URL_SHOWN = 'https://n8n.example.com/webhook/signed';
/** A whsec_ secret, so it also serves the schemes that use the string as it is. */
const SECRET = 'whsec_cmVjaXBlLXRlc3Qtc2VjcmV0LTAxMjM0NQ==';

type Recipe = { id: string; settings: SignedWebhookSettings; commands: string[][] };

/** Shell words: spaces split, quotes group, `$URL` and `$SECRET` expand; enough for the commands in the doc. */
function words(line: string): string[] {
	return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map(
		(m) => m[1] ?? (m[2] ?? m[3]).replace('$URL', URL_SHOWN).replace('$SECRET', SECRET),
	);
}

function recipes(): Recipe[] {
	const parts = DOC.split(/<!-- recipe: (\w+) -->/).slice(1); // id, section, id, section…
	return parts.flatMap((id, i) => {
		if (i % 2 === 1) return [];
		const json = /```json\n([\s\S]*?)```/.exec(parts[i + 1])?.[1];
		const sh = /```sh\n([\s\S]*?)```/.exec(parts[i + 1])?.[1] ?? '';
		const lines = sh.replace(/\\\n/g, ' ').split('\n');
		const sends = lines.filter((l) => l.startsWith('smart-webhooks send signed'));
		const commands = sends.map((l) => words(l).slice(1));
		return [{ id, settings: JSON.parse(json ?? 'null'), commands }];
	});
}

/** Runs the CLI with a fetch that hands the request to receiveSigned, as a receiver set up like the recipe. */
async function send(settings: SignedWebhookSettings, args: string[]) {
	const results: ReceiveResult[] = [];
	const out: string[] = [];
	const dedupe = memoryKeyStore();
	const io: CliIo = {
		out: (line) => out.push(line),
		err: (line) => out.push(line),
		env: {},
		fetch: (async (_url: URL, init: RequestInit) => {
			const headers = init.headers as Record<string, string>;
			const request = { headers, rawBody: Buffer.from(init.body as Uint8Array) };
			const result = receiveSigned(settings, request, { secret: SECRET, dedupe });
			results.push(result);
			return new Response(JSON.stringify({ error: result.reason }), { status: result.status });
		}) as typeof fetch,
	};
	const code = await main(args, io);
	return { code, out: out.join('\n'), results };
}

const all = recipes();

describe('docs/signed-webhooks.md recipes', () => {
	it('has one recipe per preset, in the same order, each with two commands', () => {
		expect(all.map((r) => r.id)).toEqual(SIGNED_PRESET_IDS);
		for (const recipe of all) expect(recipe.commands).toHaveLength(2);
	});

	it.each(all.map((r) => [r.id, r] as const))('%s: the settings are the preset’s', (id, recipe) => {
		expect(recipe.settings).toEqual(SIGNED_PRESETS[id as keyof typeof SIGNED_PRESETS].settings);
	});

	it.each(all.flatMap((r) => r.commands.map((c) => [r.id, c.join(' '), r.settings, c] as const)))(
		'%s: `%s` is accepted, with its event name, and refused with --tamper',
		async (id, _shown, settings, args) => {
			const sent = await send(settings, args);
			expect(sent.out).toMatch(/accepted: 200/);
			expect(sent.code).toBe(0);
			const [result] = sent.results;
			const preset = SIGNED_PRESETS[id as keyof typeof SIGNED_PRESETS];
			const named = args.includes('--event') ? args[args.indexOf('--event') + 1] : undefined;
			expect(result.event).toBe(named ?? preset.exampleEvent);
			// Every recipe names a delivery id, so a copy is known by it, and by the body's hash too where the id is
			// a header the signature does not cover (Standard Webhooks signs its id header).
			const headerId =
				settings.copyKey?.from === 'header' && settings.scheme?.kind !== 'standardWebhooks';
			expect(result.dedupeKeys).toHaveLength(headerId ? 2 : 1);
			const tampered = await send(settings, [...args, '--tamper']);
			expect(tampered.code).toBe(1);
			const refused = { status: 401, reason: 'signature does not match' };
			expect(tampered.results[0]).toMatchObject(refused);
		},
	);
});
