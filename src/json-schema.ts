// The JSON Schema of each trigger's output item, made from the same zod schemas that check deliveries
// (providers/*.ts), so the schema n8n serves (dist/nodes/<Node>/__schema__/v<version>.json, written by
// scripts/build-schemas.ts at build time) cannot drift from the checks. A walker for the zod types the providers
// use, not a general converter: any other zod type stops the build with its name, so a provider that starts using
// one gets it added here rather than a silently wrong schema. Build-time only: not part of the bundled core.
import { z, type ZodTypeAny } from 'zod';
import type { DeliveryMetadata } from './output';
import { METADATA_FIELD, SCHEMA_ISSUES_FIELD } from './output';
import { getProvider } from './providers';
import { eventDataPartsOf } from './providers/schema';
import type { ProviderId, Verified } from './types';

export type JsonSchema = { [key: string]: unknown };

const Kind = z.ZodFirstPartyTypeKind;

const ANY_TYPE = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'];

function stringSchema(def: z.ZodStringDef): JsonSchema {
	const out: JsonSchema = { type: 'string' };
	for (const check of def.checks) {
		if (check.kind === 'min') out.minLength = check.value;
		else if (check.kind === 'max') out.maxLength = check.value;
		else throw new Error(`json-schema: z.string().${check.kind}() is not translated yet`);
	}
	return out;
}

function numberSchema(def: z.ZodNumberDef): JsonSchema {
	const out: JsonSchema = { type: 'number' };
	for (const check of def.checks) {
		if (check.kind === 'int') out.type = 'integer';
		else if (check.kind === 'min')
			out[check.inclusive ? 'minimum' : 'exclusiveMinimum'] = check.value;
		else if (check.kind === 'max')
			out[check.inclusive ? 'maximum' : 'exclusiveMaximum'] = check.value;
		else throw new Error(`json-schema: z.number().${check.kind}() is not translated yet`);
	}
	return out;
}

function objectSchema(schema: z.ZodObject<z.ZodRawShape>): JsonSchema {
	const properties: Record<string, JsonSchema> = {};
	const required: string[] = [];
	for (const [key, field] of Object.entries(schema.shape)) {
		properties[key] = toJsonSchema(field);
		if (!field.isOptional()) required.push(key);
	}
	// 'passthrough' keeps unknown fields and 'strip' drops them without an error: both accept them.
	const additional = schema._def.unknownKeys === 'strict' ? false : true;
	return {
		type: 'object',
		properties,
		...(required.length ? { required } : {}),
		additionalProperties: additional,
	};
}

/**
 * An envelope checked per event (envelopeWithEventData): the envelope, its `data` with the fields of every documented
 * event (what an editor can show before any delivery), and one if/then per event with that event's own rules.
 */
function eventEnvelopeSchema(schema: ZodTypeAny): JsonSchema | undefined {
	const parts = eventDataPartsOf(schema);
	if (!parts) return undefined;
	const envelope = objectSchema(parts.envelope.passthrough());
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
	properties.data = { ...properties.data, properties: dataFields };
	return {
		...envelope,
		allOf: perEvent.map(({ event, data }) => ({
			if: { properties: { [parts.eventKey]: { const: event } }, required: [parts.eventKey] },
			then: { properties: { data } },
		})),
	};
}

/** The JSON Schema (draft-07) of what a zod schema accepts. */
export function toJsonSchema(schema: ZodTypeAny): JsonSchema {
	const def = schema._def as { typeName: z.ZodFirstPartyTypeKind };
	switch (def.typeName) {
		case Kind.ZodString:
			return stringSchema(schema._def as z.ZodStringDef);
		case Kind.ZodNumber:
			return numberSchema(schema._def as z.ZodNumberDef);
		case Kind.ZodBoolean:
			return { type: 'boolean' };
		case Kind.ZodUnknown:
		case Kind.ZodAny:
			return {};
		case Kind.ZodOptional:
			return toJsonSchema((schema as z.ZodOptional<ZodTypeAny>).unwrap());
		case Kind.ZodNullable: {
			const inner = toJsonSchema((schema as z.ZodNullable<ZodTypeAny>).unwrap());
			return { anyOf: [inner, { type: 'null' }] };
		}
		case Kind.ZodLiteral:
			return { const: (schema as z.ZodLiteral<unknown>).value };
		case Kind.ZodEnum:
			return { type: 'string', enum: [...(schema as z.ZodEnum<[string]>).options] };
		case Kind.ZodArray:
			return { type: 'array', items: toJsonSchema((schema as z.ZodArray<ZodTypeAny>).element) };
		case Kind.ZodObject:
			return objectSchema(schema as z.ZodObject<z.ZodRawShape>);
		case Kind.ZodRecord:
			return {
				type: 'object',
				additionalProperties: toJsonSchema((schema as z.ZodRecord).valueSchema),
			};
		case Kind.ZodEffects: {
			const translated = eventEnvelopeSchema(schema);
			if (translated) return translated;
			throw new Error(
				'json-schema: a refinement other than envelopeWithEventData is not translated',
			);
		}
		default:
			throw new Error(`json-schema: ${def.typeName} is not translated yet`);
	}
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
