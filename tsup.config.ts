import { defineConfig } from 'tsup';
import { readdirSync } from 'node:fs';

// One CommonJS file per n8n entry point (n8n loads nodes and credentials by path), with zod and
// fast-xml-parser bundled in: community packages may not have runtime dependencies.
const nodeFiles = readdirSync('nodes', { withFileTypes: true })
	.filter((d) => d.isDirectory())
	.flatMap((d) => readdirSync(`nodes/${d.name}`).filter((f) => f.endsWith('.node.ts')).map((f) => `nodes/${d.name}/${f}`));
const credentialFiles = readdirSync('credentials').filter((f) => f.endsWith('.credentials.ts')).map((f) => `credentials/${f}`);
const entries = Object.fromEntries([...nodeFiles, ...credentialFiles].map((file) => [file.replace(/\.ts$/, ''), file]));

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
]);
