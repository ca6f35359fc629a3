/**
 * `npm run bench:processed-row`: what n8n's processed-data row costs the trigger once its Retry Memory is full.
 *
 * The trigger recognises copies with n8n's `checkProcessedAndRecord` ('entries' mode), which keeps a trigger's
 * entries as ONE row that n8n reads, parses, extends and writes back for every delivery. bench/e2e.ts measures fresh
 * workflows (a few hundred entries); this measures the steady state a busy trigger reaches:
 *   - "fresh": an SMP Trigger → NoOp workflow whose row holds only what this bench sends;
 *   - "full":  the same workflow, its row seeded (n8n stopped, SQLite edited, n8n started again) with
 *              2 × 10,000 entries: the default Retry Memory, full (a delivery with an id records two entries).
 * One n8n (line 2, default settings, SQLite, the packed tarball installed as users install it). Interleaved rounds of
 * sequential deliveries; the figure is the median per-round ratio full time / fresh time. Every delivery must be
 * answered 200 and give one execution (counted through the REST API). Printed, and written to nothing: run it when
 * you change the Retry Memory default. Bounded: request timeouts, a deadline on every wait, n8n stopped in finally.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { providers, serializePayload, sign } from '../src/internal';
import { listAllExecutions } from '../test/e2e/executions';
import { triggerWorkflowBody } from '../test/e2e/workflows';
import { median, post, webhookRegistered } from './e2e';

const REPO = path.resolve(__dirname, '..');
const SECRET = 'whsec_processedRow0123456789abcdefghij';
// a full default Retry Memory: every delivery records its id, its body hash and the execution that claimed it
const ENTRIES = 3 * 10_000;
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const PER_BATCH = Number(process.env.PER_BATCH ?? 40);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

let counter = 0;
function delivery() {
	const id = `evt_row_${randomUUID().slice(0, 8)}_${counter++}`;
	const body = serializePayload(providers.smp.sample('project.completed', { id }));
	return { body, headers: sign('smp', body, SECRET) };
}

/** Waits (bounded) until the workflow behind `url` is active (its production webhook registered). */
async function waitActive(url: string) {
	if (!(await webhookRegistered(url, 60_000)))
		throw new Error(`${url} did not become active within 60 s`);
}

/** Runs SQL against n8n's SQLite file with the sqlite3 module n8n itself ships, on n8n's own Node. */
function sqlite(rt: { nodeBin: string; dir: string }, dbFile: string, script: string): string {
	const code = `
const sqlite3 = require(${JSON.stringify(path.join(rt.dir, 'node_modules', 'sqlite3'))});
const db = new sqlite3.Database(${JSON.stringify(dbFile)});
const run = ${script};
run(db).then((out) => { console.log(JSON.stringify(out)); db.close(); }, (e) => { console.error(e); process.exit(1); });`;
	return execFileSync(rt.nodeBin, ['-e', code], { encoding: 'utf8', timeout: 60_000 });
}

async function main() {
	const runtime = await import(pathToFileURL(path.join(REPO, 'scripts', 'n8n-runtime.mjs')).href);
	const proc = await import(
		pathToFileURL(path.join(REPO, 'scripts', 'lib', 'n8n-process.mjs')).href
	);
	const api = await import(pathToFileURL(path.join(REPO, 'scripts', 'lib', 'n8n-api.mjs')).href);
	const rt = await runtime.ensureN8n('2');
	const dataDir = mkdtempSync(path.join(os.tmpdir(), 'n8n-processed-row-'));
	const tarball = await proc.tarballForRun(mkdtempSync(path.join(os.tmpdir(), 'bench-pack-')));
	await proc.installPackage({ userFolder: dataDir, tarball, line: '2' });
	const start = async () =>
		await proc.startN8n({
			line: '2',
			port: await proc.getFreePort(),
			dataDir,
			logFile: path.join(dataDir, 'n8n.log'),
			env: { NODE_ENV: 'production', N8N_LOG_LEVEL: 'warn' },
		});
	let n8n = await start();
	try {
		const client = new api.N8nRestClient(n8n.url);
		await client.ensureOwner(api.DEFAULT_OWNER);
		await client.login(api.DEFAULT_OWNER);
		const cred = await client.createCredential({
			name: 'SMP processed-row bench',
			type: 'smpWebhookApi',
			data: { secret: SECRET },
		});
		const hooks: Record<'fresh' | 'full', string> = { fresh: randomUUID(), full: randomUUID() };
		const ids: Record<string, string> = {};
		for (const which of ['fresh', 'full'] as const) {
			const { body } = triggerWorkflowBody({
				nodeType: 'smpTrigger',
				webhookId: hooks[which],
				name: `processed-row ${which}`,
				parameters: { events: ['project.completed'] },
				credentials: { smpWebhookApi: { id: String(cred.id), name: cred.name } },
			});
			const wf = await client.createWorkflow(body);
			ids[which] = String(wf.id);
			await client.activateWorkflow(ids[which], { settleMs: 0 });
		}
		const url = (which: 'fresh' | 'full') => `${n8n.url}/webhook/${hooks[which]}/webhook`;
		for (const which of ['fresh', 'full'] as const) {
			await waitActive(url(which));
			if ((await post(agent, new URL(url(which)), delivery())) !== 200)
				throw new Error(`first ${which} delivery not 200`);
		}
		await sleep(2000); // the first executions record their keys

		// seed the full row while n8n is stopped
		await n8n.stop();
		const dbFile = path.join(dataDir, '.n8n', 'database.sqlite');
		// the entries are md5/base64 strings as n8n's own (DeduplicationHelper.createValueHash), made in the child
		const seeded = sqlite(
			rt,
			dbFile,
			`(db) => new Promise((resolve, reject) => {
				const { createHash } = require('node:crypto');
				const data = Array.from({ length: ${ENTRIES} }, (_, i) => createHash('md5').update('seed-' + i).digest('base64'));
				const value = JSON.stringify({ mode: 'entries', data });
				db.run('UPDATE processed_data SET value = ? WHERE workflowId = ?', [value, ${JSON.stringify(ids.full)}], function (e) {
					if (e) return reject(e);
					resolve({ changed: this.changes, bytes: value.length });
				});
			})`,
		);
		const { changed, bytes } = JSON.parse(seeded);
		if (changed !== 1) throw new Error(`seeding changed ${changed} rows (want 1)`);
		console.log(`processed-row: "full" row seeded with ${ENTRIES} entries (${bytes} bytes)`);
		n8n = await start();
		const url2 = (which: 'fresh' | 'full') => `${n8n.url}/webhook/${hooks[which]}/webhook`;
		for (const which of ['fresh', 'full'] as const) await waitActive(url2(which));

		const sent: Record<string, number> = { fresh: 1, full: 1 };
		const batch = async (which: 'fresh' | 'full', n: number) => {
			const t0 = performance.now();
			for (let i = 0; i < n; i++) {
				const status = await post(agent, new URL(url2(which)), delivery());
				if (status !== 200) throw new Error(`${which}: answered ${status}`);
				sent[which]++;
			}
			return performance.now() - t0;
		};
		await batch('fresh', 10);
		await batch('full', 10);
		const ratios: number[] = [];
		const ms: Record<string, number[]> = { fresh: [], full: [] };
		for (let r = 0; r < ROUNDS; r++) {
			const order = r % 2 ? (['full', 'fresh'] as const) : (['fresh', 'full'] as const);
			const t: Record<string, number> = {};
			for (const which of order) t[which] = await batch(which, PER_BATCH);
			ms.fresh.push(t.fresh / PER_BATCH);
			ms.full.push(t.full / PER_BATCH);
			ratios.push(t.full / t.fresh);
			console.log(
				`processed-row: round ${r + 1}/${ROUNDS}: fresh ${(t.fresh / PER_BATCH).toFixed(1)} ms, full ${(t.full / PER_BATCH).toFixed(1)} ms per delivery`,
			);
		}
		await sleep(3000);
		const client2 = new api.N8nRestClient(n8n.url); // n8n was restarted: a new session
		await client2.login(api.DEFAULT_OWNER);
		for (const which of ['fresh', 'full'] as const) {
			const deadline = Date.now() + 120_000;
			let done = 0;
			while (Date.now() < deadline) {
				const rows = await listAllExecutions(client2, ids[which]);
				done = rows.filter((e) => e.status === 'success').length;
				if (done >= sent[which]) break;
				await sleep(1000);
			}
			if (done !== sent[which])
				throw new Error(`${which}: ${done} successful executions for ${sent[which]} deliveries`);
		}
		// the full row stayed full and took this run's deliveries (n8n read it, not a fresh one)
		await n8n.stop();
		const after = JSON.parse(
			sqlite(
				rt,
				dbFile,
				`(db) => new Promise((resolve, reject) => {
					db.get('SELECT value FROM processed_data WHERE workflowId = ?', [${JSON.stringify(ids.full)}], (e, row) => {
						if (e) return reject(e);
						const { createHash } = require('node:crypto');
						const seeds = new Set(Array.from({ length: ${ENTRIES} }, (_, i) => createHash('md5').update('seed-' + i).digest('base64')));
						const data = JSON.parse(row.value).data;
						resolve({ entries: data.length, seedsLeft: data.filter((x) => seeds.has(x)).length, bytes: row.value.length });
					});
				})`,
			),
		);
		if (after.entries !== ENTRIES || after.seedsLeft !== ENTRIES - 3 * (sent.full - 1))
			throw new Error(`full row after the run: ${JSON.stringify(after)} (want ${ENTRIES} entries)`);
		console.log(
			`processed-row: n8n ${n8n.version}, ${ROUNDS} rounds × ${PER_BATCH} sequential deliveries each: ` +
				`fresh ${median(ms.fresh).toFixed(1)} ms, full (${ENTRIES} entries) ${median(ms.full).toFixed(1)} ms per delivery (medians); ` +
				`full/fresh time ${median(ratios).toFixed(2)} (per round ${ratios.map((x) => x.toFixed(2)).join(' ')}); ` +
				`executions: fresh ${sent.fresh}, full ${sent.full}, all successful; full row after the run: ${after.entries} entries, ` +
				`${after.seedsLeft} of them seeds (${after.bytes} bytes)`,
		);
	} finally {
		agent.destroy();
		await n8n.stop().catch(() => undefined);
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
