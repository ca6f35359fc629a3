// Copies the codex files next to the built nodes, and icons/ to dist/icons/: n8n resolves a `file:` icon relative to
// the built node or credential, so `file:../../icons/x.svg` from dist/nodes/X/ and `file:../icons/x.svg` from
// dist/credentials/ both land in dist/icons/, as in the sources.
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
walk('icons', 'dist/icons');
console.log(`copied ${copied} asset files into dist/`);
