import { NodeConnectionTypes, type IWebhookFunctions, type IWebhookResponseData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { providers } from '../../src';
import { SMARTERMEASURE_CONTACT, SMARTERMEASURE_KEY_HEADER, SMARTERMEASURE_KEY_QUERY } from '../../src/providers/smarterMeasure';
import { EVENTS_SUBTITLE, TRIGGER_WEBHOOKS, triggerProperties } from '../shared/description';
import { localSecretTest, manualWebhookMethods } from '../shared/hooks';
import { handleWebhook } from '../shared/webhook';

const provider = providers.smarterMeasure;

const contactLines = (method: 'header' | 'query') =>
	`<b>SmarterMeasure sets up webhooks by e-mail only.</b> Write to <a href="mailto:${SMARTERMEASURE_CONTACT}">${SMARTERMEASURE_CONTACT}</a> and send:<br>` +
	`1. The URL: the <b>Production URL</b> from <i>Webhook URLs</i> at the top of this panel` +
	(method === 'query'
		? `, followed by <code>?${SMARTERMEASURE_KEY_QUERY}={VerificationKey}</code> exactly as written (e.g. <code>https://n8n.example.com/webhook/…/webhook?${SMARTERMEASURE_KEY_QUERY}={VerificationKey}</code>); SmarterMeasure replaces <code>{VerificationKey}</code> with your key on every call.<br>`
		: ` as it is; SmarterMeasure sends your key in the <code>${SMARTERMEASURE_KEY_HEADER}</code> header.<br>`) +
	`2. The events you want (e.g. assessment completion; the names in the Events field below must match the names they send).<br>` +
	`3. The format you prefer: JSON or XML (this trigger reads both).<br>` +
	`They reply with the verification key: paste it into this node’s SmarterMeasure credential. HTTP and HTTPS both work, but use HTTPS: the key travels with every request.`;

export class SmarterMeasureTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'SmarterMeasure Trigger',
		name: 'smarterMeasureTrigger',
		icon: { light: 'file:smartermeasure.svg', dark: 'file:smartermeasure.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: EVENTS_SUBTITLE,
		description: 'Starts the workflow when SmarterMeasure sends a webhook event (JSON or XML)',
		defaults: { name: 'SmarterMeasure Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'smarterMeasureWebhookApi', required: true, testedBy: 'smarterMeasureKey' }],
		webhooks: TRIGGER_WEBHOOKS,
		properties: triggerProperties(provider, {
			leading: [
				{
					displayName: 'Verification Key Sent In',
					name: 'keyLocation',
					type: 'options',
					default: 'header',
					description: 'Where SmarterMeasure puts the verification key; either is accepted, this only changes what to ask them for',
					options: [
						{ name: 'Header (X-SmarterMeasure-Verification-Key)', value: 'header' },
						{ name: 'URL Query Parameter (VerificationKey)', value: 'query' },
					],
				},
				{ displayName: contactLines('header'), name: 'contactHeader', type: 'notice', default: '', displayOptions: { show: { keyLocation: ['header'] } } },
				{ displayName: contactLines('query'), name: 'contactQuery', type: 'notice', default: '', displayOptions: { show: { keyLocation: ['query'] } } },
			],
			trailing: [
				{
					displayName: 'Payload Format',
					name: 'format',
					type: 'options',
					default: 'auto',
					options: [
						{ name: 'Automatic (From Content-Type)', value: 'auto' },
						{ name: 'JSON', value: 'json' },
						{ name: 'XML', value: 'xml' },
					],
					description: 'How to read the body; automatic uses the Content-Type header and falls back to looking at the body',
				},
			],
		}),
	};

	methods = { credentialTest: { smarterMeasureKey: localSecretTest('verification key', 'verificationKey') } };

	webhookMethods = manualWebhookMethods(provider);

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const format = this.getNodeParameter('format', 'auto') as 'auto' | 'json' | 'xml';
		return handleWebhook.call(
			this,
			provider,
			async function () {
				const credential = await this.getCredentials('smarterMeasureWebhookApi');
				return [credential.verificationKey as string];
			},
			{ format },
		);
	}
}
