// The core is built once: dist/internal.js holds it (zod and fast-xml-parser bundled inside), and every node and
// credential n8n loads is a thin file that require()s it by a relative path (tsup.config.ts, coreAsSibling); so does
// the package's main export, dist/index.js, which exports only what docs/core-api.md and docs/signed-webhooks.md
// document.
// Needs `npm run build` first (npm test builds).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PKG as pkg, ROOT } from '../providers';

const DIST = path.join(ROOT, 'dist');

/** Text that only a bundled copy of zod or fast-xml-parser contains. */
const LIBRARY_CODE = /\bZodError\b|\bZodObject\b|\bXMLParser\b|\bXMLValidator\b/;
const KB = 1024;

function jsFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const file = path.join(dir, name);
		if (statSync(file).isDirectory()) return jsFiles(file);
		return /\.c?js$/.test(name) ? [file] : [];
	});
}

describe('dist/internal.js, the one core bundle, and dist/index.js, the main export', () => {
	const core = readFileSync(path.join(DIST, 'internal.js'), 'utf8');

	it('bundles zod and fast-xml-parser rather than requiring them', () => {
		expect(core).toMatch(LIBRARY_CODE);
		expect(core).not.toMatch(/require\("(zod|fast-xml-parser)"\)/);
	});

	it("keeps zod's English messages, which _schemaIssues carries to workflows", () => {
		const { providers } = require(path.join(DIST, 'index.js')) as typeof import('../../src/index');
		const result = providers.smp.schema.safeParse({ id: 'e', type: 'x', data: {} });
		expect(result.error?.issues.map((i) => i.message)).toEqual([
			'Invalid input: expected string, received undefined',
		]);
	});

	it('exports from the main entry exactly the documented core, by requiring the one bundle', () => {
		const main = path.join(DIST, 'index.js');
		expect(readFileSync(main, 'utf8')).not.toMatch(LIBRARY_CODE);
		expect(Object.keys(require(main) as object).sort()).toEqual(
			[
				'providerIds',
				'providers',
				'receive',
				'receiveSigned',
				'serializePayload',
				'sign',
				'signedSetupProblems',
				'signedSetupWarnings',
				'signSigned',
				'SIGNED_PRESET_IDS',
				'SIGNED_PRESETS',
			].sort(),
		);
		expect(require.cache[require.resolve(main)]?.children.map((m) => m.id)).toContain(
			require.resolve(path.join(DIST, 'internal.js')),
		);
	});

	it('keeps all JS in dist/ under 900 KB', () => {
		const total = jsFiles(DIST).reduce((sum, file) => sum + statSync(file).size, 0);
		expect(total).toBeLessThan(900 * KB);
	});
});

describe.each(pkg.n8n.nodes)('%s', (file) => {
	const text = readFileSync(path.join(ROOT, file), 'utf8');

	it('is a thin adapter under 60 KB that loads the shared core', () => {
		expect(statSync(path.join(ROOT, file)).size).toBeLessThan(60 * KB);
		expect(text).toContain('require("../../internal.js")');
		expect(text).not.toMatch(LIBRARY_CODE);
	});

	it('loads dist/internal.js when n8n requires it', () => {
		const node = require.resolve(path.join(ROOT, file));
		require(node);
		expect(require.cache[node]?.children.map((m) => m.id)).toContain(
			require.resolve(path.join(DIST, 'internal.js')),
		);
	});
});

describe.each(pkg.n8n.credentials)('%s', (file) => {
	it('carries no copy of the core or its libraries', () => {
		expect(statSync(path.join(ROOT, file)).size).toBeLessThan(60 * KB);
		expect(readFileSync(path.join(ROOT, file), 'utf8')).not.toMatch(LIBRARY_CODE);
	});
});
