// The demo SmartComply API (`npm run dev -- --demo`): its deliver call reports what the trigger made of the delivery,
// not only the HTTP status, so a 200 for "event not selected" does not read as a run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSmartComply, type FakeSmartComply } from '../fake/smartcomply-server.mjs';
import { loopback } from './helpers';

let fake: FakeSmartComply;
let receiver: Awaited<ReturnType<typeof loopback>>;
/** what the stand-in trigger answers next */
let answer: { status: number; body: string } = { status: 200, body: '' };

beforeAll(async () => {
	fake = await startFakeSmartComply({ deliveryTimeoutMs: 5000 });
	receiver = await loopback(() => answer);
});

afterAll(async () => {
	await fake.close();
	await receiver.close();
});

async function deliver(): Promise<Record<string, unknown>> {
	const created = await fetch(`${fake.url}/webhooks/endpoints`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${fake.apiKey}`, 'Content-Type': 'application/json' },
		body: JSON.stringify({
			url: `${receiver.origin}/webhook/x/webhook`,
			events: ['notice.created'],
		}),
	});
	const { id } = (await created.json()) as { id: string };
	const response = await fetch(`${fake.origin}/__control/deliver`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ endpointId: id, type: 'notice.created' }),
	});
	return (await response.json()) as Record<string, unknown>;
}

describe('demo SmartComply API: /__control/deliver reports the trigger', () => {
	it('an empty 200: the workflow ran', async () => {
		answer = { status: 200, body: '' };
		expect(await deliver()).toMatchObject({
			delivered: true,
			response_status: 200,
			trigger: 'ran: the trigger accepted it and started the workflow',
		});
	});

	it('a 200 that ignores the delivery says so and why', async () => {
		answer = { status: 200, body: '{"received":true,"ignored":"event not selected"}' };
		expect(await deliver()).toMatchObject({
			response_status: 200,
			trigger: 'ignored: event not selected (nothing ran)',
		});
	});

	it('a refusal carries its reason', async () => {
		answer = { status: 401, body: '{"error":"signature does not match"}' };
		expect(await deliver()).toMatchObject({
			delivered: false,
			trigger: 'refused 401: signature does not match',
		});
	});
});
