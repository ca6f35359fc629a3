import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { SIGNED_PRESET_IDS, SIGNED_PRESETS } from '../../src/internal';
import { CUSTOM_SENDER } from './settings-of';

const CUSTOM = { sender: [CUSTOM_SENDER] };
const DIGEST_SCHEMES = ['bodyHmac', 'timestampedHmac'];

/** Display names as users search for them: the preset's own name says "(Svix and others)" in a sentence. */
const SENDER_NAMES: Record<string, string> = { standardWebhooks: 'Standard Webhooks / Svix' };

/**
 * The Sender choice: one option per preset (SIGNED_PRESETS, so a new preset shows up here), then Custom. Built apart
 * because the names come from the presets, not literals.
 */
const senders: INodePropertyOptions[] = [
	...SIGNED_PRESET_IDS.map((id) => ({
		name: SENDER_NAMES[id] ?? SIGNED_PRESETS[id].displayName,
		value: id,
		description: `Verified as ${SIGNED_PRESETS[id].displayName} signs its webhooks`,
	})),
	{
		name: 'Custom',
		value: CUSTOM_SENDER,
		description: 'Any other sender that signs with an HMAC: describe its signature below',
	},
];

/** Where the copy key or event name is read, for the Custom sender. */
function sourceFields(
	prefix: string,
	what: string,
	examples: { header: string; path: string },
): INodeProperties[] {
	return [
		{
			displayName: `${what} Header`,
			name: `${prefix}Header`,
			type: 'string',
			default: '',
			placeholder: `e.g. ${examples.header}`,
			displayOptions: { show: { ...CUSTOM, [`${prefix}From`]: ['header'] } },
		},
		{
			displayName: `${what} JSON Path`,
			name: `${prefix}Path`,
			type: 'string',
			default: '',
			placeholder: `e.g. ${examples.path}`,
			description: 'A dotted path into the JSON body; array items by their index (items.0.name)',
			displayOptions: { show: { ...CUSTOM, [`${prefix}From`]: ['jsonPath'] } },
		},
	];
}

/** The Sender choice and, for Custom, every field of the scheme, the copy key and the event name. */
export const schemeProperties: INodeProperties[] = [
	{
		displayName: 'Sender',
		name: 'sender',
		type: 'options',
		default: 'standardWebhooks',
		description: 'Who signs the webhooks: sets how the signature, delivery ID and event are read',
		options: senders,
	},
	{
		displayName: 'Scheme',
		name: 'scheme',
		type: 'options',
		default: 'standardWebhooks',
		displayOptions: { show: CUSTOM },
		options: [
			{
				name: 'HMAC of the Body in a Header',
				value: 'bodyHmac',
				description: 'One header holds the HMAC of the raw body (as GitHub and Shopify do)',
			},
			{
				name: 'Standard Webhooks',
				value: 'standardWebhooks',
				description:
					'The webhook-ID, webhook-timestamp and webhook-signature headers of the specification',
			},
			{
				name: 'Timestamped HMAC',
				value: 'timestampedHmac',
				description: 'An HMAC of a timestamp and the body (as Stripe and Slack do)',
			},
		],
	},
	{
		displayName: 'Signature Header',
		name: 'signatureHeader',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. X-Signature',
		displayOptions: { show: { ...CUSTOM, scheme: DIGEST_SCHEMES } },
	},
	{
		displayName: 'Algorithm',
		name: 'algorithm',
		type: 'options',
		default: 'sha256',
		displayOptions: { show: { ...CUSTOM, scheme: DIGEST_SCHEMES } },
		options: [
			{
				name: 'SHA-1 (Weak)',
				value: 'sha1',
				description: 'Weak: only for a sender that offers nothing stronger',
			},
			{ name: 'SHA-256', value: 'sha256' },
			{ name: 'SHA-512', value: 'sha512' },
		],
	},
	{
		displayName: 'Encoding',
		name: 'encoding',
		type: 'options',
		default: 'hex',
		displayOptions: { show: { ...CUSTOM, scheme: DIGEST_SCHEMES } },
		options: [
			{ name: 'Base64', value: 'base64' },
			{ name: 'Hex', value: 'hex' },
		],
	},
	{
		displayName: 'Prefix',
		name: 'prefix',
		type: 'string',
		default: '',
		placeholder: 'e.g. sha256=',
		description: 'Text before the digest in the signature header, if any',
		displayOptions: { show: { ...CUSTOM, scheme: DIGEST_SCHEMES } },
	},
	{
		displayName: 'Signed Content',
		name: 'template',
		type: 'string',
		default: '{timestamp}.{body}',
		required: true,
		description:
			'What the sender signs, from {timestamp} and {body} (Stripe: {timestamp}.{body}; Slack: v0:{timestamp}:{body})',
		displayOptions: { show: { ...CUSTOM, scheme: ['timestampedHmac'] } },
	},
	{
		displayName: 'Timestamp Header',
		name: 'timestampHeader',
		type: 'string',
		default: '',
		placeholder: 'e.g. X-Slack-Request-Timestamp',
		description:
			'The header with the timestamp, if it has one of its own; empty: the signature header reads t=&lt;timestamp&gt;,v1=&lt;digest&gt;',
		displayOptions: { show: { ...CUSTOM, scheme: ['timestampedHmac'] } },
	},
	{
		displayName: 'Delivery ID (Copy Key) From',
		name: 'copyKeyFrom',
		type: 'options',
		default: 'automatic',
		description: 'Where the delivery ID is, so that a retry of a delivery is recognised',
		displayOptions: { show: CUSTOM },
		options: [
			{
				name: 'Automatic',
				value: 'automatic',
				description: 'The signed webhook-ID for Standard Webhooks; otherwise the body hash',
			},
			{
				name: 'Body Hash Only',
				value: 'bodyHash',
				description: 'A delivery is a copy when its body is the same',
			},
			{ name: 'Header', value: 'header' },
			{ name: 'JSON Path', value: 'jsonPath' },
		],
	},
	...sourceFields('copyKey', 'Delivery ID', { header: 'X-Delivery-ID', path: 'id' }),
	{
		displayName: 'Event Name From',
		name: 'eventNameFrom',
		type: 'options',
		default: 'none',
		description: 'Where the event name is, for the event filter',
		displayOptions: { show: CUSTOM },
		options: [
			{ name: 'Header', value: 'header' },
			{ name: 'JSON Path', value: 'jsonPath' },
			{ name: 'None', value: 'none', description: 'Deliveries have no event name' },
		],
	},
	...sourceFields('eventName', 'Event Name', { header: 'X-Event-Type', path: 'type' }),
];
