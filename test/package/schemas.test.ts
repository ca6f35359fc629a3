// The output schemas `npm run build` writes (scripts/build-schemas.ts), as n8n reads them: one per trigger and node
// version at dist/nodes/<Node>/__schema__/v<x.y.z>.json, an object schema with properties (n8n 1.x's editor drops a
// preview without them), the same as the core generates from the zod schemas.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { outputJsonSchema } from '../../src/json-schema';
import { PROVIDERS, ROOT, loadNode } from '../providers';

describe.each(PROVIDERS)('$node output schema in dist/', (p) => {
	it('is written for the node version, from the zod schema', async () => {
		const { version } = (await loadNode(p)).description;
		expect(version).toBe(1);
		const file = path.join(ROOT, 'dist/nodes', p.node, '__schema__', 'v1.0.0.json');
		const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
		expect(schema.type).toBe('object');
		expect(Object.keys(schema.properties as object).length).toBeGreaterThan(0);
		expect(schema).toEqual(outputJsonSchema(p.id));
	});
});
