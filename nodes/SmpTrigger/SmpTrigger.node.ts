import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type IWebhookFunctions,
	type IWebhookResponseData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { providers } from '../../src';
import { EVENTS_SUBTITLE, TRIGGER_WEBHOOKS, triggerProperties } from '../shared/description';
import { localSecretTest, manualWebhookMethods } from '../shared/hooks';
import { credentialSecret, emitOnce, handleWebhook } from '../shared/webhook';

const provider = providers.smp;

export class SmpTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'SMP Trigger',
		name: 'smpTrigger',
		icon: { light: 'file:smp.svg', dark: 'file:smp.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: EVENTS_SUBTITLE,
		description: 'Starts the workflow when SMP sends a signed webhook event',
		defaults: { name: 'SMP Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'smpWebhookApi', required: true, testedBy: 'smpSecret' }],
		webhooks: TRIGGER_WEBHOOKS,
		properties: triggerProperties(provider),
	};

	methods = { credentialTest: { smpSecret: localSecretTest('signing secret') } };

	webhookMethods = manualWebhookMethods(provider);

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleWebhook.call(this, provider, credentialSecret('smpWebhookApi'));
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await emitOnce.call(this, provider);
	}
}
