import * as z from 'zod/v4';
import { en } from 'zod/v4/locales';
import type { SchemaIssue } from '../types';
import type { DeliveryFacts } from './types';

// zod sets its English messages as a side effect of a module the bundler drops (zod's package declares no side
// effects), which would leave every _schemaIssues message "Invalid input": set them here, where the bundle keeps it.
z.config(en());

/** What envelopeWithEventData built each schema from, for the JSON Schema generator (src/json-schema.ts). */
export interface EventDataParts {
	eventKey: string;
	dataSchemas: Record<string, z.ZodType>;
}

const eventDataParts = new WeakMap<object, EventDataParts>();

/** The parts of a schema made by envelopeWithEventData (its refinement is code, not something zod can describe). */
export function eventDataPartsOf(schema: object): EventDataParts | undefined {
	return eventDataParts.get(schema);
}

/**
 * An envelope schema whose `data` is also checked against the schema of its event, where one is documented.
 * Unknown events and unknown fields pass through untouched.
 */
export function envelopeWithEventData<T extends z.ZodRawShape>(
	envelope: z.ZodObject<T>,
	eventKey: string,
	dataSchemas: Record<string, z.ZodType>,
) {
	const schema = z.looseObject(envelope.shape).superRefine((value, ctx) => {
		const event = (value as Record<string, unknown>)[eventKey];
		// Own keys only: an event named "constructor" or "toString" must not pick up Object.prototype's members
		// (that made safeParse throw out of receive() for a genuinely signed delivery).
		const schema =
			typeof event === 'string' && Object.prototype.hasOwnProperty.call(dataSchemas, event)
				? dataSchemas[event]
				: undefined;
		if (!schema) return;
		const result = schema.safeParse((value as Record<string, unknown>).data);
		if (result.success) return;
		for (const issue of result.error.issues) {
			ctx.addIssue({
				code: 'custom',
				path: ['data', ...issue.path],
				message: issue.message,
			});
		}
	});
	eventDataParts.set(schema, { eventKey, dataSchemas });
	return schema;
}

/** Validates without throwing; returns the problems in a form a workflow can read, or undefined. */
export function schemaIssues(schema: z.ZodType, payload: unknown): SchemaIssue[] | undefined {
	const result = schema.safeParse(payload);
	if (result.success) return undefined;
	return result.error.issues.slice(0, 20).map((issue) => ({
		path: issue.path.length ? issue.path.map(String).join('.') : '(root)',
		message: issue.message,
	}));
}

/** The first of the named fields that holds a non-empty string (or number). */
export function stringField(source: unknown, ...names: string[]): string | undefined {
	if (source === null || typeof source !== 'object') return undefined;
	for (const name of names) {
		if (!Object.prototype.hasOwnProperty.call(source, name)) continue;
		const value = (source as Record<string, unknown>)[name];
		if (typeof value === 'string' && value.trim() !== '') return value.trim();
		if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	}
	return undefined;
}

export const looseObject = z.looseObject({});

/** The facts of an `{ id, type, … }` envelope whose test event is `webhook.test`: how SMP and SmartComply both send. */
export function idTypeEnvelopeFacts(payload: Record<string, unknown>): DeliveryFacts {
	const event = stringField(payload, 'type');
	return {
		event,
		deliveryId: stringField(payload, 'id'),
		idSigned: true,
		test: event === 'webhook.test',
	};
}
