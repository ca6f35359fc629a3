// The sender as users get it: the smart-webhooks-cli package (cli/) packed with `npm pack`, installed from that
// tarball into a temporary prefix, and its `smart-webhooks` bin run against a receiver on 127.0.0.1 that decides
// with the core's receive(): genuine sends are accepted, tampered ones refused, retries recognised.
// Needs `npm run build` first (npm test builds): the pack takes cli/dist/cli.js.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
	providerIds,
	receive,
	serializePayload,
	providers,
	SMARTERMEASURE_KEY_QUERY,
	type ProviderId,
} from '../../src/internal';
import { SMARTERMEASURE_KEY_HEADER } from '../../src/providers/smarterMeasure';
import { PKG, ROOT } from '../providers';
import { CLI_PACKAGE, cliAndReceiver } from './cli-install';

const SECRET = 'whsec_cli-test-secret-0123456789';

// a receiver that decides with the core's receive(), the provider named by the path
const { ctx, seen, run } = cliAndReceiver(({ route, headers, query, body }, dedupe) => {
	const provider = route as ProviderId;
	const result = receive(provider, { headers, query, rawBody: body }, { secret: SECRET, dedupe });
	return { ...result, provider, headers, query, body, ignored: !result.items.length };
});

/** `send <id> <event> --url <the receiver's path for route>`, then any more flags. */
// prettier-ignore
const sendTo = (route: string, id: string, event: string, ...flags: string[]) =>
	['send', id, event, '--url', `${ctx.base}/${route}`, ...flags];
/** The same, for the provider's own path, with `--secret SECRET`. */
const sendArgs = (id: string, event: string, ...flags: string[]) =>
	sendTo(id, id, event, '--secret', SECRET, ...flags);
/** `send smp project.completed` to a URL nobody needs to answer (usage errors stop before sending). */
// prettier-ignore
const smp = (...flags: string[]) =>
	['send', 'smp', 'project.completed', '--url', 'http://127.0.0.1/', '--secret', 's', ...flags];

const firstEvent = (id: ProviderId) =>
	providers[id].events?.find((e) => !e.test)?.name ?? 'AssessmentCompleted';

describe('smart-webhooks send', () => {
	it.each(providerIds)('%s: a genuine delivery is accepted (exit 0)', async (id) => {
		const event = firstEvent(id);
		const { code, out } = await run(sendArgs(id, event));
		expect(out).toMatch(/accepted: 200/);
		expect(code).toBe(0);
		expect(seen).toHaveLength(1);
		expect(seen[0]).toMatchObject({ provider: id, status: 200, duplicate: false });
		// The body is the provider's sample for that event, as serializePayload makes it.
		const sample = providers[id].sample(event);
		expect(Object.keys(JSON.parse(seen[0].body.toString()))).toEqual(
			Object.keys(JSON.parse(serializePayload(sample).toString())),
		);
	});

	it.each(providerIds)('%s: --tamper is refused with 401 (exit 1)', async (id) => {
		const { code, out } = await run(sendArgs(id, firstEvent(id), '--tamper'));
		expect(out).toMatch(/tampered/);
		expect(out).toMatch(/refused: 401 /);
		expect(code).toBe(1);
		expect(seen.map((s) => s.status)).toEqual([401]);
	});

	it.each(providerIds)(
		'%s: --times 3 resends the same delivery: one accepted, two duplicates',
		async (id) => {
			const { code, out } = await run(sendArgs(id, firstEvent(id), '--times', '3'));
			expect(code).toBe(0);
			expect(out).toMatch(/#1 accepted: 200 \{"received":true\}\n/);
			expect(out).toMatch(/#2 accepted: 200 not run: duplicate delivery/);
			expect(out).toMatch(/#3 accepted: 200 not run: duplicate delivery/);
			expect(seen.map((s) => [s.status, s.duplicate])).toEqual([
				[200, false],
				[200, true],
				[200, true],
			]);
			// Same bytes, same headers (ids, signature, timestamp) every time.
			expect(seen[1].body.equals(seen[0].body) && seen[2].body.equals(seen[0].body)).toBe(true);
			const strip = (h: IncomingHttpHeaders) =>
				Object.fromEntries(
					Object.entries(h).filter(([k]) => !['connection', 'keep-alive'].includes(k)),
				);
			expect(strip(seen[1].headers)).toEqual(strip(seen[0].headers));
			expect(strip(seen[2].headers)).toEqual(strip(seen[0].headers));
		},
	);

	it('a wrong secret is refused (exit 1) and the reason is printed', async () => {
		const { code, out } = await run(sendTo('smp', 'smp', 'project.completed', '--secret', 'wrong'));
		expect(code).toBe(1);
		expect(out).toContain('refused: 401 signature does not match');
	});

	it('SmarterMeasure: XML body, key in the VerificationKey query parameter instead of the header', async () => {
		const { code, out } = await run(
			sendArgs('smarterMeasure', 'AssessmentCompleted', '--format', 'xml', '--query-key'),
		);
		expect(code).toBe(0);
		expect(out).toMatch(/\?VerificationKey=\*\*\*$/m); // the key is not printed, and the mask reads as one
		expect(out).not.toContain(SECRET);
		expect(seen[0].status).toBe(200);
		expect(seen[0].query[SMARTERMEASURE_KEY_QUERY]).toBe(SECRET);
		expect(seen[0].headers[SMARTERMEASURE_KEY_HEADER.toLowerCase()]).toBeUndefined();
		expect(seen[0].headers['content-type']).toBe('application/xml');
		expect(seen[0].body.toString()).toMatch(
			/^<\?xml[\s\S]*<EventType>AssessmentCompleted<\/EventType>/,
		);
	});

	it('--header adds the header a SmartMaintenance credential requires, and never prints its value', async () => {
		const value = 'hdr-value-4f1c9e';
		const { code, out } = await run(
			sendTo(
				'smartMaintenance',
				'smtm',
				'task.completed',
				'--secret',
				SECRET,
				'--header',
				`X-Webhook-Token: ${value}`,
			),
		);
		expect(code).toBe(0);
		expect(out).toContain('(with header X-Webhook-Token)');
		expect(out).not.toContain(value);
		expect(seen[0].status).toBe(200);
		expect(seen[0].headers['x-webhook-token']).toBe(value);
	});

	it.each(['X-Token', 'Bad Name: v', ': v', 'X-Token:'])(
		'--header %j is refused as a usage error (exit 2)',
		async (header) => {
			const { code, err } = await run(
				sendTo('smartMaintenance', 'smtm', 'task.completed', '--header', header),
			);
			expect(code).toBe(2);
			expect(err).toContain('--header is "Name: value"');
			expect(seen).toHaveLength(0);
		},
	);

	it('SmarterMeasure: any event name works (no public catalogue)', async () => {
		const { code } = await run(
			sendTo('smarterMeasure', 'smartermeasure', 'SomethingNobodyListed', '--secret', SECRET),
		);
		expect(code).toBe(0);
		expect(seen[0].status).toBe(200);
	});

	it('--file sends the file as it is; the secret may come from SMART_WEBHOOKS_SECRET', async () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'sw-cli-'));
		const file = path.join(dir, 'payload.json');
		const bytes =
			'{ "id": "evt_file_1", "type": "project.completed",  "createdAt": "2026-01-01T00:00:00Z", "data": {} }';
		writeFileSync(file, bytes);
		const { code, out } = await run(['send', 'smp', '--file', file, '--url', `${ctx.base}/smp`], {
			SMART_WEBHOOKS_SECRET: SECRET,
		});
		expect(out).toContain('accepted: 200');
		expect(code).toBe(0);
		expect(seen[0].body.toString()).toBe(bytes);
	});

	it('SmartMaintenance without a secret sends unsigned (which a receiver with a secret refuses)', async () => {
		const { code, out } = await run(sendTo('smartMaintenance', 'smtm', 'task.completed'));
		expect(out).toContain('(unsigned)');
		expect(code).toBe(1);
		expect(seen[0].headers['x-smtm-signature']).toBeUndefined();
		expect(seen[0].headers['x-smtm-delivery']).toMatch(/^[0-9a-f-]{36}$/);
	});

	it('a URL nobody answers: exit 1 with the reason', async () => {
		const closed = createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const port = (closed.address() as AddressInfo).port;
		await new Promise<void>((resolve) => closed.close(() => resolve()));
		const url = `http://127.0.0.1:${port}/x`;
		const { code, out } = await run([
			'send',
			'smp',
			'project.completed',
			'--url',
			url,
			'--secret',
			SECRET,
		]);
		expect(code).toBe(1);
		expect(out).toMatch(/FAILED: could not send \(ECONNREFUSED\)/);
	});
});

describe('smart-webhooks usage', () => {
	it.each([
		[['send', 'smpp', ...smp().slice(2)], /unknown provider "smpp"; did you mean smp\?/],
		[
			['send', 'smartlyq', 'job.complete', ...smp().slice(3)],
			/unknown SmartlyQ event "job.complete"; did you mean job.completed\?/,
		],
		[['send', 'smp', 'project.completed', '--secret', 's'], /--url is required/],
		[smp().slice(0, 5), /--secret is required for SMP/],
		[smp('--format', 'xml'), /SMP sends JSON, not XML/],
		[smp('--query-key'), /--query-key is for SmarterMeasure only/],
		[smp('--times', '0'), /--times is a whole number/],
		[smp('--tamperr'), /unknown option --tamperr; did you mean --tamper\?/],
		[['sned'], /unknown command "sned"; did you mean send\?/],
		[
			['send', 'zzzzzzzz', 'x', ...smp().slice(3)],
			/unknown provider "zzzzzzzz"\. Known providers: smp, .*smarterMeasure\.$/m,
		],
		// parseArgs alone would take "--secret" as the URL
		[['send', 'smp', 'project.completed', '--url', '--secret', 's'], /--url needs a value/],
		[smp('--tamper=yes'), /--tamper takes no value/],
		[[], /Usage:/],
	])('%j → exit 2', async (args, message) => {
		const { code, out, err } = await run(args);
		expect(out + err).toMatch(message);
		expect(code).toBe(2);
		expect(seen).toHaveLength(0);
	});

	it('--help prints usage and exits 0', async () => {
		const { code, out } = await run(['--help']);
		expect(code).toBe(0);
		expect(out).toMatch(/smart-webhooks send <provider> <event> --url/);
		expect(out).toContain('--query-key');
	});

	it('events lists each catalogue; SmarterMeasure explains that any name works', async () => {
		const all = await run(['events']);
		expect(all.code).toBe(0);
		for (const id of providerIds) expect(all.out).toContain(`(${id})`);
		expect(all.out).toMatch(/wallet\.low\s+Wallet balance/);
		const sm = await run(['events', 'SmarterMeasure']);
		expect(sm.out).toMatch(/does not publish its event catalogue: any event name works/);
		const unknown = await run(['events', 'smartly']);
		expect(unknown.code).toBe(2);
		expect(unknown.err).toMatch(/did you mean smartlyQ\?/);
	});

	it('the CLI and the provider agree on the SmarterMeasure query parameter name', async () => {
		const { out } = await run(['--help']);
		expect(out).toContain(`URL's ${SMARTERMEASURE_KEY_QUERY} parameter`);
	});
});

describe('smart-webhooks sample', () => {
	it.each(providerIds)(
		'%s: prints exactly the item the trigger emits for a sample of its first event',
		async (id) => {
			const event = providers[id].events?.find((e) => !e.test)?.name ?? 'AssessmentCompleted';
			const { code, out } = await run(['sample', id, event]);
			expect(code).toBe(0);
			const item = JSON.parse(out);
			const event_ = (item.type ??
				item.event ??
				item.Webhook?.EventType ??
				item.EventType) as string;
			expect(event_).toBe(event);
			// what receive() makes of the same payload, sent as the provider sends it
			const body = serializePayload(item);
			expect(
				receive(
					id,
					{ headers: { 'content-type': 'application/json' }, rawBody: body },
					{ secret: undefined },
				).status,
			).toBe(id === 'smartMaintenance' ? 200 : 401);
		},
	);

	it('SmarterMeasure XML keeps the root element; --metadata adds _delivery; unknown events are a usage error', async () => {
		const xml = await run(['sample', 'smarterMeasure', 'AssessmentCompleted', '--format', 'xml']);
		expect(xml.code).toBe(0);
		expect(Object.keys(JSON.parse(xml.out))).toEqual(['Webhook']);
		const meta = await run(['sample', 'smp', 'project.completed', '--metadata']);
		expect(JSON.parse(meta.out)._delivery).toMatchObject({
			provider: 'smp',
			event: 'project.completed',
			verified: 'signature',
		});
		const bad = await run(['sample', 'smp', 'project.finished']);
		expect(bad.code).toBe(2);
		expect(bad.err).toContain(
			'unknown SMP event "project.finished". Known events: project.completed, ',
		);
		expect(bad.err).toMatch(/\(smart-webhooks events smp\)\.\n/);
	});
});

describe('the smart-webhooks-cli package (cli/)', () => {
	const cliPkg = JSON.parse(readFileSync(path.join(CLI_PACKAGE, 'package.json'), 'utf8')) as {
		version: string;
		bin: Record<string, string>;
		dependencies?: Record<string, string>;
		peerDependencies?: Record<string, string>;
	};

	it('packs only its bundle, README, LICENSE and package.json; bin smart-webhooks', () => {
		expect(ctx.installed.packedFiles).toEqual([
			'LICENSE',
			'README.md',
			'dist/cli.js',
			'package.json',
		]);
		expect(cliPkg.bin).toEqual({ 'smart-webhooks': 'dist/cli.js' });
	});

	it('is released beside the n8n package: same version, same licence text', () => {
		expect(cliPkg.version).toBe(PKG.version);
		expect(readFileSync(path.join(CLI_PACKAGE, 'LICENSE'), 'utf8')).toBe(
			readFileSync(path.join(ROOT, 'LICENSE'), 'utf8'),
		);
	});

	it('has no dependencies: the bundle requires nothing but Node built-ins', () => {
		expect(cliPkg.dependencies ?? {}).toEqual({});
		expect(cliPkg.peerDependencies ?? {}).toEqual({});
		const bundle = readFileSync(
			path.join(ctx.installed.installDir, 'node_modules/smart-webhooks-cli/dist/cli.js'),
			'utf8',
		);
		const required = [...bundle.matchAll(/\brequire\(["']([^"']+)["']\)/g)].map((m) => m[1]);
		expect(required.length).toBeGreaterThan(0);
		expect(required.filter((name) => !builtinModules.includes(name.replace(/^node:/, '')))).toEqual(
			[],
		);
	});
});
