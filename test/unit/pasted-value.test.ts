// The local checks of a pasted secret or header value, shared by the credential tests (nodes/shared/hooks.ts
// localSecretTest) and SmartMaintenance's header pair (nodes/SmartMaintenanceTrigger/credential.ts).
import { describe, expect, it } from 'vitest';
import { pastedValueProblem } from '../../src/internal';
import { headerSettingProblem } from '../../nodes/SmartMaintenanceTrigger/credential';

describe('pastedValueProblem', () => {
	it('names spaces at either end, and wrapping quotes, under the given label; never the value', () => {
		expect(pastedValueProblem('The secret', ' s3cr3t')).toBe(
			'The secret starts or ends with spaces; paste it without them',
		);
		expect(pastedValueProblem('The secret', 's3cr3t\n')).toMatch(/starts or ends with spaces/);
		expect(pastedValueProblem('Header Value', '"Bearer s3cr3t"')).toBe(
			'Header Value is wrapped in quotes; paste it without them',
		);
		expect(pastedValueProblem('Header Value', "'s3cr3t'")).toMatch(/wrapped in quotes/);
		for (const value of [' s3cr3t', '"s3cr3t"'])
			expect(pastedValueProblem('The secret', value)).not.toContain('s3cr3t');
	});

	it('accepts a value with quotes or spaces inside it', () => {
		expect(pastedValueProblem('The secret', 'Bearer s3cr3t')).toBeUndefined();
		expect(pastedValueProblem('The secret', 'a"b\'c')).toBeUndefined();
		expect(pastedValueProblem('The secret', '"open')).toBeUndefined();
	});

	it('is what SmartMaintenance says of its header value', () => {
		expect(headerSettingProblem('Authorization', ' Bearer x')).toBe(
			pastedValueProblem('Header Value', ' Bearer x'),
		);
		expect(headerSettingProblem('Authorization', '"Bearer x"')).toBe(
			'Header Value is wrapped in quotes; paste it without them',
		);
	});
});
