import type { INodeProperties, IWebhookDescription } from 'n8n-workflow';
import type { ProviderDefinition } from '../../src/internal';
import {
	EVENT_FILTER,
	eventProperties,
	formatProperties,
	optionsNotice,
	optionsProperty,
	rawBodyParameter,
} from './properties';
import { setupNotice } from './setup-notice';
import { tryItNotices } from './try-it';

/*
 * Shared pieces of every trigger's description. Each node class still writes its description as an object literal
 * (displayName, name, icon, credentials, ...): n8n's community lint and the verification scanner read those fields
 * from the class's `description` literal (credential-test-required follows `credentials[].testedBy`, icon-validation
 * checks the icon files), so a description returned by a factory call would be invisible to them. Only the parts
 * that are the same for every provider, or derived from the provider definition, come from here.
 */

/** The events the user picked (multi-select, typed names, or the names typed for a provider without a catalogue). */
export const EVENTS_SUBTITLE =
	`={{ ($parameter["eventFilter"] === "${EVENT_FILTER.all}" ? [] : [].concat(` +
	'$parameter["events"] || [], ($parameter["otherEvents"] || $parameter["eventNames"] || "").split(",").map(s => s.trim()).filter(s => s))).join(", ") || "All events" }}';

/**
 * No trigger panel. With one (n8n's default for a webhook trigger), n8n covers the whole parameter panel while the
 * editor listens (NodeDetailsView `blockUI`: listening and a trigger panel shown), so the Webhook URLs section, the only
 * place n8n shows a community trigger's Test URL, cannot be opened at the moment the URL is needed; n8n's listening
 * view shows the URL for its own Webhook node only. Without it the parameters stay usable while listening; the
 * listening state shows in the output panel and on the Execute step button.
 */
export const TRIGGER_PANEL = false;

/**
 * One POST webhook per trigger, answered by the node itself (it verifies before anything runs).
 * `responseData: 'noData'`: without it n8n (1.123 and 2.40 alike) answers an accepted delivery with the literal text
 * "firstEntryJson" (its default for responseData is taken as the body in onReceived mode); with it, an empty 200.
 */
export const TRIGGER_WEBHOOKS: IWebhookDescription[] = [
	{
		name: 'default',
		httpMethod: 'POST',
		responseMode: 'onReceived',
		responseData: 'noData',
		path: 'webhook',
	},
];

/**
 * One property list for every provider's trigger, built from its definition alone: set-up text (and the registration
 * mode, for an API), event filter, payload format where there is a choice, shared options.
 */
export function triggerProperties(provider: ProviderDefinition): INodeProperties[] {
	return [
		...setupNotice(provider),
		...eventProperties(provider),
		...tryItNotices(provider),
		...formatProperties(provider),
		optionsNotice(provider),
		optionsProperty(provider),
		rawBodyParameter,
	];
}
