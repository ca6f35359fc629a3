import { XMLParser, type X2jOptions } from 'fast-xml-parser';
import { checkShape, MAX_DEPTH, type ParseOutcome } from './limits';
import { decodeXmlText } from './text';

/** Attribute names keep this prefix so they never collide with child elements of the same name. */
export const XML_ATTRIBUTE_PREFIX = '@_';

/** How webhook XML is read (bench/run.ts times fast-xml-parser with these same options as its XML baseline). */
export const XML_PARSER_OPTIONS = {
	ignoreAttributes: false,
	attributeNamePrefix: XML_ATTRIBUTE_PREFIX,
	// Values stay strings: XML has no types, and "007" must not become 7.
	parseTagValue: false,
	parseAttributeValue: false,
	// Safe because any DOCTYPE (the only way to declare entities) is refused before parsing.
	processEntities: true,
	htmlEntities: true,
	ignoreDeclaration: true,
	ignorePiTags: true,
	trimValues: true,
	maxNestedTags: MAX_DEPTH,
} as const satisfies X2jOptions;

const parser = new XMLParser(XML_PARSER_OPTIONS);

// A DOCTYPE is how entity bombs and external entities get in; webhook payloads never need one.
const DOCTYPE = /<!DOCTYPE|<!ENTITY/i;

/** Parses an XML webhook body into a plain object: well-formed, UTF-8 or UTF-16, no DOCTYPE, bounded depth, no `__proto__` names. */
export function parseXmlBody(raw: Buffer): ParseOutcome {
	const decoded = decodeXmlText(raw);
	if (!decoded.ok) return decoded;
	const text = decoded.text;
	if (text.trim() === '') return { ok: false, reason: 'body is empty' };
	if (DOCTYPE.test(text))
		return {
			ok: false,
			reason: 'XML body refused: DOCTYPE and entity declarations are not allowed',
		};
	let value: unknown;
	try {
		// `true` runs fast-xml-parser's validator first: the parser alone accepts mismatched tags.
		value = parser.parse(text, true);
	} catch {
		return { ok: false, reason: 'body is not well-formed XML' };
	}
	if (value === null || typeof value !== 'object' || Object.keys(value).length === 0) {
		return { ok: false, reason: 'body is not well-formed XML' };
	}
	const problem = checkShape(value);
	if (problem) return { ok: false, reason: `XML body refused: ${problem}` };
	return { ok: true, value: value as Record<string, unknown> };
}
