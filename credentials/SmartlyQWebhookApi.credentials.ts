import type { ICredentialType } from 'n8n-workflow';
import { secretField } from './secret-field';

export class SmartlyQWebhookApi implements ICredentialType {
	name = 'smartlyQWebhookApi';

	displayName = 'SmartlyQ Webhook API';

	icon = { light: 'file:../icons/smartlyq.svg', dark: 'file:../icons/smartlyq.dark.svg' } as const;

	documentationUrl =
		'https://github.com/smart-webhooks/n8n-nodes-smart-webhooks/blob/main/docs/providers/smartlyq.md';

	properties = secretField({
		displayName: 'Signing Secret',
		description:
			'The webhook secret shown once in the SmartlyQ Developer Dashboard (Webhooks tab) when you add the endpoint',
		hint: 'From the SmartlyQ Developer Dashboard → Webhooks tab: shown once, when you add the endpoint',
	});
}
