import { staticKeyScheme } from '../signatures/schemes';
import { sha256Hex } from '../signatures/hmac';
import { isoSeconds, newId } from '../ids';
import type { ProviderDefinition } from './types';
import { looseObject, stringField } from './schema';

export const SMARTERMEASURE_KEY_HEADER = 'X-SmarterMeasure-Verification-Key';
export const SMARTERMEASURE_KEY_QUERY = 'VerificationKey';
export const SMARTERMEASURE_CONTACT = 'developers@smartermeasure.com';

/** Field names that may carry the event name, in the order they are tried (docs/providers.md). */
const SMARTERMEASURE_EVENT_FIELDS = ['event', 'type', 'eventType', 'EventType'] as const;

/** The event name from the payload itself, or from the single root element of an XML document. */
function smarterMeasureEventName(payload: Record<string, unknown>): string | undefined {
	const direct = stringField(payload, ...SMARTERMEASURE_EVENT_FIELDS);
	if (direct !== undefined) return direct;
	const keys = Object.keys(payload);
	if (keys.length === 1) return stringField(payload[keys[0]], ...SMARTERMEASURE_EVENT_FIELDS);
	return undefined;
}

export const smarterMeasure: ProviderDefinition = {
	id: 'smarterMeasure',
	displayName: 'SmarterMeasure',
	scheme: staticKeyScheme(SMARTERMEASURE_KEY_HEADER, SMARTERMEASURE_KEY_QUERY),
	signature: 'required',
	formats: ['json', 'xml'],
	events: null,
	eventNameSource: `the payload's ${SMARTERMEASURE_EVENT_FIELDS.slice(0, -1).join(', ')} or ${SMARTERMEASURE_EVENT_FIELDS.at(-1)} field (or that of the XML document's root element)`,
	// The guide's only example is "assessment completion"; the name is illustrative (its catalogue is not public).
	moreEventsExample: 'AssessmentCompleted',
	registration: {
		kind: 'email',
		address: SMARTERMEASURE_CONTACT,
		include: [
			'The events you want (e.g. assessment completion); to start the workflow on some of them only, choose Only the Events Named Below under Events and type their names exactly as they send them.',
			'The format you prefer: JSON or XML (this trigger reads both).',
		],
		reply:
			'They reply with the verification key: paste it into this node’s SmarterMeasure credential.',
		httpsRequired: false,
		httpsNote: 'HTTP and HTTPS both work, but use HTTPS: the key travels with every request.',
	},
	// The catalogue is not public: any object is accepted and its fields pass through.
	schema: looseObject,
	facts(payload, _headers, rawBody) {
		// No delivery id is documented: the body's hash stands in for one (docs/providers.md).
		return {
			event: smarterMeasureEventName(payload),
			deliveryId: `sha256:${sha256Hex(rawBody)}`,
			test: false,
		};
	},
	// Illustrative: SmarterMeasure's payload catalogue is not public.
	sample(event, { id, now = new Date() } = {}) {
		return {
			EventType: event,
			EventId: id ?? newId('', 8),
			OccurredAt: isoSeconds(now),
			Student: {
				StudentId: 'S-100234',
				FirstName: 'Ada',
				LastName: 'Lovelace',
				Email: 'ada@example.edu',
			},
			Assessment: {
				AssessmentId: 'A-5521',
				Name: 'Readiness Assessment',
				Score: '87',
				CompletedAt: isoSeconds(now),
			},
		};
	},
};
