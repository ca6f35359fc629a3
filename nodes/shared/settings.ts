/** The values of the Events choice of a provider without a catalogue; the panel (properties.ts) and the node subtitle read them too. */
export const EVENT_FILTER = { all: 'all', named: 'named' } as const;

/** The trigger's Options collection (parameter `settings`; see `properties.ts` for why it is not called `options`). */
export interface TriggerSettings {
	deduplicate?: boolean;
	retryMemory?: number;
	ignoreTestEvents?: boolean;
	includeMetadata?: boolean;
	toleranceSeconds?: number;
}

function splitNames(value: unknown): string[] {
	return typeof value === 'string'
		? value
				.split(',')
				.map((s) => s.trim())
				.filter(Boolean)
		: [];
}

/** The event names the user selected: the multi-select plus any typed names. */
export function selectedEvents(this: {
	getNodeParameter(name: string, fallback?: unknown): unknown;
}): string[] {
	const picked = this.getNodeParameter('events', []);
	return [
		...(Array.isArray(picked) ? picked.filter((e): e is string => typeof e === 'string') : []),
		...splitNames(this.getNodeParameter('otherEvents', '')),
		// without a catalogue (properties.ts): the typed names count only when the user chose them over every event
		...(this.getNodeParameter('eventFilter', EVENT_FILTER.all) === EVENT_FILTER.named
			? splitNames(this.getNodeParameter('eventNames', ''))
			: []),
	];
}
