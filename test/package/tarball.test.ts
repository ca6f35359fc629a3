// What `npm pack` puts in the published n8n tarball, what its code may touch, and the package.json rules n8n's
// scanner enforces. Needs `npm run build` first (npm test builds): the file list is read from dist/.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PKG as pkg, PROVIDERS, ROOT, SIGNED_NODE, credentialClass } from '../providers';

let files: string[];
/** The tarball, unpacked: package/… */
let unpacked: string;

beforeAll(() => {
	unpacked = mkdtempSync(path.join(tmpdir(), 'sw-tarball-'));
	const out = execFileSync(
		'npm',
		['pack', '--json', '--ignore-scripts', '--pack-destination', unpacked],
		{ cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
	);
	const [packed] = JSON.parse(out) as Array<{ filename: string; files: Array<{ path: string }> }>;
	files = packed.files.map((f) => f.path).sort();
	execFileSync('tar', ['-xzf', path.join(unpacked, packed.filename), '-C', unpacked]);
});

afterAll(() => rmSync(unpacked, { recursive: true, force: true }));

/**
 * What n8n's verification forbids package code to touch, as it shows in bundled CommonJS. The scanner's lint
 * catches these through its rules; this reads the bytes, so a rule that stops matching (or a bundler that renames)
 * cannot hide one.
 */
const FORBIDDEN: Record<string, RegExp> = {
	'process (process.env and the rest)': /\bprocess\s*[.[]/,
	fs: /["'](?:node:)?fs(?:\/promises)?["']/,
	child_process: /child_process/,
	console: /\bconsole\s*[.[]/,
};
const forbiddenIn = (code: string) =>
	Object.entries(FORBIDDEN)
		.filter(([, pattern]) => pattern.test(code))
		.map(([name]) => name);

describe('the packed tarball', () => {
	it('holds only dist/, README.md, LICENSE, CHANGELOG.md and package.json', () => {
		expect(files.filter((f) => !f.startsWith('dist/'))).toEqual([
			'CHANGELOG.md',
			'LICENSE',
			'README.md',
			'package.json',
		]);
	});

	it('holds exactly the built core, nodes (with codex and output schema), credentials and one pair of icons per provider and for the signed node', () => {
		const expected = [
			'dist/index.js',
			'dist/internal.js',
			...PROVIDERS.flatMap((p) => [
				`dist/nodes/${p.node}/${p.node}.node.js`,
				`dist/nodes/${p.node}/${p.node}.node.json`,
				// the output schema n8n serves and n8n 1.x's editor previews (scripts/build-schemas.ts)
				`dist/nodes/${p.node}/__schema__/v1.0.0.json`,
				`dist/credentials/${credentialClass(p)}.credentials.js`,
				`dist/icons/${p.slug}.svg`,
				`dist/icons/${p.slug}.dark.svg`,
			]),
			// the Signed Webhook Trigger has no output schema: its payload is whatever the sender sends
			`dist/nodes/${SIGNED_NODE.node}/${SIGNED_NODE.node}.node.js`,
			`dist/nodes/${SIGNED_NODE.node}/${SIGNED_NODE.node}.node.json`,
			`dist/credentials/${SIGNED_NODE.credentialClass}.credentials.js`,
			`dist/icons/${SIGNED_NODE.slug}.svg`,
			`dist/icons/${SIGNED_NODE.slug}.dark.svg`,
		].sort();
		expect(files.filter((f) => f.startsWith('dist/'))).toEqual(expected);
	});

	it('has only .js, .json and icons in dist/: no source, maps, typings, tests, tooling or CLI', () => {
		expect(files.filter((f) => f.startsWith('dist/') && !/\.(js|json|svg|png)$/.test(f))).toEqual(
			[],
		);
		expect(files.some((f) => /^src\/|^test\/|^scripts\/|^cli\//.test(f))).toBe(false);
		expect(pkg.bin).toBeUndefined();
		expect(pkg.types).toBeUndefined();
	});

	it('contains every file package.json points at (n8n nodes and credentials)', () => {
		for (const p of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) expect(files).toContain(p);
	});

	it('none of its code touches process, fs, child_process or console', () => {
		const code = files.filter((f) => f.endsWith('.js'));
		// the core and the main export, a node and a credential per provider and for the signed node
		expect(code.length).toBe(2 + 2 * (PROVIDERS.length + 1));
		const found = code.flatMap((f) =>
			forbiddenIn(readFileSync(path.join(unpacked, 'package', f), 'utf8')).map(
				(what) => `${f}: ${what}`,
			),
		);
		expect(found).toEqual([]);
	});

	it('(the check above finds them: in the sender, which is why it is a package of its own)', () => {
		const sender = readFileSync(path.join(ROOT, 'cli/dist/cli.js'), 'utf8');
		expect(forbiddenIn(sender)).toEqual(['process (process.env and the rest)', 'fs', 'console']);
		expect(forbiddenIn('const { spawn } = require("node:child_process");')).toEqual([
			'child_process',
		]);
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

	it('publishes only dist and the changelog (README, LICENSE and package.json come along by npm rule)', () => {
		expect(pkg.files).toEqual(['dist', 'CHANGELOG.md']);
	});
});
