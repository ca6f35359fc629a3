import type {
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	IHookFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';
import type { ProviderDefinition } from '../../src';

/** URLs already warned about in this process: n8n calls checkExists more than once per activation. */
const warnedUrls = new Set<string>();

/**
 * Webhook methods for providers registered by hand: nothing to create or delete at the provider.
 * `checkExists` only checks, and warns in n8n's log (once per URL and process) when the provider will refuse the URL.
 */
export function manualWebhookMethods(provider: ProviderDefinition) {
	return {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const url = this.getNodeWebhookUrl('default') ?? '';
				if (
					provider.registration.kind === 'manual' &&
					provider.registration.httpsRequired &&
					url.startsWith('http://') &&
					!warnedUrls.has(`${provider.id} ${url}`)
				) {
					if (warnedUrls.size > 1_000) warnedUrls.clear();
					warnedUrls.add(`${provider.id} ${url}`);
					this.logger.warn(
						`${provider.displayName} Trigger: ${provider.displayName} refuses http:// URLs; ${url} must be served over HTTPS (set WEBHOOK_URL)`,
					);
				}
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};
}

/**
 * A credential test for secrets that only the provider can check: it catches the mistakes that can be seen
 * locally (empty, pasted with spaces or quotes) in the credential's `secret` field, and says that the real check is
 * the first delivery.
 */
export function localSecretTest(label: string, optional = false) {
	return async function (
		this: ICredentialTestFunctions,
		credential: ICredentialsDecrypted,
	): Promise<INodeCredentialTestResult> {
		const raw = credential.data?.secret;
		const value = typeof raw === 'string' ? raw : '';
		if (value === '') {
			return optional
				? { status: 'OK', message: `No ${label} set: deliveries will be accepted unsigned` }
				: { status: 'Error', message: `The ${label} is empty` };
		}
		if (value !== value.trim())
			return {
				status: 'Error',
				message: `The ${label} starts or ends with spaces; paste it without them`,
			};
		if (/^["'].*["']$/.test(value))
			return {
				status: 'Error',
				message: `The ${label} is wrapped in quotes; paste it without them`,
			};
		return {
			status: 'OK',
			message: `The ${label} looks right; the first signed delivery confirms it`,
		};
	};
}
