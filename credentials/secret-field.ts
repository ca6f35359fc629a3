import type { INodeProperties } from 'n8n-workflow';

/**
 * The one field of a credential that holds a secret only the provider can check (SMP, SmartlyQ, SmarterMeasure):
 * required, masked, and named `secret`, the name the triggers read it by and n8n's scanner judges masking by (a key
 * is a secret too). Each credential says what the provider calls it and where its admins find it.
 */
export function secretField(field: {
	displayName: string;
	description: string;
	hint: string;
}): INodeProperties[] {
	return [
		{
			displayName: field.displayName,
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: field.description,
			hint: field.hint,
		},
	];
}
