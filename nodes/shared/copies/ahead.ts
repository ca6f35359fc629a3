import { randomUUID } from 'node:crypto';
import type { RecordCall } from './store';

/**
 * Regular mode: a delivery's claim starts as n8n answers it, so its execution usually finds it decided.
 *
 * In one n8n process every store call queues behind the statements n8n runs for the executions in flight (SQLite
 * writes one at a time). Made inside the execution, the claim made the execution wait for them (measured: +200 ms on
 * a 400 ms execution, 8 in flight). n8n 2.x answers a delivery once its execution is in the database; a claim started
 * before that answer queued n8n's insert behind it, and a sender sending one delivery at a time waited for it
 * (measured: answers 4 % slower than without a copy check, bench/RESULTS.md). So the claim starts once the answer is
 * sent (2xx), while n8n starts the execution, or when the execution asks for it (take()), whichever comes first. A
 * delivery n8n answers with an error has no execution and is never recorded: the provider's retry runs.
 *
 * The claim goes out on a store call kept from an earlier execution of the same trigger in this process (n8n gives
 * the webhook phase no store of its own): a webhook processor in queue mode runs no executions, never has one, and
 * never claims ahead; there the worker decides, as before.
 *
 * What this gives up: a delivery answered 2xx whose execution never reaches the trigger (this process killed in
 * between, or an execution waiting for n8n's concurrency limit when n8n restarts) stays recorded, so a resend of it is
 * taken for a copy; the provider was answered 2xx and does not retry it on its own.
 */

export type ClaimStarter = (
	trigger: string,
	keys: string[],
	call: RecordCall,
) => Promise<Set<string>>;

/** Bounds: tickets waiting for their execution (past it a delivery is claimed by its execution, as in queue mode),
 * triggers with a kept store call. */
export const AHEAD_LIMITS = { maxWaiting: 10_000, maxTriggers: 1_000 };

interface Ahead {
	trigger: string;
	keys: string[];
	claim: ClaimStarter;
	call: RecordCall;
	/** Set once the claim started. */
	outcome?: Promise<Set<string>>;
}

const ownCalls = new Map<string, RecordCall>();
const waiting = new Map<string, Ahead>();

/** Kept by every execution that runs where its webhook took the delivery: later deliveries of the trigger claim ahead. */
export function keepOwnCall(trigger: string, call: RecordCall): void {
	ownCalls.delete(trigger);
	if (ownCalls.size >= AHEAD_LIMITS.maxTriggers)
		ownCalls.delete(ownCalls.keys().next().value as string);
	ownCalls.set(trigger, call);
}

/** A ticket for the delivery's claim, started by answered() or take(); undefined where no execution of the trigger ran here. */
export function claimNow(trigger: string, keys: string[], claim: ClaimStarter): string | undefined {
	const call = ownCalls.get(trigger);
	if (!call || waiting.size >= AHEAD_LIMITS.maxWaiting) return undefined;
	const ticket = randomUUID();
	waiting.set(ticket, { trigger, keys, claim, call });
	return ticket;
}

function started(ahead: Ahead): Promise<Set<string>> {
	if (!ahead.outcome) {
		ahead.outcome = ahead.claim(ahead.trigger, ahead.keys, ahead.call);
		// the execution awaits it and handles a failure; until then a rejection is not "unhandled"
		ahead.outcome.catch(() => undefined);
	}
	return ahead.outcome;
}

/** n8n answered the delivery: 2xx, its execution exists and the claim starts; an error, there is none to claim for. */
export function answered(ticket: string, status: number): void {
	const ahead = waiting.get(ticket);
	if (!ahead) return;
	if (status < 300) void started(ahead);
	else waiting.delete(ticket);
}

/** The execution takes its ticket's claim (once), starting it if n8n has not answered yet. */
export function take(ticket: string): Promise<Set<string>> | undefined {
	const ahead = waiting.get(ticket);
	waiting.delete(ticket);
	return ahead && started(ahead);
}

/** Tickets waiting for their execution (for tests). */
export function waitingCount(): number {
	return waiting.size;
}
