#!/usr/bin/env node
// `npm test`: the README's test command and what CI runs. On a fresh clone it installs what it needs,
// builds, runs the unit suite (vitest.config.ts, sources only), the package suite (vitest.package.config.ts:
// the built dist/, the packed tarball, the CLI), then the end-to-end suite against a real n8n on each supported
// line (installed from the npm registry on first use, cached after). It ends with one line
// "tests: N passed, M failed" and exits non-zero if anything failed or nothing ran.
// After the build the package is packed ONCE (`npm pack`, the tarball users get) and every n8n of every suite
// installs that tarball the README's way (SMART_WEBHOOKS_TARBALL; scripts/lib/n8n-process.mjs installPackage).
// Order: unit, package, e2e on n8n 2.x, e2e on n8n 1.x, browser (2.x; 1.x: listening and the schema preview), queue mode (PostgreSQL + Redis + n8n 2.x
// main, 2 webhook processors, 1 worker; and an n8n 1.x restart).
//   --unit        unit and package suites only (no n8n)
//   --e2e-only    end-to-end suites only (e2e, browser, queue)
//   --line=2|1    end-to-end on one n8n line only (default: both); skips the queue suite
//   --queue-only  the queue-mode suite only
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const args = new Set(process.argv.slice(2));
const lineArg = [...args].find((a) => a.startsWith('--line='))?.slice(7);
const lines = lineArg ? [lineArg] : ['2', '1'];

function run(command, commandArgs, extraEnv = {}) {
	const env = { ...process.env, ...extraEnv };
	return spawnSync(command, commandArgs, { stdio: 'inherit', env }).status ?? 1;
}

function must(command, commandArgs) {
	const status = run(command, commandArgs);
	if (status !== 0) {
		console.error(`\n${command} ${commandArgs.join(' ')} failed (exit ${status})`);
		console.log('tests: 0 passed, 1 failed');
		process.exit(1);
	}
}

const queueOnly = args.has('--queue-only');
const runUnit = !args.has('--e2e-only') && !queueOnly;
const runE2e = !args.has('--unit') && !queueOnly;
const runQueue = queueOnly || (!args.has('--unit') && !lineArg);

if (!existsSync('node_modules/.package-lock.json')) must('npm', ['ci', '--no-audit', '--no-fund']);
if (!args.has('--no-build')) must('npm', ['run', 'build']);

// one tarball for the whole run
let packDir;
const suiteEnv = {};
if (runE2e || runQueue) {
	packDir = mkdtempSync(path.join(os.tmpdir(), 'smart-webhooks-pack-'));
	const { packPackage, TARBALL_ENV } = await import('./lib/n8n-process.mjs');
	try {
		suiteEnv[TARBALL_ENV] = await packPackage({ destDir: packDir });
		console.log(`packed ${path.basename(suiteEnv[TARBALL_ENV])} for this run`);
	} catch (error) {
		console.error(`npm pack failed: ${error.message}`);
		console.log('tests: 0 passed, 1 failed');
		process.exit(1);
	}
}

let passed = 0;
let failed = 0;
let skipped = 0;

function vitest(label, config, env = {}, files = []) {
	const report = `.vitest-${label}.json`;
	rmSync(report, { force: true });
	const reporters = ['--reporter=default', '--reporter=json', `--outputFile.json=${report}`];
	const status = run('npx', ['vitest', 'run', '--config', config, ...reporters, ...files], env);
	if (!existsSync(report)) {
		console.error(`${label}: vitest produced no report (exit ${status})`);
		failed++;
		return;
	}
	const summary = JSON.parse(readFileSync(report, 'utf8'));
	passed += summary.numPassedTests;
	skipped += summary.numPendingTests + (summary.numTodoTests ?? 0);
	// A suite that failed to load counts as a failure even if no test inside it ran.
	failed += summary.numFailedTests + (status !== 0 && summary.numFailedTests === 0 ? 1 : 0);
	console.log(`${label}: ${summary.numPassedTests} passed, ${summary.numFailedTests} failed`);
}

if (runUnit) {
	vitest('unit', 'vitest.config.ts');
	vitest('package', 'vitest.package.config.ts');
}

if (runE2e) {
	if (!existsSync('vitest.e2e.config.ts')) {
		console.error('end-to-end suite missing (vitest.e2e.config.ts)');
		failed++;
	} else {
		for (const line of lines)
			vitest(`e2e-n8n${line}`, 'vitest.e2e.config.ts', { ...suiteEnv, N8N_LINE: line });
		// The editor in a real browser: screenshots and on-screen checks, once, on the current n8n line.
		if (lines.includes('2'))
			vitest('browser-n8n2', 'test/browser/vitest.config.ts', { ...suiteEnv, N8N_LINE: '2' });
		// n8n 1.x's editor: the Test URL while listening and the schema preview (2.x's editor shows none for
		// triggers), one n8n start.
		if (lines.includes('1'))
			vitest('browser-n8n1', 'test/browser/vitest.config.ts', { ...suiteEnv, N8N_LINE: '1' }, [
				'test/browser/listening-n8n1.test.ts',
				'test/browser/schema-preview.test.ts',
			]);
	}
}

// Exactly once at scale: n8n 2.x in queue mode (own PostgreSQL 15 and Redis, needs the Debian packages postgresql
// and redis-server), then n8n 1.x restarted; after the e2e runs so only one n8n topology runs at a time.
if (runQueue) vitest('queue', 'vitest.queue.config.ts', suiteEnv);

if (packDir) rmSync(packDir, { recursive: true, force: true });

if (passed + failed === 0) failed = 1;
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
