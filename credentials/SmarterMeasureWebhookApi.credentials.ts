import type { ICredentialType } from 'n8n-workflow';
import { secretField } from './secret-field';

export class SmarterMeasureWebhookApi implements ICredentialType {
	name = 'smarterMeasureWebhookApi';

	displayName = 'SmarterMeasure Webhook API';

	icon = {
		light: 'file:../icons/smartermeasure.svg',
		dark: 'file:../icons/smartermeasure.dark.svg',
	} as const;

	documentationUrl =
		'https://github.com/smart-webhooks/n8n-nodes-smart-webhooks/blob/main/docs/providers/smartermeasure.md';

	properties = secretField({
		displayName: 'Verification Key',
		description:
			'The key SmarterMeasure assigns when it provisions your webhooks (ask developers@smartermeasure.com). It arrives in the X-SmarterMeasure-Verification-Key header or the VerificationKey query parameter.',
		hint: 'SmarterMeasure has no dashboard for this: its team gives you the key when it sets up your webhooks (developers@smartermeasure.com)',
	});
}
