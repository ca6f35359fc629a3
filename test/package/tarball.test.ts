// What `npm pack` puts in the published tarball, and the package.json rules n8n's scanner enforces.
// Needs `npm run build` first (npm test builds): the file list is read from dist/.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROVIDERS, credentialClass } from '../providers';

const ROOT = path.resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
	dependencies?: Record<string, string>;
	peerDependencies?: Record<string, string>;
	bin?: Record<string, string>;
	files?: string[];
	n8n: { nodes: string[]; credentials: string[] };
};

let files: string[];

beforeAll(() => {
	const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
		cwd: ROOT,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'ignore'],
	});
	files = (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0].files
		.map((f) => f.path)
		.sort();
});

describe('the packed tarball', () => {
	it('holds only dist/, README.md, LICENSE and package.json', () => {
		expect(files.filter((f) => !f.startsWith('dist/'))).toEqual([
			'LICENSE',
			'README.md',
			'package.json',
		]);
	});

	it('holds exactly the built core, CLI, nodes (with codex and output schema), credentials and one pair of icons per provider', () => {
		const expected = [
			'dist/index.js',
			'dist/index.d.ts',
			'dist/cli.cjs',
			...PROVIDERS.flatMap((p) => [
				`dist/nodes/${p.node}/${p.node}.node.js`,
				`dist/nodes/${p.node}/${p.node}.node.json`,
				// the output schema n8n serves and n8n 1.x's editor previews (scripts/build-schemas.ts)
				`dist/nodes/${p.node}/__schema__/v1.0.0.json`,
				`dist/credentials/${credentialClass(p)}.credentials.js`,
				`dist/icons/${p.slug}.svg`,
				`dist/icons/${p.slug}.dark.svg`,
			]),
		].sort();
		expect(files.filter((f) => f.startsWith('dist/'))).toEqual(expected);
	});

	it('has no source, maps, tests, changelog or tooling', () => {
		expect(files.filter((f) => /\.(ts|map|mjs)$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
		expect(files.some((f) => /CHANGELOG|^src\/|^test\/|^scripts\//.test(f))).toBe(false);
	});

	it('contains every file package.json points at (n8n nodes and credentials, bin)', () => {
		for (const p of [...pkg.n8n.nodes, ...pkg.n8n.credentials, ...Object.values(pkg.bin ?? {})])
			expect(files).toContain(p);
		expect(pkg.bin).toEqual({ 'smart-webhooks': 'dist/cli.cjs' });
	});
});

describe("n8n's verification scanner (scripts/scan.mjs, offline)", () => {
	it('finds no errors in the source leg or in any .js of the packed tarball', () => {
		const out = execFileSync(process.execPath, [path.join(ROOT, 'scripts/scan.mjs')], {
			cwd: ROOT,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'ignore'],
		});
		expect(out).toMatch(/PASS source .*: \d+ files, 0 error\(s\)/);
		expect(out).toMatch(/PASS tarball .*: \d+ files, 0 error\(s\), 0 warning\(s\)/);
		expect(out).toMatch(/scan: passed/);
	}, 120_000);
});

describe('package.json for n8n', () => {
	it('has no runtime dependencies', () => {
		expect(pkg.dependencies ?? {}).toEqual({});
	});

	it('has exactly the peer dependency n8n-workflow: *', () => {
		expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
	});

	it('publishes only dist (README, LICENSE and package.json come along by npm rule)', () => {
		expect(pkg.files).toEqual(['dist']);
	});
});
