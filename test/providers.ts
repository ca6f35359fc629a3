// The providers as the tests expect them, one row each, written once (from docs/providers.md and docs/providers/) instead of
// a list per test file. Adding a provider adds a row here; the suites that iterate over providers pick it up.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ICredentialType, INodeType } from 'n8n-workflow';
import type { ProviderId } from '../src/internal';

export interface ProviderRow {
	id: ProviderId;
	/** The trigger's folder and class: nodes/<node>/<node>.node.ts, dist/nodes/<node>/<node>.node.js. */
	node: string;
	displayName: string;
	/** The credential type's name; its class and file are the same name capitalised (credentials/<Name>.credentials.ts). */
	credential: string;
	/** icons/<slug>.svg and icons/<slug>.dark.svg, and the provider's page docs/providers/<slug>.md. */
	slug: string;
	scheme: 'hmacHex' | 'hmacPrefixedHex' | 'hmacTimestamped' | 'staticKey';
	/** The header that carries the signature or key. */
	authHeader: string;
	/** Deliveries without a signature are refused (SmartMaintenance lets admins leave the secret out). */
	secretRequired: boolean;
	/** The provider refuses http:// webhook URLs (docs/providers.md, URL row; SmartMaintenance only warns). */
	httpsOnly: boolean;
	/** What a retry is recognised by: the envelope's id, the X-SMTM-Delivery header, or the SHA-256 of the body. */
	dedupeKey: 'payloadId' | 'deliveryHeader' | 'bodyHash';
	/** The synthetic event the provider sends to check the wiring, if it has one. */
	testEvent?: string;
	/** A test secret shaped like the real ones. */
	secret: string;
}

export const PROVIDERS: readonly ProviderRow[] = [
	{
		id: 'smp',
		node: 'SmpTrigger',
		displayName: 'SMP Trigger',
		credential: 'smpWebhookApi',
		slug: 'smp',
		scheme: 'hmacHex',
		authHeader: 'X-SMP-Signature',
		secretRequired: true,
		httpsOnly: true,
		dedupeKey: 'payloadId',
		testEvent: 'webhook.test',
		secret: 'smp_sig_9f8e7d6c5b4a39281706f5e4d3c2b1a0',
	},
	{
		id: 'smartComply',
		node: 'SmartComplyTrigger',
		displayName: 'SmartComply Trigger',
		credential: 'smartComplyApi',
		slug: 'smartcomply',
		scheme: 'hmacTimestamped',
		authHeader: 'X-SmartComply-Signature',
		secretRequired: true,
		httpsOnly: true,
		dedupeKey: 'payloadId',
		testEvent: 'webhook.test',
		secret: 'whsec_k7Lm9PqRsTuVwXyZ0123456789abcdEF',
	},
	{
		id: 'smartlyQ',
		node: 'SmartlyQTrigger',
		displayName: 'SmartlyQ Trigger',
		credential: 'smartlyQWebhookApi',
		slug: 'smartlyq',
		scheme: 'hmacTimestamped',
		authHeader: 'X-SmartlyQ-Signature',
		secretRequired: true,
		httpsOnly: true,
		dedupeKey: 'bodyHash',
		secret: 'slq_whsec_4b6c8d0e2f4a6b8c0d2e4f6a8b0c2d4e',
	},
	{
		id: 'smartMaintenance',
		node: 'SmartMaintenanceTrigger',
		displayName: 'SmartMaintenance Trigger',
		credential: 'smartMaintenanceWebhookApi',
		slug: 'smartmaintenance',
		scheme: 'hmacPrefixedHex',
		authHeader: 'X-SMTM-Signature',
		secretRequired: false,
		httpsOnly: false,
		dedupeKey: 'deliveryHeader',
		secret: 'smtm-shared-secret-typed-by-admin',
	},
	{
		id: 'smarterMeasure',
		node: 'SmarterMeasureTrigger',
		displayName: 'SmarterMeasure Trigger',
		credential: 'smarterMeasureWebhookApi',
		slug: 'smartermeasure',
		scheme: 'staticKey',
		authHeader: 'X-SmarterMeasure-Verification-Key',
		secretRequired: true,
		httpsOnly: false,
		dedupeKey: 'bodyHash',
		secret: 'SM-VERIFY-7A1C2E3B4D5F6071',
	},
];

export function row(id: ProviderId): ProviderRow {
	const found = PROVIDERS.find((p) => p.id === id);
	if (!found) throw new Error(`no row for provider ${id} in test/providers.ts`);
	return found;
}

/** The ids of the rows that match. */
export const idsWhere = (match: (p: ProviderRow) => boolean): ProviderId[] =>
	PROVIDERS.filter(match).map((p) => p.id);

/** The node's `name` (its class name with a lower-case first letter, n8n's convention). */
export const nodeName = (p: ProviderRow) => p.node[0].toLowerCase() + p.node.slice(1);
/** The credential's class and file name. */
export const credentialClass = (p: ProviderRow) =>
	p.credential[0].toUpperCase() + p.credential.slice(1);

/** The repository, and this package's package.json. */
export const ROOT = path.resolve(__dirname, '..');
export const PKG = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
	name: string;
	version: string;
	files?: string[];
	types?: string;
	bin?: Record<string, string>;
	dependencies?: Record<string, string>;
	peerDependencies?: Record<string, string>;
	n8n: { nodes: string[]; credentials: string[] };
};

/** A fresh instance of the trigger, loaded from its TypeScript source. */
export async function loadNode(p: ProviderRow): Promise<INodeType> {
	const module = (await import(path.join(ROOT, 'nodes', p.node, `${p.node}.node`))) as Record<
		string,
		new () => INodeType
	>;
	return new module[p.node]();
}

/** A fresh instance of the trigger's credential, loaded from its TypeScript source. */
export async function loadCredential(p: ProviderRow): Promise<ICredentialType> {
	const name = credentialClass(p);
	const module = (await import(path.join(ROOT, 'credentials', `${name}.credentials`))) as Record<
		string,
		new () => ICredentialType
	>;
	return new module[name]();
}

/** The one node that is not a provider's: the Signed Webhook Trigger, documented in docs/signed-webhooks.md. */
export const SIGNED_NODE = {
	node: 'SignedWebhookTrigger',
	name: 'signedWebhookTrigger',
	displayName: 'Signed Webhook Trigger',
	credential: 'signedWebhookApi',
	credentialClass: 'SignedWebhookApi',
	slug: 'signedwebhook',
	/** Its documentation page, under docs/. */
	page: 'signed-webhooks.md',
} as const;
