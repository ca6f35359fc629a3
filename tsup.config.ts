import { defineConfig, type Options } from 'tsup';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'esbuild';

// Two packages are built here.
// The n8n package (dist/): n8n loads nodes and credentials by path, one CommonJS file each. The core (src/index.ts,
// with zod and fast-xml-parser bundled in: community packages may not have runtime dependencies) is built once, as
// dist/index.js; every node and credential is a thin file that require()s it by a relative path.
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
const CORE = path.join(SRC, 'index.ts');

/**
 * Imports of the core (`../../src` from nodes, `../src` from credentials) become
 * `require(<coreFromOutput>)`, the path of dist/index.js as seen from the built file. A deep import into src/
 * (`../../src/providers/x`) fails the build: it would either bundle a second copy of part of the core or, mapped to
 * the core, read a name the core does not export; export what is needed from src/index.ts instead.
 */
function coreAsSibling(coreFromOutput: string): Plugin {
	return {
		name: 'core-as-sibling',
		setup(build) {
			build.onResolve({ filter: /^\./ }, (args) => {
				if (args.kind === 'entry-point') return undefined;
				const target = path.resolve(args.resolveDir, args.path);
				if (target === SRC || target === CORE.replace(/\.ts$/, '') || target === CORE)
					return { path: coreFromOutput, external: true };
				if (target.startsWith(SRC + path.sep)) {
					return {
						errors: [
							{
								text: `${args.path}: import the core from its index (src/index.ts), not from a module inside src/`,
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
		entry: { index: 'src/index.ts' },
		format: ['cjs'],
		dts: false,
		clean: true,
		target: 'node20',
		noExternal: ['zod', 'fast-xml-parser'],
		external: ['n8n-workflow'],
	},
	// dist/nodes/X/X.node.js and dist/credentials/X.credentials.js: built in two groups because the relative path
	// to dist/index.js depends on the output's depth.
	thin(entriesOf(nodeFiles), '../../index.js'),
	thin(entriesOf(credentialFiles), '../index.js'),
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
