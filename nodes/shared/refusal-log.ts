/** Refusals logged per trigger and window; past that they are counted and reported with the next logged one. */
export const REFUSALS_LOGGED_PER_MINUTE = 10;
const WINDOW_MS = 60_000;
const MAX_SCOPES = 1_000;

interface Window {
	start: number;
	logged: number;
	suppressed: number;
}

/**
 * Decides which refusals reach n8n's log, so a flood of forged requests cannot fill the disk: the first
 * REFUSALS_LOGGED_PER_MINUTE per trigger and minute, then none until the next minute, whose first line says how many
 * were left out.
 */
export class RefusalLog {
	private readonly windows = new Map<string, Window>();

	admit(scope: string, nowMs: number): { log: boolean; suppressed: number } {
		let window = this.windows.get(scope);
		if (!window || nowMs - window.start >= WINDOW_MS) {
			const suppressed = window?.suppressed ?? 0;
			window = { start: nowMs, logged: 0, suppressed: 0 };
			this.windows.delete(scope);
			this.windows.set(scope, window);
			if (this.windows.size > MAX_SCOPES)
				this.windows.delete(this.windows.keys().next().value as string);
			window.logged = 1;
			return { log: true, suppressed };
		}
		if (window.logged < REFUSALS_LOGGED_PER_MINUTE) {
			window.logged++;
			return { log: true, suppressed: 0 };
		}
		window.suppressed++;
		return { log: false, suppressed: 0 };
	}
}

/** Where a logged line says the delivery went and came from. */
export interface RefusalPlace {
	workflowName?: string;
	workflowId?: string;
	nodeName: string;
	from?: string;
}

/**
 * Workflow and node names are the user's own text: quoted as JSON (so a newline or quote in a name cannot start a
 * second log line or end the quote) and cut to 80 characters.
 */
function quoted(name: string): string {
	return JSON.stringify(name.length > 80 ? `${name.slice(0, 79)}…` : name);
}

/**
 * The text after a log line's message: workflow, node and sender's address, because n8n's default console output
 * prints a log call's message only, never its metadata. The address keeps only the characters an IPv4 or IPv6
 * address has (n8n derives it from X-Forwarded-For when it trusts proxies).
 */
export function describePlace(place: RefusalPlace, suppressed = 0): string {
	const workflow =
		place.workflowId === undefined
			? 'an unsaved workflow'
			: `workflow ${quoted(place.workflowName ?? '')} (id ${place.workflowId.replace(/[^\w-]/g, '')})`;
	const from = place.from?.replace(/[^0-9a-fA-F:.]/g, '');
	return (
		`${workflow}, node ${quoted(place.nodeName)}${from ? `, from ${from}` : ''}` +
		(suppressed > 0
			? `; ${suppressed} more ${suppressed === 1 ? 'refusal' : 'refusals'} by this trigger in the minute before were not logged`
			: '')
	);
}
