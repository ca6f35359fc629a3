import type { ICredentialType, INodeProperties } from 'n8n-workflow';

export class SmpWebhookApi implements ICredentialType {
	name = 'smpWebhookApi';

	displayName = 'SMP Webhook API';

	icon = { light: 'file:../icons/smp.svg', dark: 'file:../icons/smp.dark.svg' } as const;

	documentationUrl =
		'https://github.com/smart-webhooks/n8n-nodes-smart-webhooks/blob/main/docs/providers/smp.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Signing Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'The secret generated in the SMP admin portal when you create the webhook (Organisation settings → Webhooks → New webhook → Generate a signing secret)',
			hint: 'From the SMP admin portal: Organisation settings → Webhooks → your webhook → Generate a signing secret',
		},
	];
}
