// The Signed Webhook Trigger's description as n8n reads it: name and shape, Sender choice, try-it commands, the raw
// body parameter, the hand-registered webhook methods, and the credential test.
import { NodeHelpers, type INode, type INodeProperties } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { SIGNED_PRESET_IDS, SIGNED_PRESETS } from '../../src/internal';
import { SignedWebhookTrigger } from '../../nodes/SignedWebhookTrigger/SignedWebhookTrigger.node';
import { freshNode, hookContext } from './n8n-doubles';

const TYPE = 'n8n-nodes-smart-webhooks.signedWebhookTrigger';

describe('Panel and credential test', () => {
	const description = new SignedWebhookTrigger().description;

	it('is a trigger n8n finds as "Signed Webhook Trigger", with one POST webhook and hand-registered methods', async () => {
		const node = new SignedWebhookTrigger();
		expect(description).toMatchObject({
			displayName: 'Signed Webhook Trigger',
			name: 'signedWebhookTrigger',
			group: ['trigger'],
			inputs: [],
			outputs: ['main'],
			credentials: [{ name: 'signedWebhookApi', required: true, testedBy: 'signedWebhookSecret' }],
		});
		expect(description.description).toMatch(
			/HMAC.*Standard Webhooks.*Svix.*GitHub.*Shopify.*Stripe.*Slack/,
		);
		expect(description.webhooks).toEqual([
			expect.objectContaining({ name: 'default', httpMethod: 'POST', path: 'webhook' }),
		]);
		expect(Object.keys(node.methods.credentialTest)).toEqual(['signedWebhookSecret']);
		const ids = freshNode(TYPE);
		const { context, logs } = hookContext({
			webhookUrl: 'http://127.0.0.1:5678/webhook/x/webhook',
			...ids,
		});
		for (const method of ['checkExists', 'create', 'delete'] as const)
			expect(await node.webhookMethods.default[method].call(context)).toBe(true);
		expect(logs.every((l) => l.level === 'debug')).toBe(true);
	});

	it('offers every preset and Custom as Sender, and a try-it command per sender', () => {
		const sender = description.properties.find((p) => p.name === 'sender')!;
		expect((sender.options as Array<{ value: string }>).map((o) => o.value)).toEqual([
			...SIGNED_PRESET_IDS,
			'custom',
		]);
		for (const id of SIGNED_PRESET_IDS) {
			const tryIt = description.properties.find((p) => p.name === `tryIt_${id}`)!;
			expect(tryIt.displayName).toContain(`send signed --preset ${id} `);
			expect(tryIt.displayOptions).toEqual({ show: { sender: [id] } });
		}
	});

	it('keeps n8n from parsing the body (the hidden options.binaryData parameter)', () => {
		expect(description.properties.find((p) => p.name === 'options')).toMatchObject({
			type: 'hidden',
			default: { binaryData: true },
		});
	});

	it('says what is wrong with either secret', async () => {
		const test = new SignedWebhookTrigger().methods.credentialTest.signedWebhookSecret;
		const run = (data: Record<string, string>) =>
			test.call({} as never, { id: '1', name: 'c', type: 'signedWebhookApi', data });
		expect(await run({ secret: '' })).toMatchObject({ status: 'Error', message: /empty/ });
		expect(await run({ secret: ' s ' })).toMatchObject({ status: 'Error', message: /spaces/ });
		expect(await run({ secret: 's', previousSecret: '"p"' })).toMatchObject({
			status: 'Error',
			message: /previous signing secret is wrapped in quotes/,
		});
		expect(await run({ secret: 's', previousSecret: 'p' })).toMatchObject({ status: 'OK' });
	});
	it("shows Timestamp Tolerance (n8n's own display rules) only where the scheme signs a timestamp", () => {
		const options = description.properties.find((p) => p.name === 'settings')!
			.options as INodeProperties[];
		const tolerance = options.find((o) => o.name === 'toleranceSeconds')!;
		expect(options.map((o) => o.name)).not.toContain('ignoreTestEvents');
		const node = { typeVersion: 1 } as INode;
		const shown = (root: Record<string, unknown>) =>
			NodeHelpers.displayParameter({}, tolerance, node, description, root as never);
		for (const id of SIGNED_PRESET_IDS)
			expect(shown({ sender: id }), id).toBe(
				SIGNED_PRESETS[id].settings.scheme.kind !== 'bodyHmac',
			);
		expect(shown({ sender: 'custom', scheme: 'standardWebhooks' })).toBe(true);
		expect(shown({ sender: 'custom', scheme: 'timestampedHmac' })).toBe(true);
		expect(shown({ sender: 'custom', scheme: 'bodyHmac' })).toBe(false);
	});
});
