import type { KeyStore } from '../src/internal';

/**
 * A store for receive()'s `dedupe` option in tests: it remembers every key, as a table with a unique key does (the
 * package ships no store: in n8n the trigger records keys in n8n's database; see docs/core-api.md).
 */
export function memoryKeyStore(): KeyStore & { readonly size: number } {
	const seen = new Set<string>();
	return {
		get size() {
			return seen.size;
		},
		claim(key) {
			if (seen.has(key)) return true;
			seen.add(key);
			return false;
		},
	};
}
