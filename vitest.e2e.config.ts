import { defineConfig } from 'vitest/config';

// End-to-end suite: one real n8n (line from N8N_LINE, default '2') per run, started by the global setup.
// Files run one after the other against that instance; inside a file, a describe.concurrent runs its cases side by
// side (faults, smartcomply-hostile: mostly n8n's own retry waits). Every wait inside is bounded.
export default defineConfig({
	test: {
		include: ['test/e2e/**/*.test.ts'],
		globalSetup: ['test/e2e/global-setup.ts'],
		fileParallelism: false,
		// every case of such a describe at once (7 at most today)
		maxConcurrency: 8,
		pool: 'forks',
		testTimeout: 60_000,
		hookTimeout: 240_000,
		teardownTimeout: 30_000,
	},
});
