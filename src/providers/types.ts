import type { ZodTypeAny } from 'zod';
import type { SignatureScheme } from '../signatures/schemes';
import type { BodyFormat, HeaderBag, ProviderId } from '../types';

export interface EventInfo {
	name: string;
	description: string;
	/** Sent by the provider to check the wiring rather than because something happened. */
	test?: boolean;
}

/** How a webhook gets registered with the provider, which decides what the node panel shows. */
export type Registration =
	| { kind: 'api' }
	| { kind: 'manual'; steps: readonly string[]; httpsRequired: boolean; httpsNote: string }
	| { kind: 'email'; address: string; include: readonly string[] };

export interface DeliveryFacts {
	event?: string;
	/** The provider's idempotency key, when it sends one. */
	deliveryId?: string;
	test: boolean;
}

export interface ProviderDefinition {
	id: ProviderId;
	displayName: string;
	scheme: SignatureScheme;
	/** 'optional': the provider lets admins leave the secret out (then deliveries arrive unsigned). */
	signature: 'required' | 'optional';
	/** Default signed-timestamp tolerance; absent for schemes without a timestamp. */
	toleranceSeconds?: number;
	formats: readonly BodyFormat[];
	/** The documented catalogue; null when the provider does not publish one. */
	events: readonly EventInfo[] | null;
	/** An event name the provider's prose mentions but its list does not, shown as the "Other Event Names" example. */
	moreEventsExample?: string;
	registration: Registration;
	/** Zod schema of the payload; unknown fields must pass through. */
	schema: ZodTypeAny;
	/** Reads event name, idempotency key and test flag from a verified, parsed delivery. */
	facts(payload: Record<string, unknown>, headers: HeaderBag, rawBody: Buffer): DeliveryFacts;
	/** Headers the provider sends with every delivery besides the signature (used by `sign`). */
	deliveryHeaders?(
		event: string | undefined,
		options: { deliveryId?: string },
	): Record<string, string>;
	/** A realistic payload for an event, used by `sign`-based tools, tests and the CLI. */
	sample(event: string, overrides?: { id?: string; now?: Date }): Record<string, unknown>;
}
