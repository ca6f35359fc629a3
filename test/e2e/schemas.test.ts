// n8n serves each trigger's output schema from the installed package (GET /schemas/<package>.<node>/<x.y.z>.json,
// no login: the editor fetches it without credentials), on both lines; it is what the build generated.
import { describe, expect, it } from 'vitest';
import { outputJsonSchema } from '../../src/json-schema';
import { PROVIDERS, nodeName } from '../providers';
import { NODE_TYPE_PREFIX, env } from './harness';

describe.each(PROVIDERS)('n8n serves the $node output schema', (p) => {
	it('at /schemas/<type>/1.0.0.json, as generated', async () => {
		const url = `${env.n8nUrl}/schemas/${NODE_TYPE_PREFIX}${nodeName(p)}/1.0.0.json`;
		const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
		expect(res.status, url).toBe(200);
		expect(await res.json()).toEqual(outputJsonSchema(p.id));
	});
});

it('answers 404 for a version the package has no schema for (so the 200s above are the files)', async () => {
	const url = `${env.n8nUrl}/schemas/${NODE_TYPE_PREFIX}smpTrigger/9.0.0.json`;
	const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
	expect(res.status).toBe(404);
});
