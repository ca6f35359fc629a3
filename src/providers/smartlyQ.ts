import * as z from 'zod/v4';
import { hmacTimestampedScheme } from '../signatures/schemes';
import { sha256Hex } from '../signatures/hmac';
import { isoSeconds, newId } from '../ids';
import type { ProviderDefinition } from './types';
import { envelopeWithEventData, looseObject, stringField } from './schema';

const smartlyQJobData = z
	.object({ job_id: z.string(), type: z.string(), status: z.string() })
	.loose();

/** Every SmartlyQ event: `{ event, timestamp, data }`. */
const smartlyQEnvelope = z.object({
	event: z.string().min(1),
	timestamp: z.string(),
	data: looseObject,
});

// Only the job payload is documented; the other samples are illustrative.
function sampleData(event: string, id: string): Record<string, unknown> {
	switch (event) {
		case 'job.completed':
			return {
				job_id: id,
				type: 'article_generation',
				status: 'completed',
				result: { word_count: 1240, url: 'https://example.com/articles/42' },
			};
		case 'job.failed':
			return { job_id: id, type: 'article_generation', status: 'failed', error: 'Model timeout' };
		case 'social.posted':
			return {
				post_id: id,
				platform: 'linkedin',
				status: 'posted',
				url: 'https://www.linkedin.com/feed/update/5521',
			};
		case 'social.failed':
			return { post_id: id, platform: 'x', status: 'failed', error: 'Token expired' };
		case 'chatbot.message':
			return {
				chatbot_id: 'bot_17',
				conversation_id: 'conv_903',
				message_id: id,
				message: 'Do you ship to Canada?',
				visitor: { name: 'Ada' },
			};
		case 'wallet.low':
			return { alert_id: id, balance: 4.5, threshold: 5, currency: 'USD' };
		default:
			return {};
	}
}

export const smartlyQ: ProviderDefinition = {
	id: 'smartlyQ',
	displayName: 'SmartlyQ',
	scheme: hmacTimestampedScheme('X-SmartlyQ-Signature'),
	signature: 'required',
	// Not in SmartlyQ's document; the header signs a timestamp, so the same 300 s window as SmartComply applies.
	toleranceSeconds: 300,
	formats: ['json'],
	events: [
		{ name: 'job.completed', description: 'An async job finished successfully' },
		{ name: 'job.failed', description: 'An async job failed' },
		{ name: 'social.posted', description: 'A social media post was published' },
		{ name: 'social.failed', description: 'A social media post failed to publish' },
		{ name: 'chatbot.message', description: 'A chatbot received a visitor message' },
		{ name: 'wallet.low', description: 'Wallet balance dropped below threshold' },
	],
	registration: {
		kind: 'manual',
		steps: [
			'Open the SmartlyQ Developer Dashboard.',
			'Go to the Webhooks tab.',
			'Add an endpoint and paste the trigger’s Production URL (it must be HTTPS).',
			'Select the events you want (they should match the Events selected in this node).',
			'Copy the signing secret (it is shown only once) into this node’s SmartlyQ credential.',
		],
		httpsRequired: true,
		httpsNote: 'SmartlyQ only accepts HTTPS endpoint URLs.',
	},
	schema: envelopeWithEventData(smartlyQEnvelope, 'event', {
		'job.completed': smartlyQJobData,
		'job.failed': smartlyQJobData,
	}),
	facts(payload, _headers, rawBody) {
		const event = stringField(payload, 'event');
		// Decision (docs/decisions.md; the earlier contract used the signature header value): SmartlyQ sends no delivery id, and a retry
		// re-signed with a new `t=` would carry a new signature header; the body's hash is the same for every retry.
		return { event, deliveryId: `sha256:${sha256Hex(rawBody)}`, test: false };
	},
	deliveryHeaders(event): Record<string, string> {
		return event ? { 'X-SmartlyQ-Event': event } : {};
	},
	sample(event, { id, now = new Date() } = {}) {
		return {
			event,
			timestamp: isoSeconds(now),
			data: sampleData(event, id ?? newId('job_', 6).toLowerCase()),
		};
	},
};
