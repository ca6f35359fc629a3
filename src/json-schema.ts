// The JSON Schema of each trigger's output item, made from the same zod schemas that check deliveries
// (providers/*.ts) by zod's own converter, so the schema n8n serves (dist/nodes/<Node>/__schema__/v<version>.json,
// written by scripts/build-schemas.ts at build time) cannot drift from the checks. Build-time only: not part of the
// bundled core.
import * as z from 'zod/v4';
import type { DeliveryMetadata } from './output';
import { METADATA_FIELD, SCHEMA_ISSUES_FIELD } from './output';
import { getProvider } from './providers';
import { eventDataPartsOf, type EventDataParts } from './providers/schema';
import type { ProviderId, Verified } from './types';

export type JsonSchema = { [key: string]: unknown };

const ANY_TYPE = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'];

/**
 * envelopeWithEventData's per-event rules, which zod holds as code: the envelope's `data` gets the fields of every
 * documented event (what an editor can show before any delivery), and the envelope one if/then per event with that
 * event's own rules.
 */
function addEventData(envelope: JsonSchema, parts: EventDataParts): void {
	const properties = envelope.properties as Record<string, JsonSchema>;
	const perEvent = Object.entries(parts.dataSchemas).map(([event, data]) => ({
		event,
		data: toJsonSchema(data),
	}));
	// The merged view is for showing, not checking: an event without a data schema may send the same field with
	// another type, so each field allows any type, its documented one first (the type n8n's editor shows: type[0]).
	const documented = new Map<string, { type: unknown; events: string[] }>();
	for (const { event, data } of perEvent) {
		for (const [key, field] of Object.entries(
			(data.properties as Record<string, JsonSchema>) ?? {},
		)) {
			const seen = documented.get(key);
			if (seen) seen.events.push(event);
			else documented.set(key, { type: field.type, events: [event] });
		}
	}
	const dataFields: Record<string, JsonSchema> = {
		...((properties.data?.properties as Record<string, JsonSchema>) ?? {}),
	};
	for (const [key, { type, events }] of documented) {
		const first = typeof type === 'string' ? [type] : [];
		dataFields[key] = {
			type: [...first, ...ANY_TYPE.filter((t) => !first.includes(t))],
			description: `Documented for ${events.join(', ')}`,
		};
	}
	// A new object rather than an edit: zod's converter may share one JSON object between schemas it saw twice.
	properties.data = { ...properties.data, properties: dataFields };
	envelope.allOf = perEvent.map(({ event, data }) => ({
		if: { properties: { [parts.eventKey]: { const: event } }, required: [parts.eventKey] },
		then: { properties: { data } },
	}));
}

/**
 * The JSON Schema (draft-07) of what a zod schema accepts (`io: 'input'`: the payload as sent, which is what the
 * trigger outputs). zod stops on a type JSON Schema cannot hold (a date, a bigint); a refinement it would leave out
 * silently, making the schema looser than the check, so any refinement but envelopeWithEventData's stops here (its
 * kind read through `_zod`, the interface zod 4 keeps for tools that inspect schemas).
 */
export function toJsonSchema(schema: z.ZodType): JsonSchema {
	const { $schema: _, ...json } = z.toJSONSchema(schema, {
		target: 'draft-7',
		io: 'input',
		override({ zodSchema, jsonSchema }) {
			const parts = eventDataPartsOf(zodSchema);
			if (parts) return addEventData(jsonSchema as JsonSchema, parts);
			if (zodSchema._zod.def.checks?.some((check) => check._zod.def.check === 'custom'))
				throw new Error(
					'json-schema: a refinement other than envelopeWithEventData is not translated',
				);
		},
	}) as JsonSchema;
	return json;
}

const VERIFIED = [
	false,
	'signature',
	'key',
	'header',
	'signature+header',
	'key+header',
] as const satisfies readonly Verified[];

/** `_delivery` (toOutputItem, only with Include Delivery Metadata): every field of DeliveryMetadata, no other. */
const deliveryMetadata = {
	type: 'object',
	description: 'Added by the trigger when Include Delivery Metadata is on',
	properties: {
		provider: { type: 'string' },
		event: { type: ['string', 'null'] },
		deliveryId: { type: ['string', 'null'] },
		verified: {
			type: ['string', 'boolean'],
			enum: [...VERIFIED],
			description: 'What proved the delivery genuine; false when nothing was checked',
		},
		receivedAt: { type: 'string', format: 'date-time' },
		test: { type: 'boolean' },
		format: { type: 'string', enum: ['json', 'xml'] },
	} satisfies Record<keyof DeliveryMetadata, JsonSchema>,
	required: ['provider', 'event', 'deliveryId', 'verified', 'receivedAt', 'test', 'format'],
	additionalProperties: false,
} satisfies JsonSchema;

const schemaIssues: JsonSchema = {
	type: 'array',
	description:
		'Present only when the payload does not match the documented shape (it is still delivered)',
	items: {
		type: 'object',
		properties: { path: { type: 'string' }, message: { type: 'string' } },
		required: ['path', 'message'],
	},
};

/**
 * The schema of a trigger's output item: the payload as the provider's zod schema accepts it (envelope fields
 * required, unknown fields allowed), plus the trigger's optional `_delivery` and `_schemaIssues`.
 */
export function outputJsonSchema(providerId: ProviderId): JsonSchema {
	const provider = getProvider(providerId);
	const payload = toJsonSchema(provider.schema);
	if (payload.type !== 'object')
		throw new Error(`json-schema: ${providerId}'s payload schema is not an object`);
	return {
		$schema: 'http://json-schema.org/draft-07/schema#',
		title: `${provider.displayName} Trigger output`,
		description: `One item per accepted ${provider.displayName} delivery: the payload as sent. Generated at build time from the schema that checks deliveries.`,
		...payload,
		properties: {
			...(payload.properties as object),
			[METADATA_FIELD]: deliveryMetadata,
			[SCHEMA_ISSUES_FIELD]: schemaIssues,
		},
	};
}
