import { SmartComplyApiError, type SmartComplyClient } from './client';

/** What the trigger keeps (in n8n: the node's static data) about the endpoint it registered. */
export interface RegistrationState {
	endpointId?: string;
	/** The secret as SmartComply returned it: what registerEndpoint hands back, not what the n8n node stores. */
	signingSecret?: string;
	/** The secret sealed with sealSecret(): what the n8n node keeps in static data instead of `signingSecret`. */
	sealedSecret?: string;
	webhookUrl?: string;
	events?: string[];
}

function sameEvents(a: readonly string[] = [], b: readonly string[] = []): boolean {
	return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}

/** True when our endpoint is still registered for this URL and these events and we hold its secret. Only reads. */
export async function endpointIsCurrent(
	client: SmartComplyClient,
	state: RegistrationState,
	webhookUrl: string,
	events: string[],
): Promise<boolean> {
	if (
		!state.endpointId ||
		!(state.signingSecret || state.sealedSecret) ||
		state.webhookUrl !== webhookUrl
	)
		return false;
	const endpoint = await client.getEndpoint(state.endpointId);
	return (
		endpoint !== undefined && endpoint.url === webhookUrl && sameEvents(endpoint.events, events)
	);
}

/**
 * Registers the endpoint and returns the state to keep. Two kinds of leftovers are removed first, so one
 * trigger never has two registrations: the endpoint `previous` records (it is no longer current, e.g. n8n's
 * URL or the events changed; n8n gives test registrations fresh static data, so this is never the production
 * endpoint when listening for a test event), and endpoints already pointing at this exact URL, ours from an
 * earlier activation whose secret we no longer hold (SmartComply shows it only once).
 */
export async function registerEndpoint(
	client: SmartComplyClient,
	input: { webhookUrl: string; events: string[]; description: string },
	previous: RegistrationState = {},
): Promise<RegistrationState> {
	if (previous.endpointId) await client.deleteEndpoint(previous.endpointId);
	for (const endpoint of await listOrEmpty(client)) {
		if (endpoint.url === input.webhookUrl) await client.deleteEndpoint(endpoint.id);
	}
	const created = await client.createEndpoint({
		url: input.webhookUrl,
		events: input.events,
		description: input.description,
	});
	return {
		endpointId: created.id,
		signingSecret: created.signing_secret,
		webhookUrl: input.webhookUrl,
		events: input.events,
	};
}

/** Removes our endpoint; one that is already gone counts as removed. */
export async function unregisterEndpoint(
	client: SmartComplyClient,
	state: RegistrationState,
): Promise<void> {
	if (state.endpointId) await client.deleteEndpoint(state.endpointId);
}

// Listing is a REST convention rather than a documented call: an API without it only skips the clean-up.
async function listOrEmpty(client: SmartComplyClient) {
	try {
		return await client.listEndpoints();
	} catch (error) {
		if (error instanceof SmartComplyApiError && (error.status === 404 || error.status === 405))
			return [];
		throw error;
	}
}
