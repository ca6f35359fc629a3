// Small helpers for driving a local n8n (started with ./n8n-process.mjs) from scripts and e2e tests.
// node: builtins only (global fetch). Verified against n8n 2.40.7 and 1.123.81 -- see docs/n8n-runtime.md.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { n8nCli } from './n8n-process.mjs';

export const DEFAULT_OWNER = Object.freeze({
	email: 'owner@example.com',
	password: 'Passw0rd-e2e', // n8n: 8-64 chars, at least one digit and one upper-case letter
	firstName: 'Dev',
	lastName: 'Owner',
});

function parseJson(text) {
	try {
		return text ? JSON.parse(text) : undefined;
	} catch {
		return undefined;
	}
}

/** Minimal cookie-carrying REST client for n8n's internal API (/rest/...). */
export class N8nRestClient {
	constructor(baseUrl) {
		this.baseUrl = baseUrl.replace(/\/$/, '');
		this.cookie = '';
	}

	/**
	 * `p`: a path under the base URL, e.g. '/rest/workflows'. Resolves with the `data` field of n8n's `{ data }`
	 * envelope (or the raw JSON); a status not in okStatuses (default: 2xx) throws.
	 */
	async request(method, p, body, { timeoutMs = 30_000, okStatuses } = {}) {
		const headers = { accept: 'application/json' };
		if (body !== undefined) headers['content-type'] = 'application/json';
		if (this.cookie) headers.cookie = this.cookie;
		// n8n 2.x rejects state-changing /rest calls without this header when browser-id checks apply
		headers['browser-id'] = 'n8n-nodes-smart-webhooks-scripts';
		const res = await fetch(`${this.baseUrl}${p}`, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(timeoutMs),
		});
		const setCookie = res.headers.getSetCookie?.() ?? [];
		const auth = setCookie.map((c) => c.split(';')[0]).find((c) => c.startsWith('n8n-auth='));
		if (auth) this.cookie = auth;
		const text = await res.text();
		const json = parseJson(text);
		const ok = okStatuses ? okStatuses.includes(res.status) : res.ok;
		if (!ok) {
			const err = new Error(`${method} ${p} -> HTTP ${res.status}: ${text.slice(0, 500)}`);
			err.status = res.status;
			err.body = json ?? text;
			throw err;
		}
		return json && typeof json === 'object' && 'data' in json ? json.data : (json ?? text);
	}

	/** Create the instance owner (only possible once per data dir); logs the client in. Same on 1.x and 2.x. */
	async setupOwner({ email, firstName, lastName, password } = DEFAULT_OWNER) {
		const owner = { email, firstName, lastName, password };
		return await this.request('POST', '/rest/owner/setup', owner);
	}

	/** POST /rest/login {emailOrLdapLoginId, password} (1.x since ~1.70 and 2.x). */
	async login({ email, password } = DEFAULT_OWNER) {
		return await this.request('POST', '/rest/login', { emailOrLdapLoginId: email, password });
	}

	/** Owner setup if the instance has none yet, else login. Returns the user. */
	async ensureOwner(owner = DEFAULT_OWNER) {
		const settings = await this.request('GET', '/rest/settings');
		if (settings?.userManagement?.showSetupOnFirstLoad) return await this.setupOwner(owner);
		return await this.login(owner);
	}

	/** Create a credential. data = the credential's fields. Returns { id, name, type, ... }. */
	async createCredential({ name, type, data }) {
		return await this.request('POST', '/rest/credentials', { name, type, data });
	}

	/** Create a workflow from { name, nodes, connections, settings? }. Returns it (with id, versionId). */
	async createWorkflow(workflow) {
		const body = { settings: {}, active: false, ...workflow };
		delete body.id;
		return await this.request('POST', '/rest/workflows', body);
	}

	async getWorkflow(id) {
		return await this.request('GET', `/rest/workflows/${encodeURIComponent(id)}`);
	}

	/**
	 * Activate (2.x: "publish") a workflow on the running instance, registering its production
	 * webhooks. POST /rest/workflows/:id/activate {versionId} -- 2.40 and 1.123.
	 * The production webhook answers 404 for a short moment after the call returns (measured on
	 * 2.40.7: 404 at 0 ms, 200 at 500 ms), so this waits `settleMs` before resolving.
	 */
	async activateWorkflow(id, { settleMs = 1500 } = {}) {
		const wf = await this.getWorkflow(id);
		const res = await this.request('POST', `/rest/workflows/${encodeURIComponent(id)}/activate`, {
			versionId: wf.versionId,
		});
		if (settleMs > 0) await new Promise((r) => setTimeout(r, settleMs));
		return res;
	}

	async deactivateWorkflow(id) {
		return await this.request('POST', `/rest/workflows/${encodeURIComponent(id)}/deactivate`, {});
	}

	/** Executions of a workflow, newest first. */
	async listExecutions(workflowId, { limit = 20 } = {}) {
		const filter = encodeURIComponent(JSON.stringify({ workflowId: String(workflowId) }));
		const data = await this.request('GET', `/rest/executions?filter=${filter}&limit=${limit}`);
		return data?.results ?? data;
	}

	/** A full execution (data included). */
	async getExecution(id) {
		return await this.request('GET', `/rest/executions/${encodeURIComponent(id)}`);
	}

	/** Node types the server loaded (useful to assert n8n-nodes-smart-webhooks.<name> is present). Log in first on 2.x. */
	async nodeTypeNames() {
		// both lines serve the full list at /types/nodes.json; 2.x requires the auth cookie
		const res = await fetch(`${this.baseUrl}/types/nodes.json`, {
			headers: this.cookie ? { cookie: this.cookie } : {},
			signal: AbortSignal.timeout(30_000),
		});
		if (!res.ok) throw new Error(`/types/nodes.json -> HTTP ${res.status}`);
		return (await res.json()).map((t) => t.name);
	}
}

/**
 * CLI credential import (n8n need not be running). credentials: [{ id, name, type, data: {...plain fields...} }]
 * `data` is given decrypted; n8n encrypts it with the instance key on import.
 */
export async function importCredentials({ line = '2', dataDir, credentials }) {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'n8n-import-'));
	const file = path.join(dir, 'import.json');
	writeFileSync(file, JSON.stringify([credentials].flat(), null, 2));
	try {
		return await n8nCli({ line, dataDir, args: ['import:credentials', `--input=${file}`] });
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
