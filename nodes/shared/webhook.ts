import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { dedupeStoreFor, receive, toOutputItem, type ProviderDefinition, type ReceiveOptions } from '../../src';

interface TriggerOptions {
	deduplicate?: boolean;
	dedupeHours?: number;
	ignoreTestEvents?: boolean;
	includeMetadata?: boolean;
	toleranceSeconds?: number;
}

function splitNames(value: unknown): string[] {
	return typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

/** The event names the user selected: the multi-select plus any typed names. */
export function selectedEvents(this: { getNodeParameter(name: string, fallback?: unknown): unknown }): string[] {
	const picked = this.getNodeParameter('events', []);
	return [
		...(Array.isArray(picked) ? picked.filter((e): e is string => typeof e === 'string') : []),
		...splitNames(this.getNodeParameter('otherEvents', '')),
		...splitNames(this.getNodeParameter('eventNames', '')),
	];
}

/** Answers with a status and a short reason, and tells n8n not to answer or run anything itself. */
function answer(this: IWebhookFunctions, status: number, reason: string): IWebhookResponseData {
	this.getResponseObject().status(status).json({ error: reason });
	return { noWebhookResponse: true };
}

/**
 * The one webhook handler every trigger uses: hands the raw request to the core pipeline and turns its decision
 * into n8n's answer. `secrets` returns the secret(s) to verify with, from the credential or the node's static data.
 */
export async function handleWebhook(
	this: IWebhookFunctions,
	provider: ProviderDefinition,
	secrets: (this: IWebhookFunctions) => Promise<string[]>,
	extra: Partial<ReceiveOptions> = {},
): Promise<IWebhookResponseData> {
	const request = this.getRequestObject();
	let secretList: string[];
	try {
		secretList = await secrets.call(this);
	} catch (error) {
		this.logger.error(`${provider.displayName} Trigger: could not load its credential`, { error: (error as Error).message });
		return answer.call(this, 500, 'trigger credential could not be loaded');
	}
	const options = this.getNodeParameter('options', {}) as TriggerOptions;
	const workflow = this.getWorkflow();
	const node = this.getNode();
	const receivedAt = new Date();
	const result = receive(
		provider.id,
		{ headers: request.headers, query: request.query as Record<string, unknown>, rawBody: request.rawBody },
		{
			secret: secretList,
			events: selectedEvents.call(this),
			toleranceSeconds: options.toleranceSeconds,
			ignoreTestEvents: options.ignoreTestEvents === true,
			now: receivedAt,
			dedupe:
				options.deduplicate === false
					? false
					: dedupeStoreFor(`${workflow.id ?? 'unsaved'}:${node.id ?? node.name}`, { ttlSeconds: (options.dedupeHours ?? 24) * 3600 }),
			...extra,
		},
	);
	if (result.status !== 200) {
		this.logger.debug(`${provider.displayName} Trigger refused a delivery (${result.status}): ${result.reason}`);
		return answer.call(this, result.status, result.reason ?? 'refused');
	}
	const item = toOutputItem(provider.id, result, { includeMetadata: options.includeMetadata === true, receivedAt });
	if (!item) return { webhookResponse: { received: true, ignored: result.reason } };
	return { workflowData: [this.helpers.returnJsonArray(item as IDataObject)] };
}
