// The WHATWG decoder in fatal mode rejects exactly what Buffer's isUtf8() rejects, without importing node:buffer
// (n8n's community-package scanner allows no imports but n8n-workflow, crypto and a few libraries).
// ignoreBOM: the one leading BOM is dropped below; any other stays, as Buffer#toString did.
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const UTF8_BOM = [0xef, 0xbb, 0xbf];

export type TextOutcome = { ok: true; text: string } | { ok: false; reason: string };

/** Decodes a body as UTF-8, dropping a UTF-8 byte-order mark; other encodings are refused rather than guessed. */
export function decodeUtf8(raw: Buffer): TextOutcome {
	let bytes = raw;
	if (
		bytes.length >= 3 &&
		bytes[0] === UTF8_BOM[0] &&
		bytes[1] === UTF8_BOM[1] &&
		bytes[2] === UTF8_BOM[2]
	) {
		bytes = bytes.subarray(3);
	}
	if (
		bytes.length >= 2 &&
		((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
	) {
		return { ok: false, reason: 'body is UTF-16; only UTF-8 is accepted' };
	}
	let text: string;
	try {
		text = STRICT_UTF8.decode(bytes);
	} catch {
		return { ok: false, reason: 'body is not valid UTF-8' };
	}
	return { ok: true, text };
}
