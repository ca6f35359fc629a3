import type {
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	INodeCredentialTestResult,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import {
	pastedValueProblem,
	SIGNED_WEBHOOK_SOURCE,
	signedSetupProblems,
	signedWebhookDefinition,
	type SignedWebhookSettings,
} from '../../src/internal';
import { localSecretTest } from '../shared/hooks';
import { definitionReceiver } from '../shared/receiver';
import { failSetup } from '../shared/refusals';
import { SetupProblem, type SecretLoader } from '../shared/secrets';
import { selectedEvents } from '../shared/settings';
import { handleWebhook } from '../shared/webhook-phase';
import { CUSTOM_SENDER, signedSettingsOf } from './settings-of';

export const CREDENTIAL = 'signedWebhookApi';
/** How log lines and errors name this trigger ("Signed Webhook Trigger: …"). */
export const DISPLAY_NAME = 'Signed Webhook';

/** The secrets of the credential, current first; spaces a paste brought along are not part of a secret. */
function secretsOf(data: { secret?: unknown; previousSecret?: unknown } | undefined): string[] {
	return [data?.secret, data?.previousSecret]
		.filter((s): s is string => typeof s === 'string')
		.map((s) => s.trim())
		.filter(Boolean);
}

/** Reads the credential's secrets; none, or one the scheme cannot use, is a setup problem (never "accept all"). */
function loaderFor(settings: SignedWebhookSettings): SecretLoader {
	return async function (this: IWebhookFunctions) {
		const secrets = secretsOf(await this.getCredentials(CREDENTIAL));
		const problems = signedSetupProblems(settings, secrets);
		if (problems.length)
			return new SetupProblem(
				`signed webhook is not set up: ${problems.join('; ')} (Signed Webhook API credential)`,
			);
		return { secrets };
	};
}

/** What else in the panel keeps the trigger from doing what the user asked. */
function panelProblems(this: IWebhookFunctions, settings: SignedWebhookSettings): string[] {
	const sender = this.getNodeParameter('sender', 'standardWebhooks');
	if (sender === CUSTOM_SENDER && !settings.eventName && selectedEvents.call(this).length > 0)
		return ['Event Names are set but Event Name From is None, so no delivery could match'];
	return [];
}

/**
 * Verifies with the scheme the panel describes. Fails closed: a scheme with a problem, or a credential without a
 * secret, answers every delivery 500 with what is missing, and nothing runs.
 */
export async function signedWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const settings = signedSettingsOf((name, fallback) => this.getNodeParameter(name, fallback));
	const built = signedWebhookDefinition(settings);
	const problems = [...(built.problems ?? []), ...panelProblems.call(this, settings)];
	const receiver = { displayName: DISPLAY_NAME };
	if (built.problems || problems.length)
		return failSetup.call(this, receiver, `signed webhook is not set up: ${problems.join('; ')}`);
	return await handleWebhook.call(
		this,
		{ ...definitionReceiver(built.definition, SIGNED_WEBHOOK_SOURCE), displayName: DISPLAY_NAME },
		loaderFor(settings),
		// kept secrets are checked against the scheme (Standard Webhooks' whsec_ form): a new scheme reads them again
		{ secretVersion: JSON.stringify(settings.scheme) },
	);
}

const currentSecretTest = localSecretTest('signing secret');

/** The credential test: the local mistakes in either secret; the first signed delivery is the real check. */
export async function signedSecretTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const current = await currentSecretTest.call(this, credential);
	if (current.status !== 'OK') return current;
	const previous = credential.data?.previousSecret;
	if (typeof previous === 'string' && previous !== '') {
		const problem = pastedValueProblem('The previous signing secret', previous);
		if (problem) return { status: 'Error', message: problem };
		return {
			status: 'OK',
			message:
				'Both secrets look right; deliveries signed with either are accepted, and the first one confirms it',
		};
	}
	return current;
}
