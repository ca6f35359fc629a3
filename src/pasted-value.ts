/**
 * What is wrong with a secret or header value as pasted into a credential, where it can be seen without the provider:
 * spaces at either end or wrapping quotes, which a copy from a dashboard or a document brings along and which no
 * delivery would then match. `label` starts the message ("The secret", "Header Value"); the value never appears in it.
 */
export function pastedValueProblem(label: string, value: string): string | undefined {
	if (value !== value.trim()) return `${label} starts or ends with spaces; paste it without them`;
	if (/^["'].*["']$/.test(value)) return `${label} is wrapped in quotes; paste it without them`;
	return undefined;
}
