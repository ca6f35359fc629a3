/**
 * `smart-webhooks` (package smart-webhooks-cli): send a realistic, correctly signed test delivery to a webhook URL
 * (an n8n trigger's Test or Production URL, or anything else that checks these providers' signatures).
 *
 * Its own package, not part of the n8n package: a command-line tool reads files and the environment and prints,
 * which n8n's verification forbids in a community package's code. tsup bundles this file with the core from src/
 * (cli/dist/cli.js, no runtime dependencies), so payloads come from `providers[p].sample(event)` and headers from
 * `sign()`, the same code the n8n triggers run: the one place each lives. See cli/README.md.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
	HEADER_NAME_PATTERN,
	providerIds,
	providers,
	receive,
	serializePayload,
	sign,
	SMARTERMEASURE_KEY_QUERY,
	toOutputItem,
	type BodyFormat,
	type ProviderDefinition,
	type ProviderId,
} from '../../src';

const SECRET_ENV = 'SMART_WEBHOOKS_SECRET';
const TIMEOUT_MS = 30_000;
/** What the CLI prints instead of a SmarterMeasure key in a URL. */
const KEY_SHOWN_AS = '***';

/** Other names people use for the providers. */
const ALIASES: Record<string, ProviderId> = { smtm: 'smartMaintenance', sm: 'smarterMeasure' };

export const EXIT_OK = 0;
export const EXIT_REFUSED = 1;
export const EXIT_USAGE = 2;

/** The providers' display names, for the help text. */
const namesOf = (ids: readonly ProviderId[]) => ids.map((id) => providers[id].displayName);
const allNames = namesOf(providerIds);
const isStaticKey = (id: ProviderId) => providers[id].scheme.kind === 'staticKey';

const HELP = `smart-webhooks: send signed test deliveries as ${allNames.slice(0, -1).join(', ')} or ${allNames[allNames.length - 1]} would

Usage:
  smart-webhooks send <provider> <event> --url <webhook URL> --secret <secret or key> [options]
  smart-webhooks send <provider> --file <payload.json|payload.xml> --url <URL> --secret <secret> [options]
  smart-webhooks sample <provider> <event> [--format json|xml] [--metadata]
  smart-webhooks events [provider]
  smart-webhooks --help

Providers: ${providerIds.join(', ')} (case-insensitive; smtm = smartMaintenance)

send options:
  --url <URL>          where to POST (the Test or Production URL of the n8n trigger)
  --secret <value>     the signing secret (${namesOf(providerIds.filter((id) => !isStaticKey(id))).join(', ')}) or verification key
                       (${namesOf(providerIds.filter(isStaticKey)).join(', ')}); or set ${SECRET_ENV} to keep it out of your shell history.
                       SmartMaintenance without a secret sends an unsigned delivery, as SMTM does.
  --file <path>        send this file's bytes as the body instead of the built-in sample for <event>
                       (.xml files are sent as XML; the event is read from the file, so <event> may be left out)
  --format json|xml    body format (XML only for SmarterMeasure; default json, or the --file extension)
  --times <N>          send the same delivery N times (same body, same ids, same signature), as a provider
                       retrying it would: the receiver should accept one and answer the rest as duplicates
  --tamper             change one byte after signing (for SmarterMeasure, whose key does not cover the body,
                       one character of the key) to see the receiver refuse it
  --query-key          SmarterMeasure: put the key in the URL's ${SMARTERMEASURE_KEY_QUERY} parameter instead of the header
  --header "Name: value"  add this header to every request, e.g. the one a SmartMaintenance credential requires
                       (its Header Name and Header Value); the value is never printed

sample: prints the item the n8n trigger emits for that event (a realistic payload, parsed as the trigger parses
  it), e.g. for n8n's "Set mock data" / pinning, before the provider is wired. --metadata adds the _delivery field
  as the trigger's "Include Delivery Metadata" option does.

Exit codes: 0 every delivery answered 2xx; 1 a delivery was refused or could not be sent; 2 usage error.

Examples:
  smart-webhooks events smartlyQ
  smart-webhooks sample smartMaintenance task.completed
  smart-webhooks send smp project.completed --url https://n8n.example.com/webhook-test/…/webhook --secret "$SMP_SECRET"
  smart-webhooks send smarterMeasure AssessmentCompleted --format xml --query-key --url http://localhost:5678/webhook-test/…/webhook --secret key123
`;

class UsageError extends Error {}

export interface CliIo {
	out(line: string): void;
	err(line: string): void;
	env: Record<string, string | undefined>;
	fetch: typeof fetch;
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
	const row = Array.from({ length: b.length + 1 }, (_, i) => i);
	for (let i = 1; i <= a.length; i++) {
		let previous = row[0];
		row[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const current = row[j];
			row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
			previous = current;
		}
	}
	return row[b.length];
}

function closest(input: string, candidates: readonly string[]): string | undefined {
	const lower = input.toLowerCase();
	let best: { name: string; d: number } | undefined;
	for (const name of candidates) {
		const d = distance(lower, name.toLowerCase());
		if (!best || d < best.d) best = { name, d };
	}
	return best && best.d <= Math.max(2, Math.floor(input.length / 3)) ? best.name : undefined;
}

function findProvider(name: string | undefined): ProviderDefinition {
	if (!name) throw new UsageError(`name a provider: ${providerIds.join(', ')}`);
	const lower = name.toLowerCase();
	const id =
		providerIds.find(
			(p) => p.toLowerCase() === lower || providers[p].displayName.toLowerCase() === lower,
		) ?? ALIASES[lower];
	if (id) return providers[id];
	const guess = closest(name, [...providerIds, ...Object.keys(ALIASES)]);
	throw new UsageError(
		`unknown provider "${name}"${guess ? `; did you mean ${ALIASES[guess] ?? guess}?` : '.'} Known providers: ${providerIds.join(', ')}.`,
	);
}

function checkEvent(provider: ProviderDefinition, event: string): void {
	if (!provider.events) return; // SmarterMeasure: no public catalogue, any name is sent as given
	const names = provider.events.map((e) => e.name);
	if (names.includes(event)) return;
	const guess = closest(event, names);
	throw new UsageError(
		`unknown ${provider.displayName} event "${event}"${guess ? `; did you mean ${guess}?` : '.'} Known events: ${names.join(', ')} (smart-webhooks events ${provider.id}).`,
	);
}

interface SendArgs {
	provider: ProviderDefinition;
	event?: string;
	url: URL;
	secret: string;
	file?: string;
	format?: BodyFormat;
	times: number;
	tamper: boolean;
	queryKey: boolean;
	header?: { name: string; value: string };
}

/** The options, for node:util's parseArgs. `help` also answers to -h. */
const OPTIONS = {
	url: { type: 'string' },
	secret: { type: 'string' },
	file: { type: 'string' },
	format: { type: 'string' },
	times: { type: 'string' },
	metadata: { type: 'boolean' },
	tamper: { type: 'boolean' },
	'query-key': { type: 'boolean' },
	header: { type: 'string' },
	help: { type: 'boolean', short: 'h' },
} as const;
type OptionName = keyof typeof OPTIONS;
type Flags = Map<string, string | true>;

/**
 * node:util's parseArgs, non-strict so that it returns its tokens and each mistake gets a message of ours with a
 * "did you mean" (strict mode throws its own). Non-strict, `--url --secret s` would take "--secret" as the URL, so a
 * value that starts with "--" is refused unless written as `--url=…`.
 */
function parseFlags(args: readonly string[]): { positional: string[]; flags: Flags } {
	const { positionals, tokens } = parseArgs({
		args: [...args],
		options: OPTIONS,
		allowPositionals: true,
		strict: false,
		tokens: true,
	});
	const flags: Flags = new Map();
	for (const token of tokens) {
		if (token.kind !== 'option') continue;
		const name = token.name;
		if (!(name in OPTIONS)) {
			const guess = closest(name, Object.keys(OPTIONS));
			throw new UsageError(
				`unknown option ${token.rawName}${guess ? `; did you mean --${guess}?` : ''}`,
			);
		}
		if (OPTIONS[name as OptionName].type === 'boolean') {
			if (token.value !== undefined) throw new UsageError(`--${name} takes no value`);
			flags.set(name, true);
		} else {
			if (token.value === undefined || (!token.inlineValue && token.value.startsWith('--')))
				throw new UsageError(`--${name} needs a value`);
			flags.set(name, token.value);
		}
	}
	return { positional: positionals, flags };
}

function sendArgs(positional: string[], flags: Flags, env: CliIo['env']): SendArgs {
	const provider = findProvider(positional[0]);
	const event = positional[1];
	if (positional.length > 2) throw new UsageError(`unexpected argument "${positional[2]}"`);
	const file = flags.get('file') as string | undefined;
	if (!event && !file)
		throw new UsageError(`name an event (smart-webhooks events ${provider.id}) or give --file`);
	if (event) checkEvent(provider, event);

	const rawUrl = flags.get('url') as string | undefined;
	if (!rawUrl) throw new UsageError('--url is required: the webhook URL to send to');
	let url: URL;
	try {
		url = new URL(rawUrl);
	} catch {
		throw new UsageError(`--url "${rawUrl}" is not a URL`);
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:')
		throw new UsageError('--url must be http:// or https://');

	const secret = (flags.get('secret') as string | undefined) ?? env[SECRET_ENV] ?? '';
	if (secret === '' && provider.signature === 'required') {
		throw new UsageError(`--secret is required for ${provider.displayName} (or set ${SECRET_ENV})`);
	}

	const formatFlag = flags.get('format') as string | undefined;
	if (formatFlag !== undefined && formatFlag !== 'json' && formatFlag !== 'xml')
		throw new UsageError('--format is json or xml');
	const format = (formatFlag ?? (file && /\.xml$/i.test(file) ? 'xml' : undefined)) as
		BodyFormat | undefined;
	if (format && !provider.formats.includes(format)) {
		throw new UsageError(
			`${provider.displayName} sends ${provider.formats.join(' or ').toUpperCase()}, not ${format.toUpperCase()}`,
		);
	}

	const timesFlag = (flags.get('times') as string | undefined) ?? '1';
	if (!/^\d+$/.test(timesFlag) || Number(timesFlag) < 1 || Number(timesFlag) > 100)
		throw new UsageError('--times is a whole number from 1 to 100');

	const tamper = flags.get('tamper') === true;
	if (tamper && secret === '')
		throw new UsageError(
			`--tamper needs a secret: an unsigned ${provider.displayName} delivery has nothing to break`,
		);
	const queryKey = flags.get('query-key') === true;
	if (queryKey && provider.scheme.kind !== 'staticKey')
		throw new UsageError('--query-key is for SmarterMeasure only (the others sign in a header)');

	const header = headerArg(flags.get('header') as string | undefined);
	return {
		provider,
		event,
		url,
		secret,
		file,
		format,
		times: Number(timesFlag),
		tamper,
		queryKey,
		header,
	};
}

/** `--header "Name: value"`: a header name as the SmartMaintenance credential accepts it, a value without line breaks. */
function headerArg(raw: string | undefined): SendArgs['header'] {
	if (raw === undefined) return undefined;
	const colon = raw.indexOf(':');
	const name = colon < 0 ? '' : raw.slice(0, colon).trim();
	const value = colon < 0 ? '' : raw.slice(colon + 1).trim();
	if (!HEADER_NAME_PATTERN.test(name) || value === '' || /[\r\n]/.test(value))
		throw new UsageError('--header is "Name: value", e.g. --header "X-Webhook-Token: abc123"');
	return { name, value };
}

/** Changes one letter's case in the second half of the body (a change that keeps it parseable where it can). */
function tamperBody(body: Buffer): Buffer {
	const copy = Buffer.from(body);
	for (let i = Math.floor(copy.length / 2); i < copy.length + Math.floor(copy.length / 2); i++) {
		const at = i % copy.length;
		const c = copy[at];
		if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) {
			copy[at] = c ^ 0x20;
			return copy;
		}
	}
	if (copy.length > 0) copy[copy.length - 1] ^= 0x01;
	return copy;
}

function tamperKey(key: string): string {
	const last = key.charCodeAt(key.length - 1);
	return key.slice(0, -1) + String.fromCharCode(last === 0x41 ? 0x42 : 0x41);
}

function describeResponse(status: number, text: string): string {
	const trimmed = text.trim();
	let detail = trimmed.length > 300 ? `${trimmed.slice(0, 300)}…` : trimmed;
	try {
		const json = JSON.parse(trimmed) as Record<string, unknown>;
		if (typeof json.error === 'string') detail = json.error;
		else if (typeof json.ignored === 'string') detail = `not run: ${json.ignored}`;
		else if (typeof json.message === 'string') detail = json.message;
	} catch {
		// not JSON: the body as it came
	}
	return detail === '' ? String(status) : `${status} ${detail}`;
}

/**
 * What to do after n8n answered that nothing listens at the URL (404; 410 from anything in front that reports the
 * webhook gone). A Test URL is registered for one delivery per listen, a Production URL while the workflow is
 * published; n8n's own hint names only the canvas button.
 */
export function nextStep(url: URL, status: number): string | undefined {
	if (status !== 404 && status !== 410) return undefined;
	const listen =
		'the Test URL answers only while the editor listens, one delivery per listen: click Execute step on the trigger, then send again';
	const publish =
		'the Production URL answers only while the workflow is published (n8n 1.x: active): publish it, then send again';
	if (url.pathname.includes('/webhook-test/')) return `next: ${listen}.`;
	if (url.pathname.includes('/webhook/')) return `next: ${publish}.`;
	return `next: ${listen}; or ${publish}.`;
}

async function send(args: SendArgs, io: CliIo): Promise<number> {
	const { provider } = args;
	let body: Buffer;
	let contentType: string | undefined;
	if (args.file) {
		try {
			body = readFileSync(args.file);
		} catch (error) {
			throw new UsageError(
				`cannot read --file ${args.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
			);
		}
		if (args.format) contentType = args.format === 'xml' ? 'application/xml' : 'application/json';
	} else {
		const format = args.format ?? 'json';
		body = serializePayload(provider.sample(args.event as string), format);
		contentType = format === 'xml' ? 'application/xml' : 'application/json';
	}

	const headers = sign(provider.id, body, args.secret, { contentType });
	if (args.header) headers[args.header.name] = args.header.value;
	const url = new URL(args.url);
	if (args.queryKey) {
		for (const name of Object.keys(headers))
			if (name.toLowerCase() === provider.scheme.header.toLowerCase()) delete headers[name];
		url.searchParams.set(SMARTERMEASURE_KEY_QUERY, args.secret);
	}
	if (args.tamper) {
		if (provider.scheme.kind === 'staticKey') {
			if (args.queryKey) url.searchParams.set(SMARTERMEASURE_KEY_QUERY, tamperKey(args.secret));
			else headers[provider.scheme.header] = tamperKey(args.secret);
			io.out(
				`tampered: one character of the verification key changed (${provider.displayName}'s key does not cover the body)`,
			);
		} else {
			body = tamperBody(body);
			io.out('tampered: one byte of the body changed after signing');
		}
	}

	// The key is never printed. `***` is left as it is by URL encoding (an ellipsis would print as %E2%80%A6).
	const shownUrl = new URL(url);
	if (shownUrl.searchParams.has(SMARTERMEASURE_KEY_QUERY))
		shownUrl.searchParams.set(SMARTERMEASURE_KEY_QUERY, KEY_SHOWN_AS);
	const what = args.event ?? `${args.file} (${body.length} bytes)`;
	io.out(
		`${provider.displayName} ${what} → ${shownUrl.toString()}${args.secret === '' ? ' (unsigned)' : ''}${args.header ? ` (with header ${args.header.name})` : ''}`,
	);

	let failures = 0;
	for (let attempt = 1; attempt <= args.times; attempt++) {
		const label = args.times > 1 ? `#${attempt} ` : '';
		try {
			const response = await io.fetch(url, {
				method: 'POST',
				headers,
				body: new Uint8Array(body),
				signal: AbortSignal.timeout(TIMEOUT_MS),
			});
			const text = await response.text();
			const ok = response.status >= 200 && response.status < 300;
			if (!ok) failures++;
			io.out(`${label}${ok ? 'accepted' : 'refused'}: ${describeResponse(response.status, text)}`);
			const next = nextStep(url, response.status);
			if (next) io.out(next);
		} catch (error) {
			failures++;
			const cause = (error as { cause?: { code?: string; message?: string } }).cause;
			const name = (error as Error).name;
			const why =
				name === 'TimeoutError'
					? `no answer within ${TIMEOUT_MS / 1000} s`
					: (cause?.code ?? cause?.message ?? (error as Error).message);
			io.out(`${label}FAILED: could not send (${why})`);
		}
	}
	return failures === 0 ? EXIT_OK : EXIT_REFUSED;
}

function listEvents(name: string | undefined, io: CliIo): number {
	const list = name ? [findProvider(name)] : providerIds.map((id) => providers[id]);
	for (const provider of list) {
		io.out(`${provider.displayName} (${provider.id}):`);
		if (!provider.events) {
			io.out(
				`  ${provider.displayName} does not publish its event catalogue: any event name works (e.g. AssessmentCompleted).` +
					'\n  The sample carries it in EventType; the trigger reads event, type, eventType or EventType from the payload.' +
					`\n  Formats: ${provider.formats.join(', ')} (--format xml).`,
			);
		} else {
			const width = Math.max(...provider.events.map((e) => e.name.length));
			for (const event of provider.events)
				io.out(
					`  ${event.name.padEnd(width)}  ${event.description}${event.test ? ' (test event)' : ''}`,
				);
		}
		if (list.length > 1) io.out('');
	}
	return EXIT_OK;
}

/** The item the trigger would emit for a sample of `event`: built, signed, and received by the same pipeline. */
function printSample(positional: string[], flags: Flags, io: CliIo): number {
	const provider = findProvider(positional[0]);
	const event = positional[1];
	if (!event)
		throw new UsageError(
			`name an event: smart-webhooks sample ${provider.id} <event> (smart-webhooks events ${provider.id})`,
		);
	if (positional.length > 2) throw new UsageError(`unexpected argument "${positional[2]}"`);
	checkEvent(provider, event);
	for (const name of flags.keys())
		if (name !== 'format' && name !== 'metadata')
			throw new UsageError(`sample takes --format and --metadata, not --${name}`);
	const format = flags.get('format') ?? 'json';
	if (format !== 'json' && format !== 'xml') throw new UsageError('--format is json or xml');
	if (!provider.formats.includes(format))
		throw new UsageError(
			`${provider.displayName} sends ${provider.formats.join(' or ').toUpperCase()} only`,
		);
	const secret = 'sample-secret-0123456789';
	const rawBody = serializePayload(provider.sample(event), format);
	const result = receive(
		provider.id,
		{ headers: sign(provider.id, rawBody, secret), rawBody },
		{ secret, format },
	);
	const item = toOutputItem(provider.id, result, { includeMetadata: flags.has('metadata') });
	if (!item) throw new Error(`the sample for ${event} was not accepted: ${result.reason}`);
	io.out(JSON.stringify(item, null, 2));
	return EXIT_OK;
}

/** Runs the command line; returns the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
	try {
		const [command, ...rest] = argv;
		if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
			io.out(HELP);
			return command === undefined ? EXIT_USAGE : EXIT_OK;
		}
		const { positional, flags } = parseFlags(rest);
		if (flags.has('help')) {
			io.out(HELP);
			return EXIT_OK;
		}
		if (command === 'events') {
			if (flags.size > 0) throw new UsageError('events takes no options');
			if (positional.length > 1) throw new UsageError(`unexpected argument "${positional[1]}"`);
			return listEvents(positional[0], io);
		}
		if (command === 'send') return await send(sendArgs(positional, flags, io.env), io);
		if (command === 'sample') return printSample(positional, flags, io);
		const guess = closest(command, ['send', 'sample', 'events', 'help']);
		throw new UsageError(`unknown command "${command}"${guess ? `; did you mean ${guess}?` : ''}`);
	} catch (error) {
		if (!(error instanceof UsageError)) throw error;
		io.err(`smart-webhooks: ${error.message}`);
		io.err('Run smart-webhooks --help for usage.');
		return EXIT_USAGE;
	}
}

if (require.main === module) {
	main(process.argv.slice(2), {
		out: (line) => console.log(line),
		err: (line) => console.error(line),
		env: process.env,
		fetch,
	}).then(
		(code) => {
			process.exitCode = code;
		},
		(error: unknown) => {
			console.error(`smart-webhooks: ${(error as Error).stack ?? String(error)}`);
			process.exitCode = EXIT_REFUSED;
		},
	);
}
