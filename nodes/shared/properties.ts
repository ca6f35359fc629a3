import type { INodeProperties } from 'n8n-workflow';
import type { ProviderDefinition } from '../../src';
import { DEFAULT_RETRY_MEMORY } from './record';

/** The panel text that tells a user how to register the webhook with the provider. */
export function setupNotice(provider: ProviderDefinition): INodeProperties[] {
	const registration = provider.registration;
	if (registration.kind === 'manual') {
		// Lists only: n8n 2.x's notice keeps <a>, <ul> and <li> and strips every other tag (line breaks, bold).
		const steps = registration.steps.map((step) => `<li>${step}</li>`).join('');
		return [
			{
				displayName:
					`Register this webhook in ${provider.displayName} by hand, with the Production URL from Webhook URLs at the top of this panel ` +
					`(the Test URL only answers while the editor waits for a test event):<ul>${steps}</ul>`,
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: registration.httpsRequired
					? `HTTPS required: ${registration.httpsNote}`
					: registration.httpsNote,
				name: 'httpsNotice',
				type: 'notice',
				default: '',
			},
		];
	}
	if (registration.kind === 'email') return [];
	return [];
}

/** The editor's button that makes a trigger wait for one test delivery: renamed in n8n 2.x. */
const LISTEN = '<i>Execute step</i> (n8n 1.x: <i>Listen for test event</i>)';

/** While it listens, n8n folds and dims the Webhook URLs section, so the hint says where the Test URL is. */
const TEST_URL_WHERE =
	'. The Test URL is under <i>Webhook URLs</i> at the top of this panel: while n8n listens that section is folded and dimmed, click it open';

/**
 * How to send a signed sample delivery to this trigger with the sender (smart-webhooks-cli, cli/ in the repository),
 * shown under the event filter: the npx command once the package is on npm, the clone's command until then.
 */
function tryItHint(provider: ProviderDefinition, event: string, extraFlags = ''): string {
	const cli = (secret: string) =>
		`<code>npx smart-webhooks-cli send ${provider.id} ${event}${extraFlags} --url &lt;Test URL&gt; --secret &lt;${secret}&gt;</code> (before smart-webhooks-cli is on npm: <code>node cli/dist/cli.js</code> with the same arguments, in a clone of n8n-nodes-smart-webhooks after <code>npm run build</code>)`;
	if (provider.registration.kind === 'api') {
		// With automatic registration the signing secret lives in the trigger, so the provider's own test call is the way.
		return `To try it: click ${LISTEN}. With automatic registration the trigger registers a test endpoint: use <i>Send test event</i> on it in ${provider.displayName}. With a dashboard endpoint, send its test event, or run ${cli('signing secret')}${TEST_URL_WHERE}`;
	}
	return `To try it before ${provider.displayName} is set up: click ${LISTEN}, then run ${cli(provider.scheme.kind === 'staticKey' ? 'key' : 'secret')}${TEST_URL_WHERE}`;
}

/** The event filter: a multi-select of the documented catalogue, plus names it does not list yet. */
export function eventProperties(provider: ProviderDefinition): INodeProperties[] {
	if (!provider.events) {
		// Two copies of one field, one shown per key location, so the hint's command sends the key where the user
		// said SmarterMeasure will put it (n8n keeps one value for both: they share the name).
		const field = (location: 'header' | 'query'): INodeProperties => ({
			displayName: 'Events',
			name: 'eventNames',
			type: 'string',
			default: '',
			placeholder: 'e.g. AssessmentCompleted, AssessmentStarted',
			hint: tryItHint(provider, 'AssessmentCompleted', location === 'query' ? ' --query-key' : ''),
			description: `Comma-separated event names to accept; empty accepts every event. ${provider.displayName} does not publish its catalogue, so the name is read from the payload's event, type, eventType or EventType field.`,
			displayOptions: { show: { keyLocation: [location] } },
		});
		return [field('header'), field('query')];
	}
	return [
		{
			displayName: 'Events',
			name: 'events',
			type: 'multiOptions',
			default: [],
			description:
				'Which events start the workflow; none selected means all events. Test events count as events: they start it only when selected (or when none is), but always show while the editor listens.',
			hint: tryItHint(
				provider,
				provider.events.find((event) => !event.test)?.name ?? provider.events[0]?.name ?? 'event',
			),
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
			placeholder: `e.g. ${provider.moreEventsExample ?? 'event.name'}`,
			description: `Comma-separated event names that are not in the list above (${provider.displayName} may offer more than its guide names)`,
		},
	];
}

/**
 * A parameter the user never sees, named `options` because n8n looks for exactly `options.binaryData` on a version-1
 * webhook node: when it is true, n8n does not parse the body itself (webhook-helpers.js `parseRequestBody`, n8n 1.x
 * and 2.x). n8n's parser answered 422 before the trigger ran for charset labels it does not know
 * (`application/json; charset=iso-8859-1`), answered invalid JSON with its own stack trace, lower-cases XML tags, and
 * parsed every body once for nothing. The trigger reads the raw bytes itself (webhook.ts `rawBodyOf`). That is also
 * why the user's options live in a collection called `settings`.
 */
export const rawBodyParameter: INodeProperties = {
	displayName: 'Raw Body',
	name: 'options',
	type: 'hidden',
	default: { binaryData: true },
};

/** Options every trigger shares; the tolerance only where the provider signs a timestamp. */
export function optionsProperty(provider: ProviderDefinition): INodeProperties {
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
