import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IHookFunctions,
	type IWebhookFunctions,
	type IWebhookResponseData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import {
	endpointIsCurrent,
	openSealedSecret,
	providers,
	registerEndpoint,
	sealSecret,
	SmartComplyApiError,
	unregisterEndpoint,
	type RegistrationState,
	type SmartComplyErrorCode,
} from '../../src/internal';
import {
	EVENTS_SUBTITLE,
	TRIGGER_PANEL,
	TRIGGER_WEBHOOKS,
	triggerProperties,
} from '../shared/description';
import { triggerExecute } from '../shared/execute-phase';
import { providerReceiver } from '../shared/receiver';
import { credentialSecret, SetupProblem, type TriggerKeys } from '../shared/secrets';
import { selectedEvents } from '../shared/settings';
import { handleWebhook } from '../shared/webhook-phase';
import { smartComplyClient } from './n8n-transport';

const provider = providers.smartComply;
const receiver = providerReceiver(provider);

/** With no event selected, every documented non-test event is subscribed (SmartComply sends test events regardless). */
function eventsToRegister(this: IHookFunctions): string[] {
	const chosen = selectedEvents.call(this);
	return chosen.length > 0
		? chosen
		: (provider.events ?? []).filter((e) => !e.test).map((e) => e.name);
}

function isAutomatic(this: IHookFunctions | IWebhookFunctions): boolean {
	return this.getNodeParameter('registration', 'api') === 'api';
}

/** What to do about each kind of SmartComply API failure, shown under the error in the editor. */
const HINTS: Record<SmartComplyErrorCode, string> = {
	unauthorized:
		'Open the SmartComply credential and paste a valid API key (it starts with sc_live_).',
	forbidden:
		'The API key is valid but may not manage webhook endpoints: use a key of an account with that permission.',
	not_found:
		'SmartComply has no such endpoint or path: check that the Base URL in the SmartComply credential ends in /api/v1.',
	rate_limited:
		'SmartComply asks for fewer requests: wait a minute and activate the workflow again.',
	server_error: 'SmartComply had a problem of its own: try again later.',
	rejected: 'SmartComply refused the request: its reason is in the message above.',
	timeout:
		'SmartComply did not answer in time: try again; if it keeps happening, check the Base URL and any proxy between n8n and SmartComply.',
	network:
		'n8n could not connect: check the Base URL in the SmartComply credential and the network (DNS, proxy, firewall).',
	invalid_response:
		'The Base URL may point at something other than the SmartComply API: check it in the SmartComply credential.',
	invalid_base_url:
		'Fix the Base URL in the SmartComply credential (for example https://app.smartcomply.app/api/v1).',
	redirected:
		'The trigger follows no redirect, so the API key never leaves the Base URL: put the address the API really answers at in the SmartComply credential, and check it is the SmartComply you trust.',
	too_large:
		'A SmartComply management answer is never that large: check that the Base URL in the SmartComply credential points at the SmartComply API.',
	invalid_endpoint_id:
		'SmartComply endpoint ids look like whe_… : the Base URL may point at something other than the SmartComply API; check it in the SmartComply credential.',
};

function toNodeError(this: IHookFunctions, error: unknown, doing: string): NodeOperationError {
	const description = error instanceof SmartComplyApiError ? HINTS[error.code] : undefined;
	// NodeOperationError keeps the original error (and its `cause` chain) for n8n's log and error details.
	const wrapped = new NodeOperationError(this.getNode(), error as Error, {
		message: `Could not ${doing}: ${(error as Error).message}`,
		description,
	});
	return wrapped;
}

/**
 * Whether this registration is for the editor's Test URL: n8n registers test webhooks in 'manual' mode (production
 * ones in 'trigger'/'webhook' mode), whatever the test path is called in n8n's configuration.
 */
function isTestRegistration(this: IHookFunctions): boolean {
	return this.getMode() === 'manual';
}

export class SmartComplyTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'SmartComply Trigger',
		name: 'smartComplyTrigger',
		icon: {
			light: 'file:../../icons/smartcomply.svg',
			dark: 'file:../../icons/smartcomply.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle: EVENTS_SUBTITLE,
		description:
			'Starts the workflow when SmartComply sends a signed webhook event; registers the endpoint for you',
		defaults: { name: 'SmartComply Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'smartComplyApi', required: true }],
		webhooks: TRIGGER_WEBHOOKS,
		triggerPanel: TRIGGER_PANEL,
		properties: triggerProperties(provider),
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				if (!isAutomatic.call(this)) return true;
				const state = this.getWorkflowStaticData('node') as RegistrationState;
				try {
					return await endpointIsCurrent(
						await smartComplyClient(this),
						state,
						this.getNodeWebhookUrl('default') as string,
						eventsToRegister.call(this),
					);
				} catch (error) {
					throw toNodeError.call(this, error, 'check the SmartComply webhook endpoint');
				}
			},
			async create(this: IHookFunctions): Promise<boolean> {
				if (!isAutomatic.call(this)) return true;
				const webhookUrl = this.getNodeWebhookUrl('default') as string;
				const test = isTestRegistration.call(this);
				const description = `n8n${test ? ' (test)' : ''}: ${this.getWorkflow().name ?? 'workflow'} → ${this.getNode().name}`;
				try {
					const data = this.getWorkflowStaticData('node') as RegistrationState & IDataObject;
					const { apiKey } = await this.getCredentials('smartComplyApi');
					const { signingSecret, ...state } = await registerEndpoint(
						await smartComplyClient(this),
						{ webhookUrl, events: eventsToRegister.call(this), description },
						data,
					);
					// Static data is stored and exported in clear (and n8n 1.x copies it into execution data): keep the secret sealed.
					Object.assign(data, state, {
						sealedSecret: sealSecret(
							signingSecret ?? '',
							String(apiKey ?? ''),
							state.endpointId ?? '',
						),
					});
				} catch (error) {
					throw toNodeError.call(this, error, 'register the webhook endpoint with SmartComply');
				}
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				if (!isAutomatic.call(this)) return true;
				const data = this.getWorkflowStaticData('node') as RegistrationState & IDataObject;
				try {
					await unregisterEndpoint(await smartComplyClient(this), data);
				} catch (error) {
					throw toNodeError.call(this, error, 'remove the webhook endpoint from SmartComply');
				}
				delete data.endpointId;
				delete data.sealedSecret;
				delete data.webhookUrl;
				delete data.events;
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		if (!isAutomatic.call(this)) {
			// a dashboard endpoint: its signing secret sits in the credential, as every hand-registered trigger's does
			return await handleWebhook.call(this, receiver, credentialSecret('smartComplyApi'));
		}
		const state = this.getWorkflowStaticData('node') as RegistrationState;
		return await handleWebhook.call(
			this,
			receiver,
			async function (this: IWebhookFunctions): Promise<TriggerKeys | SetupProblem> {
				// not registered (yet): answered "signing secret is not configured"
				if (!state.sealedSecret) return { secrets: [] };
				const { apiKey } = await this.getCredentials('smartComplyApi');
				const secret = openSealedSecret(
					state.sealedSecret,
					String(apiKey ?? ''),
					state.endpointId ?? '',
				);
				if (secret === undefined) {
					return new SetupProblem(
						'the SmartComply API key was changed after this workflow was activated; deactivate and activate the workflow once to register the endpoint again',
					);
				}
				return { secrets: [secret] };
			},
			// A new registration seals a new secret: the kept one is dropped at once.
			{ secretVersion: state.sealedSecret ?? '' },
		);
	}

	execute = triggerExecute(provider);
}
