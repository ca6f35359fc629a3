/**
 * How long this process's store calls take now, and the waits of ./store derived from it (see the top of store.ts).
 */

/**
 * The waits (ms): the pace is `paceFactor` × a typical recent call and the settle wait `settleFactor` × the slowest,
 * each with a floor and a cap. Our calls stand for the other workers' (n8n tells a node nothing about them); the
 * settle wait is off every execution's path, so its floor is generous: a worker that has made few calls yet, or whose
 * calls are quick while another's event loop is stalled, still waits longer than the other's call takes. A check
 * gives up (warned) after `maxDrops` drops of its keys: a key is dropped only by a call of another worker that was in
 * flight when ours added it, so a long run of drops means the row is overwritten constantly (the database far slower
 * than measured), not a busy moment.
 */
export const SETTLE = {
	paceFloorMs: 10,
	settleFloorMs: 2_000,
	capMs: 10_000,
	paceFactor: 1,
	settleFactor: 4,
	maxDrops: 20,
};

/** Only calls that ended this recently tell how long a call takes now (a burst of slow ones long ago says nothing). */
export const RECENT_MS = 60_000;
const RECENT_CALLS = 32;

const recentCalls: Array<{ endedAt: number; ms: number }> = [];

/** Called by ./store as each call ends. */
export function noteDuration(ms: number): void {
	recentCalls.push({ endedAt: performance.now(), ms });
	if (recentCalls.length > RECENT_CALLS) recentCalls.shift();
}

function recentDurations(): number[] {
	const since = performance.now() - RECENT_MS;
	return recentCalls.filter((call) => call.endedAt >= since).map((call) => call.ms);
}

function bounded(floorMs: number, factor: number, ms: number): number {
	return Math.min(SETTLE.capMs, Math.max(floorMs, factor * ms));
}

/** The pause after a call before this process's next on the row (before the random share): a typical call. */
export function paceMs(): number {
	const durations = recentDurations().sort((x, y) => x - y);
	return bounded(
		SETTLE.paceFloorMs,
		SETTLE.paceFactor,
		durations[Math.floor(durations.length / 2)] ?? 0,
	);
}

/** How long keys must have stayed since they were added to stay for good: longer than another process's call. */
export function settleMs(): number {
	return bounded(SETTLE.settleFloorMs, SETTLE.settleFactor, Math.max(0, ...recentDurations()));
}
