// The output schemas n8n serves (scripts/build-schemas.ts writes them from src/json-schema.ts) agree with the zod
// schemas that check deliveries: ajv (an independent JSON Schema validator) and zod must say the same about every
// sample delivery and about each one with a field taken away or given the wrong type.
import Ajv from 'ajv';
import { z } from 'zod/v4';
import { describe, expect, it } from 'vitest';
import { providerIds, providers, receive, toOutputItem, type ProviderId } from '../../src/internal';
import { outputJsonSchema, toJsonSchema } from '../../src/json-schema';
import { delivery, eventsOf, NOW_MS } from './helpers';

const ajv = new Ajv({ allErrors: true });
const validatorOf = (id: ProviderId) => ajv.compile(outputJsonSchema(id));

type Payload = Record<string, unknown>;

/** The payload with one field (top level, or inside data) removed or replaced, for every field. */
function variants(payload: Payload): Array<{ label: string; value: Payload }> {
	const out: Array<{ label: string; value: Payload }> = [];
	const fields = (object: Payload, inData: boolean) =>
		Object.keys(object).map((key) => {
			const set = (value: unknown) => {
				const copy = structuredClone(payload);
				const target = (inData ? copy.data : copy) as Payload;
				if (value === undefined) delete target[key];
				else target[key] = value;
				return copy;
			};
			const at = inData ? `data.${key}` : key;
			out.push({ label: `without ${at}`, value: set(undefined) });
			out.push({ label: `${at} as an array`, value: set([1]) });
			out.push({ label: `${at} as ""`, value: set('') });
			out.push({ label: `${at} as 7`, value: set(7) });
		});
	fields(payload, false);
	if (payload.data && typeof payload.data === 'object') fields(payload.data as Payload, true);
	return out;
}

describe.each(providerIds)('%s output schema', (id) => {
	const validate = validatorOf(id);
	const zod = providers[id].schema;

	it.each(eventsOf(id))('accepts the sample %s delivery, with and without _delivery', (event) => {
		const { payload, body, headers } = delivery(id, event);
		expect(validate(payload), ajv.errorsText(validate.errors)).toBe(true);
		const result = receive(id, { headers, rawBody: body }, { now: NOW_MS });
		const item = toOutputItem(id, { ...result, items: [payload] }, { includeMetadata: true });
		expect(validate(item), ajv.errorsText(validate.errors)).toBe(true);
		expect(validate({ ...payload, somethingNew: { nested: true } })).toBe(true);
	});

	it.each(eventsOf(id))('agrees with the zod check on every changed field of %s', (event) => {
		const { payload } = delivery(id, event);
		let refused = 0;
		for (const { label, value } of variants(payload)) {
			const zodSays = zod.safeParse(value).success;
			expect(validate(value), `${label}: zod says ${zodSays}`).toBe(zodSays);
			if (!zodSays) refused++;
		}
		// a provider with a documented envelope refuses a delivery without one of its required fields
		if (id !== 'smarterMeasure') expect(refused).toBeGreaterThan(0);
	});

	it('is what n8n 1.x previews: an object with properties', () => {
		const schema = outputJsonSchema(id);
		expect(schema.type).toBe('object');
		expect(Object.keys(schema.properties as object)).toContain('_delivery');
	});
});

describe('toJsonSchema', () => {
	it('requires the envelope fields a delivery cannot lack', () => {
		expect(outputJsonSchema('smartMaintenance').required).toEqual([
			'event',
			'timestamp',
			'company_id',
			'company_name',
			'data',
		]);
		expect(outputJsonSchema('smp').required).toEqual(['id', 'type', 'createdAt', 'data']);
	});

	it('stops on what JSON Schema cannot hold, instead of writing a looser schema', () => {
		expect(() => toJsonSchema(z.object({ at: z.date() }))).toThrow(/Date cannot be represented/);
		expect(() => toJsonSchema(z.string().refine(() => true))).toThrow(/refinement/);
		expect(() =>
			toJsonSchema(z.looseObject({ a: z.string() }).superRefine(() => undefined)),
		).toThrow(/refinement/);
	});
});
