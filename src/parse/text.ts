// The WHATWG decoder in fatal mode rejects exactly what Buffer's isUtf8() rejects, without importing node:buffer
// (n8n's community-package scanner allows no imports but n8n-workflow, crypto and a few libraries).
// ignoreBOM: the one leading BOM is dropped below; any other stays, as Buffer#toString did.
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const UTF8_BOM = [0xef, 0xbb, 0xbf];

export type TextOutcome = { ok: true; text: string } | { ok: false; reason: string };

/** Decodes a body as UTF-8, dropping a UTF-8 byte-order mark; other encodings are refused rather than guessed (JSON is UTF-8 only, RFC 8259 §8.1). */
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

// fatal: a lone surrogate or a cut-off code unit is refused, not replaced. Only the little-endian decoder is used:
// big-endian text is byte-swapped first, as 'utf-16be' needs full ICU in some Node builds.
const STRICT_UTF16LE = new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true });

/** UTF-16 and its byte order as an XML document announces it: by byte-order mark, else by how `<?` is written. */
export function utf16Order(raw: Uint8Array): 'le' | 'be' | undefined {
	if (raw.length < 2) return undefined;
	if (raw[0] === 0xff && raw[1] === 0xfe) return 'le';
	if (raw[0] === 0xfe && raw[1] === 0xff) return 'be';
	// XML 1.0 Appendix F: without a BOM, a UTF-16 document starts with "<?" as 3C 00 3F 00 (LE) or 00 3C 00 3F (BE).
	if (raw.length >= 4) {
		if (raw[0] === 0x3c && raw[1] === 0x00 && raw[2] === 0x3f && raw[3] === 0x00) return 'le';
		if (raw[0] === 0x00 && raw[1] === 0x3c && raw[2] === 0x00 && raw[3] === 0x3f) return 'be';
	}
	return undefined;
}

/**
 * Decodes an XML body: UTF-16 (LE or BE, by BOM or by its first characters; XML 1.0 §4.3.3 requires every processor to
 * read it, and .NET writes it) or else UTF-8 as decodeUtf8 does. Only the text is converted: signatures and keys are
 * checked on the raw bytes before this runs.
 */
export function decodeXmlText(raw: Buffer): TextOutcome {
	const order = utf16Order(raw);
	if (!order) return decodeUtf8(raw);
	let bytes: Uint8Array = raw;
	if (bytes[0] === 0xff || bytes[0] === 0xfe) bytes = bytes.subarray(2);
	if (bytes.length % 2 !== 0) return { ok: false, reason: 'body is not valid UTF-16' };
	if (order === 'be') {
		const swapped = new Uint8Array(bytes.length);
		for (let i = 0; i < bytes.length; i += 2) {
			swapped[i] = bytes[i + 1];
			swapped[i + 1] = bytes[i];
		}
		bytes = swapped;
	}
	try {
		return { ok: true, text: STRICT_UTF16LE.decode(bytes) };
	} catch {
		return { ok: false, reason: 'body is not valid UTF-16' };
	}
}
