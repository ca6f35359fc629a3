import type { INodeProperties } from 'n8n-workflow';
import { SIGNED_PRESET_IDS, SIGNED_PRESETS } from '../../src/internal';
import { EVENT_FILTER, optionsProperty } from '../shared/properties';
import { TEST_URL_STEPS } from '../shared/try-it';
import { DEFAULT_RETRY_MEMORY } from '../shared/copies';
import { schemeProperties } from './scheme-properties';
import { CUSTOM_SENDER } from './settings-of';

// n8n 2.x's notices keep <a>, <ul> and <li> and strip every other tag (properties.ts says the same).
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

const setupNotice = notice(
	'setupNotice',
	`Give the sender the Production URL from <i>Webhook URLs</i> at the top of this panel (the Test URL only answers while the editor waits for a test event), and put the secret it signs with in the Signed Webhook API credential. While the sender rotates its secret, put the old one in Previous Signing Secret: both are accepted. A delivery whose signature does not match gets 401 and runs nothing.`,
);

/** Where a sender's try-it command comes from: the sender CLI in the repository (cli/). */
const CLI_NOTE =
	'(before smart-webhooks-cli is on npm: <code>node cli/dist/cli.js</code> with the same arguments, in a clone of n8n-nodes-smart-webhooks after <code>npm run build</code>)';

function tryIt(command: string): string {
	return `To try it: click <i>Execute step</i>; the button then reads <i>Stop Listening</i>. Then ${TEST_URL_STEPS}, and run <code>${command}</code> ${CLI_NOTE}. The Test URL takes one delivery per click on Execute step.`;
}

/** One try-it notice per sender: the CLI signs as that preset does; Custom needs its flags spelled out. */
const tryItNotices: INodeProperties[] = [
	...SIGNED_PRESET_IDS.map((id) =>
		notice(
			`tryIt_${id}`,
			tryIt(
				`npx smart-webhooks-cli send signed --preset ${id} --event ${SIGNED_PRESETS[id].exampleEvent} --url &lt;Test URL&gt; --secret &lt;secret&gt;`,
			),
			{ sender: [id] },
		),
	),
	notice(
		'tryItCustom',
		`${tryIt('npx smart-webhooks-cli send signed --scheme &lt;scheme&gt; … --url &lt;Test URL&gt; --secret &lt;secret&gt;')} The flags match the fields above: --signature-header, --algorithm, --encoding, --prefix, --template, --timestamp-header, --id-header or --id-path, --event-header or --event-path (see <code>npx smart-webhooks-cli --help</code>).`,
		{ sender: [CUSTOM_SENDER] },
	),
];

/** The event filter: every event, or the names typed in (settings.ts selectedEvents reads these two). */
const eventProperties: INodeProperties[] = [
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
				action: 'On every signed webhook',
				description: 'Every verified delivery starts the workflow',
			},
			{
				name: 'Only the Events Named Below',
				value: EVENT_FILTER.named,
				action: 'On signed webhook events you name',
				description: 'Only deliveries whose event is typed in Event Names start the workflow',
			},
		],
	},
	{
		displayName: 'Event Names',
		name: 'eventNames',
		type: 'string',
		default: '',
		placeholder: 'e.g. push, pull_request',
		description:
			"Comma-separated event names to accept; empty accepts every event. The name is read where the sender puts it (GitHub: X-GitHub-Event; Shopify: X-Shopify-Topic; Stripe and Standard Webhooks: the body's type; Slack: event.type).",
		displayOptions: { show: { eventFilter: [EVENT_FILTER.named] } },
	},
];

/** Senders whose scheme signs a timestamp; for Custom, the scheme decides (the tolerance option shows by these). */
const UNTIMED_SENDERS = SIGNED_PRESET_IDS.filter(
	(id) => SIGNED_PRESETS[id].settings.scheme.kind === 'bodyHmac',
);

const optionsNotice = notice(
	'optionsNotice',
	`Options in force unless you add and change them below:${list([
		'Ignore Retried Deliveries: on (a delivery the sender sends again runs nothing)',
		`Retry Memory: ${DEFAULT_RETRY_MEMORY.toLocaleString('en-US')} deliveries`,
		'Include Delivery Metadata: off',
		'Timestamp Tolerance: 300 s, where the sender signs a timestamp (Standard Webhooks, Stripe, Slack, Timestamped HMAC)',
	])}`,
);

/** The shared Options, without Ignore Test Events (a signed webhook has no test flag); tolerance where timed. */
function signedOptions(): INodeProperties {
	const shared = optionsProperty({ displayName: 'the sender', toleranceSeconds: 300 });
	const options = (shared.options as INodeProperties[])
		.filter((option) => option.name !== 'ignoreTestEvents')
		.map((option) =>
			option.name === 'toleranceSeconds'
				? {
						...option,
						displayOptions: { hide: { '/sender': UNTIMED_SENDERS, '/scheme': ['bodyHmac'] } },
					}
				: option,
		);
	return { ...shared, options };
}

/** The node's panel, top to bottom. */
export const signedPanel: INodeProperties[] = [
	setupNotice,
	...schemeProperties,
	...eventProperties,
	...tryItNotices,
	optionsNotice,
	signedOptions(),
];
