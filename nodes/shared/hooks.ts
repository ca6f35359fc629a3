import type {
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	IHookFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';
import { pastedValueProblem, type ProviderDefinition } from '../../src/internal';

/** What was already said in this process: n8n calls checkExists more than once per activation and per listen. */
const warnedAbout = new Set<string>();

/** Whether n8n's URL points at this machine (127.0.0.0/8, localhost, ::1): a local test set-up, not a provider's. */
function isLoopback(url: string): boolean {
	let host: string;
	try {
		host = new URL(url).hostname;
	} catch {
		return false;
	}
	return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Logs `message` once per process and `key` (the set is bounded: cleared past 1,000 keys). */
function warnOnce(key: string, log: () => void) {
	if (warnedAbout.has(key)) return;
	if (warnedAbout.size > 1_000) warnedAbout.clear();
	warnedAbout.add(key);
	log();
}

/**
 * Webhook methods for providers registered by hand: nothing to create or delete at the provider.
 * `checkExists` only checks, and says in n8n's log when the provider will refuse the URL: a warning once per URL for
 * a public http:// URL; for a loopback one (`npm run dev`, a local test with the sender), one info line per provider
 * and process, since nothing there is wrong for a test.
 */
export function manualWebhookMethods(provider: ProviderDefinition) {
	return {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const url = this.getNodeWebhookUrl('default') ?? '';
				if (
					provider.registration.kind !== 'api' &&
					provider.registration.httpsRequired &&
					url.startsWith('http://')
				) {
					const name = provider.displayName;
					if (isLoopback(url))
						warnOnce(`${provider.id} loopback`, () =>
							this.logger.info(
								`${name} Trigger: n8n's webhook URLs here are http:// on this machine (${new URL(url).host}), fine for local tests; ${name} itself only delivers to an HTTPS URL it can reach (set WEBHOOK_URL)`,
							),
						);
					else
						warnOnce(`${provider.id} ${url}`, () =>
							this.logger.warn(
								`${name} Trigger: ${name} refuses http:// URLs; ${url} must be served over HTTPS (set WEBHOOK_URL)`,
							),
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
		const problem = pastedValueProblem(`The ${label}`, value);
		if (problem) return { status: 'Error', message: problem };
		return {
			status: 'OK',
			message: `The ${label} looks right; the first signed delivery confirms it`,
		};
	};
}
