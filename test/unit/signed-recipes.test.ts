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

interface Recipe {
	id: string;
	settings: SignedWebhookSettings;
	commands: string[][];
}

/** Shell words: spaces split, quotes group, `$URL` and `$SECRET` expand; enough for the commands in the doc. */
function words(line: string): string[] {
	const out: string[] = [];
	for (const match of line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) {
		const word = match[1] ?? match[2] ?? match[3];
		out.push(
			match[1] !== undefined ? word : word.replace('$URL', URL_SHOWN).replace('$SECRET', SECRET),
		);
	}
	return out;
}

function recipes(): Recipe[] {
	return DOC.split(/<!-- recipe: (\w+) -->/)
		.slice(1)
		.reduce<Recipe[]>((list, part, i, parts) => {
			if (i % 2 === 1) return list;
			const section = parts[i + 1];
			const json = /```json\n([\s\S]*?)```/.exec(section)?.[1];
			const sh = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
			const commands = sh
				.replace(/\\\n/g, ' ')
				.split('\n')
				.filter((l) => l.startsWith('smart-webhooks send signed'))
				.map((l) => words(l).slice(1));
			list.push({ id: part, settings: JSON.parse(json ?? 'null'), commands });
			return list;
		}, []);
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
			const result = receiveSigned(
				settings,
				{
					headers: init.headers as Record<string, string>,
					rawBody: Buffer.from(init.body as Uint8Array),
				},
				{ secret: SECRET, dedupe },
			);
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
			const event = args[args.indexOf('--event') + 1];
			expect(result.event).toBe(
				args.includes('--event')
					? event
					: SIGNED_PRESETS[id as keyof typeof SIGNED_PRESETS].exampleEvent,
			);
			// Every recipe names a delivery id, so a copy is known by it and by the body's hash.
			expect(result.dedupeKeys).toHaveLength(2);
			const tampered = await send(settings, [...args, '--tamper']);
			expect(tampered.code).toBe(1);
			expect(tampered.results[0]).toMatchObject({
				status: 401,
				reason: 'signature does not match',
			});
		},
	);
});
