// The http:// notice of hand-registered triggers whose provider delivers over HTTPS only (nodes/shared/hooks.ts).
import { describe, expect, it } from 'vitest';
import { SmpTrigger } from '../../nodes/SmpTrigger/SmpTrigger.node';
import { SmartlyQTrigger } from '../../nodes/SmartlyQTrigger/SmartlyQTrigger.node';
import { freshNode, hookContext } from './n8n-doubles';

/** Calls checkExists as n8n does on activation or listening, and returns what it logged. */
async function check(trigger: SmpTrigger | SmartlyQTrigger, type: string, webhookUrl: string) {
	const { context, logs } = hookContext({ webhookUrl, ...freshNode(type) });
	expect(await trigger.webhookMethods.default.checkExists.call(context)).toBe(true);
	return logs;
}

describe('http:// URLs of hand-registered triggers', () => {
	it('a public http:// host: a warning, once per URL and process', async () => {
		const smp = new SmpTrigger();
		const url = `http://n8n.example.com/webhook/${Math.random()}/webhook`;
		const first = await check(smp, 'smpTrigger', url);
		expect(first.map((l) => l.level)).toEqual(['warn']);
		const warning = `SMP refuses http:// URLs; ${url} must be served over HTTPS`;
		expect(first[0].message).toContain(warning);
		expect(await check(smp, 'smpTrigger', url)).toEqual([]);
		// another URL (the test URL) is another warning
		const testUrl = url.replace('/webhook/', '/webhook-test/');
		expect(await check(smp, 'smpTrigger', testUrl)).toHaveLength(1);
	});

	it('a loopback host: one info line per provider and process for every URL, no warning', async () => {
		const seen = [];
		for (const host of ['127.0.0.1:5678', 'localhost:5678', '127.0.0.1:5700', '[::1]:5678'])
			for (const kind of ['webhook', 'webhook-test']) {
				const url = `http://${host}/${kind}/x/webhook`;
				seen.push(...(await check(new SmartlyQTrigger(), 'smartlyQTrigger', url)));
			}
		expect(seen.map((l) => l.level)).toEqual(['info']);
		expect(seen[0].message).toContain('fine for local tests');
		expect(seen[0].message).toContain('SmartlyQ itself only delivers to an HTTPS URL');
	});

	it('https:// says nothing', async () => {
		const url = 'https://n8n.example.com/webhook/y/webhook';
		expect(await check(new SmpTrigger(), 'smpTrigger', url)).toEqual([]);
	});
});
