import type { ProviderId } from '../types';
import type { ProviderDefinition } from './types';
import { smp } from './smp';
import { smartComply } from './smartComply';
import { smartlyQ } from './smartlyQ';
import { smartMaintenance } from './smartMaintenance';
import { smarterMeasure } from './smarterMeasure';

/** Every provider, by id: exactly the ids of ProviderId (an id missing here, or one not in it, fails to compile). */
export const providers = {
	smp,
	smartComply,
	smartlyQ,
	smartMaintenance,
	smarterMeasure,
} as const satisfies Readonly<Record<ProviderId, ProviderDefinition>>;

export const providerIds = Object.keys(providers) as ProviderId[];

export function getProvider(id: string): ProviderDefinition {
	if (!Object.prototype.hasOwnProperty.call(providers, id)) {
		throw new Error(`Unknown provider "${id}". Known providers: ${providerIds.join(', ')}`);
	}
	return providers[id as ProviderId];
}

export type {
	ProviderDefinition,
	ReceivingDefinition,
	EventInfo,
	Registration,
	DeliveryFacts,
} from './types';
