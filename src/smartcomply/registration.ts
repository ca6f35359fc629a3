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
	await deleteEndpointsAt(client, input.webhookUrl);
	let created;
	try {
		created = await client.createEndpoint({
			url: input.webhookUrl,
			events: input.events,
			description: input.description,
		});
	} catch (error) {
		throw await removeUnusable(client, error, input.webhookUrl);
	}
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

async function deleteEndpointsAt(client: SmartComplyClient, webhookUrl: string): Promise<void> {
	for (const endpoint of await listOrEmpty(client)) {
		if (endpoint.url !== webhookUrl) continue;
		try {
			await client.deleteEndpoint(endpoint.id);
		} catch (error) {
			if (!(error instanceof SmartComplyApiError) || error.code !== 'invalid_endpoint_id')
				throw error;
			throw new SmartComplyApiError(
				error.code,
				`${error.message}. SmartComply lists it for this trigger's URL: remove it in the SmartComply dashboard, then activate again`,
			);
		}
	}
}

/**
 * A create call that SmartComply carried out but answered unusably (no signing secret, a malformed id, an answer too
 * large to read) would leave an endpoint that SmartComply keeps delivering to and dead-lettering: it is removed at
 * once, by its id when the answer had a usable one, else by listing the endpoints at this URL. Creation is not
 * retried (SmartComply documents no retry of it); the error says whether the clean-up worked.
 */
async function removeUnusable(
	client: SmartComplyClient,
	error: unknown,
	webhookUrl: string,
): Promise<unknown> {
	if (
		!(error instanceof SmartComplyApiError) ||
		(error.code !== 'invalid_response' && error.code !== 'too_large')
	)
		return error;
	let outcome: string;
	try {
		if (error.endpointId) await client.deleteEndpoint(error.endpointId);
		else await deleteEndpointsAt(client, webhookUrl);
		outcome = 'the endpoint it may have created was removed again';
	} catch (cleanup) {
		const why = cleanup instanceof Error ? cleanup.message : 'unknown error';
		outcome = `removing the endpoint it may have created failed too (${why}); check the endpoints in the SmartComply dashboard`;
	}
	return new SmartComplyApiError(error.code, `${error.message}; ${outcome}`, error.status, {
		cause: error,
	});
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
