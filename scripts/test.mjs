#!/usr/bin/env node
// `npm test`: the README's test command and what CI runs. On a fresh clone it installs what it needs,
// builds, runs the unit suite (vitest.config.ts, sources only), the package suite (vitest.package.config.ts:
// the built dist/, the packed tarball, the CLI), then the end-to-end suite against a real n8n on each supported
// line (installed from the npm registry on first use, cached after). It ends with one line
// "tests: N passed, M failed" and exits non-zero if anything failed or nothing ran.
//   --unit        unit and package suites only (no n8n)
//   --e2e-only    end-to-end suite only
//   --line=2|1    end-to-end on one n8n line only (default: both)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const args = new Set(process.argv.slice(2));
const lineArg = [...args].find((a) => a.startsWith('--line='))?.slice(7);
const lines = lineArg ? [lineArg] : ['2', '1'];

function run(command, commandArgs, env = {}) {
	const result = spawnSync(command, commandArgs, { stdio: 'inherit', env: { ...process.env, ...env } });
	return result.status ?? 1;
}

function must(command, commandArgs) {
	const status = run(command, commandArgs);
	if (status !== 0) {
		console.error(`\n${command} ${commandArgs.join(' ')} failed (exit ${status})`);
		console.log('tests: 0 passed, 1 failed');
		process.exit(1);
	}
}

if (!existsSync('node_modules/.package-lock.json')) must('npm', ['ci', '--no-audit', '--no-fund']);
if (!args.has('--no-build')) must('npm', ['run', 'build']);

let passed = 0;
let failed = 0;
let skipped = 0;

function vitest(label, config, env = {}) {
	const report = `.vitest-${label}.json`;
	rmSync(report, { force: true });
	const status = run('npx', ['vitest', 'run', '--config', config, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], env);
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

if (!args.has('--e2e-only')) {
	vitest('unit', 'vitest.config.ts');
	vitest('package', 'vitest.package.config.ts');
}

if (!args.has('--unit')) {
	if (!existsSync('vitest.e2e.config.ts')) {
		console.error('end-to-end suite missing (vitest.e2e.config.ts)');
		failed++;
	} else {
		for (const line of lines) vitest(`e2e-n8n${line}`, 'vitest.e2e.config.ts', { N8N_LINE: line });
		// The editor in a real browser: screenshots and on-screen checks, once, on the current n8n line.
		if (lines.includes('2')) vitest('browser-n8n2', 'test/browser/vitest.config.ts', { N8N_LINE: '2' });
	}
}

if (passed + failed === 0) failed = 1;
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
