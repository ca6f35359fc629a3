// The sender's dead ends: when n8n answers that nothing listens at the URL, it says what to do next.
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../cli/src/cli';

const TEST_URL = 'http://127.0.0.1:5678/webhook-test/abc/webhook';
const message = 'The requested webhook "POST 1234/webhook" is not registered.';
const NOT_REGISTERED = JSON.stringify({ code: 404, message });

/** Runs `send` against a fetch that answers `status` with n8n's own 404 body, and returns the printed lines. */
async function sendTo(url: string, status: number): Promise<{ code: number; lines: string[] }> {
	const lines: string[] = [];
	const headers = { 'Content-Type': 'application/json' };
	const io: CliIo = {
		out: (line) => lines.push(line),
		err: (line) => lines.push(line),
		env: {},
		fetch: (async () => new Response(NOT_REGISTERED, { status, headers })) as typeof fetch,
	};
	const args = ['send', 'smp', 'project.completed', '--url', url, '--secret', 's3cret-value-0123'];
	return { code: await main(args, io), lines };
}

describe('smart-webhooks send: next steps', () => {
	it.each([404, 410])(
		'a Test URL answered %i: listen again, one delivery per listen',
		async (status) => {
			const { code, lines } = await sendTo(TEST_URL, status);
			expect(code).toBe(1);
			expect(lines.at(-1)).toMatch(/^next: the Test URL answers only while the editor listens/);
			expect(lines.at(-1)).toContain('click Execute step');
			expect(lines.join('\n')).not.toContain('published');
		},
	);

	it.each([404, 410])('a Production URL answered %i: publish the workflow', async (status) => {
		const { lines } = await sendTo('https://n8n.example.com/webhook/abc/webhook', status);
		const next = /^next: the Production URL answers only while the workflow is published/;
		expect(lines.at(-1)).toMatch(next);
	});

	it('another path gets both next steps', async () => {
		const { lines } = await sendTo('https://hooks.example.com/in/abc', 404);
		expect(lines.at(-1)).toContain('Execute step');
		expect(lines.at(-1)).toContain('publish it');
	});

	it('other refusals get no next step from here (their reason says it)', async () => {
		const { lines } = await sendTo(TEST_URL, 401);
		expect(lines.length).toBeGreaterThan(0);
		expect(lines.some((l) => l.startsWith('next:'))).toBe(false);
	});
});
