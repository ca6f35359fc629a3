import type { ICredentialType, INodeProperties } from 'n8n-workflow';

export class SmartMaintenanceWebhookApi implements ICredentialType {
	name = 'smartMaintenanceWebhookApi';

	displayName = 'SmartMaintenance Webhook API';

	icon = {
		light: 'file:../icons/smartmaintenance.svg',
		dark: 'file:../icons/smartmaintenance.dark.svg',
	} as const;

	documentationUrl = 'https://github.com/smart-webhooks/n8n-nodes-smart-webhooks#smartmaintenance';

	properties: INodeProperties[] = [
		{
			displayName: 'Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'The Secret you typed in SmartMaintenance (Configuration → Webhooks → your webhook → Secret). Optional there, but without it deliveries are unsigned and anyone who knows the URL can start the workflow.',
		},
	];
}
