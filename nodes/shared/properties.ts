import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import type { ProviderDefinition, Registration } from '../../src';
import { DEFAULT_RETRY_MEMORY } from './copies';

// n8n 2.x's notices keep <a>, <ul> and <li> and strip every other tag (line breaks, bold): lists and plain text only.
const list = (items: readonly string[]) =>
	`<ul>${items.map((item) => `<li>${item}</li>`).join('')}</ul>`;

function notice(name: string, text: string, show?: Record<string, string[]>): INodeProperties {
	return {
		displayName: text,
		name,
		type: 'notice',
		default: '',
		...(show ? { displayOptions: { show } } : {}),
	};
}

/** For a key the provider may send in a header or a query parameter: where it will be, which decides what to ask for. */
function keyLocationProperty(provider: ProviderDefinition): INodeProperties[] {
	const { header, queryParameter } = provider.scheme;
	if (queryParameter === undefined) return [];
	// Options named after the provider's own header and parameter: built apart, as n8n's lint reads only literal names.
	const locations: INodePropertyOptions[] = [
		{ name: `Header (${header})`, value: 'header' },
		{ name: `URL Query Parameter (${queryParameter})`, value: 'query' },
	];
	return [
		{
			displayName: 'Verification Key Sent In',
			name: 'keyLocation',
			type: 'options',
			default: 'header',
			description: `Where ${provider.displayName} puts the verification key; either is accepted, this only changes what to ask them for`,
			options: locations,
		},
	];
}

/** What to e-mail the provider, with the URL as the key location needs it. */
function emailNotice(
	provider: ProviderDefinition,
	{ address, include, reply, httpsNote }: Extract<Registration, { kind: 'email' }>,
	location: 'header' | 'query',
): string {
	const { header, queryParameter } = provider.scheme;
	const name = provider.displayName;
	const url =
		'The URL: the Production URL from Webhook URLs at the top of this panel' +
		(location === 'query'
			? `, followed by ?${queryParameter}={${queryParameter}} exactly as written (e.g. https://n8n.example.com/webhook/…/webhook?${queryParameter}={${queryParameter}}); ${name} replaces {${queryParameter}} with your key on every call.`
			: ` as it is; ${name} sends your key in the ${header} header.`);
	return `${name} sets up webhooks by e-mail only. Write to <a href="mailto:${address}">${address}</a> and send:${list([url, ...include])}${reply} ${httpsNote}`;
}

/** The panel text that tells a user how to register the webhook with the provider, from its registration alone. */
export function setupNotice(provider: ProviderDefinition): INodeProperties[] {
	const registration = provider.registration;
	const name = provider.displayName;
	if (registration.kind === 'manual') {
		return [
			notice(
				'setupNotice',
				`Register this webhook in ${name} by hand, with the Production URL from Webhook URLs at the top of this panel ` +
					`(the Test URL only answers while the editor waits for a test event):${list(registration.steps)}`,
			),
			notice(
				'httpsNotice',
				registration.httpsRequired
					? `HTTPS required: ${registration.httpsNote}`
					: registration.httpsNote,
			),
		];
	}
	if (registration.kind === 'email') {
		if (provider.scheme.queryParameter === undefined)
			return [notice('contactNotice', emailNotice(provider, registration, 'header'))];
		return [
			...keyLocationProperty(provider),
			notice('contactHeader', emailNotice(provider, registration, 'header'), {
				keyLocation: ['header'],
			}),
			notice('contactQuery', emailNotice(provider, registration, 'query'), {
				keyLocation: ['query'],
			}),
		];
	}
	const modes: INodePropertyOptions[] = [
		{
			name: `Automatic (${name} API)`,
			value: 'api',
			description:
				'Activating the workflow creates the endpoint through the API and keeps its signing secret; deactivating removes it',
		},
		{
			name: `Endpoint Made in the ${name} Dashboard`,
			value: 'manual',
			description:
				'You create the endpoint yourself and paste its signing secret into the credential',
		},
	];
	return [
		{
			displayName: 'Registration',
			name: 'registration',
			type: 'options',
			default: 'api',
			options: modes,
		},
		notice(
			'apiNotice',
			`When this workflow is activated, or while the editor waits for a test event, the trigger creates its own endpoint in ${name} for the selected events (a test endpoint for the Test URL, a separate one for the Production URL), and stores the signing secret ${name} returns. Deactivating removes the endpoint. Nothing to copy by hand.`,
			{ registration: ['api'] },
		),
		notice(
			'manualNotice',
			`Register the endpoint in ${name}:${list(registration.dashboardSteps)}`,
			{
				registration: ['manual'],
			},
		),
	];
}

/**
 * The editor's button that makes a trigger wait for one test delivery. Without a trigger panel it is the panel's
 * own Execute step on both lines (1.123.81 labels only n8n's Webhook node "Listen for test event").
 */
const LISTEN = '<i>Execute step</i>';

/**
 * Where the Test URL is once the editor listens. The node declares no trigger panel (description.ts), so n8n leaves
 * this panel usable while it listens and the Webhook URLs section can be opened then.
 */
export const TEST_URL_STEPS =
	'open <i>Webhook URLs</i> at the top of this panel, choose <i>Test URL</i> and click the URL to copy it';

/** The Test URL is registered for one delivery per listen (n8n removes it once a delivery arrived). */
const ONE_PER_LISTEN =
	'The Test URL takes one delivery per click on Execute step: click it again before the next one.';

/** The sender's command for one event (or a payload file), as the panel shows it. */
function senderCommand(provider: ProviderDefinition, eventArg: string): string {
	const secret = provider.scheme.kind === 'staticKey' ? 'key' : 'secret';
	return `<code>npx smart-webhooks-cli send ${provider.id} ${eventArg} --url &lt;Test URL&gt; --secret &lt;${provider.registration.kind === 'api' ? 'signing secret' : secret}&gt;</code> (before smart-webhooks-cli is on npm: <code>node cli/dist/cli.js</code> with the same arguments, in a clone of n8n-nodes-smart-webhooks after <code>npm run build</code>)`;
}

/**
 * How to send a signed sample delivery to this trigger with the sender (smart-webhooks-cli, cli/ in the repository).
 * `eventArg` is an event this node runs for with the events it shows beside (tryItNotices picks it).
 */
export function tryItText(provider: ProviderDefinition, eventArg: string): string {
	const listen = `click ${LISTEN}; the button then reads <i>Stop Listening</i>`;
	const send = `${TEST_URL_STEPS}, and run ${senderCommand(provider, eventArg)}`;
	if (provider.registration.kind === 'api') {
		// With automatic registration the signing secret lives in the trigger, so the provider's own test call is the way.
		return `To try it: ${listen}. With automatic registration the trigger registers a test endpoint in ${provider.displayName}: use <i>Send test event</i> on it there. With a dashboard endpoint, send its test event, or ${send}. ${ONE_PER_LISTEN}`;
	}
	const inQuery =
		provider.scheme.queryParameter === undefined
			? ''
			: ` (add <code>--query-key</code> to send the key in the URL's ${provider.scheme.queryParameter} parameter instead of the header)`;
	return `To try it before ${provider.displayName} is set up: ${listen}. Then ${send}${inQuery}. ${ONE_PER_LISTEN}`;
}

/** Matches a parameter that is set and not empty (n8n-workflow's displayOptions condition). */
const NOT_EMPTY = [{ _cnd: { exists: true as const } }];

/**
 * The try-it notices under the event filter: the command names an event the node runs for. A notice's text is fixed
 * and n8n shows it by its displayOptions, so there is one notice per case: a selected event (the one first in the
 * list; the trigger action picked in the nodes panel selects exactly one), nothing selected (every event runs: the
 * first documented one that is not a test), or only typed names (the sender has no sample for those: a file).
 */
export function tryItNotices(provider: ProviderDefinition): INodeProperties[] {
	if (!provider.events) {
		const example = provider.moreEventsExample ?? 'event.name';
		return [
			notice('tryItAll', tryItText(provider, example), { eventFilter: [EVENT_FILTER.all] }),
			notice('tryItNamed', tryItText(provider, '&lt;one of the Event Names&gt;'), {
				eventFilter: [EVENT_FILTER.named],
			}),
		];
	}
	const names = provider.events.map((event) => event.name);
	const firstRun = provider.events.find((event) => !event.test)?.name ?? names[0];
	return [
		// exactly one of these shows: the one for the selected event that comes first in the list
		...names.map((name, index) => ({
			...notice(`tryIt${index}`, tryItText(provider, name)),
			displayOptions: {
				show: { events: [name] },
				...(index > 0 ? { hide: { events: names.slice(0, index) } } : {}),
			},
		})),
		{
			...notice('tryItAll', tryItText(provider, firstRun)),
			displayOptions: { hide: { events: names, otherEvents: NOT_EMPTY } },
		},
		{
			...notice(
				'tryItOther',
				`${tryItText(provider, '--file payload.json')} The sender has samples of the listed events only: save one delivery of your event as payload.json first.`,
			),
			displayOptions: { show: { otherEvents: NOT_EMPTY }, hide: { events: names } },
		},
	];
}

/** The values of the Events choice of a provider without a catalogue; settings.ts and the node subtitle read them too. */
export const EVENT_FILTER = { all: 'all', named: 'named' } as const;

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
