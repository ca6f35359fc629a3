import type { BodyFormat, HeaderBag } from '../types';
import { firstValue } from '../headers';
import { parseJsonBody } from './json';
import { utf16Order } from './text';
import { parseXmlBody } from './xml';
import type { ParseOutcome } from './limits';

export { MAX_BODY_BYTES, MAX_DEPTH, type ParseOutcome } from './limits';
export { parseJsonBody } from './json';
export { parseXmlBody, XML_ATTRIBUTE_PREFIX } from './xml';

export type FormatChoice = 'auto' | BodyFormat;

/** XML when the Content-Type says so, or when it does not say JSON and the body starts with `<` (UTF-8 or UTF-16). */
export function detectFormat(headers: HeaderBag, raw: Buffer): BodyFormat {
	const type = (firstValue(headers, 'content-type') ?? '').toLowerCase();
	if (/[/+]xml\b/.test(type)) return 'xml';
	if (/[/+]json\b/.test(type)) return 'json';
	const order = utf16Order(raw);
	if (order) {
		const start = raw[0] === 0xff || raw[0] === 0xfe ? 2 : 0;
		const lt = order === 'le' ? [0x3c, 0x00] : [0x00, 0x3c];
		return raw[start] === lt[0] && raw[start + 1] === lt[1] ? 'xml' : 'json';
	}
	for (let i = 0; i < raw.length && i < 64; i++) {
		const byte = raw[i];
		if (
			byte === 0x20 ||
			byte === 0x09 ||
			byte === 0x0a ||
			byte === 0x0d ||
			byte === 0xef ||
			byte === 0xbb ||
			byte === 0xbf
		)
			continue;
		return byte === 0x3c ? 'xml' : 'json';
	}
	return 'json';
}

export function parseBody(raw: Buffer, format: BodyFormat): ParseOutcome {
	return format === 'xml' ? parseXmlBody(raw) : parseJsonBody(raw);
}
