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
	serializePayload,
	sign,
	SMARTERMEASURE_KEY_QUERY,
	type BodyFormat,
	type ProviderDefinition,
} from '../../src/internal';
import { postDeliveries, tamperBody, EXIT_OK, EXIT_REFUSED, EXIT_USAGE } from './post';
import { headerArg, SECRET_ENV, timesArg, urlArg, type ExtraHeader, type Flags } from './args';
import { HELP } from './help';
import { listEvents, printSample } from './inspect';
import { checkEvent, findProvider } from './provider-lookup';
import { SIGNED_OPTIONS, sendSigned, signedSendArgs } from './send-signed';
import { closest, UsageError, type CliIo } from './usage';

/** What the CLI prints instead of a SmarterMeasure key in a URL. */
const KEY_SHOWN_AS = '***';

export { EXIT_OK, EXIT_REFUSED, EXIT_USAGE };
export type { CliIo };

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
	header?: ExtraHeader;
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
	...SIGNED_OPTIONS,
} as const;
type OptionName = keyof typeof OPTIONS;

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
	for (const name of flags.keys())
		if (name in SIGNED_OPTIONS) throw new UsageError(`--${name} is for send signed`);
	const file = flags.get('file') as string | undefined;
	if (!event && !file)
		throw new UsageError(`name an event (smart-webhooks events ${provider.id}) or give --file`);
	if (event) checkEvent(provider, event);

	const url = urlArg(flags);

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
		times: timesArg(flags),
		tamper,
		queryKey,
		header,
	};
}

function tamperKey(key: string): string {
	const last = key.charCodeAt(key.length - 1);
	return key.slice(0, -1) + String.fromCharCode(last === 0x41 ? 0x42 : 0x41);
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

	return postDeliveries(url, headers, body, args.times, io);
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
		if (command === 'send' && positional[0]?.toLowerCase() === 'signed') {
			const secret = (flags.get('secret') as string | undefined) ?? io.env[SECRET_ENV] ?? '';
			return await sendSigned(signedSendArgs(positional.slice(1), flags, secret), io);
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
