import type { ICredentialType, INodeProperties } from 'n8n-workflow';

export class SmartMaintenanceWebhookApi implements ICredentialType {
	name = 'smartMaintenanceWebhookApi';

	displayName = 'SmartMaintenance Webhook API';

	icon = {
		light: 'file:../icons/smartmaintenance.svg',
		dark: 'file:../icons/smartmaintenance.dark.svg',
	} as const;

	documentationUrl =
		'https://github.com/smart-webhooks/n8n-nodes-smart-webhooks/blob/main/docs/providers/smartmaintenance.md';

	properties: INodeProperties[] = [
		{
			displayName:
				'Fill in the Secret, a header (Header Name and Header Value), or both, as set on the webhook in SmartMaintenance (Configuration → Webhooks). With neither, the trigger accepts unsigned deliveries from anyone who knows its URL.',
			name: 'nothingSetNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { secret: [''], headerName: [''] } },
		},
		{
			displayName: 'Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'The Secret you typed in SmartMaintenance (Configuration → Webhooks → your webhook → Secret). Optional there, but without it (or the header below) deliveries are unsigned and anyone who knows the URL can start the workflow.',
			hint: 'The Secret you typed on the webhook in SmartMaintenance (Configuration → Webhooks); optional',
		},
		{
			displayName: 'Header Name',
			name: 'headerName',
			type: 'string',
			default: '',
			placeholder: 'e.g. Authorization',
			description:
				'A header SmartMaintenance must send with every delivery: the name of the one you added under Headers on its webhook form. Deliveries without it, or with another value, are refused (401). Works with or without the Secret; leave empty for none.',
			hint: 'A header you added under Headers (optional) on the same webhook form; empty for none',
		},
		{
			displayName: 'Header Value',
			name: 'headerSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'e.g. Bearer 7f3c…',
			description:
				'That header’s value, exactly as typed in SmartMaintenance (for Authorization: the whole value, e.g. Bearer followed by a long random token)',
			hint: 'Its value, as typed on the webhook form',
			displayOptions: { hide: { headerName: [''] } },
		},
	];
}
