// The Signed Webhook Trigger in a real n8n, production URL: a Standard Webhooks delivery and a GitHub-style one run
// once with exactly their payload (signed over bytes that re-serialised JSON would change, so n8n's body parser must
// stay off), a copy runs nothing, a forged or tampered one is answered 401 and runs nothing; a marker delivery after
// them all is the positive control that nothing else started an execution.
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SIGNED_PRESETS, signSigned, type SignedPresetId } from '../../src/internal';
import {
	createTriggerWorkflow,
	executionItems,
	executionsBeforeMarker,
	post,
	rest,
	waitForExecutions,
	workflowRuns,
} from './harness';

/** A Signed Webhook Trigger for `sender`, its credential holding `secret`, and a way to send it a delivery. */
async function signedTrigger(sender: SignedPresetId, secret: string, event?: string) {
	const wf = await createTriggerWorkflow({
		nodeType: 'signedWebhookTrigger',
		parameters: { sender, ...(event ? { eventFilter: 'named', eventNames: event } : {}) },
		credential: { type: 'signedWebhookApi', data: { secret } },
	});
	const settings = SIGNED_PRESETS[sender].settings;
	/** `body` signed with `key` (default: the secret) as the sender signs it */
	const send = (body: Buffer, key = secret, contentType?: string) =>
		post(wf.productionUrl, body, signSigned(settings, body, key, { event, contentType }));
	return { wf, send };
}

/** A body whose bytes JSON.stringify would not give back: spacing and an escaped character. */
function oddlyWritten(event: string, id: string): Buffer {
	return Buffer.from(`{ "type" : "${event}",\n  "data": {"id":"${id}", "note": "caf\\u00e9"} }`);
}

describe.each([
	// Standard Webhooks signs the delivery id: a copy under a new id is a forgery (401); GitHub's is not: a copy (body hash)
	{ sender: 'standardWebhooks', event: 'invoice.paid', idHeader: 'webhook-id', idSigned: true },
	{ sender: 'github', event: 'push', idHeader: 'X-GitHub-Delivery', idSigned: false },
] as const)('Signed Webhook Trigger in n8n, Sender $sender', (c) => {
	it('runs a genuine delivery once with its payload; a copy, a forgery and a tampered body run nothing', async () => {
		const secret =
			c.sender === 'github'
				? `gh_e2e_${randomUUID().replace(/-/g, '')}`
				: `whsec_${randomBytes(24).toString('base64')}`;
		const { wf, send } = await signedTrigger(c.sender, secret, c.event);
		const body = oddlyWritten(c.event, `d_${randomUUID()}`);
		// a charset label n8n's own body parser refuses (422): the trigger reads the bytes itself
		const headers = signSigned(SIGNED_PRESETS[c.sender].settings, body, secret, {
			event: c.event,
			contentType: 'application/json; charset=iso-8859-1',
		});

		const forged = await send(body, `${secret.slice(0, -4)}AAA=`);
		expect(forged.status, forged.text).toBe(401);
		expect(forged.json).toEqual({ error: expect.stringMatching(/does not match/) });
		expect(forged.text).not.toContain(secret);

		const tampered = await post(
			wf.productionUrl,
			Buffer.from(body.toString('utf8').replace('caf', 'cab')),
			headers,
		);
		expect(tampered.status, tampered.text).toBe(401);

		const first = await post(wf.productionUrl, body, headers);
		expect(first.status, first.text).toBe(200);
		expect(first.text).toBe('');
		// once its execution ran, this process answers a copy itself (before that, execute() recognises it)
		await waitForExecutions(wf.id, 1);

		// the same delivery again, and the same body under a new delivery id: copies, no run
		const again = await post(wf.productionUrl, body, headers);
		expect(again.status, again.text).toBe(200);
		expect(again.json).toEqual({ received: true, ignored: 'duplicate delivery' });
		const newId = await post(wf.productionUrl, body, { ...headers, [c.idHeader]: randomUUID() });
		if (c.idSigned) expect(newId.status, newId.text).toBe(401);
		else expect(newId.json).toEqual({ received: true, ignored: 'duplicate delivery' });

		// the positive control: a new delivery, sent after every answer above
		const marker = `marker_${randomUUID()}`;
		const markerAnswer = await send(oddlyWritten(c.event, marker));
		expect(markerAnswer.status, markerAnswer.text).toBe(200);

		const before = await executionsBeforeMarker(wf.id, marker);
		expect(before).toHaveLength(1);
		const runs = await workflowRuns(before);
		expect(runs).toHaveLength(1);
		expect(runs[0].items).toEqual([JSON.parse(body.toString('utf8'))]);
		expect(await executionItems(runs[0].id, 'After Trigger')).toEqual([
			JSON.parse(body.toString('utf8')),
		]);
	});
});

describe('Signed Webhook Trigger in n8n, failing closed', () => {
	it('answers 500 naming the missing secret (the credential holds only spaces) and runs nothing; once the credential has one, a delivery runs', async () => {
		const secret = `gh_e2e_${randomUUID().replace(/-/g, '')}`;
		// spaces only (n8n 1.x refuses an empty mandatory field): no secret once a paste's spaces are dropped
		const { wf, send } = await signedTrigger('github', '   ');
		// signed with the secret the credential lacks: still not let through
		const unset = await send(oddlyWritten('push', `d_${randomUUID()}`), secret);
		expect(unset.status, unset.text).toBe(500);
		expect(unset.json).toEqual({
			error: expect.stringMatching(/not set up: signing secret is not set/),
		});

		// the user fills in the secret (PATCH, as the credential dialog's Save does); the positive control
		await (
			await rest()
		).request('PATCH', `/rest/credentials/${wf.credential!.id}`, {
			name: wf.credential!.name,
			type: 'signedWebhookApi',
			data: { secret },
		});
		const marker = `marker_${randomUUID()}`;
		const answer = await send(oddlyWritten('push', marker), secret);
		expect(answer.status, answer.text).toBe(200);
		expect(await executionsBeforeMarker(wf.id, marker)).toHaveLength(0);
	});
});
