import { XMLBuilder } from 'fast-xml-parser';
import { XML_ATTRIBUTE_PREFIX } from './parse';
import type { BodyFormat } from './types';

const builder = new XMLBuilder({
	ignoreAttributes: false,
	attributeNamePrefix: XML_ATTRIBUTE_PREFIX,
	format: true,
	suppressEmptyNode: true,
});

/**
 * The bytes a provider would send for a payload: JSON as-is, XML under one root element
 * (a payload whose only key is an object is taken to be that root already).
 */
export function serializePayload(
	payload: Record<string, unknown>,
	format: BodyFormat = 'json',
	rootName = 'Webhook',
): Buffer {
	if (format === 'json') return Buffer.from(JSON.stringify(payload), 'utf8');
	const keys = Object.keys(payload);
	const single =
		keys.length === 1 && payload[keys[0]] !== null && typeof payload[keys[0]] === 'object';
	const document = single ? payload : { [rootName]: payload };
	return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(document)}`, 'utf8');
}
