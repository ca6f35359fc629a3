import type { IWebhookFunctions, IWebhookResponseData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { providers } from '../../src';
import { triggerDescription } from '../shared/description';
import { localSecretTest, manualWebhookMethods } from '../shared/hooks';
import { handleWebhook } from '../shared/webhook';

const provider = providers.smp;

export class SmpTrigger implements INodeType {
	description: INodeTypeDescription = triggerDescription({
		provider,
		name: 'smpTrigger',
		icon: 'smp',
		credential: { name: 'smpWebhookApi', required: true, testedBy: 'smpSecret' },
		description: 'Starts the workflow when SMP sends a signed webhook event',
	});

	methods = { credentialTest: { smpSecret: localSecretTest('signing secret', 'signingSecret') } };

	webhookMethods = manualWebhookMethods(provider);

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return handleWebhook.call(this, provider, async function () {
			const credential = await this.getCredentials('smpWebhookApi');
			return [credential.signingSecret as string];
		});
	}
}
