import { NodeConnectionTypes, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { providers } from '../../src/internal';
import {
	EVENTS_SUBTITLE,
	TRIGGER_PANEL,
	TRIGGER_WEBHOOKS,
	triggerProperties,
} from '../shared/description';
import { manualWebhookMethods } from '../shared/hooks';
import { triggerExecute } from '../shared/execute-phase';
import { triggerWebhook } from '../shared/webhook-phase';
import { smartMaintenanceCredentialTest, smartMaintenanceKeys } from './credential';

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
		triggerPanel: TRIGGER_PANEL,
		properties: triggerProperties(provider),
	};

	methods = { credentialTest: { smartMaintenanceSecret: smartMaintenanceCredentialTest } };

	webhookMethods = manualWebhookMethods(provider);

	webhook = triggerWebhook(provider, smartMaintenanceKeys);

	execute = triggerExecute(provider);
}
