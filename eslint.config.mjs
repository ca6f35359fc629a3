// n8n's community-node lint, as `npm run lint` runs it over package.json, nodes/ and credentials/.
//
// The rule set is the one @n8n/scan-community-package (the gate for "verified" community packages) builds in
// `buildScanConfig()`: @n8n/eslint-plugin-community-nodes' recommended config, `no-console: error`, and
// eslint-plugin-n8n-nodes-base's `community` (package.json), `credentials` and `nodes` rulesets with the same
// rules switched off as the scanner and `n8n-node lint` switch off, plus one warning-level rule for one file,
// explained where it is switched off.
// `npm run lint` adds `--max-warnings 0`: a warning counts as a finding too.
//
// The tarball (dist/**/*.js) is checked by `npm run scan` with the scanner's own config, not by this file.
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tsParser from '@typescript-eslint/parser';

export default [
	{ ignores: ['dist/**', 'node_modules/**', '.n8n-runtime/**', '.n8n-data/**', 'coverage/**'] },
	n8nCommunityNodesPlugin.configs.recommended,
	{ rules: { 'no-console': 'error' } },
	{ plugins: { 'n8n-nodes-base': n8nNodesBase } },
	{
		files: ['package.json'],
		rules: { ...n8nNodesBase.configs.community.rules },
	},
	{
		files: ['credentials/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			// Off in the scanner and in `n8n-node lint`: community documentation URLs are full https URLs.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			// Off there too: @n8n/community-nodes/credential-password-field checks the same thing more accurately.
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			// Off in the scanner and in `n8n-node lint`: inputs/outputs use the NodeConnectionTypes enum.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			// Off there too: a maxValue that mirrors a real limit is valid.
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
	{ files: ['**/*.json'], languageOptions: { parser: tsParser } },
	{ files: ['**/*.ts'], languageOptions: { parser: tsParser } },
];
