import type { ICredentialType } from 'n8n-workflow';
import { secretField } from './secret-field';

export class SmpWebhookApi implements ICredentialType {
	name = 'smpWebhookApi';

	displayName = 'SMP Webhook API';

	icon = { light: 'file:../icons/smp.svg', dark: 'file:../icons/smp.dark.svg' } as const;

	documentationUrl =
		'https://github.com/smart-webhooks/n8n-nodes-smart-webhooks/blob/main/docs/providers/smp.md';

	properties = secretField({
		displayName: 'Signing Secret',
		description:
			'The secret generated in the SMP admin portal when you create the webhook (Organisation settings → Webhooks → New webhook → Generate a signing secret)',
		hint: 'From the SMP admin portal: Organisation settings → Webhooks → your webhook → Generate a signing secret',
	});
}
