/**
 * `npm run bench:processed-row`: what n8n's processed-data row costs the trigger once its Retry Memory is full. n8n's
 * `checkProcessedAndRecord` ('entries' mode) keeps a trigger's entries as ONE row that it reads, parses, extends and
 * writes back for every delivery; bench/e2e.ts measures fresh workflows, this the steady state a busy trigger
 * reaches: "fresh" (an SMP Trigger → NoOp whose row holds only what this bench sends) against "full" (the same, its
 * row seeded with ENTRIES entries while n8n is stopped). One n8n 2.x on SQLite; interleaved rounds of sequential
 * deliveries, the figure the median per-round ratio full time / fresh time; every delivery answered 200 and run once.
 * Prints only: run it when you change the Retry Memory default.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_RETRY_MEMORY } from '../nodes/shared/copies';
import { median } from './harness';
import {
	activate,
	createWorkflow,
	ensureN8n,
	installPackage,
	ownerClient,
	send,
	settle,
	smpCredential,
	smpDelivery,
	startRegularN8n,
	tarballForRun,
	webhookRegistered,
	type Workflow,
} from './n8n-rest';

const SECRET = 'whsec_processedRow0123456789abcdefghij';
// a full default Retry Memory: on n8n 2.x an SMP delivery records one entry, its id (receive()'s dedupeKeys)
const PER_DELIVERY = 1;
const ENTRIES = PER_DELIVERY * DEFAULT_RETRY_MEMORY;
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const PER_BATCH = Number(process.env.PER_BATCH ?? 40);

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const delivery = () => smpDelivery(SECRET);
type Which = 'fresh' | 'full';
const BOTH = ['fresh', 'full'] as const;

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
	const rt = await ensureN8n('2');
	const dataDir = mkdtempSync(path.join(os.tmpdir(), 'n8n-processed-row-'));
	const tarball = await tarballForRun(mkdtempSync(path.join(os.tmpdir(), 'bench-pack-')));
	await installPackage({ userFolder: dataDir, tarball, line: '2' });
	let n8n = await startRegularN8n(dataDir);
	try {
		const client = await ownerClient(n8n.url);
		const credentials = await smpCredential(client, 'SMP processed-row bench', SECRET);
		const wfs = {} as Record<Which, Workflow>;
		for (const which of BOTH) {
			wfs[which] = await createWorkflow(client, {
				nodeType: 'smpTrigger',
				name: `processed-row ${which}`,
				parameters: { events: ['project.completed'] },
				credentials,
			});
			await activate(client, wfs[which], [n8n.url]);
			if ((await send(agent, new URL(wfs[which].urlOn(n8n.url)), delivery())) !== 200)
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
				db.run('UPDATE processed_data SET value = ? WHERE workflowId = ?', [value, ${JSON.stringify(wfs.full.id)}], function (e) {
					if (e) return reject(e);
					resolve({ changed: this.changes, bytes: value.length });
				});
			})`,
		);
		const { changed, bytes } = JSON.parse(seeded);
		if (changed !== 1) throw new Error(`seeding changed ${changed} rows (want 1)`);
		console.log(`processed-row: "full" row seeded with ${ENTRIES} entries (${bytes} bytes)`);
		n8n = await startRegularN8n(dataDir);
		const url = (which: Which) => new URL(wfs[which].urlOn(n8n.url));
		for (const which of BOTH)
			if (!(await webhookRegistered(url(which).href, 60_000)))
				throw new Error(`${url(which)} did not become active within 60 s`);

		const sent: Record<string, number> = { fresh: 1, full: 1 };
		const batch = async (which: Which, n: number) => {
			const t0 = performance.now();
			for (let i = 0; i < n; i++) {
				const status = await send(agent, url(which), delivery());
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
		const client2 = await ownerClient(n8n.url); // n8n was restarted: a new session
		for (const which of BOTH) {
			const done = (await settle(client2, wfs[which], sent[which])).length;
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
					db.get('SELECT value FROM processed_data WHERE workflowId = ?', [${JSON.stringify(wfs.full.id)}], (e, row) => {
						if (e) return reject(e);
						const { createHash } = require('node:crypto');
						const seeds = new Set(Array.from({ length: ${ENTRIES} }, (_, i) => createHash('md5').update('seed-' + i).digest('base64')));
						const data = JSON.parse(row.value).data;
						resolve({ entries: data.length, seedsLeft: data.filter((x) => seeds.has(x)).length, bytes: row.value.length });
					});
				})`,
			),
		);
		if (after.entries !== ENTRIES || after.seedsLeft !== ENTRIES - PER_DELIVERY * (sent.full - 1))
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
