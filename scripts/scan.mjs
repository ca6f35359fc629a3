// `npm run scan`: n8n's verification scanner (@n8n/scan-community-package), run offline on this checkout and on the
// tarball `npm pack` makes. The published scanner downloads the package and the source its npm provenance points
// at; here both legs run on local copies with the scanner's own code, config and rule versions:
//   1. source leg:  analyzePackage(<repo>, SOURCE_FILE_PATTERNS)  -> package.json, {nodes,credentials}/**/*.{js,ts,json}
//   2. tarball leg: analyzePackage(<unpacked tarball>, ['**/*.js', 'package.json'])  -> every .js in dist/, bundles too
// Exit 0 only when both pass. Run `npm run build` first (the `scan` script does).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import {
	analyzePackage,
	buildScanConfig,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

// The scanner's own eslint and fast-glob, for counting warnings too (its verdict only reports errors).
const scannerRequire = createRequire(
	createRequire(import.meta.url).resolve('@n8n/scan-community-package/scanner/scanner.mjs'),
);
const { ESLint } = scannerRequire('eslint');
const glob = scannerRequire('fast-glob');
// Importing the scanner makes a temporary directory (for downloads this offline scan never does): remove it on exit.
scannerRequire('tmp').setGracefulCleanup();

async function countFindings(dir, patterns) {
	const eslint = new ESLint({
		cwd: dir,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: await buildScanConfig(),
	});
	const files = glob.sync(patterns, {
		cwd: dir,
		absolute: true,
		ignore: ['node_modules/**', '**/package-lock.json'],
	});
	const results = await eslint.lintFiles(files);
	const sum = (key) => results.reduce((n, r) => n + r[key], 0);
	const text = (await eslint.loadFormatter('stylish')).format(results);
	return { files: files.length, errors: sum('errorCount'), warnings: sum('warningCount'), text };
}

// eslint-plugin-n8n-nodes-base pretends every node file is named Test.node.ts when NODE_ENV is "test" (its own test
// mode), which turns node-filename-against-convention into false errors, e.g. when this runs from vitest.
if (process.env.NODE_ENV === 'test') delete process.env.NODE_ENV;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(path.join(tmpdir(), 'smart-webhooks-scan-'));
let failed = false;
try {
	const [packed] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
			cwd: root,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'inherit'],
		}),
	);
	const unpacked = path.join(work, 'package');
	execFileSync('tar', ['-xzf', path.join(work, packed.filename), '-C', work]);
	console.log(`packed ${packed.filename}: ${packed.entryCount} files, ${packed.size} bytes`);

	const legs = [
		['source (package.json, nodes/, credentials/)', root, SOURCE_FILE_PATTERNS],
		['tarball (every **/*.js, package.json)', unpacked, ['**/*.js', 'package.json']],
	];
	for (const [label, dir, patterns] of legs) {
		const result = await analyzePackage(dir, patterns);
		const count = await countFindings(dir, patterns);
		console.log(
			`${result.passed ? 'PASS' : 'FAIL'} ${label}: ${count.files} files, ${count.errors} error(s), ${count.warnings} warning(s)${result.message ? ` (${result.message})` : ''}`,
		);
		if (count.text.trim()) console.log(count.text);
		if (!result.passed) failed = true;
	}
	// Code the scanner's **/*.js glob would not reach (.cjs, .mjs) must not be in the tarball at all: the
	// test-delivery sender, which needs process, fs and console, is its own package (cli/) for that reason.
	const notGlobbed = packed.files.map((f) => f.path).filter((p) => /\.(cjs|mjs)$/.test(p));
	if (notGlobbed.length > 0) {
		console.log(`FAIL code outside the scanner's **/*.js glob: ${notGlobbed.join(', ')}`);
		failed = true;
	}
} finally {
	rmSync(work, { recursive: true, force: true });
}
console.log(failed ? 'scan: FAILED' : 'scan: passed');
process.exitCode = failed ? 1 : 0;
