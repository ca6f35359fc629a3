// The Signed Webhook Trigger in a real n8n, production URL: a Standard Webhooks delivery and a GitHub-style one run
// once with exactly their payload (signed over bytes that re-serialised JSON would change, so n8n's body parser must
// stay off), a copy runs nothing, a forged or tampered one is answered 401 and runs nothing; a marker delivery after
// them all is the positive control that nothing else started an execution.
import { randomBytes, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { SIGNED_PRESETS, signSigned, type SignedPresetId } from '../../src/internal';
import {
	createCredential,
	createTriggerWorkflow,
	executionItems,
	executionsBeforeMarker,
	post,
	rest,
	waitForExecutions,
	workflowRuns,
	type TriggerWorkflow,
} from './harness';

interface Case {
	sender: SignedPresetId;
	event: string;
	/** The header that carries the delivery id, which a copy sent under a new id changes. */
	idHeader: string;
	/** Standard Webhooks signs the id: a copy under a new id is a forgery (401); GitHub's is not: a copy (body hash). */
	idSigned: boolean;
	secret: string;
}

const CASES: Case[] = [
	{
		sender: 'standardWebhooks',
		event: 'invoice.paid',
		idHeader: 'webhook-id',
		idSigned: true,
		secret: `whsec_${randomBytes(24).toString('base64')}`,
	},
	{
		sender: 'github',
		event: 'push',
		idHeader: 'X-GitHub-Delivery',
		idSigned: false,
		secret: `gh_e2e_${randomUUID().replace(/-/g, '')}`,
	},
];

/** A body whose bytes JSON.stringify would not give back: spacing and an escaped character. */
function oddlyWritten(event: string, id: string): Buffer {
	return Buffer.from(`{ "type" : "${event}",\n  "data": {"id":"${id}", "note": "caf\\u00e9"} }`);
}

describe.each(CASES)('Signed Webhook Trigger in n8n, Sender $sender', (c) => {
	const settings = SIGNED_PRESETS[c.sender].settings;
	let wf: TriggerWorkflow;

	beforeAll(async () => {
		const cred = await createCredential('signedWebhookApi', { secret: c.secret });
		wf = await createTriggerWorkflow({
			nodeType: 'signedWebhookTrigger',
			parameters: { sender: c.sender, eventFilter: 'named', eventNames: c.event },
			credentials: { signedWebhookApi: cred },
		});
	});

	it('runs a genuine delivery once with its payload; a copy, a forgery and a tampered body run nothing', async () => {
		const body = oddlyWritten(c.event, `d_${randomUUID()}`);
		// a charset label n8n's own body parser refuses (422): the trigger reads the bytes itself
		const contentType = 'application/json; charset=iso-8859-1';
		const headers = signSigned(settings, body, c.secret, { event: c.event, contentType });

		const forged = await post(
			wf.productionUrl,
			body,
			signSigned(settings, body, `${c.secret.slice(0, -4)}AAA=`, { event: c.event }),
		);
		expect(forged.status, forged.text).toBe(401);
		expect(forged.json).toEqual({ error: expect.stringMatching(/does not match/) });
		expect(forged.text).not.toContain(c.secret);

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
		const renamed = { ...headers, [c.idHeader]: randomUUID() };
		const newId = await post(wf.productionUrl, body, renamed);
		if (c.idSigned) expect(newId.status, newId.text).toBe(401);
		else expect(newId.json).toEqual({ received: true, ignored: 'duplicate delivery' });

		// the positive control: a new delivery, sent after every answer above
		const marker = `marker_${randomUUID()}`;
		const markerBody = oddlyWritten(c.event, marker);
		const markerAnswer = await post(
			wf.productionUrl,
			markerBody,
			signSigned(settings, markerBody, c.secret, { event: c.event }),
		);
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
		const settings = SIGNED_PRESETS.github.settings;
		const secret = `gh_e2e_${randomUUID().replace(/-/g, '')}`;
		// spaces only (n8n 1.x refuses an empty mandatory field): no secret once a paste's spaces are dropped
		const cred = await createCredential('signedWebhookApi', { secret: '   ' });
		const wf = await createTriggerWorkflow({
			nodeType: 'signedWebhookTrigger',
			parameters: { sender: 'github' },
			credentials: { signedWebhookApi: cred },
		});
		const body = oddlyWritten('push', `d_${randomUUID()}`);
		// signed with the secret the credential lacks: still not let through
		const unset = await post(wf.productionUrl, body, signSigned(settings, body, secret));
		expect(unset.status, unset.text).toBe(500);
		expect(unset.json).toEqual({
			error: expect.stringMatching(/not set up: signing secret is not set/),
		});

		// the user fills in the secret (PATCH, as the credential dialog's Save does); the positive control
		const client = await rest();
		await client.request('PATCH', `/rest/credentials/${cred.id}`, {
			name: cred.name,
			type: 'signedWebhookApi',
			data: { secret },
		});
		const marker = `marker_${randomUUID()}`;
		const markerBody = oddlyWritten('push', marker);
		const answer = await post(
			wf.productionUrl,
			markerBody,
			signSigned(settings, markerBody, secret),
		);
		expect(answer.status, answer.text).toBe(200);
		expect(await executionsBeforeMarker(wf.id, marker)).toHaveLength(0);
	});
});
