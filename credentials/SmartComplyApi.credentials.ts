import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class SmartComplyApi implements ICredentialType {
	name = 'smartComplyApi';

	displayName = 'SmartComply API';

	icon = {
		light: 'file:../icons/smartcomply.svg',
		dark: 'file:../icons/smartcomply.dark.svg',
	} as const;

	documentationUrl =
		'https://github.com/smart-webhooks/n8n-nodes-smart-webhooks/blob/main/docs/providers/smartcomply.md';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'sc_live_…',
			description:
				'Your SmartComply API key (sc_live_…). Used to create and remove the webhook endpoint.',
			hint: 'From your SmartComply account (starts with sc_live_)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://app.smartcomply.app/api/v1',
			description: 'Change only for a self-hosted or regional SmartComply instance',
		},
		{
			displayName: 'Signing Secret (Dashboard Endpoints Only)',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'whsec_…',
			description:
				'Only when the trigger’s Registration is "Endpoint Made in the SmartComply Dashboard": the signing secret SmartComply showed once when the endpoint was created. Automatic registration keeps its own secret.',
			hint: 'Only for an endpoint made under Settings → Webhooks → Add endpoint: the whsec_… secret shown once there',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.apiKey}}' } },
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/webhooks/endpoints',
			method: 'GET',
			// n8n follows redirects and re-sends the Authorization header wherever they point: the key stays with the
			// Base URL, and a redirect fails the test (rules below). The timeout bounds a silent API.
			disableFollowRedirect: true,
			timeout: 10_000,
		},
		rules: [301, 302, 303, 307, 308].map((value) => ({
			type: 'responseCode' as const,
			properties: {
				value,
				message: `The Base URL answered with a redirect (${value}), which is not followed so the API key is sent only to the Base URL: enter the address the SmartComply API really answers at`,
			},
		})),
	};
}
