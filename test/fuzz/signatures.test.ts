import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { providerIds, receive, sign, type ProviderId } from '../../src/internal';
import { getProvider } from '../../src/providers';
import { parseTimestampedHeader } from '../../src/signatures/schemes';
import { fuzzIt } from './fuzz-config';

const HMAC_PROVIDERS = providerIds.filter((id) => getProvider(id).scheme.kind !== 'staticKey');
const TIMESTAMPED = providerIds.filter((id) => getProvider(id).scheme.kind === 'hmacTimestamped');

// ---- arbitraries -----------------------------------------------------------------------------

/** Any bytes, not only UTF-8: verification must hold over the raw bytes whatever parsing says later. */
const bodyArb = fc.oneof(
	fc.uint8Array({ maxLength: 1024 }).map((a) => Buffer.from(a)),
	fc.json({ maxDepth: 4 }).map((s) => Buffer.from(s)),
	fc.string({ unit: 'binary', maxLength: 300 }).map((s) => Buffer.from(s)),
);

/** Secrets as a user would paste them: receive() trims the configured secret, so generated ones are trimmed. */
const secretArb = fc
	.oneof(
		fc.string({ minLength: 1, maxLength: 100 }),
		fc.string({ unit: 'binary', minLength: 1, maxLength: 100 }),
	)
	.map((s) => s.trim())
	.filter((s) => s !== '');

const timestampArb = fc.integer({ min: 0, max: 999_999_999_999 }); // the header grammar allows 1–12 digits

/** A casing mask for header names: each name is re-cased letter by letter. */
const casingArb = fc.array(fc.boolean(), { minLength: 64, maxLength: 64 });

function recase(headers: Record<string, string>, mask: boolean[]): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers)) {
		const cased = [...name]
			.map((ch, i) => (mask[i % mask.length] ? ch.toUpperCase() : ch.toLowerCase()))
			.join('');
		out[cased] = value;
	}
	return out;
}

/** The header that carries the signature, found whatever its casing. */
function authHeaderName(headers: Record<string, string>, provider: ProviderId): string {
	const wanted = getProvider(provider).scheme.header.toLowerCase();
	return Object.keys(headers).find((k) => k.toLowerCase() === wanted)!;
}

/**
 * HMAC keys are zero-padded to the block size (and hashed when longer), and strings are UTF-8 encoded with lone
 * surrogates becoming U+FFFD, so some different strings are the same HMAC key ("abc" and "abc\0"). That is HMAC,
 * not a flaw of ours: such pairs are excluded from "a different secret gives 401".
 */
function hmacKey(secret: string): Buffer {
	let key = Buffer.from(secret, 'utf8');
	if (key.length > 64) key = createHash('sha256').update(key).digest();
	return Buffer.concat([key, Buffer.alloc(64 - key.length)]);
}
function sameKey(provider: ProviderId, a: string, b: string): boolean {
	if (getProvider(provider).scheme.kind === 'staticKey')
		return Buffer.from(a.trim()).equals(Buffer.from(b.trim()));
	return hmacKey(a).equals(hmacKey(b));
}

function deliver(provider: ProviderId, body: Buffer, secret: string, t: number, mask: boolean[]) {
	const headers = recase(sign(provider, body, secret, { timestamp: t }), mask);
	return { headers, rawBody: body };
}

const HEX = '0123456789abcdef';

// ---- properties ------------------------------------------------------------------------------

describe.each(providerIds)('fuzz %s', (provider) => {
	const scheme = getProvider(provider).scheme;

	fuzzIt(
		'sign() then receive() is never 401, over any bytes, secret, timestamp and header casing',
		`${provider}: genuine accepted`,
		1,
		(tick) =>
			fc.property(
				bodyArb,
				secretArb,
				timestampArb,
				casingArb,
				fc.boolean(),
				(body, secret, t, mask, viaQuery) => {
					tick();
					let request = deliver(provider, body, secret, t, mask) as {
						headers: Record<string, string>;
						rawBody: Buffer;
						query?: Record<string, string>;
					};
					if (scheme.kind === 'staticKey' && viaQuery) {
						// SmarterMeasure may send the key as ?VerificationKey= instead of the header.
						const { [authHeaderName(request.headers, provider)]: key, ...rest } = request.headers;
						request = { headers: rest, rawBody: body, query: { VerificationKey: key } };
					}
					const result = receive(provider, request, { secret, now: t * 1000 });
					expect(result.status, result.reason).not.toBe(401);
					expect([200, 400]).toContain(result.status);
				},
			),
	);

	fuzzIt('a different secret gives 401', `${provider}: other secret rejected`, 2, (tick) =>
		fc.property(
			bodyArb,
			secretArb,
			secretArb,
			timestampArb,
			casingArb,
			(body, secret, other, t, mask) => {
				fc.pre(!sameKey(provider, secret, other));
				tick();
				const result = receive(provider, deliver(provider, body, secret, t, mask), {
					secret: other,
					now: t * 1000,
				});
				expect(result.status).toBe(401);
				if (other.length >= 12) expect(result.reason ?? '').not.toContain(other); // short ones may be ordinary words
				expect(result.items).toEqual([]);
			},
		),
	);

	fuzzIt(
		'any single change to the signature (or key) gives 401',
		`${provider}: changed signature rejected`,
		3,
		(tick) =>
			fc.property(
				bodyArb,
				secretArb,
				timestampArb,
				casingArb,
				fc.nat(),
				fc.integer({ min: 1, max: 15 }),
				fc.nat(3),
				(body, secret, t, mask, at, delta, kind) => {
					const request = deliver(provider, body, secret, t, mask);
					const name = authHeaderName(request.headers, provider);
					const value = request.headers[name];
					let changed: string;
					if (scheme.kind === 'staticKey') {
						const i = at % value.length;
						const replacement = String.fromCharCode((value.charCodeAt(i) + delta) % 0xd7ff || 1);
						changed =
							kind === 0
								? value.slice(0, i) + value.slice(i + 1)
								: value.slice(0, i) + replacement + value.slice(i + 1);
						fc.pre(!sameKey(provider, changed, secret) && changed.trim() !== '');
					} else {
						// Change one hex digit of the digest to a different value (a change of case is not a change: hex is case-insensitive),
						// or drop one digit, or add one.
						const start = value.length - 64;
						const i = start + (at % 64);
						const digit = HEX[(parseInt(value[i], 16) + delta) % 16];
						changed =
							kind === 0
								? value.slice(0, i) + value.slice(i + 1)
								: kind === 1
									? value + HEX[delta]
									: value.slice(0, i) + digit + value.slice(i + 1);
					}
					tick();
					const result = receive(
						provider,
						{ ...request, headers: { ...request.headers, [name]: changed } },
						{ secret, now: t * 1000 },
					);
					expect(result.status).toBe(401);
					if (secret.length >= 12) expect(result.reason ?? '').not.toContain(secret);
				},
			),
	);

	fuzzIt(
		'a missing signature header gives 401',
		`${provider}: missing header rejected`,
		4,
		(tick) =>
			fc.property(bodyArb, secretArb, timestampArb, casingArb, (body, secret, t, mask) => {
				tick();
				const request = deliver(provider, body, secret, t, mask);
				delete request.headers[authHeaderName(request.headers, provider)];
				expect(receive(provider, request, { secret, now: t * 1000 }).status).toBe(401);
			}),
	);

	fuzzIt(
		'any single change to the body gives 401',
		`${provider}: changed body rejected`,
		5,
		(tick) =>
			fc.property(
				bodyArb,
				secretArb,
				timestampArb,
				casingArb,
				fc.nat(),
				fc.integer({ min: 1, max: 255 }),
				fc.nat(2),
				(body, secret, t, mask, at, xor, kind) => {
					tick();
					const request = deliver(provider, body, secret, t, mask);
					let changed: Buffer;
					if (kind === 0 || body.length === 0)
						changed = Buffer.concat([body, Buffer.from([xor])]); // one byte more
					else if (kind === 1)
						changed = body.subarray(0, body.length - 1); // one byte less
					else {
						changed = Buffer.from(body);
						changed[at % body.length] ^= xor; // one byte different
					}
					const result = receive(
						provider,
						{ ...request, rawBody: changed },
						{ secret, now: t * 1000 },
					);
					expect(result.status).toBe(401);
				},
			),
		HMAC_PROVIDERS.includes(provider),
	);

	fuzzIt(
		'any change to the signed timestamp gives 401, and a genuine but stale one too',
		`${provider}: changed or stale timestamp rejected`,
		6,
		(tick) => {
			const tolerance = getProvider(provider).toleranceSeconds ?? 300;
			return fc.property(
				bodyArb,
				secretArb,
				timestampArb,
				timestampArb,
				casingArb,
				fc.integer({ min: 1, max: 1e9 }),
				(body, secret, t, t2, mask, late) => {
					fc.pre(t !== t2);
					tick();
					const request = deliver(provider, body, secret, t, mask);
					const name = authHeaderName(request.headers, provider);
					const forged = request.headers[name].replace(`t=${t},`, `t=${t2},`);
					// The clock agrees with the forged timestamp, so only the signature can refuse it.
					expect(
						receive(
							provider,
							{ ...request, headers: { ...request.headers, [name]: forged } },
							{ secret, now: t2 * 1000 },
						).status,
					).toBe(401);
					// Genuine, but outside the window either way.
					const skew = tolerance + late;
					expect(receive(provider, request, { secret, now: (t + skew) * 1000 }).status).toBe(401);
					expect(receive(provider, request, { secret, now: (t - skew) * 1000 }).status).toBe(401);
				},
			);
		},
		TIMESTAMPED.includes(provider),
	);

	fuzzIt(
		'rotation: any of several configured secrets, and any of several v1 entries, verifies',
		`${provider}: rotation accepted`,
		7,
		(tick) =>
			fc.property(bodyArb, secretArb, secretArb, timestampArb, (body, secret, old, t) => {
				tick();
				const request = deliver(provider, body, secret, t, []);
				expect(
					receive(provider, request, { secret: [old, secret], now: t * 1000 }).status,
				).not.toBe(401);
				if (scheme.kind === 'hmacTimestamped') {
					const name = authHeaderName(request.headers, provider);
					const stale = sign(provider, body, `${old}-old`, { timestamp: t })[scheme.header].split(
						',',
					)[1];
					const both = request.headers[name].replace(`t=${t},`, `t=${t},${stale},`);
					expect(
						receive(
							provider,
							{ ...request, headers: { ...request.headers, [name]: both } },
							{ secret, now: t * 1000 },
						).status,
					).not.toBe(401);
				}
			}),
		HMAC_PROVIDERS.includes(provider),
	);
});

describe('header parsers and receive() are total', () => {
	const fragment = fc.oneof(
		fc.constantFrom(
			't=',
			'v1=',
			'v0=',
			',',
			'=',
			' ',
			't',
			'v1',
			',,',
			'\u0000',
			'\uD800',
			'T=',
			'V1=',
		),
		fc.stringMatching(/^[0-9]{0,14}$/),
		fc.stringMatching(/^[0-9a-fA-F]{0,70}$/),
		fc.string({ unit: 'binary', maxLength: 20 }),
	);
	const headerLike = fc.oneof(
		fc.array(fragment, { maxLength: 20 }).map((a) => a.join('')),
		fc.string({ unit: 'binary', maxLength: 3000 }),
	);

	fuzzIt(
		'parseTimestampedHeader never throws and only returns well-formed results',
		'parseTimestampedHeader: total',
		8,
		(tick) =>
			fc.property(headerLike, (value) => {
				tick();
				const parsed = parseTimestampedHeader(value);
				if (parsed !== undefined) {
					expect(Number.isSafeInteger(parsed.timestamp) && parsed.timestamp >= 0).toBe(true);
					expect(parsed.signatures.length).toBeGreaterThan(0);
					expect(parsed.signatures.length).toBeLessThanOrEqual(8);
				}
			}),
	);

	fuzzIt(
		'receive() never throws for any headers (arrays, non-strings, odd names), query and body',
		'receive: total',
		9,
		(tick) => {
			const value = fc.oneof(
				headerLike,
				fc.array(headerLike, { maxLength: 4 }),
				fc.anything({ maxDepth: 2 }),
			);
			const names = fc.oneof(
				fc.constantFrom(
					...providerIds.map((id) => getProvider(id).scheme.header),
					'content-type',
					'X-SMTM-Delivery',
					'__proto__',
					'constructor',
				),
				fc.string({ maxLength: 20 }),
			);
			return fc.property(
				fc.constantFrom(...providerIds),
				fc.dictionary(names, value, { maxKeys: 6 }),
				fc.option(
					fc.dictionary(fc.oneof(fc.constant('VerificationKey'), fc.string()), value, {
						maxKeys: 3,
					}),
				),
				fc.oneof(bodyArb, fc.string({ unit: 'binary', maxLength: 200 })),
				fc.oneof(secretArb, fc.array(fc.string(), { maxLength: 3 }), fc.constant(undefined)),
				fc.constantFrom('auto', 'json', 'xml') as fc.Arbitrary<'auto' | 'json' | 'xml'>,
				(provider, headers, query, body, secret, format) => {
					tick();
					const result = receive(
						provider,
						{ headers: headers as never, query: query ?? undefined, rawBody: body },
						{ secret, format },
					);
					expect([200, 400, 401]).toContain(result.status);
					if (typeof secret === 'string' && secret.length >= 12 && result.status !== 200)
						expect(result.reason ?? '').not.toContain(secret);
					expect(({} as Record<string, unknown>).polluted).toBeUndefined();
				},
			);
		},
	);
});
