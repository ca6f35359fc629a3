import type { IWebhookFunctions, IWebhookResponseData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { providers } from '../../src';
import { triggerDescription } from '../shared/description';
import { localSecretTest, manualWebhookMethods } from '../shared/hooks';
import { handleWebhook } from '../shared/webhook';

const provider = providers.smartMaintenance;

export class SmartMaintenanceTrigger implements INodeType {
	description: INodeTypeDescription = triggerDescription({
		provider,
		name: 'smartMaintenanceTrigger',
		icon: 'smartmaintenance',
		credential: { name: 'smartMaintenanceWebhookApi', required: true, testedBy: 'smartMaintenanceSecret' },
		description: 'Starts the workflow when SmartMaintenance (SMTM) sends a webhook event',
	});

	methods = { credentialTest: { smartMaintenanceSecret: localSecretTest('secret', 'secret', true) } };

	webhookMethods = manualWebhookMethods(provider);

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return handleWebhook.call(this, provider, async function () {
			const credential = await this.getCredentials('smartMaintenanceWebhookApi');
			// An empty secret is allowed by SmartMaintenance: deliveries then arrive unsigned and are accepted.
			return typeof credential.secret === 'string' && credential.secret !== '' ? [credential.secret] : [];
		});
	}
}
