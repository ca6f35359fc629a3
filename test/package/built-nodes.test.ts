// The built nodes and credentials as n8n loads them from dist/: icons in dist/icons/, codex files beside the nodes, codex
// pointing at the node and its page (docs/providers/<slug>.md; the Signed Webhook Trigger: docs/signed-webhooks.md),
// and the subtitle evaluated by n8n-workflow's own expression engine.
// Needs `npm run build` first (npm test builds).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
	Workflow,
	type INodeType,
	type INodeTypeDescription,
	type INodeParameters,
} from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { PKG as pkg, PROVIDERS, ROOT, SIGNED_NODE, nodeName } from '../providers';

/** Each node's documentation page under docs/: the provider's page, or the signed webhooks page. */
const PAGES: Record<string, string> = {
	...Object.fromEntries(PROVIDERS.map((p) => [nodeName(p), `providers/${p.slug}.md`])),
	[SIGNED_NODE.name]: SIGNED_NODE.page,
};
/** Where a node's and its credential's documentation links point: docs/ on the default branch. */
const DOCS = 'https://github.com/smart-webhooks/n8n-nodes-smart-webhooks/blob/main/docs/';

function load<T>(file: string): T {
	const exported = require(path.join(ROOT, file)) as Record<string, new () => T>;
	const [Class] = Object.values(exported);
	return new Class();
}

/** The icon pair of a node or credential: light and dark files in dist/icons/, both there, not the same picture. */
function expectIcons(file: string, icon: unknown) {
	expect(icon).toMatchObject({
		light: expect.stringMatching(/^file:.+\.svg$/),
		dark: expect.stringMatching(/^file:.+\.dark\.svg$/),
	});
	const { light, dark } = icon as { light: string; dark: string };
	const [l, d] = [light, dark].map((i) => path.join(ROOT, path.dirname(file), i.slice(5)));
	expect(path.dirname(l)).toBe(path.join(ROOT, 'dist/icons'));
	expect(existsSync(l) && existsSync(d)).toBe(true);
	expect(readFileSync(l, 'utf8')).not.toBe(readFileSync(d, 'utf8'));
}

function subtitle(type: INodeType, parameters: INodeParameters): unknown {
	const nodeTypes = {
		getByName: () => type,
		getByNameAndVersion: () => type,
		getKnownTypes: () => ({}),
	};
	const node = {
		id: '1',
		name: 'Trigger',
		type: 'x',
		typeVersion: 1,
		position: [0, 0] as [number, number],
		parameters,
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	return workflow.expression.getSimpleParameterValue(
		node,
		(type.description as INodeTypeDescription).subtitle as string,
		'manual',
		{},
	);
}

describe.each(pkg.n8n.nodes)('%s', (file) => {
	const type = load<INodeType>(file);
	const description = type.description as INodeTypeDescription;

	it('has distinct light and dark icons in dist/icons/', () => {
		expectIcons(file, description.icon);
	});

	it('has a codex file naming it, with categories and its documentation page', () => {
		const codexPath = path.join(ROOT, file.replace(/\.js$/, '.json'));
		const codex = JSON.parse(readFileSync(codexPath, 'utf8')) as Record<string, unknown>;
		expect(codex).toMatchObject({
			node: `${pkg.name}.${description.name}`,
			nodeVersion: '1.0',
			codexVersion: '1.0',
		});
		expect((codex.categories as string[]).length).toBeGreaterThan(0);
		const page = PAGES[description.name];
		expect(page).toBeDefined();
		expect(codex.resources).toMatchObject({
			primaryDocumentation: [{ url: `${DOCS}${page}` }],
			credentialDocumentation: [{ url: `${DOCS}${page}` }],
		});
		expect(existsSync(path.join(ROOT, 'docs', page))).toBe(true);
	});

	it('shows the chosen events as its subtitle (n8n expression engine)', () => {
		expect(subtitle(type, {})).toBe('All events');
		const events = description.properties.some((p) => p.name === 'events');
		if (events) {
			const [a, b] = (description.properties.find((p) => p.name === 'events')?.options ?? []).map(
				(o) => (o as { value: string }).value,
			);
			expect(subtitle(type, { events: [a, b], otherEvents: ' custom.event , ' })).toBe(
				`${a}, ${b}, custom.event`,
			);
		} else {
			const typed = { eventNames: 'AssessmentCompleted, AssessmentStarted' };
			expect(subtitle(type, { eventFilter: 'named', ...typed })).toBe(
				'AssessmentCompleted, AssessmentStarted',
			);
			// names left behind by a switch back to every event do not show
			expect(subtitle(type, { eventFilter: 'all', ...typed })).toBe('All events');
		}
	});
});

describe.each(pkg.n8n.credentials)('%s', (file) => {
	const credential = load<{
		icon: unknown;
		documentationUrl: string;
		properties: Array<{ typeOptions?: { password?: boolean } }>;
	}>(file);

	it('has distinct light and dark icons and a documentation link to its page under docs/', () => {
		expectIcons(file, credential.icon);
		expect(Object.values(PAGES).map((page) => `${DOCS}${page}`)).toContain(
			credential.documentationUrl,
		);
		const page = credential.documentationUrl.slice(DOCS.length);
		expect(existsSync(path.join(ROOT, 'docs', page))).toBe(true);
	});
});
