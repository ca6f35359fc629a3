/**
 * How long a trigger keeps the secret it read, in seconds. Reading a credential in n8n 2.x's webhook phase takes an
 * expression isolate of its own (a third of a delivery's cost, bench/RESULTS.md); a secret replaced in the credential
 * takes effect within this time, or at once on the first delivery signed with it (see `mayRefresh`).
 */
export const SECRET_KEEP_SECONDS = 10;

/** At most this many triggers' secrets are kept; the oldest entry goes first. */
const MAX_ENTRIES = 1_000;

interface Entry<T> {
	secrets: T;
	loadedAt: number;
	/** When a failed check last forced a read before the entry was due. */
	forcedAt: number;
}

/**
 * The secrets each trigger verified with lately, in this process's memory only (never in static data). `T` is what
 * a trigger verifies with (secrets.ts `TriggerKeys`: its secrets and an optional required header).
 */
export class SecretCache<T = string[]> {
	private readonly entries = new Map<string, Entry<T>>();

	constructor(private readonly keepMs = SECRET_KEEP_SECONDS * 1000) {}

	/** The kept secrets, or undefined when there are none younger than the keep time. */
	get(scope: string, nowMs: number): T | undefined {
		const entry = this.entries.get(scope);
		return entry && nowMs - entry.loadedAt < this.keepMs ? entry.secrets : undefined;
	}

	set(scope: string, secrets: T, nowMs: number): void {
		const forcedAt = this.entries.get(scope)?.forcedAt ?? -Infinity;
		this.entries.delete(scope);
		this.entries.set(scope, { secrets, loadedAt: nowMs, forcedAt });
		if (this.entries.size > MAX_ENTRIES)
			this.entries.delete(this.entries.keys().next().value as string);
	}

	/**
	 * Whether a failed check may read the secret again now: once per keep time at most, so forged requests cannot
	 * make every request read the credential. Calling it counts as that read.
	 */
	mayRefresh(scope: string, nowMs: number): boolean {
		const entry = this.entries.get(scope);
		if (!entry || nowMs - entry.forcedAt < this.keepMs) return false;
		entry.forcedAt = nowMs;
		return true;
	}
}
