import type { INodeProperties } from 'n8n-workflow';

// n8n 2.x's notices keep <a>, <ul> and <li> and strip every other tag (line breaks, bold): lists and plain text only.
export const list = (items: readonly string[]) =>
	`<ul>${items.map((item) => `<li>${item}</li>`).join('')}</ul>`;

export function notice(
	name: string,
	text: string,
	show?: Record<string, string[]>,
): INodeProperties {
	return {
		displayName: text,
		name,
		type: 'notice',
		default: '',
		...(show ? { displayOptions: { show } } : {}),
	};
}
