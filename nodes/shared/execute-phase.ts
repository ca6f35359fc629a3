import {
	NodeOperationError,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
} from 'n8n-workflow';
import { claimDelivery, DEFAULT_RETRY_MEMORY, THIS_PROCESS } from './copies';
import { DELIVERY_FIELD, type DeliveryNote } from './delivery-note';
import type { TriggerSettings } from './settings';
import { triggerId } from './trigger-id';

/**
 * What the editor shows for a delivery refused while it listens: the execution fails with this error on the trigger.
 * n8n reports a node's error to its log itself (its error reporter, at error level, when no Sentry DSN is set),
 * walking the error's `cause` chain: a NodeOperationError made from a string has an OperationalError of the same
 * message as its cause, so each refusal was logged twice more. Without the cause n8n logs it once, and the refusal's
 * own warn line (refuse()) stays the one that says workflow, node and sender.
 */
function refusalError(
	node: INode,
	refused: { status: number; reason: string },
): NodeOperationError {
	const error = new NodeOperationError(
		node,
		`Delivery refused (${refused.status}): ${refused.reason}`,
		{
			description: `The sender was answered ${refused.status} and nothing else ran. See Troubleshooting in the package README.`,
		},
	);
	error.cause = undefined;
	return error;
}

/**
 * The execution side of every trigger: n8n calls it with the webhook phase's items, inside the process that runs the
 * execution (the worker in queue mode). A delivery whose id or body was already recorded in n8n's database emits no
 * item, so the workflow's nodes run once per delivery across every n8n process and restart. A delivery is recorded
 * once its execution has started (queue mode), or as the webhook phase hands it to n8n in the process that runs it
 * (regular mode, copies/ahead.ts); either way one whose execution n8n did not start runs when the provider retries it.
 */
export async function emitOnce(
	this: IExecuteFunctions,
	provider: { displayName: string },
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const settings = this.getNodeParameter('settings', 0, {}) as TriggerSettings;
	const node = this.getNode();
	const out: INodeExecutionData[] = [];
	for (let index = 0; index < items.length; index++) {
		const note = items[index][DELIVERY_FIELD] as DeliveryNote | undefined;
		if (note?.refused) throw refusalError(node, note.refused);
		const fresh =
			this.getMode() === 'manual' || settings.deduplicate === false || !note?.keys?.length
				? true
				: await isFirstRun.call(this, provider, { ...note, keys: note.keys }, settings);
		if (fresh) out.push({ json: items[index].json, pairedItem: { item: index } });
	}
	return [out];
}

/** n8n 2.x gives every node the execution's custom data; 1.x only to expressions (and so to the Code node). */
type WithCustomData = { customData?: { set(key: string, value: string): void } };

/**
 * Whether n8n may run this execution again from the trigger: n8n 1.x re-runs a queue-mode job whose worker stalled
 * (QUEUE_WORKER_MAX_STALLED_COUNT, 1 by default), 2.x fails it. n8n tells a node neither its version nor its mode; 2.x
 * is the line that gives every node the execution's custom data, so a context without it is taken for 1.x.
 */
function mayRunAgain(context: IExecuteFunctions): boolean {
	return !('customData' in context);
}

/** Whether this delivery runs for the first time: one store call decides (see ./copies). */
async function isFirstRun(
	this: IExecuteFunctions,
	provider: { displayName: string },
	note: DeliveryNote & { keys: string[] },
	settings: TriggerSettings,
): Promise<boolean> {
	const helpers = this.helpers;
	if (typeof helpers.checkProcessedAndRecord !== 'function') {
		this.logger.warn(
			`${provider.displayName} Trigger: this n8n has no processed-data store; copies of a delivery are not recognised`,
		);
		return true;
	}
	const workflow = this.getWorkflow();
	const node = this.getNode();
	const logger = this.logger;
	let outcome;
	try {
		outcome = await claimDelivery({
			trigger: triggerId(workflow, node),
			keys: note.keys,
			rerunnable: mayRunAgain(this) ? { executionId: this.getExecutionId() } : undefined,
			record: async (batch, maxEntries) =>
				await helpers.checkProcessedAndRecord(batch, 'node', { mode: 'entries', maxEntries }),
			retryMemory: Math.max(1, Math.floor(settings.retryMemory ?? DEFAULT_RETRY_MEMORY)),
			sameProcess: note.via === THIS_PROCESS,
			ticket: note.ticket,
			warn: (message) =>
				logger.warn(`${provider.displayName} Trigger: ${message}`, {
					workflowId: workflow.id,
					node: node.name,
				}),
		});
	} catch (error) {
		// Losing a delivery is worse than running a copy: run it, and say so.
		this.logger.warn(
			`${provider.displayName} Trigger: could not check or keep the record of this delivery in n8n's database; running it`,
			{ error: (error as Error).message },
		);
		return true;
	}
	if (!outcome.fresh) {
		try {
			(this as WithCustomData).customData?.set('duplicateOf', outcome.copyOf);
		} catch {
			// Custom data is a label for the executions list; an execution without it is still right.
		}
		return false;
	}
	return true;
}

/** A trigger's `execute` as a class property: n8n calls it, inside the execution, with the webhook phase's items. */
export function triggerExecute(provider: { displayName: string }) {
	return async function (this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await emitOnce.call(this, provider);
	};
}
