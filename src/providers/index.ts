import type { ProviderId } from '../types';
import type { ProviderDefinition } from './types';
import { smp } from './smp';
import { smartComply } from './smartComply';
import { smartlyQ } from './smartlyQ';
import { smartMaintenance } from './smartMaintenance';
import { smarterMeasure } from './smarterMeasure';

/** Every provider, by id: the one list of them (ProviderId is its keys). */
export const providers = {
	smp,
	smartComply,
	smartlyQ,
	smartMaintenance,
	smarterMeasure,
} as const satisfies Readonly<Record<string, ProviderDefinition>>;

export const providerIds = Object.keys(providers) as ProviderId[];

export function getProvider(id: string): ProviderDefinition {
	if (!Object.prototype.hasOwnProperty.call(providers, id)) {
		throw new Error(`Unknown provider "${id}". Known providers: ${providerIds.join(', ')}`);
	}
	return providers[id as ProviderId];
}

export type { ProviderDefinition, EventInfo, Registration, DeliveryFacts } from './types';
