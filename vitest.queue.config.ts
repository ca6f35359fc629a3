import { defineConfig } from 'vitest/config';

// Queue-mode suite (test/queue/): each file starts what it needs itself (queue-mode.test.ts: PostgreSQL 15, Redis and
// an n8n 2.x queue topology of main + 2 webhook processors + 2 workers; line1-restart.test.ts: one n8n 1.x), and files
// run one after the other, so one n8n topology runs at a time. The package is the tarball `npm test` packed for the
// run (SMART_WEBHOOKS_TARBALL), else a fresh `npm pack`. Every wait inside is bounded by counts, or by a limit derived
// from a throughput measured in the same run.
export default defineConfig({
	test: {
		include: ['test/queue/**/*.test.ts'],
		fileParallelism: false,
		pool: 'forks',
		// one test per case, several restarts each (an n8n 2.x process starts in 3-15 s on this 2-core box)
		testTimeout: 600_000,
		hookTimeout: 600_000,
		teardownTimeout: 120_000,
		sequence: { concurrent: false, shuffle: false },
	},
});
