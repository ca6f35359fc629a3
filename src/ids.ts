import { randomBytes, randomUUID } from 'node:crypto';

/** A random identifier in the provider's style, e.g. `evt_…` (used for sample deliveries). */
export function newId(prefix: string, bytes = 13): string {
	return prefix + randomBytes(bytes).toString('hex').toUpperCase();
}

export function newUuid(): string {
	return randomUUID();
}

/** ISO-8601 without milliseconds, as the providers' examples are written. */
export function isoSeconds(date: Date): string {
	return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
