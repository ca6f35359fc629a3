import { randomUUID } from 'node:crypto';
import { sleep } from 'n8n-workflow';
import type { RecordCall } from './store';

/**
 * Regular mode: a delivery's claim starts in the webhook phase, so its execution finds it decided.
 *
 * In one n8n process every store call queues behind the statements n8n runs for the executions in flight (SQLite
 * writes one at a time). Made inside the execution, the claim made the execution wait for them (measured: +200 ms on
 * a 400 ms execution, 8 in flight; +125 ms when started once n8n had answered). Started a timer tick after the
 * webhook phase hands the delivery to n8n, it runs while n8n creates and starts the execution, and the execution takes
 * its outcome (take()). The tick lets n8n's insert of the execution, which n8n 2.x's answer waits for, reach the
 * database first (started at once, a sender sending one delivery at a time got its answers about 5 % slower).
 *
 * The claim goes out on a store call kept from an earlier execution of the same trigger in this process (n8n gives
 * the webhook phase no store of its own): a webhook processor in queue mode runs no executions, never has one, and
 * never claims ahead; there the worker decides, as before.
 *
 * A delivery recorded ahead whose execution n8n then fails to create is answered with an error (n8n 2.x answers once
 * the execution exists): abandon() notes its keys as recorded but not run, and the provider's retry, finding them
 * recorded, runs (once). What this gives up: a delivery answered 2xx whose execution never reaches the trigger (this
 * process killed in between, or an execution waiting for n8n's concurrency limit when n8n restarts) stays recorded,
 * so a resend of it is taken for a copy; the provider was answered 2xx and does not retry it on its own. The same
 * holds for an abandoned delivery whose retry comes after a restart (the note is in memory).
 */

export type ClaimStarter = (
	trigger: string,
	keys: string[],
	call: RecordCall,
) => Promise<Set<string>>;

/** Bounds: tickets waiting for their execution (past it a delivery is claimed by its execution, as in queue mode),
 * triggers with a kept store call, keys noted as recorded but not run. */
export const AHEAD_LIMITS = { maxWaiting: 10_000, maxTriggers: 1_000, maxNotRun: 10_000 };

const ownCalls = new Map<string, RecordCall>();
const waiting = new Map<
	string,
	{ trigger: string; keys: string[]; outcome: Promise<Set<string>> }
>();
/** `${trigger}\n${key}` of deliveries recorded ahead that n8n answered with an error. */
const notRun = new Set<string>();

/** Kept by every execution that runs where its webhook took the delivery: later deliveries of the trigger claim ahead. */
export function keepOwnCall(trigger: string, call: RecordCall): void {
	ownCalls.delete(trigger);
	if (ownCalls.size >= AHEAD_LIMITS.maxTriggers)
		ownCalls.delete(ownCalls.keys().next().value as string);
	ownCalls.set(trigger, call);
}

/** Starts the delivery's claim and returns its ticket; undefined where no execution of the trigger ran here. */
export function claimNow(trigger: string, keys: string[], claim: ClaimStarter): string | undefined {
	const call = ownCalls.get(trigger);
	if (!call || waiting.size >= AHEAD_LIMITS.maxWaiting) return undefined;
	const ticket = randomUUID();
	const outcome = sleep(0).then(async () => await claim(trigger, keys, call));
	// the execution awaits it and handles a failure; until then a rejection is not "unhandled"
	outcome.catch(() => undefined);
	waiting.set(ticket, { trigger, keys, outcome });
	return ticket;
}

/** The execution takes its ticket's claim (once). */
export function take(ticket: string): Promise<Set<string>> | undefined {
	const ahead = waiting.get(ticket);
	waiting.delete(ticket);
	return ahead?.outcome;
}

/** n8n answered the delivery with an error: it created no execution, so the keys recorded ahead did not run. */
export function abandon(ticket: string): void {
	const ahead = waiting.get(ticket);
	if (!ahead) return;
	waiting.delete(ticket);
	for (const key of ahead.keys) {
		if (notRun.size >= AHEAD_LIMITS.maxNotRun)
			notRun.delete(notRun.values().next().value as string);
		notRun.add(`${ahead.trigger}\n${key}`);
	}
}

/**
 * Whether every one of `keys` (found recorded) was recorded ahead for a delivery that never ran: then the first to
 * ask runs it, and the note is used up.
 */
export function recordedButNotRun(trigger: string, keys: string[]): boolean {
	const noted = keys.map((key) => `${trigger}\n${key}`);
	if (!noted.every((entry) => notRun.has(entry))) return false;
	for (const entry of noted) notRun.delete(entry);
	return true;
}

/** Tickets waiting for their execution (for tests). */
export function waitingCount(): number {
	return waiting.size;
}
