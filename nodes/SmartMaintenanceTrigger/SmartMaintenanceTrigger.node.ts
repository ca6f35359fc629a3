import { NodeConnectionTypes, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { providers } from '../../src';
import { EVENTS_SUBTITLE, TRIGGER_WEBHOOKS, triggerProperties } from '../shared/description';
import { localSecretTest, manualWebhookMethods } from '../shared/hooks';
import { credentialSecret, triggerExecute, triggerWebhook } from '../shared/webhook';

const provider = providers.smartMaintenance;

export class SmartMaintenanceTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'SmartMaintenance Trigger',
		name: 'smartMaintenanceTrigger',
		icon: {
			light: 'file:../../icons/smartmaintenance.svg',
			dark: 'file:../../icons/smartmaintenance.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle: EVENTS_SUBTITLE,
		description: 'Starts the workflow when SmartMaintenance (SMTM) sends a webhook event',
		defaults: { name: 'SmartMaintenance Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'smartMaintenanceWebhookApi', required: true, testedBy: 'smartMaintenanceSecret' },
		],
		webhooks: TRIGGER_WEBHOOKS,
		properties: triggerProperties(provider),
	};

	methods = { credentialTest: { smartMaintenanceSecret: localSecretTest('secret', true) } };

	webhookMethods = manualWebhookMethods(provider);

	webhook = triggerWebhook(provider, credentialSecret('smartMaintenanceWebhookApi'));

	execute = triggerExecute(provider);
}
