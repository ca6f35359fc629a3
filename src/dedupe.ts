export interface DedupeOptions {
	/** How many delivery keys to remember at most; the oldest are forgotten first. */
	maxEntries?: number;
	/** How long a key is remembered, in seconds. */
	ttlSeconds?: number;
}

export const DEFAULT_DEDUPE_MAX_ENTRIES = 10_000;
export const DEFAULT_DEDUPE_TTL_SECONDS = 24 * 60 * 60;

/** Longer keys are hashed by the caller; this cap only guards memory against absurd header values. */
const MAX_KEY_LENGTH = 256;

/**
 * Remembers recently accepted delivery keys, bounded by count and by age, so provider retries run once.
 * `claim` is synchronous: check-and-record cannot interleave with another delivery on the same event loop.
 */
export class DedupeStore {
	readonly maxEntries: number;
	readonly ttlMs: number;
	private readonly seen = new Map<string, number>();

	constructor(options: DedupeOptions = {}) {
		this.maxEntries = Math.max(1, Math.floor(options.maxEntries ?? DEFAULT_DEDUPE_MAX_ENTRIES));
		this.ttlMs = Math.max(1, options.ttlSeconds ?? DEFAULT_DEDUPE_TTL_SECONDS) * 1000;
	}

	get size(): number {
		return this.seen.size;
	}

	/** True if the key was already seen within the window (a duplicate); otherwise records it and returns false. */
	claim(key: string, nowMs: number = Date.now()): boolean {
		const id = key.length > MAX_KEY_LENGTH ? key.slice(0, MAX_KEY_LENGTH) : key;
		this.expire(nowMs);
		const at = this.seen.get(id);
		if (at !== undefined && nowMs - at < this.ttlMs) return true;
		this.seen.delete(id);
		this.seen.set(id, nowMs);
		if (this.seen.size > this.maxEntries) this.seen.delete(this.seen.keys().next().value as string);
		return false;
	}

	/** True if the key is remembered, without recording it. */
	has(key: string, nowMs: number = Date.now()): boolean {
		const at = this.seen.get(key.length > MAX_KEY_LENGTH ? key.slice(0, MAX_KEY_LENGTH) : key);
		return at !== undefined && nowMs - at < this.ttlMs;
	}

	/** Forgets a key, e.g. when the delivery it stood for could not be handed to the workflow. */
	release(key: string): void {
		this.seen.delete(key.length > MAX_KEY_LENGTH ? key.slice(0, MAX_KEY_LENGTH) : key);
	}

	clear(): void {
		this.seen.clear();
	}

	// Entries are in insertion order, which is time order, so expired ones are always at the front.
	private expire(nowMs: number): void {
		for (const [key, at] of this.seen) {
			if (nowMs - at < this.ttlMs) break;
			this.seen.delete(key);
		}
	}
}

const registry = new Map<string, DedupeStore>();
const MAX_REGISTERED_STORES = 1_000;

/**
 * The store shared by every delivery to one trigger (keyed by workflow and node id), created on first use.
 * The registry itself is bounded so deleted workflows cannot accumulate stores forever.
 */
export function dedupeStoreFor(scope: string, options: DedupeOptions = {}): DedupeStore {
	let store = registry.get(scope);
	if (store && (options.maxEntries === undefined || store.maxEntries === Math.max(1, Math.floor(options.maxEntries)))
		&& (options.ttlSeconds === undefined || store.ttlMs === Math.max(1, options.ttlSeconds) * 1000)) {
		// Re-inserting keeps the registry in least-recently-used order for the bound below.
		registry.delete(scope);
		registry.set(scope, store);
		return store;
	}
	store = new DedupeStore(options);
	registry.set(scope, store);
	if (registry.size > MAX_REGISTERED_STORES) registry.delete(registry.keys().next().value as string);
	return store;
}
