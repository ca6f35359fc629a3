import * as z from 'zod/v4';
import { hmacPrefixedHexScheme } from '../signatures/schemes';
import { firstValue } from '../headers';
import { newUuid } from '../ids';
import type { ProviderDefinition } from './types';
import { envelopeWithEventData, looseObject, stringField } from './schema';

const smartMaintenanceTaskData = z
	.object({
		task_id: z.number(),
		asset_id: z.number().optional(),
		technician_id: z.number().optional(),
	})
	.loose();

/** Every SmartMaintenance event: `{ event, timestamp, company_id, company_name, data, test? }`. */
const smartMaintenanceEnvelope = z.object({
	event: z.string().min(1),
	timestamp: z.string(),
	company_id: z.number(),
	company_name: z.string(),
	data: looseObject,
	test: z.boolean().optional(),
});

const TASK_EVENTS = ['task.assigned', 'task.completed', 'task.approved', 'task.rejected'];

// Only the task payload is documented; the other samples are illustrative.
function sampleData(event: string): Record<string, unknown> {
	if (TASK_EVENTS.includes(event)) return { task_id: 12345, asset_id: 678, technician_id: 42 };
	if (event.startsWith('repair_request.'))
		return {
			repair_request_id: 9001,
			asset_id: 678,
			priority: 'Critical',
			status: event.endsWith('created') ? 'open' : 'in_progress',
		};
	if (event.startsWith('shutdown.'))
		return {
			shutdown_id: 311,
			asset_id: 678,
			reason: 'Bearing failure',
			status: event.endsWith('reported') ? 'open' : 'resolved',
		};
	if (event.startsWith('user.')) return { user_id: 57, name: 'Budi Santoso', role: 'Technician' };
	if (event === 'audit.exported') return { exported_by: 3, format: 'csv', rows: 1520 };
	return {};
}

export const smartMaintenance: ProviderDefinition = {
	id: 'smartMaintenance',
	displayName: 'SmartMaintenance',
	scheme: hmacPrefixedHexScheme('X-SMTM-Signature', 'sha256='),
	signature: 'optional',
	formats: ['json'],
	events: [
		{ name: 'task.assigned', description: 'A task is assigned to a technician' },
		{ name: 'task.completed', description: 'A technician submitted a task' },
		{ name: 'task.approved', description: 'A supervisor approved a task' },
		{ name: 'task.rejected', description: 'A supervisor rejected a task' },
		{ name: 'repair_request.created', description: 'A new repair request' },
		{ name: 'repair_request.updated', description: 'A repair request changed status' },
		{ name: 'shutdown.reported', description: 'A new shutdown' },
		{ name: 'shutdown.resolved', description: 'A shutdown was closed' },
		{ name: 'user.created', description: 'A user account was created' },
		{ name: 'user.deactivated', description: 'A user account was deactivated' },
		{ name: 'audit.exported', description: 'Someone exported the activity log' },
	],
	registration: {
		kind: 'manual',
		steps: [
			'In SmartMaintenance (as an Admin) open Configuration → Webhooks.',
			'Click New webhook and give it a Name.',
			'Paste the trigger’s Production URL as the URL.',
			'Select the Events (they should match the Events selected in this node).',
			'Type a Secret and put the same secret in this node’s SmartMaintenance credential (optional, but without it or the header below anyone who knows the URL can start this workflow).',
			'Under Headers, add one header with a long random value (e.g. Authorization, value Bearer and a random token) and put its name and value in the credential’s Header Name and Header Value (optional, with or without the Secret): deliveries without it are refused.',
			'Save, then use Send test event on the webhook’s row to check the wiring.',
		],
		httpsRequired: false,
		httpsNote:
			'SmartMaintenance warns about http:// URLs: payloads contain personal data, so use HTTPS in production.',
	},
	schema: envelopeWithEventData(
		smartMaintenanceEnvelope,
		'event',
		Object.fromEntries(TASK_EVENTS.map((e) => [e, smartMaintenanceTaskData])),
	),
	facts(payload, headers) {
		return {
			event: stringField(payload, 'event') ?? firstValue(headers, 'X-SMTM-Event'),
			deliveryId: firstValue(headers, 'X-SMTM-Delivery'),
			test: payload.test === true,
		};
	},
	deliveryHeaders(event, { deliveryId } = {}) {
		const headers: Record<string, string> = {
			'User-Agent': 'SmartMaintenance/1.0',
			'X-SMTM-Delivery': deliveryId ?? newUuid(),
		};
		if (event) headers['X-SMTM-Event'] = event;
		return headers;
	},
	sample(event, { now = new Date() } = {}) {
		// SmartMaintenance writes local time with an offset, e.g. 2026-04-24T09:15:30+07:00.
		const local = new Date(now.getTime() + 7 * 3600_000)
			.toISOString()
			.replace(/\.\d{3}Z$/, '+07:00');
		return {
			event,
			timestamp: local,
			company_id: 1,
			company_name: 'PT Kahatex',
			data: sampleData(event),
		};
	},
};
