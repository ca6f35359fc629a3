import { defineConfig } from 'vitest/config';

// The package suite: the built files in dist/, the packed tarball with n8n's scanner, and the CLI as shipped.
// Needs `npm run build` first; `npm test` and `npm run test:package` build, then run it.
export default defineConfig({
	test: {
		include: ['test/package/**/*.test.ts'],
		testTimeout: 20_000,
		pool: 'forks',
	},
});
