// Copies icons and codex files next to the built nodes and credentials (n8n resolves `file:` icons relative to them).
import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ASSET = /\.(svg|png|json)$/;
let copied = 0;
function walk(from, to) {
	for (const name of readdirSync(from)) {
		const source = join(from, name);
		if (statSync(source).isDirectory()) walk(source, join(to, name));
		else if (ASSET.test(name)) {
			mkdirSync(to, { recursive: true });
			copyFileSync(source, join(to, name));
			copied++;
		}
	}
}
walk('nodes', 'dist/nodes');
walk('credentials', 'dist/credentials');
console.log(`copied ${copied} asset files into dist/`);
