// SmarterMeasure XML in UTF-16, as .NET writes it (XmlWriter with Encoding.Unicode: BOM + encoding="utf-16"), LE and
// BE, with and without BOM: decoded and verified; JSON stays UTF-8 only (RFC 8259 §8.1).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { providers, receive, serializePayload } from '../../src/internal';
import { NOW_MS, SECRETS } from './helpers';

const key = SECRETS.smarterMeasure;
const payload = providers.smarterMeasure.sample('AssessmentCompleted', {
	id: 'E-16',
	now: new Date(NOW_MS),
});
const utf8Xml = serializePayload(payload, 'xml').toString('utf8');
// .NET's declaration for UTF-16 output; a non-ASCII value and a character outside the BMP check the decoding.
const text = utf8Xml
	.replace('encoding="UTF-8"', 'encoding="utf-16"')
	.replace('</Webhook>', '<Note>Zoë 😀</Note></Webhook>');

function utf16(value: string, order: 'le' | 'be', bom: boolean): Buffer {
	const le = Buffer.from(value, 'utf16le');
	const body = order === 'le' ? le : Buffer.from(le).swap16();
	const mark = order === 'le' ? [0xff, 0xfe] : [0xfe, 0xff];
	return bom ? Buffer.concat([Buffer.from(mark), body]) : body;
}

function deliver(body: Buffer, headers: Record<string, string>, secret = key) {
	return receive('smarterMeasure', { headers, rawBody: body }, { secret });
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('SmarterMeasure XML in UTF-16', () => {
	it.each([
		['LE with BOM', 'le', true],
		['BE with BOM', 'be', true],
		['LE without BOM', 'le', false],
		['BE without BOM', 'be', false],
	] as const)(
		'%s is decoded, verified by key, and parsed as its UTF-8 twin',
		(_name, order, bom) => {
			const body = utf16(text, order, bom);
			const twin = deliver(Buffer.from(text.replace('encoding="utf-16"', 'encoding="UTF-8"')), {
				'Content-Type': 'application/xml',
				'X-SmarterMeasure-Verification-Key': key,
			});
			for (const contentType of ['application/xml', 'text/xml; charset=utf-16', '']) {
				const result = deliver(body, {
					...(contentType ? { 'Content-Type': contentType } : {}),
					'X-SmarterMeasure-Verification-Key': key,
				});
				expect(result.status, result.reason).toBe(200);
				expect(result.format).toBe('xml');
				expect(result.verified).toBe('key');
				expect(result.items).toEqual(twin.items);
				expect((result.items[0] as { Webhook: { Note: string } }).Webhook.Note).toBe('Zoë 😀');
				// deduplicated by the raw bytes as received, not by the decoded text
				expect(result.deliveryId).toBe(`sha256:${sha256(body)}`);
			}
		},
	);

	it('a wrong or missing key is still 401, whatever the encoding', () => {
		const body = utf16(text, 'le', true);
		expect(deliver(body, { 'X-SmarterMeasure-Verification-Key': 'wrong' }).status).toBe(401);
		expect(deliver(body, { 'Content-Type': 'application/xml' }).status).toBe(401);
	});

	it.each([
		['an odd number of bytes', Buffer.concat([utf16(text, 'le', true), Buffer.from([0x3c])])],
		[
			'a lone surrogate',
			Buffer.concat([
				utf16('<a>', 'le', true),
				Buffer.from([0x00, 0xd8]),
				utf16('</a>', 'le', false),
			]),
		],
	])('UTF-16 XML with %s is refused (400) after verification', (_name, body) => {
		const result = deliver(body, {
			'Content-Type': 'application/xml',
			'X-SmarterMeasure-Verification-Key': key,
		});
		expect(result.status).toBe(400);
		expect(result.reason).toMatch(/not valid UTF-16/);
		expect(result.items).toEqual([]);
	});

	it('JSON in UTF-16 is still refused: JSON is UTF-8 only', () => {
		const body = utf16('{"EventType":"AssessmentCompleted"}', 'le', true);
		const result = deliver(body, {
			'Content-Type': 'application/json',
			'X-SmarterMeasure-Verification-Key': key,
		});
		expect(result.status).toBe(400);
		expect(result.reason).toMatch(/UTF-16; only UTF-8 is accepted/);
	});
});
