// Sending: one delivery POSTed N times, each answer printed; shared by the provider and signed-webhook senders.
import type { CliIo } from './usage';

export const EXIT_OK = 0;
export const EXIT_REFUSED = 1;
export const EXIT_USAGE = 2;

const TIMEOUT_MS = 30_000;

/** Changes one letter's case in the second half of the body (a change that keeps it parseable where it can). */
export function tamperBody(body: Buffer): Buffer {
	const copy = Buffer.from(body);
	for (let i = Math.floor(copy.length / 2); i < copy.length + Math.floor(copy.length / 2); i++) {
		const at = i % copy.length;
		const c = copy[at];
		if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) {
			copy[at] = c ^ 0x20;
			return copy;
		}
	}
	if (copy.length > 0) copy[copy.length - 1] ^= 0x01;
	return copy;
}

function describeResponse(status: number, text: string): string {
	const trimmed = text.trim();
	let detail = trimmed.length > 300 ? `${trimmed.slice(0, 300)}…` : trimmed;
	try {
		const json = JSON.parse(trimmed) as Record<string, unknown>;
		if (typeof json.error === 'string') detail = json.error;
		else if (typeof json.ignored === 'string') detail = `not run: ${json.ignored}`;
		else if (typeof json.message === 'string') detail = json.message;
	} catch {
		// not JSON: the body as it came
	}
	return detail === '' ? String(status) : `${status} ${detail}`;
}

/**
 * What to do after n8n answered that nothing listens at the URL (404; 410 from anything in front that reports the
 * webhook gone). A Test URL is registered for one delivery per listen, a Production URL while the workflow is
 * published; n8n's own hint names only the canvas button.
 */
export function nextStep(url: URL, status: number): string | undefined {
	if (status !== 404 && status !== 410) return undefined;
	const listen =
		'the Test URL answers only while the editor listens, one delivery per listen: click Execute step on the trigger, then send again';
	const publish =
		'the Production URL answers only while the workflow is published (n8n 1.x: active): publish it, then send again';
	if (url.pathname.includes('/webhook-test/')) return `next: ${listen}.`;
	if (url.pathname.includes('/webhook/')) return `next: ${publish}.`;
	return `next: ${listen}; or ${publish}.`;
}

/**
 * POSTs the same delivery (same body, same headers) `times` times, as a sender retrying it would, printing each
 * answer; exit 0 when every one was 2xx.
 */
export async function postDeliveries(
	url: URL,
	headers: Record<string, string>,
	body: Buffer,
	times: number,
	io: CliIo,
): Promise<number> {
	let failures = 0;
	for (let attempt = 1; attempt <= times; attempt++) {
		const label = times > 1 ? `#${attempt} ` : '';
		try {
			const response = await io.fetch(url, {
				method: 'POST',
				headers,
				body: new Uint8Array(body),
				signal: AbortSignal.timeout(TIMEOUT_MS),
			});
			const text = await response.text();
			const ok = response.status >= 200 && response.status < 300;
			if (!ok) failures++;
			io.out(`${label}${ok ? 'accepted' : 'refused'}: ${describeResponse(response.status, text)}`);
			const next = nextStep(url, response.status);
			if (next) io.out(next);
		} catch (error) {
			failures++;
			const cause = (error as { cause?: { code?: string; message?: string } }).cause;
			const name = (error as Error).name;
			const why =
				name === 'TimeoutError'
					? `no answer within ${TIMEOUT_MS / 1000} s`
					: (cause?.code ?? cause?.message ?? (error as Error).message);
			io.out(`${label}FAILED: could not send (${why})`);
		}
	}
	return failures === 0 ? EXIT_OK : EXIT_REFUSED;
}
