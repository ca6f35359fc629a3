import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * The files share one n8n, so they run in a fixed order, by name: editor.test.ts (sets up the owner through the form,
 * opens every trigger's panel and credential dialog, saves no credential), then journey.test.ts (logs in, creates an
 * SMP credential, publishes a workflow). The other way round the editor test would find SMP's credential already
 * selected instead of the "Connect to SMP Webhook" button it checks.
 */
class ByFileName extends BaseSequencer {
	async sort(files: TestSpecification[]) {
		return [...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId));
	}
}

// Browser suite: drives the real n8n 2.x editor with Debian's chromium (playwright-core). One n8n for the suite,
// started by global-setup.ts (fresh data dir); the files run one after the other, each with its own browser.
// Run: npx vitest run --config test/browser/vitest.config.ts
export default defineConfig({
	test: {
		include: ['test/browser/**/*.test.ts'],
		globalSetup: ['test/browser/global-setup.ts'],
		fileParallelism: false,
		sequence: { sequencer: ByFileName },
		pool: 'forks',
		testTimeout: 45_000,
		hookTimeout: 120_000,
		teardownTimeout: 30_000,
	},
});
