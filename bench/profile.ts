// Profiling helper: `P=smp node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile.ts` (P = provider).
import { receive, sign } from '../src/index';
import { jsonBody } from './payloads';
const provider = (process.env.P ?? 'smp') as any;
const body = Buffer.from(jsonBody(provider, 1024));
const headers = Object.fromEntries(Object.entries(sign(provider, body, 'sec', { timestamp: 1777000000 })).map(([k, v]) => [k.toLowerCase(), v]));
let n = 0; const t = Date.now();
while (Date.now() - t < 3000) { for (let i = 0; i < 1000; i++) n += receive(provider, { headers, rawBody: body }, { secret: 'sec', now: 1777000000000 }).status; }
console.log(n);
