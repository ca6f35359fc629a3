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
	private readonly seen = new Map<string, Claim>();
	/**
	 * Claims in the order they were recorded (oldest first, from `head`). Expiry and eviction take the oldest from
	 * here instead of iterating `seen` from the front: V8 leaves deleted Map entries as holes until it rehashes,
	 * and iteration walks every hole, so with a full store each claim cost ~10 µs (bench/run.ts, dedupe figures).
	 * An entry is live only while `seen` still maps its key to that same object; stale ones are skipped.
	 */
	private order: Claim[] = [];
	private head = 0;

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
		const prior = this.seen.get(id);
		if (prior !== undefined && nowMs - prior.at < this.ttlMs) return true;
		this.seen.delete(id);
		const entry: Claim = { key: id, at: nowMs };
		this.seen.set(id, entry);
		this.order.push(entry);
		if (this.seen.size > this.maxEntries) {
			const oldest = this.oldest();
			if (oldest) this.drop(oldest);
		}
		this.compact();
		return false;
	}

	/** True if the key is remembered, without recording it. */
	has(key: string, nowMs: number = Date.now()): boolean {
		const entry = this.seen.get(key.length > MAX_KEY_LENGTH ? key.slice(0, MAX_KEY_LENGTH) : key);
		return entry !== undefined && nowMs - entry.at < this.ttlMs;
	}

	/** Forgets a key, e.g. when the delivery it stood for could not be handed to the workflow. */
	release(key: string): void {
		this.seen.delete(key.length > MAX_KEY_LENGTH ? key.slice(0, MAX_KEY_LENGTH) : key);
		this.compact();
	}

	clear(): void {
		this.seen.clear();
		this.order = [];
		this.head = 0;
	}

	/** The oldest live claim (the first key of `seen` in insertion order), skipping stale entries for good. */
	private oldest(): Claim | undefined {
		while (this.head < this.order.length) {
			const entry = this.order[this.head];
			if (this.seen.get(entry.key) === entry) return entry;
			this.order[this.head++] = undefined as unknown as Claim;
		}
		return undefined;
	}

	private drop(entry: Claim): void {
		this.seen.delete(entry.key);
		this.order[this.head++] = undefined as unknown as Claim;
	}

	// Entries are in insertion order, which is time order, so expired ones are always at the front.
	private expire(nowMs: number): void {
		for (
			let entry = this.oldest();
			entry !== undefined && nowMs - entry.at >= this.ttlMs;
			entry = this.oldest()
		) {
			this.drop(entry);
		}
	}

	/** Keeps `order` bounded by the live entries: drops the consumed prefix and, if mostly stale, the stale ones. */
	private compact(): void {
		const pending = this.order.length - this.head;
		if (pending > 2 * this.seen.size + 64) {
			this.order = this.order
				.slice(this.head)
				.filter((entry) => this.seen.get(entry.key) === entry);
			this.head = 0;
		} else if (this.head > 1024 && this.head * 2 > this.order.length) {
			this.order = this.order.slice(this.head);
			this.head = 0;
		}
	}
}

interface Claim {
	readonly key: string;
	readonly at: number;
}

const registry = new Map<string, DedupeStore>();
const MAX_REGISTERED_STORES = 1_000;

/**
 * The store shared by every delivery to one trigger (keyed by workflow and node id), created on first use.
 * The registry itself is bounded so deleted workflows cannot accumulate stores forever.
 */
export function dedupeStoreFor(scope: string, options: DedupeOptions = {}): DedupeStore {
	let store = registry.get(scope);
	if (
		store &&
		(options.maxEntries === undefined ||
			store.maxEntries === Math.max(1, Math.floor(options.maxEntries))) &&
		(options.ttlSeconds === undefined || store.ttlMs === Math.max(1, options.ttlSeconds) * 1000)
	) {
		// Re-inserting keeps the registry in least-recently-used order for the bound below.
		registry.delete(scope);
		registry.set(scope, store);
		return store;
	}
	store = new DedupeStore(options);
	registry.set(scope, store);
	if (registry.size > MAX_REGISTERED_STORES)
		registry.delete(registry.keys().next().value as string);
	return store;
}
