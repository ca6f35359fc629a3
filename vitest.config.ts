import { defineConfig } from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/unit/**/*.test.ts', 'test/fuzz/**/*.test.ts', 'test/corpus/**/*.test.ts', 'test/package/**/*.test.ts'],
		testTimeout: 20_000,
		pool: 'forks',
	},
});
