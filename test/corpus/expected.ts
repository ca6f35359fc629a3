/**
 * What receive() must answer for each file in test/corpus/cases, when the file is delivered genuinely
 * signed (so the body itself is on trial, not the signature). Every file must be listed here.
 *
 * Default is 400. A 200 is allowed only where the input is documented as harmless, with the reason.
 * XML files sent to a provider that only speaks JSON are always 400 (checked separately).
 */
export interface Expectation {
	statuses: Array<200 | 400 | 401>;
	/** Why a 200 is harmless (required whenever 200 is allowed). */
	harmless?: string;
}

const BAD: Expectation = { statuses: [400] };

export const EXPECTED: Record<string, Expectation> = {
	// ---- JSON ----
	'json/truncated.json': BAD,
	'json/truncated-after-key.json': BAD,
	'json/empty.json': BAD,
	'json/whitespace-only.json': BAD,
	'json/not-json-text.json': BAD,
	'json/top-level-array.json': BAD,
	'json/top-level-string.json': BAD,
	'json/top-level-null.json': BAD,
	'json/top-level-number.json': BAD,
	'json/trailing-garbage.json': BAD,
	'json/two-documents.json': BAD,
	'json/utf16le-bom.json': BAD,
	'json/utf16be-bom.json': BAD,
	'json/utf16le-no-bom.json': BAD,
	'json/utf32le-bom.json': BAD,
	'json/latin1.json': BAD,
	'json/overlong-utf8.json': BAD,
	'json/lone-surrogate-cesu.json': BAD,
	'json/double-bom.json': BAD,
	'json/proto-key-top.json': BAD,
	'json/proto-key-nested.json': BAD,
	'json/proto-key-in-array.json': BAD,
	'json/proto-key-escaped.json': BAD,
	'json/nesting-65-levels.json': BAD,
	'json/nesting-unbalanced.json': BAD,
	'json/raw-nul-byte.json': BAD,
	'json/utf8-bom.json': {
		statuses: [200],
		harmless: 'a UTF-8 byte-order mark is dropped before parsing (src/parse/text.ts)',
	},
	'json/constructor-prototype-keys.json': {
		statuses: [200],
		harmless:
			'JSON.parse makes them own data properties; only `__proto__` can reach a prototype, and it is refused',
	},
	'json/event-named-constructor.json': {
		statuses: [200],
		harmless: 'an event name is data; the schema lookup uses own keys only',
	},
	'json/event-named-proto.json': {
		statuses: [200],
		harmless: 'an event name is data; the schema lookup uses own keys only',
	},
	'json/event-named-tostring.json': {
		statuses: [200],
		harmless: 'an event name is data; the schema lookup uses own keys only',
	},
	'json/duplicate-keys.json': {
		statuses: [200],
		harmless: 'JSON.parse keeps the last value; the signature covers the exact bytes either way',
	},
	'json/nul-bytes-in-strings.json': {
		statuses: [200],
		harmless: 'an escaped \\u0000 is ordinary string data',
	},

	// ---- XML (SmarterMeasure) ----
	'xml/billion-laughs.xml': BAD,
	'xml/quadratic-blowup.xml': BAD,
	'xml/xxe-file-passwd.xml': BAD,
	'xml/xxe-http.xml': BAD,
	'xml/xxe-parameter-entity.xml': BAD,
	'xml/external-dtd.xml': BAD,
	'xml/doctype-lowercase.xml': BAD,
	'xml/entity-without-doctype.xml': BAD,
	'xml/mismatched-tags.xml': BAD,
	'xml/truncated.xml': BAD,
	'xml/unclosed-root.xml': BAD,
	'xml/two-roots.xml': BAD,
	'xml/text-only.xml': BAD,
	'xml/empty.xml': BAD,
	'xml/declaration-only.xml': BAD,
	'xml/comment-only.xml': BAD,
	'xml/proto-tag.xml': BAD,
	'xml/proto-root.xml': BAD,
	'xml/constructor-prototype-tags.xml': BAD,
	'xml/utf16le-bom.xml': {
		statuses: [200],
		harmless:
			'UTF-16 XML is read as XML 1.0 (§4.3.3) requires of every processor; decoded only after the raw bytes were verified',
	},
	'xml/latin1-declared.xml': BAD,
	'xml/cdata-injection.xml': BAD,
	'xml/unknown-entity-reference.xml': {
		statuses: [200],
		harmless:
			'an undeclared entity is left as the literal text "&nosuch;" (nothing is resolved or fetched)',
	},
	'xml/proto-attribute.xml': {
		statuses: [200],
		harmless: 'attribute names are prefixed ("@___proto__"), so they are plain keys',
	},
	'xml/processing-instruction.xml': {
		statuses: [200],
		harmless: 'processing instructions are dropped, never followed',
	},
	'xml/utf8-bom.xml': {
		statuses: [200],
		harmless: 'a UTF-8 byte-order mark is dropped before parsing',
	},
};
