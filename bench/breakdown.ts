// Breakdown helper: times verify, parse, facts and schema check of receive() separately. P=provider S=bytes npx tsx bench/breakdown.ts
import { createHmac, timingSafeEqual } from 'node:crypto';
import { receive, sign, getProvider, parseJsonBody } from '../src/index';
import { schemaIssues } from '../src/providers/schema';
import { jsonBody } from './payloads';
import { compare } from './harness';
const provider = (process.env.P ?? 'smp') as any;
const def = getProvider(provider);
const body = Buffer.from(jsonBody(provider, Number(process.env.S ?? 1024)));
const headers = Object.fromEntries(Object.entries(sign(provider, body, 'sec', { timestamp: 1777000000 })).map(([k, v]) => [k.toLowerCase(), v]));
const payload = JSON.parse(body.toString());
const hex = Object.values(headers).find((v) => /[0-9a-f]{64}$/.test(v))?.slice(-64) ?? '';
const cmp = compare([
	{ name: 'receive', fn: () => receive(provider, { headers, rawBody: body }, { secret: 'sec', now: 1777000000000 }) },
	{ name: 'floor', fn: () => { timingSafeEqual(createHmac('sha256', 'sec').update(body).digest(), Buffer.from(hex, 'hex')); return JSON.parse(body.toString()); } },
	{ name: 'verify', fn: () => def.scheme.verify({ headers, rawBody: body }, body, { secrets: ['sec'], nowSeconds: 1777000000, toleranceSeconds: 300 }) },
	{ name: 'hmac', fn: () => createHmac('sha256', 'sec').update(body).digest() },
	{ name: 'parseJsonBody', fn: () => parseJsonBody(body) },
	{ name: 'JSON.parse', fn: () => JSON.parse(body.toString()) },
	{ name: 'facts', fn: () => def.facts(payload, headers, body) },
	{ name: 'schemaIssues', fn: () => schemaIssues(def.schema, payload) },
], { rounds: 30, batchMs: 10, warmupMs: 200 });
for (const c of cmp.contenders) console.log(c.name.padEnd(16), (c.nsPerOp / 1000).toFixed(2), 'µs');
