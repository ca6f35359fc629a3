import { defineConfig, type Options } from 'tsup';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'esbuild';

// Two packages are built here.
// The n8n package (dist/): n8n loads nodes and credentials by path, one CommonJS file each. The core (src/internal.ts,
// with zod and fast-xml-parser bundled in: community packages may not have runtime dependencies) is built once, as
// dist/internal.js; every node and credential is a thin file that require()s it by a relative path, and so does the
// package's main export, dist/index.js (src/index.ts: the documented subset).
// The sender, smart-webhooks-cli (cli/dist/cli.js): one file with the core bundled in, no runtime dependencies.
const nodeFiles = readdirSync('nodes', { withFileTypes: true })
	.filter((d) => d.isDirectory())
	.flatMap((d) =>
		readdirSync(`nodes/${d.name}`)
			.filter((f) => f.endsWith('.node.ts'))
			.map((f) => `nodes/${d.name}/${f}`),
	);
const credentialFiles = readdirSync('credentials')
	.filter((f) => f.endsWith('.credentials.ts'))
	.map((f) => `credentials/${f}`);
const entriesOf = (files: string[]) =>
	Object.fromEntries(files.map((file) => [file.replace(/\.ts$/, ''), file]));

const SRC = path.resolve('src');
const CORE = path.join(SRC, 'internal');

/**
 * Imports of the core (`../../src/internal` from nodes, `../src/internal` from credentials, `./internal` from the
 * main export) become `require(<coreFromOutput>)`, the path of dist/internal.js as seen from the built file. Any
 * other import into src/ (`../../src/providers/x`, or the main export) fails the build: it would bundle a second
 * copy of part of the core; export what is needed from src/internal.ts instead.
 */
function coreAsSibling(coreFromOutput: string): Plugin {
	return {
		name: 'core-as-sibling',
		setup(build) {
			build.onResolve({ filter: /^\./ }, (args) => {
				if (args.kind === 'entry-point') return undefined;
				const target = path.resolve(args.resolveDir, args.path);
				if (target === CORE || target === `${CORE}.ts`)
					return { path: coreFromOutput, external: true };
				if (target === SRC || target.startsWith(SRC + path.sep)) {
					return {
						errors: [
							{
								text: `${args.path}: import the core from src/internal.ts, not from another module of src/`,
							},
						],
					};
				}
				return undefined;
			});
		},
	};
}

const thin = (entry: Record<string, string>, coreFromOutput: string): Options => ({
	entry,
	format: ['cjs'],
	dts: false,
	target: 'node20',
	esbuildPlugins: [coreAsSibling(coreFromOutput)],
	external: ['n8n-workflow'],
});

export default defineConfig([
	{
		entry: { internal: 'src/internal.ts' },
		format: ['cjs'],
		dts: false,
		clean: true,
		target: 'node20',
		noExternal: ['zod', 'fast-xml-parser'],
		external: ['n8n-workflow'],
	},
	thin({ index: 'src/index.ts' }, './internal.js'),
	// dist/nodes/X/X.node.js and dist/credentials/X.credentials.js: built in two groups because the relative path
	// to dist/index.js depends on the output's depth.
	thin(entriesOf(nodeFiles), '../../internal.js'),
	thin(entriesOf(credentialFiles), '../internal.js'),
	{
		// smart-webhooks-cli's bin: its own package (cli/package.json), so the n8n tarball holds no code that reads
		// files or the environment or prints. The core is bundled in (from src/, the same source as dist/index.js)
		// rather than required from the n8n package, which would bring n8n-workflow (its peer) to every CLI user.
		entry: { cli: 'cli/src/cli.ts' },
		outDir: 'cli/dist',
		format: ['cjs'],
		dts: false,
		clean: true,
		target: 'node20',
		platform: 'node',
		noExternal: ['zod', 'fast-xml-parser'],
		banner: { js: '#!/usr/bin/env node' },
	},
]);
