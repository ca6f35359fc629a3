import type * as z from 'zod/v4';
import type { SignatureScheme } from '../signatures/schemes';
import type { BodyFormat, HeaderBag, ProviderId } from '../types';

export interface EventInfo {
	name: string;
	description: string;
	/** Sent by the provider to check the wiring rather than because something happened. */
	test?: boolean;
}

/**
 * How a webhook gets registered with the provider: the node panel's set-up text is built from this alone
 * (nodes/shared/properties.ts), so a provider's instructions live in its own file.
 */
export type Registration =
	| {
			/** Through the provider's API (its client and the node's webhookMethods do it); or by hand in its dashboard. */
			kind: 'api';
			/** The steps for an endpoint made by hand in the dashboard instead. */
			dashboardSteps: readonly string[];
	  }
	| { kind: 'manual'; steps: readonly string[]; httpsRequired: boolean; httpsNote: string }
	| {
			/** By writing to the provider: the panel lists what to send (the URL first, built from the scheme). */
			kind: 'email';
			address: string;
			/** What to send besides the URL. */
			include: readonly string[];
			/** What comes back, and where it goes in n8n. */
			reply: string;
			httpsRequired: boolean;
			httpsNote: string;
	  };

export interface DeliveryFacts {
	event?: string;
	/** The provider's idempotency key, when it sends one. */
	deliveryId?: string;
	/**
	 * The id is part of what the signature covers (read from the body, or a signed header): a copy cannot come with a
	 * new id, so the body's hash adds nothing to the id as a copy key.
	 */
	idSigned?: boolean;
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
	/** Without a catalogue: where `facts()` reads the event name, as the panel says it (e.g. "the payload's type field"). */
	eventNameSource?: string;
	/**
	 * An event name the provider's prose mentions but its list does not, shown as the "Other Event Names" example;
	 * without a catalogue, an illustrative name for the Event Names field and the try-it command.
	 */
	moreEventsExample?: string;
	registration: Registration;
	/** Zod schema of the payload; unknown fields must pass through. */
	schema: z.ZodType;
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

/** What receive() needs of a definition: a provider's, or one built from a signed webhook's settings (src/signed/). */
export type ReceivingDefinition = Pick<
	ProviderDefinition,
	'displayName' | 'scheme' | 'signature' | 'toleranceSeconds' | 'formats' | 'schema' | 'facts'
>;
