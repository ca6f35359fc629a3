import { sleep } from 'n8n-workflow';
import { noteDuration, paceMs, SETTLE, settleMs } from './waits';

/**
 * Recording deliveries in n8n's processed-data store so that they stay recorded when several n8n processes (queue-mode
 * workers) write the same row.
 *
 * What n8n offers a node (n8n-core's deduplication helpers, identical on 1.123 and 2.41): every call that names keys
 * is a read-modify-write of ONE row per node (findOne, change in memory, update; no lock, no transaction) that writes
 * the whole row even when every key was already there. There is no read-only check of a key, so checking a key is
 * recording it again. Entries past maxEntries are dropped oldest first.
 *
 * The protocol:
 * - the claim (claim()): one store call that says whether a delivery's keys were there; all an execution waits for.
 *   Requests that queue meanwhile share the next call.
 * - the pace (paceMs()): a short pause after each call of this process on a row, a typical call's length, at
 *   random up to twice that. Without it two workers busy with deliveries call back to back, and once a call of one
 *   overlaps a call of the other, the next ones do too: each write drops the keys the other just wrote, again and
 *   again, and a provider's retry a second later finds its delivery missing and runs again (measured: 22 of 150 in
 *   test/unit/copies.test.ts without a pause, some with a pause of the same length in both; 3 of 60 in the queue
 *   suite on a 2-core machine). A claim whose execution runs where its webhook took it (regular mode) does not wait
 *   for it: no other process writes the row.
 * - the check (check()): the keys this process claimed ride along with its next calls until they are confirmed. A
 *   call that finds one missing records it again at once (repair); a call that finds them all there long enough after
 *   they were last added (settleMs(), longer than another process's call can take) confirms them. When no claim
 *   comes, the check makes its own calls: one a quarter of the settle wait after the claim (so that a drop is
 *   repaired within about half a second, before any provider's first retry, yet a busy worker's next claim usually
 *   carries the check first: calls of its own made the row busier and a claim wait for them), one to confirm.
 */

/** n8n's checkProcessedAndRecord bound to the trigger's row and size: returns the keys that were already there. */
export type RecordCall = (keys: string[]) => Promise<{ processed: Array<string | number> }>;

/** Where a check that gave up says so (the logger of the execution that claimed the keys). */
export type Warn = (message: string) => void;

/**
 * Checks waiting in this process, at most. Each holds only its keys (about 3 short strings) and a number or two, so
 * the bound is a few MB; past it a new record goes unchecked and the claim's warn says so.
 */
export const LIMITS = { maxPendingChecks: 10_000 };

interface Claim {
	keys: string[];
	/** Waits for the pause between calls: another process may write the row (queue mode). */
	paced: boolean;
	resolve(present: Set<string>): void;
	reject(error: unknown): void;
}

interface Check {
	keys: string[];
	/** When the call that last added one of the keys ended (performance.now()): they are confirmed settleMs() after. */
	addedAt: number;
	/** Whether a call after that one has looked (and found them all there). */
	probed: boolean;
	/** Times a call found a key dropped, or failed: the bound. */
	drops: number;
	warn: Warn;
}

interface Row {
	claims: Claim[];
	checks: Check[];
	running: boolean;
	/** When this process may start its next paced call on the row (performance.now()): a pace after the last. */
	readyAt: number;
	/** When the timer that starts the row's next call fires, if one is set. */
	wakeAt?: number;
	/** The newest claim's call: every call on a row names the same row; its options (size) are the latest. */
	call: RecordCall;
}

const rows = new Map<string, Row>();
let pendingChecks = 0;

/** How many checks are waiting in this process (for tests and benchmarks). */
export function pendingCheckCount(): number {
	return pendingChecks;
}

/**
 * Records `keys` in the row and returns those that were already there. A key asked for by two requests of one call
 * counts as present for the later one (n8n's helper would call both new). Two calls of one process on one row never
 * overlap: they would drop each other's keys, as two processes do. `paced`: wait for the pause between calls (see
 * the top of this file); false only where no other process writes the row.
 */
export async function claim(
	row: string,
	keys: string[],
	call: RecordCall,
	paced = true,
): Promise<Set<string>> {
	return await new Promise<Set<string>>((resolve, reject) => {
		const state = rowState(row, call);
		state.call = call;
		state.claims.push({ keys, paced, resolve, reject });
		startNextCall(row);
	});
}

/**
 * Keeps `keys` (just claimed as new) recorded against other processes' writes, off the execution's path.
 *
 * Why it holds: another process drops our keys only with a read-modify-write that read the row before a write of
 * ours that added them landed, and wrote after it. A call that finds every key there shows they stayed there since
 * the call that last added them ended (only we add them; a drop would show). Once that is longer ago than another
 * process's call takes (settleMs()), every call that read before the add has landed and every later one read the
 * keys and keeps them: the record is there to stay. A key found missing was dropped; the same call records it again
 * (n8n has no read-only check), and the wait starts over. Another process's check drops nothing for good: the keys
 * it may overwrite are re-recorded by their own check.
 *
 * Where it stops holding: a read-modify-write slower than the settle wait (a stalled database connection); a
 * provider's retry that reads the row between a drop and our next call (a pace and a call: tens of ms on a healthy
 * database); keys dropped maxDrops times (warned); a process that exits before its checks ran (its pending checks
 * are lost: a key another process dropped meanwhile is not recorded again, and a retry of that delivery runs once
 * more). n8n tells a node nothing when it shuts down, so the checks cannot be finished or handed over then.
 */
export function check(row: string, keys: string[], call: RecordCall, warn: Warn): void {
	if (pendingChecks >= LIMITS.maxPendingChecks) {
		warn(
			`${LIMITS.maxPendingChecks} records are waiting for their check in this n8n process; this one is not checked, and a retry of this delivery may run again`,
		);
		return;
	}
	pendingChecks++;
	// the claim's call, which added the keys, ended just now
	rowState(row, call).checks.push({
		keys,
		addedAt: performance.now(),
		probed: false,
		drops: 0,
		warn,
	});
	startNextCall(row);
}

function rowState(row: string, call: RecordCall): Row {
	let state = rows.get(row);
	if (!state) {
		state = { claims: [], checks: [], running: false, readyAt: -Infinity, call };
		rows.set(row, state);
	}
	return state;
}

function startNextCall(row: string): void {
	const state = rows.get(row);
	if (!state || state.running) return;
	const now = performance.now();
	if (state.claims.length === 0 && state.checks.length === 0) {
		// kept until its pace is over: a claim now would otherwise skip it
		if (now >= state.readyAt) rows.delete(row);
		else wakeAt(row, state, state.readyAt);
		return;
	}
	const ready = now >= state.readyAt;
	// before the pace is over, only claims of the process that took their delivery go; the others wait for it
	const claims = ready ? state.claims.splice(0) : takeUnpaced(state);
	if (claims.length === 0) {
		// paced claims wait for the pace; checks alone for their next due call, and the pace
		const settle = settleMs();
		const due =
			state.claims.length > 0
				? -Infinity
				: Math.min(...state.checks.map((c) => checkDueAt(c, settle)));
		const next = Math.max(state.readyAt, due);
		if (now < next) {
			wakeAt(row, state, next);
			return;
		}
	}
	const checks = state.checks.splice(0);
	state.running = true;
	// checks first: a claim of a copy in the same call sees their keys as already there
	const keys = [...new Set([...checks.flatMap((c) => c.keys), ...claims.flatMap((c) => c.keys)])];
	const started = performance.now();
	void state
		.call(keys)
		.then(
			(outcome) => {
				const ended = performance.now();
				noteDuration(ended - started);
				const present = new Set(outcome.processed.map(String));
				const settle = settleMs();
				for (const c of checks) settleCheck(state, c, { started, ended, settle }, present);
				const asked = new Set(checks.flatMap((c) => c.keys));
				for (const request of claims) {
					request.resolve(new Set(request.keys.filter((k) => present.has(k) || asked.has(k))));
					for (const key of request.keys) asked.add(key);
				}
			},
			(error: unknown) => {
				const call = { started, ended: performance.now(), settle: settleMs() };
				for (const c of checks) settleCheck(state, c, call, undefined);
				for (const request of claims) request.reject(error);
			},
		)
		.finally(() => {
			state.running = false;
			// a random share on top: two workers whose calls overlapped once, with the same pace, would keep
			// overlapping call after call and drop each other's keys every time (seen in test/unit/copies.test.ts)
			state.readyAt = performance.now() + paceMs() * (1 + Math.random());
			startNextCall(row);
		});
}

/** When a check needs a call of its own: a while after its keys were added (to repair a drop), then to confirm. */
function checkDueAt(c: Check, settle: number): number {
	return c.addedAt + (c.probed ? settle : settle / 4);
}

function takeUnpaced(state: Row): Claim[] {
	const unpaced = state.claims.filter((c) => !c.paced);
	state.claims = state.claims.filter((c) => c.paced);
	return unpaced;
}

/** After a call that carried a check (`present` undefined: the call failed): confirmed, waiting, or given up. */
function settleCheck(
	state: Row,
	c: Check,
	call: { started: number; ended: number; settle: number },
	present: Set<string> | undefined,
): void {
	const allThere = present !== undefined && c.keys.every((k) => present.has(k));
	if (allThere && call.started >= c.addedAt + call.settle) {
		pendingChecks--;
		return;
	}
	if (allThere) {
		c.probed = true;
	} else {
		// dropped (or not known): this call recorded the keys again, the wait starts over
		c.drops++;
		c.addedAt = call.ended;
		c.probed = false;
	}
	if (c.drops >= SETTLE.maxDrops) {
		pendingChecks--;
		c.warn(
			'the record of this delivery kept being overwritten by other n8n processes; a retry of it may run again',
		);
		return;
	}
	state.checks.push(c);
}

/** One timer per row at a time, for the earliest moment something may run. */
function wakeAt(row: string, state: Row, at: number): void {
	if (state.wakeAt !== undefined && state.wakeAt <= at) return;
	state.wakeAt = at;
	void sleep(Math.max(0, at - performance.now())).then(() => {
		if (state.wakeAt === at) state.wakeAt = undefined;
		startNextCall(row);
	});
}
