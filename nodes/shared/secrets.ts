import type { IWebhookFunctions } from 'n8n-workflow';
import type { ReceiveResult, RequiredHeader } from '../../src/internal';
import { SecretCache } from './secret-cache';

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

/** Reads what the trigger verifies with (from its credential or its registration). */
export type SecretLoader = (this: IWebhookFunctions) => Promise<TriggerKeys | SetupProblem>;

const kept = new SecretCache<TriggerKeys>();
/** Reads in progress per trigger: requests that find no kept secret at the same moment share one read. */
const reading = new Map<string, Promise<TriggerKeys | SetupProblem>>();

/**
 * Verifies a delivery with the trigger's keys, read at most once per SECRET_KEEP_SECONDS and shared by the requests
 * of that moment. `scope` names the trigger and whatever its keys come from (its credentials, its registration), so
 * a change there is a new scope. A loader's own error propagates: the caller answers it as a set-up failure.
 */
export async function verifyWithKeys(
	this: IWebhookFunctions,
	scope: string,
	load: SecretLoader,
	at: Date,
	verify: (keys: TriggerKeys) => ReceiveResult,
): Promise<ReceiveResult | SetupProblem> {
	const cached = kept.get(scope, at.getTime());
	const keys = cached ?? (await loadShared.call(this, scope, load, at));
	if (keys instanceof SetupProblem) return keys;
	const result = verify(keys);
	// A secret replaced in the credential shows up as a failed check against the kept one: read it again, but at most
	// once per interval, so a flood of forged requests cannot force a credential read each.
	if (!cached || result.status !== 401 || !kept.mayRefresh(scope, at.getTime())) return result;
	const again = await loadShared.call(this, scope, load, at);
	return again instanceof SetupProblem ? again : verify(again);
}

async function loadShared(
	this: IWebhookFunctions,
	scope: string,
	load: SecretLoader,
	at: Date,
): Promise<TriggerKeys | SetupProblem> {
	const inFlight = reading.get(scope);
	if (inFlight) return await inFlight;
	const read = (async () => {
		const keys = await load.call(this);
		if (!(keys instanceof SetupProblem)) kept.set(scope, keys, at.getTime());
		return keys;
	})();
	reading.set(scope, read);
	try {
		return await read;
	} finally {
		reading.delete(scope);
	}
}

/** The loader of a trigger whose secret is its credential's `secret` field (every credential names it so). */
export function credentialSecret(type: string): SecretLoader {
	return async function (this: IWebhookFunctions): Promise<TriggerKeys> {
		const { secret } = await this.getCredentials(type);
		return { secrets: typeof secret === 'string' && secret !== '' ? [secret] : [] };
	};
}
