// Node descriptions, credentials as package.json lists them, and the hand-registered triggers' hook methods and
// credential tests, through n8n's own interfaces.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
	ICredentialTestFunctions,
	ICredentialType,
	INodeProperties,
	INodeType,
} from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { providers } from '../../src/internal';
import { PROVIDERS, SIGNED_NODE, nodeName } from '../providers';
import { EVENT_FILTER } from '../../nodes/shared/settings';
import { setupNotice } from '../../nodes/shared/setup-notice';
import { freshNode, hookContext } from './n8n-doubles';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
	n8n: { nodes: string[]; credentials: string[] };
};

/** `dist/nodes/X/X.node.js` → the TypeScript source it is built from. */
const sourceOf = (distPath: string) =>
	join(root, distPath.replace(/^dist\//, '').replace(/\.js$/, '.ts'));

async function loadClass<T>(distPath: string): Promise<T> {
	const module = (await import(sourceOf(distPath))) as Record<string, new () => T>;
	const classes = Object.values(module).filter((v) => typeof v === 'function');
	expect(classes).toHaveLength(1);
	return new classes[0]();
}

const expected = PROVIDERS.map((p) => ({ ...p, name: nodeName(p), file: p.node }));

const nodeFor = (file: string) => pkg.n8n.nodes.find((p) => p.includes(`/${file}/`))!;

describe('package.json lists every node and credential, and their sources exist', () => {
	it('has one node and one credential per provider, and the Signed Webhook Trigger with its credential', () => {
		expect(pkg.n8n.nodes).toHaveLength(PROVIDERS.length + 1);
		expect(pkg.n8n.credentials).toHaveLength(PROVIDERS.length + 1);
		expect(pkg.n8n.nodes).toContain(`dist/nodes/${SIGNED_NODE.node}/${SIGNED_NODE.node}.node.js`);
		expect(pkg.n8n.credentials).toContain(
			`dist/credentials/${SIGNED_NODE.credentialClass}.credentials.js`,
		);
		for (const path of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
			expect(path.startsWith('dist/')).toBe(true);
			expect(existsSync(sourceOf(path))).toBe(true);
		}
	});
});

describe.each(expected)('$displayName description', (e) => {
	it('has the expected name, display name, shape and one POST webhook at path "webhook"', async () => {
		expect(nodeFor(e.file)).toBe(`dist/nodes/${e.file}/${e.file}.node.js`);
		const node = await loadClass<INodeType>(nodeFor(e.file));
		const d = node.description;
		expect(d.name).toBe(e.name);
		expect(d.displayName).toBe(e.displayName);
		expect(d.name.endsWith('Trigger')).toBe(true);
		expect(d.group).toEqual(['trigger']);
		expect(d.inputs).toEqual([]);
		expect(d.outputs).toEqual(['main']);
		expect(d.defaults.name).toBe(e.displayName);
		expect(d.webhooks).toHaveLength(1);
		expect(d.webhooks![0]).toMatchObject({ name: 'default', httpMethod: 'POST', path: 'webhook' });
		expect(typeof node.webhook).toBe('function');
		expect(Object.keys(node.webhookMethods?.default ?? {}).sort()).toEqual([
			'checkExists',
			'create',
			'delete',
		]);
		expect((d as { usableAsTool?: unknown }).usableAsTool).toBeUndefined();
	});

	it('has light and dark icons from icons/ that exist and differ', async () => {
		const d = (await loadClass<INodeType>(nodeFor(e.file))).description;
		const icon = d.icon as { light: string; dark: string };
		expect(icon).toEqual({
			light: `file:../../icons/${e.slug}.svg`,
			dark: `file:../../icons/${e.slug}.dark.svg`,
		});
		const dir = join(root, 'nodes', e.file);
		const light = readFileSync(join(dir, icon.light.replace(/^file:/, '')), 'utf8');
		const dark = readFileSync(join(dir, icon.dark.replace(/^file:/, '')), 'utf8');
		expect(light).toContain('<svg');
		expect(dark).not.toBe(light);
	});

	it('uses the credential package.json lists, and any credential test it names exists', async () => {
		const node = await loadClass<INodeType>(nodeFor(e.file));
		const credentialNames: string[] = [];
		for (const path of pkg.n8n.credentials)
			credentialNames.push((await loadClass<ICredentialType>(path)).name);
		expect(node.description.credentials?.map((c) => c.name)).toEqual([e.credential]);
		expect(credentialNames).toContain(e.credential);
		expect(node.description.credentials![0].required).toBe(true);
		const testedBy = node.description.credentials![0].testedBy;
		if (typeof testedBy === 'string')
			expect(typeof node.methods?.credentialTest?.[testedBy]).toBe('function');
		else {
			// Without a node-side test the credential must carry its own test request.
			const credential = await loadClass<ICredentialType>(
				pkg.n8n.credentials.find((p) => p.includes('SmartComplyApi'))!,
			);
			expect(credential.name).toBe(e.credential);
			expect(credential.test).toBeDefined();
		}
	});

	it('offers exactly the provider catalogue as event options (or a free list when there is none)', async () => {
		const props = (await loadClass<INodeType>(nodeFor(e.file))).description.properties;
		const events = props.find((p) => p.name === 'events');
		const catalogue = providers[e.id].events;
		if (catalogue) {
			expect(events?.type).toBe('multiOptions');
			expect(events?.default).toEqual([]);
			expect((events?.options as Array<{ value: string }>).map((o) => o.value)).toEqual(
				catalogue.map((c) => c.name),
			);
			expect(props.find((p) => p.name === 'otherEvents')?.type).toBe('string');
		} else {
			expect(events).toBeUndefined();
			expect(props.find((p) => p.name === 'eventNames')?.type).toBe('string');
		}
	});

	// n8n's nodes panel (editor-ui useActionsGeneration `triggersCategory`) lists a trigger's actions from the options of
	// the first property whose display name is "Events", and shows none for a node with fewer than two.
	it("lists at least two trigger actions in n8n's nodes panel, each setting the event filter", async () => {
		const props = (await loadClass<INodeType>(nodeFor(e.file))).description.properties;
		const matched = props.find((p) => p.displayName.toLowerCase() === 'events');
		const options = (matched?.options ?? []) as Array<{ name: string; value: string }>;
		expect(options.length).toBeGreaterThanOrEqual(2);
		expect(matched?.type).toMatch(/^(multiOptions|options)$/);
		if (!providers[e.id].events) {
			expect(matched?.name).toBe('eventFilter');
			expect(options.map((o) => o.value)).toEqual(['all', 'named']);
			// the default is written out as a literal for n8n's lint (properties.ts): it must stay EVENT_FILTER.all
			expect(matched?.default).toBe(EVENT_FILTER.all);
			// the typed names show only once the user chose them over every event
			const names = props.find((p) => p.name === 'eventNames');
			expect(names?.displayOptions).toEqual({ show: { eventFilter: ['named'] } });
		}
	});

	it('builds its set-up text from the provider definition alone', async () => {
		const props = (await loadClass<INodeType>(nodeFor(e.file))).description.properties;
		const notices = props
			.filter((p) => p.type === 'notice')
			.map((p) => p.displayName)
			.join(' ');
		const registration = providers[e.id].registration;
		const texts =
			registration.kind === 'manual'
				? [...registration.steps, registration.httpsNote]
				: registration.kind === 'api'
					? registration.dashboardSteps
					: [
							registration.address,
							...registration.include,
							registration.reply,
							registration.httpsNote,
						];
		for (const text of texts) expect(notices).toContain(text);
		const scheme = providers[e.id].scheme;
		expect(props.some((p) => p.name === 'keyLocation')).toBe(scheme.queryParameter !== undefined);
		if (scheme.queryParameter !== undefined)
			expect(notices).toContain(`?${scheme.queryParameter}={${scheme.queryParameter}}`);
	});

	it('offers a payload format only when the provider sends more than one', async () => {
		const props = (await loadClass<INodeType>(nodeFor(e.file))).description.properties;
		const format = props.find((p) => p.name === 'format');
		const formats = providers[e.id].formats;
		if (formats.length < 2) expect(format).toBeUndefined();
		else
			expect((format?.options as Array<{ value: string }>).map((o) => o.value)).toEqual([
				'auto',
				...formats,
			]);
	});

	it('has the shared options, with a timestamp tolerance only for timestamped signatures', async () => {
		const props = (await loadClass<INodeType>(nodeFor(e.file))).description.properties;
		const options = props.find((p) => p.name === 'settings');
		expect(options?.type).toBe('collection');
		const inner = options!.options as INodeProperties[];
		const names = inner.map((o) => o.name);
		expect(names).toEqual(
			expect.arrayContaining(['deduplicate', 'retryMemory', 'ignoreTestEvents', 'includeMetadata']),
		);
		// The hidden parameter that makes n8n leave the body to the trigger (webhook-helpers.js parseRequestBody).
		expect(props.find((p) => p.name === 'options')).toMatchObject({
			type: 'hidden',
			default: { binaryData: true },
		});
		const tolerance = inner.find((o) => o.name === 'toleranceSeconds');
		if (providers[e.id].toleranceSeconds !== undefined) expect(tolerance?.default).toBe(300);
		else expect(tolerance).toBeUndefined();
		expect(inner.find((o) => o.name === 'deduplicate')?.default).toBe(true);
		expect(inner.find((o) => o.name === 'includeMetadata')?.default).toBe(false);
	});
});

describe('credentials', () => {
	it.each(pkg.n8n.credentials)(
		'%s: icon, documentation URL, and every secret field masked',
		async (path) => {
			const credential = await loadClass<ICredentialType>(path);
			const icon = credential.icon as { light: string; dark: string };
			expect(icon.light).toMatch(/^file:\.\.\/icons\/[a-z]+\.svg$/);
			expect(icon.dark).toBe(icon.light.replace(/\.svg$/, '.dark.svg'));
			for (const file of [icon.light, icon.dark])
				expect(existsSync(join(root, 'credentials', file.slice('file:'.length)))).toBe(true);
			expect(credential.documentationUrl).toMatch(/^https:\/\//);
			const secretLike = credential.properties.filter((p) =>
				/secret|key|password|token/i.test(p.name),
			);
			expect(secretLike.length).toBeGreaterThan(0);
			for (const field of secretLike) expect(field.typeOptions?.password).toBe(true);
		},
	);
});

describe('hand-registered triggers: webhook methods', () => {
	const manual = expected.filter((e) => e.id !== 'smartComply');

	it.each(manual)(
		'$displayName: checkExists/create/delete succeed without any request',
		async (e) => {
			const node = await loadClass<INodeType>(nodeFor(e.file));
			const { context, http, logs } = hookContext({
				webhookUrl: 'https://n8n.example.com/webhook/x/webhook',
				...freshNode(e.name),
			});
			const m = node.webhookMethods!.default!;
			expect(await m.checkExists.call(context)).toBe(true);
			expect(await m.create.call(context)).toBe(true);
			expect(await m.delete.call(context)).toBe(true);
			expect(http).toEqual([]);
			expect(logs.filter((l) => l.level === 'warn')).toEqual([]);
		},
	);

	it.each(manual)(
		'$displayName: warns about an http:// URL only when the provider refuses HTTP',
		async (e) => {
			const node = await loadClass<INodeType>(nodeFor(e.file));
			const url = 'http://n8n.local:5678/webhook/x/webhook';
			const { context, logs } = hookContext({ webhookUrl: url, ...freshNode(e.name) });
			expect(await node.webhookMethods!.default!.checkExists.call(context)).toBe(true);
			// n8n calls checkExists again (e.g. on the next activation): one warning per URL and process is enough
			expect(await node.webhookMethods!.default!.checkExists.call(context)).toBe(true);
			const registration = providers[e.id].registration;
			const refusesHttp = registration.kind === 'manual' && registration.httpsRequired;
			expect(refusesHttp).toBe(e.httpsOnly);
			const warnings = logs.filter((l) => l.level === 'warn');
			if (refusesHttp) {
				expect(warnings).toHaveLength(1);
				expect(warnings[0].message).toContain(url);
			} else expect(warnings).toEqual([]);
		},
	);
});

describe('hand-registered triggers: local credential tests', () => {
	const manual = expected.filter((e) => e.id !== 'smartComply');
	const ctx = {} as ICredentialTestFunctions;

	it.each(manual)('$displayName: catches empty, padded and quoted secrets', async (e) => {
		const node = await loadClass<INodeType>(nodeFor(e.file));
		const credential = await loadClass<ICredentialType>(
			pkg.n8n.credentials.find((p) => p.toLowerCase().includes(e.credential.toLowerCase()))!,
		);
		const field = credential.properties.find((p) => p.typeOptions?.password)!.name;
		const test = node.methods!.credentialTest![node.description.credentials![0].testedBy as string];
		const run = (value: string) =>
			test.call(ctx, { id: '1', name: 'c', type: e.credential, data: { [field]: value } });
		expect((await run('a-good-secret')).status).toBe('OK');
		expect((await run(' padded ')).status).toBe('Error');
		expect((await run('"quoted"')).status).toBe('Error');
		// SmartMaintenance allows no secret, but an empty credential is answered with what is missing
		const empty = await run('');
		expect(empty.status).toBe('Error');
		if (!e.secretRequired)
			expect(empty.message).toMatch(/^Nothing is set: type the Secret .* Header Name/);
	});
});

describe('set-up text for an e-mail provider whose key comes in a header only', () => {
	// No provider of ours is one today (SmarterMeasure also takes its key in the URL); a sixth one may be.
	const smarterMeasure = providers.smarterMeasure;
	const headerOnly = {
		...smarterMeasure,
		scheme: { ...smarterMeasure.scheme, queryParameter: undefined },
	};

	it('is one notice with the address, what to send and the header, and no key-location choice', () => {
		const props = setupNotice(headerOnly);
		expect(props.map((p) => p.name)).toEqual(['contactNotice']);
		const text = props[0].displayName;
		const registration = smarterMeasure.registration;
		if (registration.kind !== 'email') throw new Error('SmarterMeasure registers by e-mail');
		for (const part of [registration.address, ...registration.include, registration.reply])
			expect(text).toContain(part);
		expect(text).toContain(`sends your key in the ${smarterMeasure.scheme.header} header`);
		expect(text).not.toContain('?');
	});
});
