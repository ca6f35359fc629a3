// `npm run build`, after tsup: writes each trigger's output schema where n8n looks for it,
// dist/nodes/<Node>/__schema__/v<major.minor.patch>.json for every version the node declares (n8n pads the node's
// version: 1 → v1.0.0; it serves the file at /schemas/<package>.<node>/1.0.0.json, and n8n 1.x's editor shows it as
// the trigger's fields before any delivery). Made from the zod schemas that check deliveries (src/json-schema.ts).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { INodeType } from 'n8n-workflow';
import { providerIds } from '../src/internal';
import { outputJsonSchema } from '../src/json-schema';

/** n8n's version padding (schemaPreview.api.ts / output-schema-resolver padVersion). */
export const padVersion = (version: number): string =>
	String(version).split('.').concat(['0', '0']).slice(0, 3).join('.');

/** Every trigger's node is `<providerId>Trigger`, in nodes/<ProviderId>Trigger/ (test/providers.ts checks the same). */
export const nodeFolderOf = (id: string): string => `${id[0].toUpperCase()}${id.slice(1)}Trigger`;

async function main() {
	const root = path.resolve(__dirname, '..');
	let written = 0;
	for (const id of providerIds) {
		const folder = nodeFolderOf(id);
		const source = path.join(root, 'nodes', folder, `${folder}.node.ts`);
		const built = path.join(root, 'dist', 'nodes', folder);
		if (!existsSync(source) || !existsSync(built))
			throw new Error(`build-schemas: no node ${folder} for provider ${id} (${source}, ${built})`);
		const module = (await import(source)) as Record<string, new () => INodeType>;
		const { version } = new module[folder]().description;
		const schema = `${JSON.stringify(outputJsonSchema(id), null, '\t')}\n`;
		mkdirSync(path.join(built, '__schema__'), { recursive: true });
		for (const v of Array.isArray(version) ? version : [version]) {
			writeFileSync(path.join(built, '__schema__', `v${padVersion(v)}.json`), schema);
			written++;
		}
	}
	console.log(`wrote ${written} output schemas into dist/nodes/*/__schema__/`);
}

void main().catch((error: Error) => {
	console.error(error.message);
	process.exitCode = 1;
});
