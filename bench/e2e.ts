/**
 * End to end through one real n8n (line 2, pinned in scripts/n8n-runtime.mjs): `npm run bench:e2e`, and the e2e
 * section of `npm run bench` (bench/run.ts calls runE2e()). The parts: e2e/contenders.ts (what is measured),
 * run.ts (one setting, and the whole run), report.ts (figures, tables, files); talking to n8n: bench/n8n-rest.ts.
 *
 * Contenders, each an active workflow ending in a No Operation node, all fed the very same 1 KiB SMP deliveries
 * (a genuine signature, a distinct envelope id each, and C's auth header), pre-built before timing:
 *   A  n8n Webhook node v2 (POST, responseMode onReceived), no authentication; B  the same on Webhook v1
 *   C  Webhook v2 + Header Auth (credential httpHeaderAuth)
 *   D  what users build today: Webhook v2 with options.rawBody → Code node (HMAC-SHA256 of the raw body from the
 *      binary data n8n gives it, timingSafeEqual) → IF → NoOp "Verified" (false branch: NoOp "Rejected")
 *   E  the SMP Trigger of this package, as built in dist/ (credential smpWebhookApi)
 *   E0 (default setting only) E with "Ignore Retried Deliveries" off: what exactly-once costs
 *   E2 (default and lazy settings only) E declared as version 2, in a bench-only copy of the package (makeV2Probe):
 *      what the version-1 choice costs under lazy acquire, and what version 2 would buy
 *   S  (default setting only) the Signed Webhook Trigger, Sender Custom set up as SMP signs: S/E is what reading the
 *      scheme from the panel costs
 * (An "F" — E keeping the secret — is E itself since the trigger keeps its secret for 10 s.)
 *
 * Each setting is its own n8n start (fresh data dir): default, N8N_EXPRESSION_ENGINE_POOL_SIZE=4,
 * N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true, N8N_EXPRESSION_ENGINE=legacy. Per setting and number in flight (1; 16 for
 * the default setting): a warm-up batch per contender, then rounds of one batch per contender, the order rotated
 * every round. After each batch the bench waits until n8n has no execution left running, so one contender's trailing
 * executions do not land in the next one's batch. A ratio X/Y = median over rounds of (Y's batch time / X's).
 *
 * Isolates per delivery are n8n's own counters (/metrics) read around each batch; every contender's executions must
 * equal the requests it answered 200, all successful; a flood sends 100 forged requests in flight while genuine
 * deliveries are timed (the tables printed say more). One n8n at a time, 127.0.0.1 only, everything bounded.
 *
 * `npm run bench:e2e [-- --quick] [--settings=default,lazy] [--no-flood] [--write]`; `-- --table` re-renders the
 * tables of the report kept in bench/out/results.json (by an earlier `--write` on this machine) without running
 * anything. Only `--write` touches bench/out/results.json and the tracked bench/RESULTS.md.
 */
import { SETTINGS, type SettingId } from './e2e/contenders';
import { e2eTable, figuresOf, fmt, loadE2e, persistE2e } from './e2e/report';
import { runE2e } from './e2e/run';

const args = process.argv.slice(2);
const write = args.includes('--write');
if (args.includes('--table')) {
	// re-render the tables of the last report in bench/out/results.json (no n8n started)
	const last = loadE2e();
	if (!last)
		throw new Error('bench/out/results.json holds no e2e report (a run with --write keeps one)');
	last.figures = figuresOf(last);
	if (write) persistE2e(last);
	console.log(e2eTable(last));
	process.exit(0);
}
const quick = args.includes('--quick') || process.env.BENCH_QUICK === '1';
const only = args.find((a) => a.startsWith('--settings='))?.slice('--settings='.length);
const settings = only ? (only.split(',').filter((s) => s in SETTINGS) as SettingId[]) : undefined;
runE2e({ quick, settings, noFlood: args.includes('--no-flood') })
	.then((report) => {
		if (write) persistE2e(report);
		console.log(`\n${e2eTable(report)}\n`);
		for (const f of report.figures) {
			const v =
				f.unit === 's'
					? `${fmt(f.detail?.medianS as number, 2)} s`
					: f.ratio === null
						? '—'
						: `E time/baseline ${f.ratio.toFixed(3)} (≤ ${f.limit})`;
			console.log(`${f.id}: ${v}  ${f.pass === null ? '' : f.pass ? 'PASS' : 'MISS'}`);
		}
		console.log(
			`bench e2e: ${report.meta.durationSeconds} s${write ? '; wrote bench/out/results.json (key e2e) and the e2e section of bench/RESULTS.md' : ' (files untouched; --write keeps it in bench/out/results.json and bench/RESULTS.md)'}`,
		);
		if (report.settings.some((s) => s.error)) process.exitCode = 1;
	})
	.catch((error) => {
		console.error(error);
		process.exitCode = 1;
	});
