// `events` and `sample`: what a provider sends, without sending anything.
import {
	providerIds,
	providers,
	receive,
	serializePayload,
	sign,
	toOutputItem,
} from '../../src/internal';
import type { Flags } from './args';
import { EXIT_OK } from './post';
import { checkEvent, findProvider } from './provider-lookup';
import { UsageError, type CliIo } from './usage';

export function listEvents(name: string | undefined, io: CliIo): number {
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
export function printSample(positional: string[], flags: Flags, io: CliIo): number {
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
