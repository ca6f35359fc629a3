import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The signing secret of any signed-webhook sender (Standard Webhooks / Svix, GitHub, Shopify, Stripe, Slack or a
 * custom HMAC), and during a rotation the one it replaces: deliveries signed with either are accepted.
 */
export class SignedWebhookApi implements ICredentialType {
	name = 'signedWebhookApi';

	displayName = 'Signed Webhook API';

	icon = {
		light: 'file:../icons/signedwebhook.svg',
		dark: 'file:../icons/signedwebhook.dark.svg',
	} as const;

	documentationUrl =
		'https://github.com/smart-webhooks/n8n-nodes-smart-webhooks/blob/main/docs/signed-webhooks.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Signing Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				"The secret the sender signs its webhooks with: Standard Webhooks / Svix: the endpoint's whsec_… signing secret; GitHub: the webhook's Secret; Shopify: the app's client secret; Stripe: the endpoint's whsec_… signing secret; Slack: the app's Signing Secret",
			hint: "Copied from the sender's webhook or app settings, without spaces or quotes",
		},
		{
			displayName: 'Previous Signing Secret',
			name: 'previousSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Only while the sender rotates its secret: the secret being replaced. Deliveries signed with either secret are accepted; empty it once the sender uses the new one only.',
		},
	];
}
