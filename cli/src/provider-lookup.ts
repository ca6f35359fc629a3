// A provider and an event as typed on the command line, with "did you mean" for near misses.
import {
	providerIds,
	providers,
	type ProviderDefinition,
	type ProviderId,
} from '../../src/internal';
import { closest, UsageError } from './usage';

/** Other names people use for the providers. */
const ALIASES: Record<string, ProviderId> = { smtm: 'smartMaintenance', sm: 'smarterMeasure' };

export function findProvider(name: string | undefined): ProviderDefinition {
	if (!name) throw new UsageError(`name a provider: ${providerIds.join(', ')}`);
	const lower = name.toLowerCase();
	const id =
		providerIds.find(
			(p) => p.toLowerCase() === lower || providers[p].displayName.toLowerCase() === lower,
		) ?? ALIASES[lower];
	if (id) return providers[id];
	const guess = closest(name, [...providerIds, ...Object.keys(ALIASES)]);
	throw new UsageError(
		`unknown provider "${name}"${guess ? `; did you mean ${ALIASES[guess] ?? guess}?` : '.'} Known providers: ${providerIds.join(', ')}.`,
	);
}

export function checkEvent(provider: ProviderDefinition, event: string): void {
	if (!provider.events) return; // SmarterMeasure: no public catalogue, any name is sent as given
	const names = provider.events.map((e) => e.name);
	if (names.includes(event)) return;
	const guess = closest(event, names);
	throw new UsageError(
		`unknown ${provider.displayName} event "${event}"${guess ? `; did you mean ${guess}?` : '.'} Known events: ${names.join(', ')} (smart-webhooks events ${provider.id}).`,
	);
}
