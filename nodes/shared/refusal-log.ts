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
