import { z, type ZodTypeAny } from 'zod';
import type { SchemaIssue } from '../types';

/**
 * An envelope schema whose `data` is also checked against the schema of its event, where one is documented.
 * Unknown events and unknown fields pass through untouched.
 */
export function envelopeWithEventData<T extends z.ZodRawShape>(
	envelope: z.ZodObject<T>,
	eventKey: string,
	dataSchemas: Record<string, ZodTypeAny>,
) {
	const schema = envelope.passthrough().superRefine((value, ctx) => {
		const event = (value as Record<string, unknown>)[eventKey];
		// Own keys only: an event named "constructor" or "toString" must not pick up Object.prototype's members
		// (that made safeParse throw out of receive() for a genuinely signed delivery).
		const schema = typeof event === 'string' && Object.prototype.hasOwnProperty.call(dataSchemas, event) ? dataSchemas[event] : undefined;
		if (!schema) return;
		const result = schema.safeParse((value as Record<string, unknown>).data);
		if (result.success) return;
		for (const issue of result.error.issues) {
			ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['data', ...issue.path], message: issue.message });
		}
	});
	// The refinement above is opaque to compileFastCheck, so its fast pre-check is assembled here from the parts.
	const envelopeCheck = compileFastCheck(envelope);
	const dataChecks = new Map<string, FastCheck | undefined>(Object.keys(dataSchemas).map((event) => [event, compileFastCheck(dataSchemas[event])]));
	if (envelopeCheck && [...dataChecks.values()].every(Boolean)) {
		fastChecks.set(schema, (value) => {
			if (!envelopeCheck(value)) return false;
			const event = (value as Record<string, unknown>)[eventKey];
			const dataCheck = typeof event === 'string' ? dataChecks.get(event) : undefined;
			return !dataCheck || dataCheck((value as Record<string, unknown>).data);
		});
	}
	return schema;
}

/**
 * Fast pre-check: zod's safeParse was the largest single cost of accepting a small delivery (~1.5 µs of ~10 µs,
 * bench/run.ts). For the simple schemas the providers use (objects of strings, numbers, booleans, optionals,
 * loose objects and records), a hand-compiled predicate answers "valid" with a few typeof tests. It is
 * conservative: it only ever says true where zod would succeed, and anything else (false, or a schema it does
 * not understand) falls back to zod, which still produces the issues. So the answer is identical either way.
 */
type FastCheck = (value: unknown) => boolean;
const fastChecks = new WeakMap<ZodTypeAny, FastCheck | null>();

/** What zod v3 calls an "object" for JSON/XML data: not null, not an array, a plain prototype, not a thenable. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
	if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
	const proto = Object.getPrototypeOf(value);
	return (proto === Object.prototype || proto === null) && typeof (value as { then?: unknown }).then !== 'function';
}

function compileFastCheck(schema: ZodTypeAny): FastCheck | undefined {
	const def = schema._def as Record<string, any>;
	switch (def.typeName) {
		case 'ZodString': {
			const checks = def.checks as Array<{ kind: string; value?: number }>;
			if (def.coerce || !checks.every((c) => c.kind === 'min' && typeof c.value === 'number')) return undefined;
			const min = Math.max(0, ...checks.map((c) => c.value as number));
			return (v) => typeof v === 'string' && v.length >= min;
		}
		case 'ZodNumber':
			if (def.coerce || def.checks.length > 0) return undefined;
			return (v) => typeof v === 'number' && !Number.isNaN(v);
		case 'ZodBoolean':
			if (def.coerce) return undefined;
			return (v) => typeof v === 'boolean';
		case 'ZodUnknown':
		case 'ZodAny':
			return () => true;
		case 'ZodOptional': {
			const inner = compileFastCheck(def.innerType);
			return inner && ((v) => v === undefined || inner(v));
		}
		case 'ZodRecord': {
			const key = def.keyType._def;
			const value = def.valueType._def.typeName;
			if (key.typeName !== 'ZodString' || key.checks.length > 0 || key.coerce || (value !== 'ZodUnknown' && value !== 'ZodAny')) return undefined;
			return isPlainObject;
		}
		case 'ZodObject': {
			if (def.unknownKeys === 'strict' || def.catchall?._def?.typeName !== 'ZodNever') return undefined;
			const shape = def.shape() as Record<string, ZodTypeAny>;
			const fields: Array<[string, FastCheck]> = [];
			for (const key of Object.keys(shape)) {
				const check = compileFastCheck(shape[key]);
				if (!check) return undefined;
				fields.push([key, check]);
			}
			return (v) => {
				if (!isPlainObject(v)) return false;
				for (const [key, check] of fields) if (!check(v[key])) return false;
				return true;
			};
		}
		default:
			return undefined;
	}
}

function fastCheckFor(schema: ZodTypeAny): FastCheck | null {
	let check = fastChecks.get(schema);
	if (check === undefined) {
		check = compileFastCheck(schema) ?? null;
		fastChecks.set(schema, check);
	}
	return check;
}

/** Validates without throwing; returns the problems in a form a workflow can read, or undefined. */
export function schemaIssues(schema: ZodTypeAny, payload: unknown): SchemaIssue[] | undefined {
	if (fastCheckFor(schema)?.(payload)) return undefined;
	const result = schema.safeParse(payload);
	if (result.success) return undefined;
	return result.error.issues.slice(0, 20).map((issue) => ({
		path: issue.path.length ? issue.path.join('.') : '(root)',
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

export const looseObject = z.object({}).passthrough();
