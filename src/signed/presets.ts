import { isoSeconds, newId, newUuid } from '../ids';
import type { SignedWebhookSettings } from './settings';

/**
 * The settings for senders people wire most often, as each one documents its signature (docs/signed-webhooks.md
 * has the same settings as recipes, and a test keeps the two equal). `sample` builds a body shaped like the
 * sender's, for the CLI and tests; only the fields the settings read matter.
 */
export interface SignedPreset {
	displayName: string;
	settings: SignedWebhookSettings;
	/** An event name the sender uses, for examples. */
	exampleEvent: string;
	sample(event: string): Record<string, unknown>;
}

export const SIGNED_PRESETS = {
	standardWebhooks: {
		displayName: 'Standard Webhooks (Svix and others)',
		settings: {
			scheme: { kind: 'standardWebhooks' },
			// No copyKey: the default is the signed message id, webhook-id or Svix's svix-id.
			eventName: { from: 'jsonPath', path: 'type' },
		},
		exampleEvent: 'invoice.paid',
		sample: (event) => ({
			type: event,
			timestamp: isoSeconds(new Date()),
			data: { id: newId('inv_', 8).toLowerCase(), amount: 4200 },
		}),
	},
	github: {
		displayName: 'GitHub',
		settings: {
			scheme: {
				kind: 'bodyHmac',
				header: 'X-Hub-Signature-256',
				algorithm: 'sha256',
				encoding: 'hex',
				prefix: 'sha256=',
			},
			copyKey: { from: 'header', name: 'X-GitHub-Delivery' },
			eventName: { from: 'header', name: 'X-GitHub-Event' },
		},
		exampleEvent: 'push',
		sample: () => ({
			ref: 'refs/heads/main',
			after: newId('', 20).toLowerCase(),
			repository: { id: 1296269, full_name: 'octocat/Hello-World' },
			sender: { login: 'octocat' },
		}),
	},
	shopify: {
		displayName: 'Shopify',
		settings: {
			scheme: {
				kind: 'bodyHmac',
				header: 'X-Shopify-Hmac-Sha256',
				algorithm: 'sha256',
				encoding: 'base64',
			},
			copyKey: { from: 'header', name: 'X-Shopify-Webhook-Id' },
			eventName: { from: 'header', name: 'X-Shopify-Topic' },
		},
		exampleEvent: 'orders/create',
		sample: () => ({
			id: 820982911946154500,
			email: 'jon@example.com',
			total_price: '199.00',
			currency: 'USD',
		}),
	},
	stripe: {
		displayName: 'Stripe',
		settings: {
			scheme: {
				kind: 'timestampedHmac',
				header: 'Stripe-Signature',
				algorithm: 'sha256',
				encoding: 'hex',
				template: '{timestamp}.{body}',
				timestampKey: 't',
				signatureKey: 'v1',
				toleranceSeconds: 300,
			},
			copyKey: { from: 'jsonPath', path: 'id' },
			eventName: { from: 'jsonPath', path: 'type' },
		},
		exampleEvent: 'payment_intent.succeeded',
		sample: (event) => ({
			id: newId('evt_', 12),
			object: 'event',
			type: event,
			created: Math.floor(Date.now() / 1000),
			data: { object: { id: newId('pi_', 12), object: 'payment_intent', amount: 2000 } },
		}),
	},
	slack: {
		displayName: 'Slack (Events API)',
		settings: {
			scheme: {
				kind: 'timestampedHmac',
				header: 'X-Slack-Signature',
				algorithm: 'sha256',
				encoding: 'hex',
				template: 'v0:{timestamp}:{body}',
				timestampHeader: 'X-Slack-Request-Timestamp',
				prefix: 'v0=',
				toleranceSeconds: 300,
			},
			copyKey: { from: 'jsonPath', path: 'event_id' },
			eventName: { from: 'jsonPath', path: 'event.type' },
		},
		exampleEvent: 'app_mention',
		sample: (event) => ({
			type: 'event_callback',
			team_id: 'T0001',
			event_id: newId('Ev', 5),
			event_time: Math.floor(Date.now() / 1000),
			event: { type: event, user: 'U0001', text: 'hello', ts: '1355517523.000005' },
			client_msg_id: newUuid(),
		}),
	},
} as const satisfies Record<string, SignedPreset>;

export type SignedPresetId = keyof typeof SIGNED_PRESETS;
export const SIGNED_PRESET_IDS = Object.keys(SIGNED_PRESETS) as SignedPresetId[];
