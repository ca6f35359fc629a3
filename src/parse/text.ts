import { isUtf8 } from 'node:buffer';

const UTF8_BOM = [0xef, 0xbb, 0xbf];

export type TextOutcome = { ok: true; text: string } | { ok: false; reason: string };

/** Decodes a body as UTF-8, dropping a UTF-8 byte-order mark; other encodings are refused rather than guessed. */
export function decodeUtf8(raw: Buffer): TextOutcome {
	let bytes = raw;
	if (bytes.length >= 3 && bytes[0] === UTF8_BOM[0] && bytes[1] === UTF8_BOM[1] && bytes[2] === UTF8_BOM[2]) {
		bytes = bytes.subarray(3);
	}
	if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
		return { ok: false, reason: 'body is UTF-16; only UTF-8 is accepted' };
	}
	if (!isUtf8(bytes)) return { ok: false, reason: 'body is not valid UTF-8' };
	return { ok: true, text: bytes.toString('utf8') };
}
