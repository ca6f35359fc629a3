import type {
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	INodeCredentialTestResult,
	IWebhookFunctions,
} from 'n8n-workflow';
import { HEADER_NAME_PATTERN, pastedValueProblem } from '../../src/internal';
import { localSecretTest } from '../shared/hooks';
import { SetupProblem, type TriggerKeys } from '../shared/secrets';

/** Headers SmartMaintenance sets itself: a custom header of the same name would be theirs, not the admin's. */
const PROVIDER_HEADERS = /^(content-type|content-length|user-agent|host|x-smtm-.*)$/i;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * What is wrong with the credential's Header Name / Header Value pair, if anything (the same rules for the
 * credential test and for a delivery). The value itself never appears in a message.
 */
export function headerSettingProblem(name: string, value: string): string | undefined {
	if (name === '') return value === '' ? undefined : 'Header Value is set but Header Name is empty';
	if (!HEADER_NAME_PATTERN.test(name))
		return `Header Name "${name.slice(0, 64)}" is not a valid header name (letters, digits and - only, no colon or spaces)`;
	if (PROVIDER_HEADERS.test(name))
		return `Header Name ${name} is a header SmartMaintenance sets itself; choose another (e.g. Authorization)`;
	if (value.trim() === '') return `Header Value is empty: type the value of the ${name} header`;
	return pastedValueProblem('Header Value', value);
}

/** The trigger's loader: one credential read gives the secret and the required header. */
export async function smartMaintenanceKeys(
	this: IWebhookFunctions,
): Promise<TriggerKeys | SetupProblem> {
	const { secret, headerName, headerSecret } = await this.getCredentials(
		'smartMaintenanceWebhookApi',
	);
	const name = text(headerName).trim();
	const value = text(headerSecret);
	const problem = headerSettingProblem(name, value);
	if (problem) return new SetupProblem(`the SmartMaintenance credential is incomplete: ${problem}`);
	return {
		secrets: text(secret) === '' ? [] : [text(secret)],
		...(name ? { requiredHeader: { name, value } } : {}),
	};
}

const secretTest = localSecretTest('secret', true);

/**
 * SmartMaintenance lets an admin leave both the Secret and the header out, and so does the trigger (unsigned
 * deliveries are accepted); an empty credential is still far more often a step missed than a choice, so the test says
 * what is missing. n8n saves the credential either way.
 */
export const NOTHING_SET =
	'Nothing is set: type the Secret from the webhook in SmartMaintenance, or a Header Name and Header Value, or both. Saved empty, the trigger accepts unsigned deliveries from anyone who knows its URL.';

/** The credential test: the secret's local checks, then the header pair's, saying what a delivery must carry. */
export async function smartMaintenanceCredentialTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const name = text(credential.data?.headerName).trim();
	const nothing = [name, credential.data?.secret, credential.data?.headerSecret].every(
		(value) => text(value) === '',
	);
	if (nothing) return { status: 'Error', message: NOTHING_SET };
	const problem = headerSettingProblem(name, text(credential.data?.headerSecret));
	if (problem) return { status: 'Error', message: problem };
	const secretResult = await secretTest.call(this, credential);
	if (secretResult.status !== 'OK' || name === '') return secretResult;
	return {
		status: 'OK',
		message:
			text(credential.data?.secret) === ''
				? `No secret set: deliveries must carry the ${name} header with its value; the first delivery confirms it`
				: `The secret and the ${name} header look right; the first signed delivery confirms them`,
	};
}
