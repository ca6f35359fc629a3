import type { IWebhookFunctions, IWebhookResponseData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { providers } from '../../src';
import { triggerDescription } from '../shared/description';
import { localSecretTest, manualWebhookMethods } from '../shared/hooks';
import { handleWebhook } from '../shared/webhook';

const provider = providers.smartlyQ;

export class SmartlyQTrigger implements INodeType {
	description: INodeTypeDescription = triggerDescription({
		provider,
		name: 'smartlyQTrigger',
		icon: 'smartlyq',
		credential: { name: 'smartlyQWebhookApi', required: true, testedBy: 'smartlyQSecret' },
		description: 'Starts the workflow when SmartlyQ sends a signed webhook event',
	});

	methods = { credentialTest: { smartlyQSecret: localSecretTest('signing secret', 'signingSecret') } };

	webhookMethods = manualWebhookMethods(provider);

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return handleWebhook.call(this, provider, async function () {
			const credential = await this.getCredentials('smartlyQWebhookApi');
			return [credential.signingSecret as string];
		});
	}
}
