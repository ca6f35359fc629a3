import { defineConfig } from 'vitest/config';

// Browser suite: drives the real n8n 2.x editor with Debian's chromium (playwright-core), against its own n8n
// (fresh data dir, so the owner is set up through the UI form). Run: npx vitest run --config test/browser/vitest.config.ts
export default defineConfig({
	test: {
		include: ['test/browser/**/*.test.ts'],
		fileParallelism: false,
		pool: 'forks',
		testTimeout: 45_000,
		hookTimeout: 120_000,
		teardownTimeout: 30_000,
	},
});
