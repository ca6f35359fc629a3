import { hash } from 'node:crypto';

/**
 * The deliveries this process's executions claimed as new, per trigger, so the webhook phase of the same process
 * (regular mode: one process does both) answers a later copy without starting an execution.
 *
 * A key is kept as a 64-bit digest (a BigInt in a Set), whatever the key's length: measured 107-124 bytes of heap per
 * remembered delivery of two keys (id and body hash), against 239-241 for the keys themselves in a Map (5,000 to
 * 40,000 deliveries, node --expose-gc, heapUsed after gc), so a full default Retry Memory of 10,000 costs ~1.2 MB and
 * the memory at most 1,000 triggers × that. Two different keys share a digest with odds of about n²/2^65 (10^-11 for
 * 20,000 keys); a false match would answer a new delivery as a copy, so the digest is not shorter.
 *
 * It holds at most the trigger's Retry Memory (the same count of entries as n8n's row), so it never remembers a
 * delivery n8n's store has forgotten; in queue mode a webhook processor runs no executions, its memory stays empty
 * and n8n's database decides.
 */
export class DeliveryMemory {
	private readonly triggers = new Map<string, Set<bigint>>();

	constructor(private readonly maxTriggers = 1_000) {}

	remember(trigger: string, keys: string[], maxKeys: number): void {
		let known = this.triggers.get(trigger);
		if (!known) {
			if (this.triggers.size >= this.maxTriggers)
				this.triggers.delete(this.triggers.keys().next().value as string);
			known = new Set();
			this.triggers.set(trigger, known);
		}
		for (const key of keys) known.add(digest(key));
		for (const oldest of known) {
			if (known.size <= maxKeys) break;
			known.delete(oldest);
		}
	}

	knows(trigger: string, keys: string[] | undefined): boolean {
		const known = this.triggers.get(trigger);
		return !!known && !!keys?.some((key) => known.has(digest(key)));
	}
}

function digest(key: string): bigint {
	return hash('sha256', key, 'buffer').readBigUInt64BE(0);
}
