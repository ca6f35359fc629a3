import type { INodeProperties } from 'n8n-workflow';
import type { ProviderDefinition } from '../../src/internal';
import { DEFAULT_RETRY_MEMORY } from './copies';
import { list, notice } from './notice';
import { EVENT_FILTER } from './settings';

export { EVENT_FILTER };

/** The event filter: a multi-select of the documented catalogue, plus names it does not list yet. */
export function eventProperties(provider: ProviderDefinition): INodeProperties[] {
	const example = provider.moreEventsExample ?? 'event.name';
	if (!provider.events) {
		// No catalogue to list: a choice between every event and the ones typed in, so that n8n's nodes panel lists
		// two trigger actions here as it lists the catalogue's events for the others (it reads the options of the
		// property called "Events").
		const name = provider.displayName;
		return [
			{
				displayName: 'Events',
				name: 'eventFilter',
				type: 'options',
				// EVENT_FILTER.all, written out: n8n's lint reads a parameter's default from the literal only
				default: 'all',
				options: [
					{
						name: 'All Events',
						value: EVENT_FILTER.all,
						action: `On every ${name} event`,
						description: `Every event ${name} sends starts the workflow`,
					},
					{
						name: 'Only the Events Named Below',
						value: EVENT_FILTER.named,
						action: `On ${name} events you name`,
						description: 'Only the events typed in Event Names start the workflow',
					},
				],
			},
			{
				displayName: 'Event Names',
				name: 'eventNames',
				type: 'string',
				default: '',
				placeholder: `e.g. ${example}`,
				description: `Comma-separated event names to accept; empty accepts every event. ${name} does not publish its catalogue, so the name is read from ${provider.eventNameSource ?? 'the payload'}.`,
				displayOptions: { show: { eventFilter: [EVENT_FILTER.named] } },
			},
		];
	}
	return [
		{
			displayName: 'Events',
			name: 'events',
			type: 'multiOptions',
			default: [],
			description:
				'Which events start the workflow; none selected means all events. Test events count as events: they start it only when selected (or when none is), but always show while the editor listens.',
			options: provider.events.map((event) => ({
				name: event.name,
				value: event.name,
				description: event.description,
			})),
		},
		{
			displayName: 'Other Event Names',
			name: 'otherEvents',
			type: 'string',
			default: '',
			placeholder: `e.g. ${example}`,
			description: `Comma-separated event names that are not in the list above (${provider.displayName} may offer more than its guide names)`,
		},
	];
}

/** Whether the panel asks which body format to read: the panel (formatProperties) and the webhook both ask this. */
export function offersFormatChoice(provider: ProviderDefinition): boolean {
	return provider.formats.length > 1;
}

/** For a provider that sends more than one body format: which one to read (SmarterMeasure: JSON or XML). */
export function formatProperties(provider: ProviderDefinition): INodeProperties[] {
	if (!offersFormatChoice(provider)) return [];
	return [
		{
			displayName: 'Payload Format',
			name: 'format',
			type: 'options',
			default: 'auto',
			options: [
				{ name: 'Automatic (From Content-Type)', value: 'auto' },
				...provider.formats.map((format) => ({ name: format.toUpperCase(), value: format })),
			],
			description:
				'How to read the body; automatic uses the Content-Type header and falls back to looking at the body',
		},
	];
}

/**
 * A parameter the user never sees, named `options` because n8n looks for exactly `options.binaryData` on a version-1
 * webhook node: when it is true, n8n does not parse the body itself (webhook-helpers.js `parseRequestBody`, n8n 1.x
 * and 2.x). n8n's parser answered 422 before the trigger ran for charset labels it does not know
 * (`application/json; charset=iso-8859-1`), answered invalid JSON with its own stack trace, lower-cases XML tags, and
 * parsed every body once for nothing. The trigger reads the raw bytes itself (webhook-phase.ts `rawBodyOf`). That is also
 * why the user's options live in a collection called `settings`.
 */
export const rawBodyParameter: INodeProperties = {
	displayName: 'Raw Body',
	name: 'options',
	type: 'hidden',
	default: { binaryData: true },
};

/**
 * The options in force while none is added: n8n shows an empty collection as "No properties", which hides the
 * defaults that matter most (retries are ignored, 10,000 deliveries remembered).
 */
export function optionsNotice(provider: ProviderDefinition): INodeProperties {
	const inForce = [
		`Ignore Retried Deliveries: on (a delivery ${provider.displayName} sends again runs nothing)`,
		`Retry Memory: ${DEFAULT_RETRY_MEMORY.toLocaleString('en-US')} deliveries`,
		'Ignore Test Events: off',
		'Include Delivery Metadata: off',
		...(provider.toleranceSeconds !== undefined
			? [`Timestamp Tolerance: ${provider.toleranceSeconds} s`]
			: []),
	];
	return notice(
		'optionsNotice',
		`Options in force unless you add and change them below:${list(inForce)}`,
	);
}

/** Options every trigger shares; the tolerance only where the provider signs a timestamp. */
export function optionsProperty(
	provider: Pick<ProviderDefinition, 'displayName' | 'toleranceSeconds'>,
): INodeProperties {
	const options: INodeProperties[] = [
		{
			displayName: 'Ignore Retried Deliveries',
			name: 'deduplicate',
			type: 'boolean',
			default: true,
			description: `Whether a delivery ${provider.displayName} sends again (a retry, or a copy with the same ID or body) leaves the workflow's nodes unrun; recognised across every n8n process and restart, in n8n's database`,
		},
		{
			displayName: 'Retry Memory (Deliveries)',
			name: 'retryMemory',
			type: 'number',
			typeOptions: { minValue: 100, maxValue: 50000 },
			default: DEFAULT_RETRY_MEMORY,
			description: `How many recent deliveries this trigger remembers to recognise their retries; ${DEFAULT_RETRY_MEMORY.toLocaleString('en-US')} covers 24 hours at up to ${Math.floor(DEFAULT_RETRY_MEMORY / 1440)} deliveries a minute`,
		},
		{
			displayName: 'Ignore Test Events',
			name: 'ignoreTestEvents',
			type: 'boolean',
			default: false,
			description: `Whether deliveries ${provider.displayName} marks as tests are left out even when every event is selected (while the editor listens they always show)`,
		},
		{
			displayName: 'Include Delivery Metadata',
			name: 'includeMetadata',
			type: 'boolean',
			default: false,
			description:
				'Whether to add a _delivery field with provider, event, delivery ID, verification, received-at and test flag to each item (replacing any _delivery field of the payload)',
		},
	];
	if (provider.toleranceSeconds !== undefined) {
		options.push({
			displayName: 'Timestamp Tolerance (Seconds)',
			name: 'toleranceSeconds',
			type: 'number',
			typeOptions: { minValue: 0 },
			// A literal (n8n's lint requires one); the option only shows up once added, and without it the provider's
			// own window (provider.toleranceSeconds, 300 s for SmartComply and SmartlyQ) applies.
			default: 300,
			description: `How far the signed timestamp may be from this server’s clock (without this option: ${provider.toleranceSeconds} s); 0 turns the check off (not recommended)`,
		});
	}
	return {
		displayName: 'Options',
		name: 'settings',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options,
	};
}
