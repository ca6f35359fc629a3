import * as z from 'zod/v4';
import { hmacHexScheme } from '../signatures/schemes';
import type { ProviderDefinition } from './types';
import { envelopeWithEventData, idTypeEnvelopeFacts, looseObject } from './schema';
import { isoSeconds, newId } from '../ids';

const smpProjectCompletedData = z
	.object({ projectId: z.string(), name: z.string(), completedAt: z.string() })
	.loose();

/** Every SMP event: `{ id, type, createdAt, data }`. */
const smpEnvelope = z.object({
	id: z.string().min(1),
	type: z.string().min(1),
	createdAt: z.string(),
	data: looseObject,
});

const SAMPLE_DATA: Record<string, Record<string, unknown>> = {
	'project.completed': {
		projectId: 'proj_7H8K2',
		name: 'Authentication accessibility audit',
		completedAt: '2026-05-02T14:32:09Z',
	},
	'webhook.test': { message: 'This is a test event from SMP' },
	'webhook.delivery_failed': {
		webhookId: 'wh_3KQ9',
		url: 'https://example.com/hooks/smp',
		eventId: 'evt_01HXY3K6Q4SC3D6EA8JVQA0Z2W',
		attempts: 5,
		lastStatus: 500,
	},
};

export const smp: ProviderDefinition = {
	id: 'smp',
	displayName: 'SMP',
	scheme: hmacHexScheme('X-SMP-Signature'),
	signature: 'required',
	formats: ['json'],
	events: [
		{ name: 'project.completed', description: 'A project was completed' },
		{
			name: 'webhook.delivery_failed',
			description: 'An event could not be delivered after retries (admin event)',
		},
		{
			name: 'webhook.test',
			description: 'Synthetic event SMP sends right after a webhook is saved',
			test: true,
		},
	],
	// The guide mentions "a new project is created" without naming the event.
	moreEventsExample: 'project.created',
	registration: {
		kind: 'manual',
		steps: [
			'In the SMP admin portal open Organisation settings → Webhooks.',
			'Click New webhook.',
			'Paste the trigger’s Production URL as the URL.',
			'Pick the events you want (they should match the Events selected in this node).',
			'Generate a signing secret and paste it into this node’s SMP credential.',
			'Save. SMP sends a webhook.test event straight away.',
		],
		httpsRequired: true,
		httpsNote:
			'SMP refuses http:// URLs and self-signed certificates: n8n must be reachable over HTTPS with a trusted certificate.',
	},
	schema: envelopeWithEventData(smpEnvelope, 'type', {
		'project.completed': smpProjectCompletedData,
	}),
	facts: idTypeEnvelopeFacts,
	sample(event, { id, now = new Date() } = {}) {
		return {
			id: id ?? newId('evt_'),
			type: event,
			createdAt: isoSeconds(now),
			// completedAt a couple of seconds before the envelope, as in SMP's own example, so a sample reads as one moment.
			data:
				event === 'project.completed'
					? { ...SAMPLE_DATA[event], completedAt: isoSeconds(new Date(now.getTime() - 2000)) }
					: (SAMPLE_DATA[event] ?? {}),
		};
	},
};
