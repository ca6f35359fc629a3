/**
 * `npm run bench:queue`: what recognising copies costs in n8n 2.x queue mode on PostgreSQL, in the queue suite's
 * topology (main, two webhook processors, two workers; scripts/lib/services.mjs), interleaved rounds of sequential
 * deliveries through webhook processor 1:
 *   1. a trigger whose processed-data row is a full Retry Memory (seeded with n8n's own md5/base64 hashes) against a
 *      fresh one: time from a batch's first send until its last execution finished, and the WAL PostgreSQL wrote;
 *   2. answers/s and execution time: the SMP Trigger → No Operation against n8n's Webhook node v1 → No Operation.
 * Every delivery must be answered 200 and run once. `--write` also puts the summary between bench/RESULTS.md's
 * queue-pg markers.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_RETRY_MEMORY } from '../nodes/shared/copies';
import { providers, serializePayload } from '../src/internal';
// @ts-expect-error plain ESM helper without types
import { psql, startQueueTopology } from '../scripts/lib/services.mjs';
import { median, writeBetweenMarkers } from './harness';
import {
	activate,
	createWorkflow,
	durations,
	ownerClient,
	post,
	settle,
	smpCredential,
	smpDelivery,
	tarballForRun,
	webhookV1Workflow,
	type Client,
	type Workflow,
} from './n8n-rest';

const ROUNDS = Number(process.env.ROUNDS ?? 4);
const PER_BATCH = Number(process.env.PER_BATCH ?? 30);
// a full default Retry Memory: on n8n 2.x an SMP delivery records one entry, its id (receive()'s dedupeKeys)
const ENTRIES = DEFAULT_RETRY_MEMORY;
const WRITE = process.argv.includes('--write');

type Pg = object; // scripts/lib/services.mjs startPostgres(): { host, port, user, database, ... }
const walLsn = (pg: Pg) => psql(pg, 'select pg_current_wal_lsn()');
const walBytes = (pg: Pg, from: string, to: string) =>
	Number(psql(pg, `select pg_wal_lsn_diff('${to}', '${from}')`));

async function main() {
	const work = mkdtempSync(path.join(os.tmpdir(), 'bench-queue-pg-'));
	const tarball = await tarballForRun(path.join(work, 'pack'));
	const topo = await startQueueTopology({ tarball, logDir: path.join(work, 'logs') });
	const say = (m: string) => console.log(`queue-pg: ${m}`);
	try {
		const pg: Pg = topo.pg;
		const hook1 = topo.url('webhook1') as string;
		const client: Client = await ownerClient(topo.url('main'));
		const procs = ['main', 'webhook1', 'webhook2'].map((p) => topo.url(p) as string);
		const secret = `whsec_queuepg_${randomUUID().replace(/-/g, '')}`;
		const cred = await smpCredential(client, 'bench queue-pg', secret);
		const trigger = async (name: string) => {
			const wf = await createWorkflow(client, {
				nodeType: 'smpTrigger',
				parameters: { events: ['project.completed'] },
				credentials: cred,
				name,
			});
			await activate(client, wf, procs);
			return wf;
		};
		const fresh = await trigger('bench fresh');
		const full = await trigger('bench full');
		const v1 = await webhookV1Workflow(client, 'bench Webhook v1', 'queue-pg');
		await activate(client, v1, [hook1]);
		const plain = serializePayload(providers.smp.sample('project.completed'));

		const sent = new Map<string, number>();
		const send = async (wf: Workflow, n: number, smp: boolean) => {
			for (let i = 0; i < n; i++) {
				const d = smp
					? smpDelivery(secret)
					: { body: plain, headers: { 'Content-Type': 'application/json' } };
				const res = await post(wf.urlOn(hook1), d.body, d.headers);
				if (res.status !== 200) throw new Error(`${wf.name}: answered ${res.status} ${res.text}`);
				sent.set(wf.id, (sent.get(wf.id) ?? 0) + 1);
			}
		};
		const finished = async (wf: Workflow) => await settle(client, wf, sent.get(wf.id) ?? 0);
		// first deliveries make the rows (an INSERT); then the full one is seeded
		for (const wf of [fresh, full]) {
			await send(wf, 1, true);
			await finished(wf);
		}
		const data = Array.from({ length: ENTRIES }, (_, i) =>
			createHash('md5').update(`seed-${i}`).digest('base64'),
		);
		const value = JSON.stringify({ mode: 'entries', data });
		const changed = psql(
			pg,
			'',
			`UPDATE processed_data SET value = $seed$${value}$seed$ WHERE "workflowId" = '${full.id}' RETURNING 1;\n`,
		);
		if (changed !== '1') throw new Error(`seeding changed ${JSON.stringify(changed)} (want 1 row)`);
		say(`full row seeded with ${ENTRIES} entries (${value.length} bytes)`);

		// 1. per delivery: fresh vs full, time until the batch's executions finished and WAL written
		const per = { fresh: [] as number[], full: [] as number[] };
		const wal = { fresh: [] as number[], full: [] as number[] };
		const batch = async (which: 'fresh' | 'full') => {
			const wf = which === 'fresh' ? fresh : full;
			const lsn0 = walLsn(pg);
			const t0 = performance.now();
			await send(wf, PER_BATCH, true);
			await finished(wf);
			per[which].push((performance.now() - t0) / PER_BATCH);
			wal[which].push(walBytes(pg, lsn0, walLsn(pg)) / PER_BATCH);
		};
		await batch('fresh');
		await batch('full');
		per.fresh.length = per.full.length = wal.fresh.length = wal.full.length = 0; // warm-up
		for (let r = 0; r < ROUNDS; r++) {
			for (const which of r % 2 ? (['full', 'fresh'] as const) : (['fresh', 'full'] as const))
				await batch(which);
			say(
				`round ${r + 1}/${ROUNDS}: fresh ${per.fresh[r].toFixed(1)} ms ${(wal.fresh[r] / 1024).toFixed(0)} KiB WAL, ` +
					`full ${per.full[r].toFixed(1)} ms ${(wal.full[r] / 1024).toFixed(0)} KiB WAL per delivery`,
			);
		}
		const rowAfter = psql(
			pg,
			`select length(value) from processed_data where "workflowId" = '${full.id}'`,
		);

		// 2. throughput through webhook processor 1, and how long the executions took
		const rates = { ours: [] as number[], v1: [] as number[] };
		await send(v1, 5, false);
		const firstIds = new Map<string, number>();
		for (const wf of [fresh, v1]) firstIds.set(wf.id, (await finished(wf)).length);
		const pair = [['ours', fresh] as const, ['v1', v1] as const];
		for (let r = 0; r < ROUNDS; r++) {
			for (const [key, wf] of r % 2 ? [...pair].reverse() : pair) {
				const t0 = performance.now();
				await send(wf, PER_BATCH, key === 'ours');
				rates[key].push((PER_BATCH * 1000) / (performance.now() - t0));
			}
		}
		const oursList = await finished(fresh);
		const v1List = await finished(v1);
		for (const [wf, list] of [
			[fresh, oursList],
			[full, await finished(full)],
			[v1, v1List],
		] as const) {
			// every delivery distinct: one successful execution each (settle() throws on any other status)
			if (list.length !== sent.get(wf.id))
				throw new Error(`${wf.name}: ${list.length} executions for ${sent.get(wf.id)} deliveries`);
		}
		const oursMs = median(durations(oursList.slice(firstIds.get(fresh.id))));
		const v1Ms = median(durations(v1List.slice(firstIds.get(v1.id))));

		const ratio = (a: number[], b: number[]) => median(a.map((x, i) => x / b[i]));
		const lines = [
			`n8n 2.41.1 queue mode (PostgreSQL 15, main + 2 webhook processors + 2 workers), ${ROUNDS} interleaved rounds × ${PER_BATCH} sequential SMP deliveries through webhook processor 1:`,
			`- per delivery, send → execution finished: fresh trigger ${median(per.fresh).toFixed(1)} ms, full Retry Memory (${ENTRIES} entries, row ${rowAfter} bytes) ${median(per.full).toFixed(1)} ms; full/fresh ${ratio(per.full, per.fresh).toFixed(2)} (per round ${per.full.map((x, i) => (x / per.fresh[i]).toFixed(2)).join(' ')})`,
			`- WAL per delivery: fresh ${(median(wal.fresh) / 1024).toFixed(1)} KiB, full ${(median(wal.full) / 1024).toFixed(1)} KiB; full/fresh ${ratio(wal.full, wal.fresh).toFixed(1)}`,
			`- answers through webhook processor 1: SMP Trigger ${median(rates.ours).toFixed(1)}/s, Webhook v1 ${median(rates.v1).toFixed(1)}/s; ratio ${ratio(rates.ours, rates.v1).toFixed(2)} (per round ${rates.ours.map((x, i) => (x / rates.v1[i]).toFixed(2)).join(' ')})`,
			`- execution duration (n8n's startedAt → stoppedAt, median): SMP Trigger ${oursMs.toFixed(0)} ms, Webhook v1 ${v1Ms.toFixed(0)} ms: the record protocol adds ${(oursMs - v1Ms).toFixed(0)} ms`,
			`- every delivery answered 200 and ran once: ${[fresh, full, v1].map((wf) => `${wf.name} ${sent.get(wf.id)}`).join(', ')}`,
		];
		for (const line of lines) console.log(line);
		if (WRITE) {
			const [start, end] = ['<!-- queue-pg:start -->', '<!-- queue-pg:end -->'];
			const date = new Date().toISOString().slice(0, 10);
			const title = `## Queue mode on PostgreSQL (\`npm run bench:queue\`, ${date})`;
			writeBetweenMarkers(start, end, `${title}\n\n${lines.join('\n')}`);
			console.log('written to bench/RESULTS.md');
		}
	} finally {
		await topo.stopAll();
		rmSync(work, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
