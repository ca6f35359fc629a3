import { receiveAs, type ReceiveOptions } from '../receive';
import type { ReceiveResult, WebhookRequest } from '../types';
import { signedWebhookDefinition } from './definition';
import type { SignedWebhookSettings } from './settings';

/**
 * receive() for a signed webhook: the same pipeline (verify the raw bytes, parse, filter, deduplicate) with the
 * signature checked by the user's scheme. Fails closed: settings with a problem, or no secret, refuse every
 * delivery with 401 and a reason that names the problem (never an unsigned delivery let through).
 */
export function receiveSigned(
	settings: SignedWebhookSettings,
	request: WebhookRequest,
	options: ReceiveOptions = {},
): ReceiveResult {
	const built = signedWebhookDefinition(settings);
	if (built.problems)
		return {
			status: 401,
			reason: `signed webhook is not set up: ${built.problems.join('; ')}`,
			items: [],
		};
	return receiveAs(built.definition, request, options);
}
