import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import type { ProviderDefinition, Registration } from '../../src/internal';
import { list, notice } from './notice';

// How to register the webhook with the provider, as the panel says it: by hand, by e-mail or through its API.

/** For a key the provider may send in a header or a query parameter: where it will be, which decides what to ask for. */
function keyLocationProperty(provider: ProviderDefinition): INodeProperties[] {
	const { header, queryParameter } = provider.scheme;
	if (queryParameter === undefined) return [];
	// Options named after the provider's own header and parameter: built apart, as n8n's lint reads only literal names.
	const locations: INodePropertyOptions[] = [
		{ name: `Header (${header})`, value: 'header' },
		{ name: `URL Query Parameter (${queryParameter})`, value: 'query' },
	];
	return [
		{
			displayName: 'Verification Key Sent In',
			name: 'keyLocation',
			type: 'options',
			default: 'header',
			description: `Where ${provider.displayName} puts the verification key; either is accepted, this only changes what to ask them for`,
			options: locations,
		},
	];
}

/** What to e-mail the provider, with the URL as the key location needs it. */
function emailNotice(
	provider: ProviderDefinition,
	{ address, include, reply, httpsNote }: Extract<Registration, { kind: 'email' }>,
	location: 'header' | 'query',
): string {
	const { header, queryParameter } = provider.scheme;
	const name = provider.displayName;
	const url =
		'The URL: the Production URL from Webhook URLs at the top of this panel' +
		(location === 'query'
			? `, followed by ?${queryParameter}={${queryParameter}} exactly as written (e.g. https://n8n.example.com/webhook/…/webhook?${queryParameter}={${queryParameter}}); ${name} replaces {${queryParameter}} with your key on every call.`
			: ` as it is; ${name} sends your key in the ${header} header.`);
	return `${name} sets up webhooks by e-mail only. Write to <a href="mailto:${address}">${address}</a> and send:${list([url, ...include])}${reply} ${httpsNote}`;
}

/** The panel text that tells a user how to register the webhook with the provider, from its registration alone. */
export function setupNotice(provider: ProviderDefinition): INodeProperties[] {
	const registration = provider.registration;
	const name = provider.displayName;
	if (registration.kind === 'manual') {
		return [
			notice(
				'setupNotice',
				`Register this webhook in ${name} by hand, with the Production URL from Webhook URLs at the top of this panel ` +
					`(the Test URL only answers while the editor waits for a test event):${list(registration.steps)}`,
			),
			notice(
				'httpsNotice',
				registration.httpsRequired
					? `HTTPS required: ${registration.httpsNote}`
					: registration.httpsNote,
			),
		];
	}
	if (registration.kind === 'email') {
		if (provider.scheme.queryParameter === undefined)
			return [notice('contactNotice', emailNotice(provider, registration, 'header'))];
		return [
			...keyLocationProperty(provider),
			notice('contactHeader', emailNotice(provider, registration, 'header'), {
				keyLocation: ['header'],
			}),
			notice('contactQuery', emailNotice(provider, registration, 'query'), {
				keyLocation: ['query'],
			}),
		];
	}
	const modes: INodePropertyOptions[] = [
		{
			name: `Automatic (${name} API)`,
			value: 'api',
			description:
				'Activating the workflow creates the endpoint through the API and keeps its signing secret; deactivating removes it',
		},
		{
			name: `Endpoint Made in the ${name} Dashboard`,
			value: 'manual',
			description:
				'You create the endpoint yourself and paste its signing secret into the credential',
		},
	];
	return [
		{
			displayName: 'Registration',
			name: 'registration',
			type: 'options',
			default: 'api',
			options: modes,
		},
		notice(
			'apiNotice',
			`When this workflow is activated, or while the editor waits for a test event, the trigger creates its own endpoint in ${name} for the selected events (a test endpoint for the Test URL, a separate one for the Production URL), and stores the signing secret ${name} returns. Deactivating removes the endpoint. Nothing to copy by hand.`,
			{ registration: ['api'] },
		),
		notice(
			'manualNotice',
			`Register the endpoint in ${name}:${list(registration.dashboardSteps)}`,
			{
				registration: ['manual'],
			},
		),
	];
}
