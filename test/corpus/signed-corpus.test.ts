/**
 * The bad-input corpus (test/corpus/cases) through the Signed Webhook Trigger's pipeline: every file, genuinely
 * signed with each preset's scheme (signSigned), must get the answer EXPECTED gives it for the providers (the body is
 * on trial, not the signature), and unsigned the same bytes a 401. Nothing is thrown, the output is bounded by the
 * input, Object.prototype is untouched and no reason carries the secret.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
	receiveSigned,
	SIGNED_PRESET_IDS,
	SIGNED_PRESETS,
	signSigned,
	type SignedPresetId,
	type WebhookRequest,
} from '../../src/internal';
import { EXPECTED } from './expected';

// a Standard Webhooks secret is whsec_ and base64; the others take any text
const SECRET = 'whsec_Q09SUFVTLVNJR05FRC1TRUNSRVQtN2QxZjBjOWE=';
const T = 1_777_000_000;
const CASES_DIR = join(__dirname, 'cases');
const files = ['json', 'xml']
	.flatMap((dir) => readdirSync(join(CASES_DIR, dir)).map((f) => `${dir}/${f}`))
	.sort();
const prototypeNames = Object.getOwnPropertyNames(Object.prototype).sort().join(',');

function lower(headers: Record<string, string>): Record<string, string> {
	return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function check(name: string, preset: SignedPresetId, request: WebhookRequest, allowed: number[]) {
	let result;
	try {
		result = receiveSigned(SIGNED_PRESETS[preset].settings, request, {
			secret: SECRET,
			now: new Date(T * 1000),
		});
	} catch (error) {
		throw new Error(`${preset} ${name}: receiveSigned() threw ${String(error)}`);
	}
	const inBytes = Buffer.isBuffer(request.rawBody) ? request.rawBody.length : 0;
	expect(Buffer.byteLength(JSON.stringify(result.items))).toBeLessThanOrEqual(4 * inBytes + 1024);
	expect(allowed, `${preset} ${name}: got ${result.status} (${result.reason})`).toContain(
		result.status,
	);
	if (result.status !== 200) expect(result.items).toEqual([]);
	expect(result.reason ?? '').not.toContain(SECRET);
	expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	expect(Object.getOwnPropertyNames(Object.prototype).sort().join(',')).toBe(prototypeNames);
	return result;
}

describe.each(files)('signed webhook, corpus %s', (file) => {
	const body = readFileSync(join(CASES_DIR, file));
	const contentType = file.startsWith('xml/') ? 'application/xml' : 'application/json';
	it.each([...SIGNED_PRESET_IDS])('%s', (preset) => {
		const headers = signSigned(SIGNED_PRESETS[preset].settings, body, SECRET, {
			timestamp: T,
			contentType,
		});
		const result = check(
			file,
			preset,
			{ headers: lower(headers), rawBody: body },
			EXPECTED[file].statuses,
		);
		for (const item of result.items) expect(JSON.stringify(item)).not.toContain('"__proto__":');
		check(
			`${file} unsigned`,
			preset,
			{ headers: { 'content-type': contentType }, rawBody: body },
			[401],
		);
	});
});
