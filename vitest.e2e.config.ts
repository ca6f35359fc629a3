import { defineConfig } from 'vitest/config';

// End-to-end suite: one real n8n (line from N8N_LINE, default '2') per run, started by the global setup.
// Files run one after the other against that instance; every wait inside is bounded.
export default defineConfig({
	test: {
		include: ['test/e2e/**/*.test.ts'],
		globalSetup: ['test/e2e/global-setup.ts'],
		fileParallelism: false,
		// the cases of a describe.concurrent (faults, smartcomply-hostile) all at once: at most 8 there
		maxConcurrency: 8,
		pool: 'forks',
		testTimeout: 60_000,
		hookTimeout: 240_000,
		teardownTimeout: 30_000,
	},
});
