// n8n's community-node lint. `npx n8n-node lint` (n8n's own CLI, @n8n/node-cli) runs `eslint .` with this file;
// `npm run lint` runs the same `eslint .` with `--max-warnings 0` (a warning counts as a finding), then n8n-node lint.
//
// The rules are the verification scanner's own: `buildScanConfig()` from @n8n/scan-community-package (the gate for
// "verified" community packages, the same function scripts/scan.mjs lints with), with the plugin versions the
// scanner itself resolves, so lint and `npm run scan` cannot drift apart: a scanner upgrade changes both.
//
// Scope: the package's code, the files whose code reaches the tarball, and nothing else:
//   package.json, nodes/, credentials/ (what the scanner's source leg lints) and src/ (the core, bundled into
//   dist/index.js, which the scanner's tarball leg lints as **/*.js).
// Tests, benches, scripts and the CLI package (cli/) never ship in the n8n tarball and are not code n8n loads: they
// start servers, read files and print by design, so n8n's rules would only report that. They are type-checked by
// tsc and formatted by prettier. Why not n8n's untouched default config (what n8n Cloud requires): docs/development.md, n8n's verification.
//
// The tarball itself (dist/**/*.js) is checked by `npm run scan`, not by this file.
import { createRequire } from 'node:module';
import { buildScanConfig } from '@n8n/scan-community-package/scanner/scanner.mjs';

// Importing the scanner makes a temporary directory (for package downloads, which lint never does); have its `tmp`
// remove it when the process exits instead of leaving one behind per run.
const scanner = createRequire(import.meta.url).resolve(
	'@n8n/scan-community-package/scanner/scanner.mjs',
);
createRequire(scanner)('tmp').setGracefulCleanup();

const PACKAGE_CODE = '{package.json,nodes/**,credentials/**,src/**}';

/** One scanner config object narrowed to the package's code (an inner array in `files` means "all of these"). */
const scoped = (config) => ({
	...config,
	files: (config.files ?? ['**/*']).map((pattern) => [pattern, PACKAGE_CODE]),
});

export default [
	{
		ignores: [
			'dist/**',
			'cli/dist/**',
			'**/node_modules/**',
			'.n8n-runtime/**',
			'.n8n-data/**',
			'coverage/**',
		],
	},
	...(await buildScanConfig()).map(scoped),
	{
		// The core is n8n-free by design (it does not import n8n-workflow, so it cannot throw NodeApiError or
		// NodeOperationError); the nodes wrap its errors in those, which this rule checks in nodes/ and credentials/.
		files: ['src/**'],
		rules: { '@n8n/community-nodes/require-node-api-error': 'off' },
	},
];
