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

const provider = providers.smartlyQ;

export class SmartlyQTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'SmartlyQ Trigger',
		name: 'smartlyQTrigger',
		icon: { light: 'file:../../icons/smartlyq.svg', dark: 'file:../../icons/smartlyq.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: EVENTS_SUBTITLE,
		description: 'Starts the workflow when SmartlyQ sends a signed webhook event',
		defaults: { name: 'SmartlyQ Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'smartlyQWebhookApi', required: true, testedBy: 'smartlyQSecret' }],
		webhooks: TRIGGER_WEBHOOKS,
		triggerPanel: TRIGGER_PANEL,
		properties: triggerProperties(provider),
	};

	methods = { credentialTest: { smartlyQSecret: localSecretTest('signing secret') } };

	webhookMethods = manualWebhookMethods(provider);

	webhook = triggerWebhook(provider, credentialSecret('smartlyQWebhookApi'));

	execute = triggerExecute(provider);
}
