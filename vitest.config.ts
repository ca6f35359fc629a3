import { defineConfig } from 'vitest/config';

// The unit suite (`npm run test:unit`, `npx vitest run`): sources only, no build needed. The suites that read dist/
// or the packed tarball run from vitest.package.config.ts after `npm run build` (npm test, npm run test:package).
export default defineConfig({
	test: {
		include: ['test/unit/**/*.test.ts', 'test/fuzz/**/*.test.ts', 'test/corpus/**/*.test.ts'],
		testTimeout: 20_000,
		pool: 'forks',
		setupFiles: ['test/unit/settle-fast.ts'],
	},
});
