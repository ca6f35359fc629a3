#!/usr/bin/env node
// `npm run fuzz`: the property-based suites in test/fuzz with at least 100,000 cases per property
// (so per scheme and per property), each bounded in time, then a table of the cases actually run.
//   FUZZ_RUNS=n             cases per property (default 100000)
//   FUZZ_TIME_LIMIT_MS=ms   wall-clock bound per property (default 150000); a property that hits it stops
//                           early without failing, and the table shows the count it reached
//   FUZZ_SEED=n             replay a seed
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const runs = Number(process.env.FUZZ_RUNS ?? 100_000);
const report = join(tmpdir(), `fuzz-report-${process.pid}.jsonl`);
rmSync(report, { force: true });

const started = Date.now();
const result = spawnSync('npx', ['vitest', 'run', 'test/fuzz', ...process.argv.slice(2)], {
	stdio: 'inherit',
	env: { ...process.env, FUZZ_RUNS: String(runs), FUZZ_REPORT: report },
});
const seconds = ((Date.now() - started) / 1000).toFixed(1);

const lines = existsSync(report) ? readFileSync(report, 'utf8').trim().split('\n') : [];
const rows = lines.filter(Boolean).map((line) => JSON.parse(line));
rmSync(report, { force: true });

console.log(`\nfuzz: ${runs} cases requested per property`);
let short = 0;
for (const { name, cases, ms } of rows.sort((a, b) => a.name.localeCompare(b.name))) {
	const flag = cases < runs ? '  (stopped by the time bound)' : '';
	if (cases < runs) short++;
	console.log(
		`  ${String(cases).padStart(8)} cases  ${(ms / 1000).toFixed(1).padStart(6)} s  ${name}${flag}`,
	);
}
const total = rows.reduce((n, r) => n + r.cases, 0);
console.log(
	`fuzz: ${rows.length} properties, ${total} cases in ${seconds} s${short ? `, ${short} cut short by the time bound` : ''}; vitest exit ${result.status}`,
);
process.exit(result.status ?? 1);
