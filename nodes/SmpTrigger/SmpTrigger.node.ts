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

const provider = providers.smp;

export class SmpTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'SMP Trigger',
		name: 'smpTrigger',
		icon: { light: 'file:../../icons/smp.svg', dark: 'file:../../icons/smp.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: EVENTS_SUBTITLE,
		description: 'Starts the workflow when SMP sends a signed webhook event',
		defaults: { name: 'SMP Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'smpWebhookApi', required: true, testedBy: 'smpSecret' }],
		webhooks: TRIGGER_WEBHOOKS,
		triggerPanel: TRIGGER_PANEL,
		properties: triggerProperties(provider),
	};

	methods = { credentialTest: { smpSecret: localSecretTest('signing secret') } };

	webhookMethods = manualWebhookMethods(provider);

	webhook = triggerWebhook(provider, credentialSecret('smpWebhookApi'));

	execute = triggerExecute(provider);
}
