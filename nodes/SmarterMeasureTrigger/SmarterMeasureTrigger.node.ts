import { NodeConnectionTypes, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import {
	providers,
	SMARTERMEASURE_CONTACT,
	SMARTERMEASURE_KEY_HEADER,
	SMARTERMEASURE_KEY_QUERY,
} from '../../src';
import { EVENTS_SUBTITLE, TRIGGER_WEBHOOKS, triggerProperties } from '../shared/description';
import { localSecretTest, manualWebhookMethods } from '../shared/hooks';
import { credentialSecret, triggerExecute, triggerWebhook } from '../shared/webhook';

const provider = providers.smarterMeasure;

// Plain text and one list: n8n 2.x's notice keeps <a>, <ul> and <li> and strips every other tag.
const contactLines = (method: 'header' | 'query') =>
	`SmarterMeasure sets up webhooks by e-mail only. Write to <a href="mailto:${SMARTERMEASURE_CONTACT}">${SMARTERMEASURE_CONTACT}</a> and send:<ul>` +
	`<li>The URL: the Production URL from Webhook URLs at the top of this panel` +
	(method === 'query'
		? `, followed by ?${SMARTERMEASURE_KEY_QUERY}={VerificationKey} exactly as written (e.g. https://n8n.example.com/webhook/…/webhook?${SMARTERMEASURE_KEY_QUERY}={VerificationKey}); SmarterMeasure replaces {VerificationKey} with your key on every call.</li>`
		: ` as it is; SmarterMeasure sends your key in the ${SMARTERMEASURE_KEY_HEADER} header.</li>`) +
	`<li>The events you want (e.g. assessment completion); the names in the Events field below must match the names they send.</li>` +
	`<li>The format you prefer: JSON or XML (this trigger reads both).</li></ul>` +
	`They reply with the verification key: paste it into this node’s SmarterMeasure credential. HTTP and HTTPS both work, but use HTTPS: the key travels with every request.`;

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
		properties: triggerProperties(provider, {
			leading: [
				{
					displayName: 'Verification Key Sent In',
					name: 'keyLocation',
					type: 'options',
					default: 'header',
					description:
						'Where SmarterMeasure puts the verification key; either is accepted, this only changes what to ask them for',
					options: [
						{ name: 'Header (X-SmarterMeasure-Verification-Key)', value: 'header' },
						{ name: 'URL Query Parameter (VerificationKey)', value: 'query' },
					],
				},
				{
					displayName: contactLines('header'),
					name: 'contactHeader',
					type: 'notice',
					default: '',
					displayOptions: { show: { keyLocation: ['header'] } },
				},
				{
					displayName: contactLines('query'),
					name: 'contactQuery',
					type: 'notice',
					default: '',
					displayOptions: { show: { keyLocation: ['query'] } },
				},
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
					description:
						'How to read the body; automatic uses the Content-Type header and falls back to looking at the body',
				},
			],
		}),
	};

	methods = { credentialTest: { smarterMeasureKey: localSecretTest('verification key') } };

	webhookMethods = manualWebhookMethods(provider);

	webhook = triggerWebhook(provider, credentialSecret('smarterMeasureWebhookApi'), function () {
		return { format: this.getNodeParameter('format', 'auto') as 'auto' | 'json' | 'xml' };
	});

	execute = triggerExecute(provider);
}
