import { NodeConnectionTypes, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { providers } from '../../src/internal';
import {
	EVENTS_SUBTITLE,
	TRIGGER_PANEL,
	TRIGGER_WEBHOOKS,
	triggerProperties,
} from '../shared/description';
import { localSecretTest, manualWebhookMethods } from '../shared/hooks';
import { triggerExecute } from '../shared/execute-phase';
import { credentialSecret } from '../shared/secrets';
import { triggerWebhook } from '../shared/webhook-phase';

const provider = providers.smarterMeasure;

export class SmarterMeasureTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'SmarterMeasure Trigger',
		name: 'smarterMeasureTrigger',
		icon: {
			light: 'file:../../icons/smartermeasure.svg',
			dark: 'file:../../icons/smartermeasure.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle: EVENTS_SUBTITLE,
		description: 'Starts the workflow when SmarterMeasure sends a webhook event (JSON or XML)',
		defaults: { name: 'SmarterMeasure Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'smarterMeasureWebhookApi', required: true, testedBy: 'smarterMeasureKey' },
		],
		webhooks: TRIGGER_WEBHOOKS,
		triggerPanel: TRIGGER_PANEL,
		properties: triggerProperties(provider),
	};

	methods = { credentialTest: { smarterMeasureKey: localSecretTest('verification key') } };

	webhookMethods = manualWebhookMethods(provider);

	webhook = triggerWebhook(provider, credentialSecret('smarterMeasureWebhookApi'));

	execute = triggerExecute(provider);
}
