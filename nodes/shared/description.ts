import { NodeConnectionTypes, type INodeCredentialDescription, type INodeProperties, type INodeTypeDescription } from 'n8n-workflow';
import type { ProviderDefinition } from '../../src';
import { eventProperties, optionsProperty, setupNotice } from './properties';

export interface TriggerDescriptionInput {
	provider: ProviderDefinition;
	/** n8n node name, e.g. `smpTrigger`. */
	name: string;
	/** Icon file base name next to the node file, e.g. `smp` for smp.svg and smp.dark.svg. */
	icon: string;
	credential: INodeCredentialDescription;
	description: string;
	/** Properties shown before the events (registration mode, instructions). */
	leadingProperties?: INodeProperties[];
	/** Properties shown after the events (format options and the like). */
	trailingProperties?: INodeProperties[];
}

const EVENTS_SUBTITLE =
	'={{ ([].concat($parameter["events"] || [], ($parameter["otherEvents"] || $parameter["eventNames"] || "").split(",").map(s => s.trim()).filter(s => s))).join(", ") || "All events" }}';

/** One description shape for every provider's trigger: only the provider definition and a few extras differ. */
export function triggerDescription(input: TriggerDescriptionInput): INodeTypeDescription {
	const { provider } = input;
	const displayName = `${provider.displayName} Trigger`;
	return {
		displayName,
		name: input.name,
		icon: { light: `file:${input.icon}.svg`, dark: `file:${input.icon}.dark.svg` },
		group: ['trigger'],
		version: 1,
		subtitle: EVENTS_SUBTITLE,
		description: input.description,
		defaults: { name: displayName },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [input.credential],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }],
		properties: [
			...(input.leadingProperties ?? setupNotice(provider)),
			...eventProperties(provider),
			...(input.trailingProperties ?? []),
			optionsProperty(provider),
		],
	};
}
