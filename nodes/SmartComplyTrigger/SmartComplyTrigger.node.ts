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
} from '../../src';
import { EVENTS_SUBTITLE, TRIGGER_WEBHOOKS, triggerProperties } from '../shared/description';
import { handleWebhook, selectedEvents } from '../shared/webhook';
import { smartComplyClient } from './client';

const provider = providers.smartComply;

/** With no event selected, every documented non-test event is subscribed (SmartComply sends test events regardless). */
function eventsToRegister(this: IHookFunctions): string[] {
	const chosen = selectedEvents.call(this);
	return chosen.length > 0 ? chosen : (provider.events ?? []).filter((e) => !e.test).map((e) => e.name);
}

function isAutomatic(this: IHookFunctions | IWebhookFunctions): boolean {
	return this.getNodeParameter('registration', 'api') === 'api';
}

function toNodeError(this: IHookFunctions, error: unknown, doing: string): NodeOperationError {
	if (error instanceof SmartComplyApiError) {
		return new NodeOperationError(this.getNode(), `Could not ${doing}: ${error.message}`, {
			description:
				error.code === 'unauthorized'
					? 'Open the SmartComply credential and paste a valid API key (it starts with sc_live_).'
					: 'The SmartComply API base URL is in the SmartComply credential.',
		});
	}
	return new NodeOperationError(this.getNode(), `Could not ${doing}: ${(error as Error).message}`);
}

export class SmartComplyTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'SmartComply Trigger',
		name: 'smartComplyTrigger',
		icon: { light: 'file:../../icons/smartcomply.svg', dark: 'file:../../icons/smartcomply.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: EVENTS_SUBTITLE,
		description: 'Starts the workflow when SmartComply sends a signed webhook event; registers the endpoint for you',
		defaults: { name: 'SmartComply Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'smartComplyApi', required: true }],
		webhooks: TRIGGER_WEBHOOKS,
		properties: triggerProperties(provider, {
			leading: [
				{
					displayName: 'Registration',
					name: 'registration',
					type: 'options',
					default: 'api',
					options: [
						{
							name: 'Automatic (SmartComply API)',
							value: 'api',
							description: 'Activating the workflow creates the endpoint through the API and keeps its signing secret; deactivating removes it',
						},
						{
							name: 'Endpoint Made in the SmartComply Dashboard',
							value: 'manual',
							description: 'You create the endpoint yourself and paste its signing secret into the credential',
						},
					],
				},
				{
					displayName:
						'When this workflow is activated, or while the editor waits for a test event, the trigger creates its own endpoint in SmartComply for the selected events (a test endpoint for the Test URL, a separate one for the Production URL), and stores the signing secret SmartComply returns. Deactivating removes the endpoint. Nothing to copy by hand.',
					name: 'apiNotice',
					type: 'notice',
					default: '',
					displayOptions: { show: { registration: ['api'] } },
				},
				{
					displayName:
						'Register the endpoint in SmartComply:<ul><li>Open Settings → Webhooks → Add endpoint.</li><li>Paste the Production URL from Webhook URLs at the top of this panel (HTTPS).</li><li>Select the events (they should match the Events below).</li><li>Copy the signing secret (whsec_…, shown only once) into the Signing Secret (Dashboard Endpoints Only) field of the SmartComply credential.</li><li>Click Send test event on the endpoint page to check the wiring.</li></ul>',
					name: 'manualNotice',
					type: 'notice',
					default: '',
					displayOptions: { show: { registration: ['manual'] } },
				},
			],
		}),
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				if (!isAutomatic.call(this)) return true;
				const state = this.getWorkflowStaticData('node') as RegistrationState;
				try {
					return await endpointIsCurrent(await smartComplyClient(this), state, this.getNodeWebhookUrl('default') as string, eventsToRegister.call(this));
				} catch (error) {
					throw toNodeError.call(this, error, 'check the SmartComply webhook endpoint');
				}
			},
			async create(this: IHookFunctions): Promise<boolean> {
				if (!isAutomatic.call(this)) return true;
				const webhookUrl = this.getNodeWebhookUrl('default') as string;
				const test = webhookUrl.includes('/webhook-test/');
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
					delete data.signingSecret;
					Object.assign(data, state, { sealedSecret: sealSecret(signingSecret ?? '', String(apiKey ?? ''), state.endpointId ?? '') });
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
				delete data.signingSecret;
				delete data.sealedSecret;
				delete data.webhookUrl;
				delete data.events;
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return handleWebhook.call(this, provider, async function () {
			if (isAutomatic.call(this)) {
				const state = this.getWorkflowStaticData('node') as RegistrationState;
				if (!state.sealedSecret) return state.signingSecret ? [state.signingSecret] : []; // none yet, or kept in clear by 0.x
				const { apiKey } = await this.getCredentials('smartComplyApi');
				const secret = openSealedSecret(state.sealedSecret, String(apiKey ?? ''), state.endpointId ?? '');
				if (secret === undefined) {
					throw new NodeOperationError(this.getNode(), 'The stored SmartComply signing secret does not open with this credential\'s API key', {
						description: 'Was the API key replaced? Deactivate and activate the workflow again to register a new endpoint.',
					});
				}
				return [secret];
			}
			const credential = await this.getCredentials('smartComplyApi');
			return typeof credential.signingSecret === 'string' ? [credential.signingSecret] : [];
		});
	}
}
