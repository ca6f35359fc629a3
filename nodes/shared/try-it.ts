import type { INodeProperties } from 'n8n-workflow';
import type { ProviderDefinition } from '../../src/internal';
import { notice } from './notice';
import { EVENT_FILTER } from './settings';

// How to send a first test delivery, as the panel says it: the sender's command for an event the node runs for.

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
