import * as z from 'zod/v4';
import { hmacTimestampedScheme } from '../signatures/schemes';
import { isoSeconds, newId } from '../ids';
import type { ProviderDefinition } from './types';
import { idTypeEnvelopeFacts } from './schema';

/** Every SmartComply event: `{ id, type, … }` (the event catalogue's fields pass through). */
const smartComplyEnvelope = z.object({
	id: z.string().min(1),
	type: z.string().min(1),
	created_at: z.string().optional(),
	data: z.record(z.string(), z.unknown()).optional(),
});

// SmartComply's event catalogue is not part of the documents we were given: these sample
// fields are illustrative, and only the envelope (`id`, `type`) is checked.
const SAMPLE_DATA: Record<string, Record<string, unknown>> = {
	'test.submitted': {
		test_id: 'tst_4f1c9a',
		control: 'Access reviews are performed quarterly',
		result: 'passed',
		submitted_by: 'auditor@example.com',
		submitted_at: '2026-05-05T14:02:11.000Z',
	},
	'notice.created': {
		notice_id: 'ntc_88e2b1',
		title: 'New data-protection regulation published',
		severity: 'high',
		created_at: '2026-05-05T14:05:00.000Z',
	},
	'webhook.test': { message: 'This is a test event from SmartComply' },
};

export const smartComply: ProviderDefinition = {
	id: 'smartComply',
	displayName: 'SmartComply',
	scheme: hmacTimestampedScheme('X-SmartComply-Signature'),
	signature: 'required',
	toleranceSeconds: 300,
	formats: ['json'],
	events: [
		{ name: 'test.submitted', description: 'A compliance test was submitted' },
		{ name: 'notice.created', description: 'A regulatory notice was created' },
		{
			name: 'webhook.test',
			description: 'Test event sent from the dashboard or the API',
			test: true,
		},
	],
	registration: {
		kind: 'api',
		dashboardSteps: [
			'Open Settings → Webhooks → Add endpoint.',
			'Paste the Production URL from Webhook URLs at the top of this panel (HTTPS).',
			'Select the events (they should match the Events below).',
			'Copy the signing secret (whsec_…, shown only once) into the Signing Secret (Dashboard Endpoints Only) field of the SmartComply credential.',
			'Click Send test event on the endpoint page to check the wiring.',
		],
	},
	schema: smartComplyEnvelope.loose(),
	facts: idTypeEnvelopeFacts,
	sample(event, { id, now = new Date() } = {}) {
		return {
			id: id ?? newId('evt_'),
			type: event,
			created_at: isoSeconds(now),
			data: SAMPLE_DATA[event] ?? {},
		};
	},
};
