// Typed test doubles of n8n's IWebhookFunctions and IHookFunctions (as n8n's own TriggerHelpers build them),
// with only what a trigger may use. The hook double's httpRequestWithAuthentication does real HTTP with fetch,
// adds the credential's bearer key the way the SmartComplyApi credential's `authenticate` block says, and honours
// returnFullResponse / ignoreHttpStatusErrors / timeout like n8n's request helper.
import type {
	ICheckProcessedOptions,
	ICredentialDataDecryptedObject,
	IDataObject,
	IDeduplicationOutput,
	IExecuteFunctions,
	IHookFunctions,
	INodeType,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
	IWorkflowMetadata,
	Logger,
} from 'n8n-workflow';
import { request as httpRequest } from 'node:http';
import { PassThrough } from 'node:stream';
import { expect } from 'vitest';
import type { smartComplyClient } from '../../nodes/SmartComplyTrigger/n8n-transport';

export type LogEntry = {
	level: 'error' | 'warn' | 'info' | 'debug';
	message: string;
	metadata?: unknown;
};

function recordingLogger(logs: LogEntry[]): Logger {
	const at = (level: LogEntry['level']) => (message: string, metadata?: unknown) =>
		void logs.push({ level, message, metadata });
	return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

let counter = 0;
/** A node and workflow with fresh ids, so every test gets its own dedupe scope. */
export function freshNode(type: string, name = 'Trigger') {
	const n = ++counter;
	const id = `node-${n}-${Math.random().toString(36).slice(2)}`;
	const node: INode = { id, name, type, typeVersion: 1, position: [0, 0], parameters: {} };
	const workflow: IWorkflowMetadata = { id: `wf-${n}`, name: `Workflow ${n}`, active: true };
	return { node, workflow };
}

function parameterGetter(parameters: Record<string, unknown>) {
	return (name: string, ...fallback: unknown[]): never => {
		if (Object.prototype.hasOwnProperty.call(parameters, name))
			return structuredClone(parameters[name]) as never;
		if (fallback.length > 0) return fallback[0] as never;
		throw new Error(`Could not get parameter "${name}"`);
	};
}

function credentialGetter(
	credentials: Record<string, ICredentialDataDecryptedObject | Error>,
	reads = { count: 0 },
) {
	return async <T extends object = ICredentialDataDecryptedObject>(type: string): Promise<T> => {
		reads.count++;
		const value = credentials[type];
		if (value instanceof Error) throw value;
		if (!value) throw new Error(`Node does not have any credentials set for "${type}"`);
		return { ...value } as T;
	};
}

/** A double of n8n's context type T: some of its members and helpers, each with n8n's own signature. */
type DoubleOf<T extends { helpers: object }> = Partial<Omit<T, 'helpers'>> & {
	helpers: Partial<T['helpers']>;
};

// ---------------------------------------------------------------- IWebhookFunctions

export interface WebhookDoubleOptions {
	request: { headers: Record<string, unknown>; query?: Record<string, unknown>; rawBody: Buffer };
	parameters?: Record<string, unknown>;
	credentials?: Record<string, ICredentialDataDecryptedObject | Error>;
	staticData?: IDataObject;
	node: INode;
	workflow: IWorkflowMetadata;
	webhookUrl?: string;
	/** n8n's execution mode: 'webhook' for a production delivery, 'manual' while the editor listens. */
	mode?: 'webhook' | 'manual';
}

export function webhookContext(options: WebhookDoubleOptions) {
	// `writes`: how many times an answer was written (must never exceed one)
	const response: { statusCode?: number; body?: unknown; writes: number } = { writes: 0 };
	const reads = { count: 0 };
	const logs: LogEntry[] = [];
	const staticData = options.staticData ?? {};
	const finished: Array<() => void> = [];
	const res = {
		statusCode: 200,
		status(code: number) {
			response.statusCode = code;
			res.statusCode = code;
			return res;
		},
		json: (body: unknown) => write(body),
		send: (body: unknown) => write(body),
		end: () => write(),
		once(event: string, listener: () => void) {
			if (event === 'finish') finished.push(listener);
			return res;
		},
	};
	function write(...body: unknown[]) {
		if (body.length > 0) response.body = body[0];
		response.writes++;
		for (const listener of finished.splice(0)) listener();
		return res;
	}
	/** n8n's own answer after webhook() returned (an accepted delivery: the node writes nothing itself). */
	const n8nAnswers = (code: number) => {
		res.statusCode = code;
		for (const listener of finished.splice(0)) listener();
	};
	const { headers, query = {}, rawBody } = options.request;
	const request = { headers, query, rawBody, body: {}, ip: '127.0.0.9' };
	const get = parameterGetter(options.parameters ?? {});
	const double = {
		getRequestObject: () => request as unknown as ReturnType<IWebhookFunctions['getRequestObject']>,
		getResponseObject: () => res as unknown as ReturnType<IWebhookFunctions['getResponseObject']>,
		getNodeParameter: get as IWebhookFunctions['getNodeParameter'],
		getCredentials: credentialGetter(options.credentials ?? {}, reads),
		getWorkflowStaticData: (type: string) => {
			if (type !== 'node') throw new Error(`unexpected static data type ${type}`);
			return staticData;
		},
		getWorkflow: () => options.workflow,
		getNode: () => options.node,
		getNodeWebhookUrl: () => options.webhookUrl ?? 'https://n8n.example.com/webhook/abc/webhook',
		getMode: () => options.mode ?? 'webhook',
		getWebhookName: () => 'default',
		logger: recordingLogger(logs),
		helpers: {
			returnJsonArray: (data: IDataObject | IDataObject[]): INodeExecutionData[] =>
				(Array.isArray(data) ? data : [data]).map((json) => ({ json })),
		},
	} satisfies DoubleOf<IWebhookFunctions>;
	const credentialReads = () => reads.count;
	return {
		context: double as unknown as IWebhookFunctions,
		response,
		logs,
		credentialReads,
		n8nAnswers,
	};
}

// ---------------------------------------------------------------- IExecuteFunctions

/**
 * n8n's processed-data store as `checkProcessedAndRecord` uses it in 'entries' mode: one list per workflow and node,
 * shared by every "process" (every execute double) of a test, oldest entries dropped past maxEntries.
 */
export class ProcessedStore {
	readonly lists = new Map<string, string[]>();
	calls = 0;

	record(scope: string, items: Array<string | number>, options: ICheckProcessedOptions) {
		this.calls++;
		const list = this.lists.get(scope) ?? [];
		const out: IDeduplicationOutput = { new: [], processed: [] };
		for (const item of items) {
			if (list.includes(String(item))) out.processed.push(item);
			else {
				out.new.push(item);
				list.push(String(item));
			}
		}
		if (options.maxEntries) list.splice(0, Math.max(0, list.length - options.maxEntries));
		this.lists.set(scope, list);
		return out;
	}
}

let executions = 0;

/** The context n8n gives a trigger's execute(): the webhook phase's items as input, the processed-data helper. */
export function executeContext(options: {
	items: INodeExecutionData[];
	node: INode;
	workflow: IWorkflowMetadata;
	parameters?: Record<string, unknown>;
	store: ProcessedStore;
	mode?: 'webhook' | 'manual';
	executionId?: string;
}) {
	const logs: LogEntry[] = [];
	const get = parameterGetter(options.parameters ?? {});
	// every execution has its own id, as in n8n; a test re-running one passes the same id
	const executionId = options.executionId ?? `execution-${++executions}`;
	const double = {
		getInputData: () => structuredClone(options.items),
		getNodeParameter: ((name: string, _index: number, ...fallback: unknown[]) =>
			get(name, ...fallback)) as IExecuteFunctions['getNodeParameter'],
		getNode: () => options.node,
		getWorkflow: () => options.workflow,
		getMode: () => options.mode ?? 'webhook',
		getExecutionId: () => executionId,
		logger: recordingLogger(logs),
		helpers: {
			checkProcessedAndRecord: async (items, scope, processedOptions) => {
				const list = `${options.workflow.id}:${scope === 'node' ? options.node.id : ''}`;
				return options.store.record(list, items, processedOptions);
			},
		},
	} satisfies DoubleOf<IExecuteFunctions>;
	return { context: double as unknown as IExecuteFunctions, logs };
}

/** A delivery through the trigger's webhook() and, when accepted, the execute() n8n runs next with its items. */
export async function runTrigger(
	trigger: INodeType,
	options: WebhookDoubleOptions & { store?: ProcessedStore },
) {
	const made = webhookContext(options);
	const out: IWebhookResponseData = await trigger.webhook!.call(made.context);
	let emitted: INodeExecutionData[][] | undefined;
	if (out.workflowData) {
		// n8n 2.x answers once it has created the execution, before the execution reaches the trigger
		made.n8nAnswers(200);
		const exec = executeContext({
			...options,
			items: out.workflowData[0],
			store: options.store ?? new ProcessedStore(),
		});
		emitted = (await trigger.execute!.call(exec.context)) as INodeExecutionData[][];
	}
	return { ...made, out, emitted };
}
export type TriggerRun = Awaited<ReturnType<typeof runTrigger>>;

/** The delivery started the workflow's nodes: nothing written, the trigger emitted exactly the payload, once. */
export function expectRan(result: TriggerRun, payload: object) {
	expect(result.response.writes).toBe(0);
	expect(result.out.noWebhookResponse).toBeUndefined();
	expect(result.out.workflowData).toHaveLength(1);
	expect(result.out.workflowData![0]).toHaveLength(1);
	expect(result.out.workflowData![0][0].json).toEqual(payload);
	expect(result.emitted).toEqual([[{ json: payload, pairedItem: { item: 0 } }]]);
}

/** Refused: the answer written once with `status` and a reason, nothing run. */
export function expectRefused(result: TriggerRun, status: number, reason: RegExp) {
	expect(result.out).toEqual({ noWebhookResponse: true });
	expect(result.emitted).toBeUndefined();
	expect(result.response.statusCode).toBe(status);
	expect(result.response.writes).toBe(1);
	expect((result.response.body as { error: string }).error).toMatch(reason);
}

/** Answered 200 without running (n8n writes the webhookResponse): a copy, or `ignored` for another reason. */
export function expectIgnored(result: TriggerRun, ignored = 'duplicate delivery') {
	expect(result.response.writes).toBe(0);
	expect(result.out).toEqual({ webhookResponse: { received: true, ignored } });
	expect(result.emitted).toBeUndefined();
}

// ---------------------------------------------------------------- IHookFunctions

export interface HookDoubleOptions {
	webhookUrl: string;
	parameters?: Record<string, unknown>;
	credentials?: Record<string, ICredentialDataDecryptedObject | Error>;
	staticData?: IDataObject;
	node: INode;
	workflow: IWorkflowMetadata;
	/** 'manual' when n8n registers the editor's Test URL, 'trigger' when it activates the workflow. */
	mode?: 'manual' | 'trigger';
}

export function hookContext(options: HookDoubleOptions) {
	const staticData = options.staticData ?? {};
	const logs: LogEntry[] = [];
	const http: Array<{ credentialType: string; options: IHttpRequestOptions }> = [];
	const credentials = options.credentials ?? {};
	const getCredentials = credentialGetter(credentials);
	const get = parameterGetter(options.parameters ?? {});

	async function httpRequestWithAuthentication(
		credentialType: string,
		request: IHttpRequestOptions,
	): Promise<unknown> {
		http.push({ credentialType, options: request });
		const credential = await getCredentials(credentialType);
		// The SmartComplyApi credential's `authenticate`: Authorization: =Bearer {{$credentials.apiKey}}
		const headers: Record<string, string> = {
			...(request.headers as Record<string, string> | undefined),
			Authorization: `Bearer ${String(credential.apiKey ?? '')}`,
		};
		let body: string | undefined;
		if (request.body !== undefined && request.body !== null) {
			body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
			if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
				headers['Content-Type'] = 'application/json';
		}
		let response: Response;
		try {
			response = await fetch(String(request.url), {
				method: request.method ?? 'GET',
				headers,
				body,
				signal: request.timeout ? AbortSignal.timeout(request.timeout) : undefined,
			});
		} catch (error) {
			const name = (error as Error).name;
			if (name === 'TimeoutError' || name === 'AbortError') {
				throw Object.assign(new Error(`timeout of ${request.timeout}ms exceeded`), {
					code: 'ECONNABORTED',
				});
			}
			throw Object.assign(new Error(`connect ECONNREFUSED ${String(request.url)}`), {
				code: 'ECONNREFUSED',
			});
		}
		const text = await response.text();
		let parsed: unknown = text;
		if (request.json && text !== '') {
			try {
				parsed = JSON.parse(text);
			} catch {
				parsed = text;
			}
		}
		if (!request.ignoreHttpStatusErrors && response.status >= 400) {
			const message = `Request failed with status code ${response.status}`;
			throw Object.assign(new Error(message), { httpCode: String(response.status) });
		}
		if (request.returnFullResponse) {
			const headers: Record<string, string> = {};
			response.headers.forEach((value, key) => void (headers[key] = value));
			return {
				statusCode: response.status,
				statusMessage: response.statusText,
				headers,
				body: parsed,
			};
		}
		return parsed;
	}

	const double = {
		getNodeWebhookUrl: () => options.webhookUrl,
		getWorkflowStaticData: (type: string) => {
			if (type !== 'node') throw new Error(`unexpected static data type ${type}`);
			return staticData;
		},
		getCredentials,
		getNodeParameter: get as IHookFunctions['getNodeParameter'],
		getNode: () => options.node,
		getWorkflow: () => options.workflow,
		getMode: () => options.mode ?? 'trigger',
		getActivationMode: () => (options.mode === 'manual' ? 'manual' : 'activate'),
		getWebhookName: () => 'default',
		logger: recordingLogger(logs),
		helpers: {
			httpRequestWithAuthentication:
				httpRequestWithAuthentication as IHookFunctions['helpers']['httpRequestWithAuthentication'],
		},
	} satisfies DoubleOf<IHookFunctions>;
	return { context: double as unknown as IHookFunctions, staticData, logs, http };
}

/**
 * The SmartComply transport's context with httpRequestWithAuthentication as n8n-core's convertN8nRequestToAxios runs
 * the options the transport sets (n8n 1.x and 2.x), done with node:http: no redirect followed, abortSignal as the
 * request's signal, the response stream handed back, any status; the credential's header added. `piped`: the stream
 * handed back is fed from the response (as a decompressing or progress stream is), so its destroy() does not reach
 * the socket: the abort signal must. `seen`: the options of each call.
 */
export function streamingContext(apiKey: string, baseUrl: string, piped = false) {
	const seen: Array<Record<string, unknown>> = [];
	const context = {
		getCredentials: async () => ({ apiKey, baseUrl, secret: '' }),
		helpers: {
			httpRequestWithAuthentication: (_type: string, options: Record<string, unknown>) =>
				new Promise((resolve, reject) => {
					seen.push(options);
					const body = options.body === undefined ? undefined : JSON.stringify(options.body);
					const headers = {
						...(options.headers as Record<string, string>),
						Authorization: `Bearer ${apiKey}`,
						...(body ? { 'Content-Type': 'application/json' } : {}),
					};
					const signal = options.abortSignal as AbortSignal;
					const method = String(options.method);
					const req = httpRequest(String(options.url), { method, headers, signal }, (res) => {
						const stream = piped ? res.pipe(new PassThrough()) : res;
						resolve({ statusCode: res.statusCode, headers: res.headers, body: stream });
					});
					req.on('error', reject);
					req.end(body);
				}),
		},
	};
	return { context: context as unknown as Parameters<typeof smartComplyClient>[0], seen };
}
