import {
	NodeConnectionTypes,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { EVENTS_SUBTITLE, TRIGGER_PANEL, TRIGGER_WEBHOOKS } from '../shared/description';
import { triggerExecute } from '../shared/execute-phase';
import { rawBodyParameter } from '../shared/properties';
import { signedPanel } from './panel';
import { DISPLAY_NAME, signedSecretTest, signedWebhook } from './webhook';

export class SignedWebhookTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Signed Webhook Trigger',
		name: 'signedWebhookTrigger',
		icon: {
			light: 'file:../../icons/signedwebhook.svg',
			dark: 'file:../../icons/signedwebhook.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle: EVENTS_SUBTITLE,
		description:
			'Starts the workflow on a webhook whose HMAC signature checks out: Standard Webhooks / Svix, GitHub, Shopify, Stripe, Slack or a custom HMAC scheme',
		defaults: { name: 'Signed Webhook Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'signedWebhookApi', required: true, testedBy: 'signedWebhookSecret' }],
		webhooks: TRIGGER_WEBHOOKS,
		triggerPanel: TRIGGER_PANEL,
		properties: [...signedPanel, rawBodyParameter],
	};

	methods = { credentialTest: { signedWebhookSecret: signedSecretTest } };

	// Registered by hand at the sender: nothing to create or delete, and checkExists never deletes.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				this.logger.debug(
					'Signed Webhook Trigger: register the webhook URL at the sender by hand; nothing to create',
				);
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				this.logger.debug('Signed Webhook Trigger: nothing registered by the trigger to delete');
				return true;
			},
		},
	};

	webhook = signedWebhook;

	execute = triggerExecute({ displayName: DISPLAY_NAME });
}
