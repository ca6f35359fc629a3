// n8n's community-node lint, as `npm run lint` runs it over package.json, nodes/ and credentials/.
//
// The rules are the verification scanner's own: `buildScanConfig()` from @n8n/scan-community-package (the gate for
// "verified" community packages, the same function scripts/scan.mjs lints with), with the plugin versions the
// scanner itself resolves. So lint and `npm run scan` cannot drift apart: a scanner upgrade changes both.
// `npm run lint` adds `--max-warnings 0`: a warning counts as a finding too.
//
// The tarball (dist/**/*.js) is checked by `npm run scan`, not by this file.
import { createRequire } from 'node:module';
import { buildScanConfig } from '@n8n/scan-community-package/scanner/scanner.mjs';

// Importing the scanner makes a temporary directory (for package downloads, which lint never does); have its `tmp`
// remove it when the process exits instead of leaving one behind per run.
const scanner = createRequire(import.meta.url).resolve(
	'@n8n/scan-community-package/scanner/scanner.mjs',
);
createRequire(scanner)('tmp').setGracefulCleanup();

export default [
	{ ignores: ['dist/**', 'node_modules/**', '.n8n-runtime/**', '.n8n-data/**', 'coverage/**'] },
	...(await buildScanConfig()),
];
