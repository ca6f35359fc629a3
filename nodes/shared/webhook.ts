import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';
import {
	MAX_DEDUPE_KEYS,
	receive,
	toOutputItem,
	type ProviderDefinition,
	type ReceiveOptions,
	type ReceiveResult,
	type RequiredHeader,
} from '../../src';
import { EVENT_FILTER, offersFormatChoice } from './properties';
import {
	claimDelivery,
	DEFAULT_RETRY_MEMORY,
	ranHere,
	THIS_PROCESS,
	type RecordCall,
} from './copies';
import { describePlace, RefusalLog, type RefusalPlace } from './refusal-log';
import { SecretCache } from './secret-cache';
import { triggerId } from './trigger-id';

export { DEFAULT_RETRY_MEMORY };

/** The trigger's Options collection (parameter `settings`; see `properties.ts` for why it is not called `options`). */
export interface TriggerSettings {
	deduplicate?: boolean;
	retryMemory?: number;
	ignoreTestEvents?: boolean;
	includeMetadata?: boolean;
	toleranceSeconds?: number;
}

/**
 * What the webhook phase hands to `execute()` besides the payload, on the item but outside `json`, so the payload
 * stays exactly what the provider sent and n8n still serialises it with the execution (queue mode: to the worker).
 * `execute()` never passes it on.
 */
export const DELIVERY_FIELD = 'smartWebhooksDelivery';

interface DeliveryNote extends IDataObject {
	/** The delivery's duplicate keys (see ReceiveResult.dedupeKeys). */
	keys?: string[];
	/** The process whose webhook took it (copies' THIS_PROCESS). */
	via?: string;
	/** Only while the editor listens: a refused delivery, shown there as the trigger's error. */
	refused?: { status: number; reason: string };
}

/**
 * Returned (not thrown: n8n's lint allows only its own errors to be thrown) by a trigger's secret loader for a set-up
 * problem whose message is safe to answer and says what to do.
 */
export class SetupProblem {
	constructor(readonly message: string) {}
}

/** What a trigger verifies deliveries with: its secret(s) and, for SmartMaintenance, a header the sender must send. */
export interface TriggerKeys {
	secrets: string[];
	requiredHeader?: RequiredHeader;
}

/** Reads what the trigger verifies with, once per request at most (a bare list is the secrets alone). */
type SecretLoader = (this: IWebhookFunctions) => Promise<string[] | TriggerKeys | SetupProblem>;

function splitNames(value: unknown): string[] {
	return typeof value === 'string'
		? value
				.split(',')
				.map((s) => s.trim())
				.filter(Boolean)
		: [];
}

/** The event names the user selected: the multi-select plus any typed names. */
export function selectedEvents(this: {
	getNodeParameter(name: string, fallback?: unknown): unknown;
}): string[] {
	const picked = this.getNodeParameter('events', []);
	return [
		...(Array.isArray(picked) ? picked.filter((e): e is string => typeof e === 'string') : []),
		...splitNames(this.getNodeParameter('otherEvents', '')),
		// without a catalogue (properties.ts): the typed names count only when the user chose them over every event
		...(this.getNodeParameter('eventFilter', EVENT_FILTER.all) === EVENT_FILTER.named
			? splitNames(this.getNodeParameter('eventNames', ''))
			: []),
	];
}

const secretCache = new SecretCache<TriggerKeys>();
const refusals = new RefusalLog();

/** Answers with a status and a short reason, and tells n8n not to answer itself. */
function answer(this: IWebhookFunctions, status: number, reason: string): void {
	this.getResponseObject().status(status).json({ error: reason });
}

/**
 * n8n skips its own body parser for this trigger (the hidden `options.binaryData` parameter, properties.ts), so the
 * bytes are read here, exactly as received (after gzip), with n8n's own reader and size limit.
 */
async function rawBodyOf(
	request: ReturnType<IWebhookFunctions['getRequestObject']>,
): Promise<Buffer | undefined> {
	const reader = (request as { readRawBody?: () => Promise<void> }).readRawBody;
	if (request.rawBody === undefined && typeof reader === 'function') await reader.call(request);
	return request.rawBody;
}

/**
 * The one webhook handler every trigger uses: hands the raw request to the core pipeline and turns its decision
 * into n8n's answer. `loadSecrets` returns the secret(s) to verify with, from the credential or the node's static data;
 * `secretVersion` changes whenever that source changes (SmartComply: a new registration), so a kept secret is dropped.
 */
export async function handleWebhook(
	this: IWebhookFunctions,
	provider: ProviderDefinition,
	loadSecrets: SecretLoader,
	{ secretVersion }: { secretVersion?: string } = {},
): Promise<IWebhookResponseData> {
	const request = this.getRequestObject();
	const listening = this.getMode() === 'manual';
	const workflow = this.getWorkflow();
	const node = this.getNode();
	const settings = this.getNodeParameter('settings', {}) as TriggerSettings;
	const receivedAt = new Date();
	const format = offersFormatChoice(provider)
		? (this.getNodeParameter('format', 'auto') as ReceiveOptions['format'])
		: undefined;

	let rawBody: Buffer | undefined;
	try {
		rawBody = await rawBodyOf(request);
	} catch (error) {
		// n8n's reader refuses bodies over N8N_PAYLOAD_SIZE_MAX and aborted streams.
		return refuse.call(
			this,
			provider,
			400,
			`body could not be read: ${(error as Error).message}`,
			listening,
		);
	}

	// the secrets a trigger verifies with change with its credentials and, for SmartComply, its registration
	const scope = `${triggerId(workflow, node)}:${JSON.stringify(node.credentials ?? {})}:${secretVersion ?? ''}`;
	// Everything but the secret is read once: a failed check against a kept secret may verify a second time.
	const received = {
		headers: request.headers,
		query: request.query as Record<string, unknown>,
		rawBody: rawBody ?? Buffer.alloc(0),
	};
	const options: ReceiveOptions = {
		events: selectedEvents.call(this),
		toleranceSeconds: settings.toleranceSeconds,
		ignoreTestEvents: settings.ignoreTestEvents === true,
		listening,
		now: receivedAt,
		// Copies are recognised in execute(), in n8n's database, where every n8n process sees them.
		dedupe: false,
		format,
	};
	const verifyWith = (keys: TriggerKeys): ReceiveResult =>
		receive(provider.id, received, {
			...options,
			secret: keys.secrets,
			requiredHeader: keys.requiredHeader,
		});

	let result: ReceiveResult;
	try {
		const kept = secretCache.get(scope, receivedAt.getTime());
		const secrets = kept ?? (await loadFresh.call(this, scope, loadSecrets, receivedAt));
		if (secrets instanceof SetupProblem) return failSetup.call(this, provider, secrets.message);
		result = verifyWith(secrets);
		// A secret replaced in the credential shows up as a failed check against the kept one: read it again, but at
		// most once per interval, so a flood of forged requests cannot force a credential read each.
		if (kept && result.status === 401 && secretCache.mayRefresh(scope, receivedAt.getTime())) {
			const again = await loadFresh.call(this, scope, loadSecrets, receivedAt);
			if (again instanceof SetupProblem) return failSetup.call(this, provider, again.message);
			result = verifyWith(again);
		}
	} catch (error) {
		return failSetup.call(
			this,
			provider,
			'trigger credential could not be loaded',
			(error as Error).message,
		);
	}

	if (result.status !== 200)
		return refuse.call(this, provider, result.status, result.reason ?? 'refused', listening);
	const item = toOutputItem(provider.id, result, {
		includeMetadata: settings.includeMetadata === true,
		receivedAt,
	});
	if (!item) return { webhookResponse: { received: true, ignored: result.reason } };
	// A copy of a delivery this very process already ran (regular mode): no execution at all. Elsewhere (queue mode)
	// execute() decides, in n8n's database.
	if (
		!listening &&
		settings.deduplicate !== false &&
		ranHere(triggerId(workflow, node), result.dedupeKeys)
	)
		return { webhookResponse: { received: true, ignored: 'duplicate delivery' } };
	// Wrapped by hand: n8n's returnJsonArray() takes any object with a `json` key as already wrapped, so a payload's
	// own `json` (or `binary`) field would have replaced the item.
	const delivery: DeliveryNote = { keys: result.dedupeKeys, via: THIS_PROCESS };
	return { workflowData: [[{ json: item as IDataObject, [DELIVERY_FIELD]: delivery }]] };
}

/** Reads in progress per trigger: requests that find no kept secret at the same moment share one read. */
const reading = new Map<string, Promise<TriggerKeys | SetupProblem>>();

async function loadFresh(
	this: IWebhookFunctions,
	scope: string,
	loadSecrets: SecretLoader,
	at: Date,
): Promise<TriggerKeys | SetupProblem> {
	const inFlight = reading.get(scope);
	if (inFlight) return await inFlight;
	const read = (async () => {
		const loaded = await loadSecrets.call(this);
		if (loaded instanceof SetupProblem) return loaded;
		const keys = Array.isArray(loaded) ? { secrets: loaded } : loaded;
		secretCache.set(scope, keys, at.getTime());
		return keys;
	})();
	reading.set(scope, read);
	try {
		return await read;
	} finally {
		reading.delete(scope);
	}
}

/** Where this delivery went and came from, for the log line (see describePlace). */
function placeOf(this: IWebhookFunctions): RefusalPlace {
	const workflow = this.getWorkflow();
	const request = this.getRequestObject();
	return {
		workflowId: workflow.id,
		workflowName: workflow.name,
		nodeName: this.getNode().name,
		from: request.ip ?? request.socket?.remoteAddress,
	};
}

/** The rate limit of refusals and setup failures: per trigger (see RefusalLog). */
function admitLine(this: IWebhookFunctions) {
	return refusals.admit(triggerId(this.getWorkflow(), this.getNode()), Date.now());
}

/** A log line's metadata (n8n's JSON log output keeps it; its default console prints the line, which says it all). */
function logMetadata(place: RefusalPlace, suppressed: number): Record<string, unknown> {
	return {
		workflowId: place.workflowId,
		workflowName: place.workflowName,
		node: place.nodeName,
		remoteAddress: place.from,
		...(suppressed > 0 ? { refusalsNotLogged: suppressed } : {}),
	};
}

/**
 * The trigger cannot verify anything (its credential or registration needs the user): 500, and one error line that
 * says everything itself (workflow, node, sender, why), rate-limited like refusals; the same fields as metadata.
 */
function failSetup(
	this: IWebhookFunctions,
	provider: ProviderDefinition,
	reason: string,
	detail?: string,
): IWebhookResponseData {
	const place = placeOf.call(this);
	const line = admitLine.call(this);
	if (line.log) {
		const why = detail ? ` (${detail.replace(/\s+/g, ' ').slice(0, 200)})` : '';
		this.logger.error(
			`${provider.displayName} Trigger: ${reason}${why}; ${describePlace(place, line.suppressed)}`,
			{ ...logMetadata(place, line.suppressed), ...(detail ? { error: detail } : {}) },
		);
	}
	answer.call(this, 500, reason);
	return { noWebhookResponse: true };
}

/**
 * A refused delivery: the sender gets the status and reason; n8n's log gets one warn line that says everything itself
 * (n8n's default console output drops metadata): reason, workflow, node, sender's address; rate-limited per trigger,
 * never a secret or signature. While the editor listens, the delivery also shows there, as the trigger's error.
 */
function refuse(
	this: IWebhookFunctions,
	provider: ProviderDefinition,
	status: number,
	reason: string,
	listening: boolean,
): IWebhookResponseData {
	const place = placeOf.call(this);
	const line = admitLine.call(this);
	if (line.log) {
		this.logger.warn(
			`${provider.displayName} Trigger refused a delivery (${status}): ${reason}; ${describePlace(place, line.suppressed)}`,
			logMetadata(place, line.suppressed),
		);
	}
	answer.call(this, status, reason);
	if (!listening) return { noWebhookResponse: true };
	const delivery: DeliveryNote = { refused: { status, reason } };
	return { noWebhookResponse: true, workflowData: [[{ json: {}, [DELIVERY_FIELD]: delivery }]] };
}

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
 * item, so the workflow's nodes run once per delivery across every n8n process and restart; a delivery is recorded
 * only here, once its execution has started, so one whose execution never started runs when the provider retries it.
 */
export async function emitOnce(
	this: IExecuteFunctions,
	provider: ProviderDefinition,
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
				: await firstTime.call(this, provider, { ...note, keys: note.keys }, settings);
		if (fresh) out.push({ json: items[index].json, pairedItem: { item: index } });
	}
	return [out];
}

/** n8n 2.x gives every node the execution's custom data; 1.x only to expressions (and so to the Code node). */
type WithCustomData = { customData?: { set(key: string, value: string): void } };

/** Whether this delivery runs for the first time: one store call decides (see ./copies). */
async function firstTime(
	this: IExecuteFunctions,
	provider: ProviderDefinition,
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
	// n8n's store counts entries: a delivery records up to MAX_DEDUPE_KEYS keys (its id and its body's hash,
	// receive()'s dedupeKeys) and the claiming execution's marker, so a Retry Memory of N deliveries is N × that.
	const maxEntries =
		(MAX_DEDUPE_KEYS + 1) * Math.max(1, Math.floor(settings.retryMemory ?? DEFAULT_RETRY_MEMORY));
	const call: RecordCall = async (batch) =>
		await helpers.checkProcessedAndRecord(batch, 'node', { mode: 'entries', maxEntries });
	const workflow = this.getWorkflow();
	const node = this.getNode();
	const logger = this.logger;
	let outcome;
	try {
		outcome = await claimDelivery({
			trigger: triggerId(workflow, node),
			keys: note.keys,
			executionId: this.getExecutionId(),
			call,
			maxEntries,
			sameProcess: note.via === THIS_PROCESS,
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

/** The secret loader of a trigger whose secret is the credential's `secret` field (every credential names it so). */
export function credentialSecret(type: string) {
	return async function (this: IWebhookFunctions): Promise<string[]> {
		const { secret } = await this.getCredentials(type);
		return typeof secret === 'string' && secret !== '' ? [secret] : [];
	};
}

/** A trigger's `webhook` as a class property: n8n calls it with its webhook context as `this`. */
export function triggerWebhook(provider: ProviderDefinition, loadSecrets: SecretLoader) {
	return async function (this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleWebhook.call(this, provider, loadSecrets);
	};
}

/** A trigger's `execute` as a class property: n8n calls it, inside the execution, with the webhook phase's items. */
export function triggerExecute(provider: ProviderDefinition) {
	return async function (this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await emitOnce.call(this, provider);
	};
}
