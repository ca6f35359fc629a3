/**
 * Names a trigger the way n8n keys its processed-data row (workflow, node): the copy memory, the store row and the
 * refusal log's rate limit all use this name, in the webhook phase and in execute() alike. A workflow not saved yet
 * (only the editor runs it) has no id.
 */
export function triggerId(workflow: { id?: string }, node: { id?: string; name: string }): string {
	return `${workflow.id ?? 'unsaved'}:${node.id ?? node.name}`;
}
