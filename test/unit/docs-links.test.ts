// README.md and docs/**/*.md: every relative link resolves (the file, and the heading when it names one), every
// backticked path into the repository exists, and no table cell is longer than 300 characters.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..');
const MAX_CELL = 300;

function markdownUnder(dir: string): string[] {
	return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
		const rel = path.join(dir, name);
		if (statSync(path.join(ROOT, rel)).isDirectory()) return markdownUnder(rel);
		return name.endsWith('.md') ? [rel] : [];
	});
}

const FILES = ['README.md', ...markdownUnder('docs')];

/** Files git tracks, and the folders they are in: what a backticked path may name. */
const tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' })
	.split('\n')
	.filter(Boolean);
const prefixes = (file: string) =>
	file.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
const trackedPaths = new Set(tracked.flatMap(prefixes));
const topLevel = new Set(tracked.map((f) => f.split('/')[0]));
const basenames = new Set(tracked.map((f) => path.basename(f)));

/**
 * What `npm run build`, `npm pack`, `npm ci` and `npm run dev` make (`.installed.json`: the n8n installs' marker in
 * `.n8n-runtime/`): named in the docs, never tracked.
 */
const GENERATED =
	/^(dist|cli\/dist|node_modules|\.n8n-data|\.n8n-runtime|coverage|test-results)(\/|$)|^\.installed\.json$/;
/** Example names the docs use for the reader's own files, and the provider the "adding a provider" guide invents. */
const EXAMPLE = /acme|^payload\.(json|xml)$|^n8n-nodes-smart-webhooks-[\d.]+\.tgz$/i;
const FILE_NAME = /^[\w.-]+\.(ts|mts|mjs|js|json|md|yml|yaml|py|svg|png|tgz|sh)$/;

/** GitHub's anchor for a heading. */
const anchorOf = (heading: string) =>
	heading
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N} _-]/gu, '')
		.replace(/ /g, '-');

function anchorsIn(file: string): Set<string> {
	const text = readFileSync(path.join(ROOT, file), 'utf8').replace(/^```[\s\S]*?^```/gm, '');
	return new Set([...text.matchAll(/^#+ (.+)$/gm)].map((m) => anchorOf(m[1])));
}

/** The text outside fenced code blocks (commands and samples there are not links or claims about files). */
const prose = (text: string) => text.replace(/^```[\s\S]*?^```/gm, '');

function links(text: string): string[] {
	const inline = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
	const reference = [...text.matchAll(/^\[[^\]]+\]: (\S+)/gm)].map((m) => m[1]);
	return [...inline, ...reference].filter((l) => !/^(https?:|mailto:)/.test(l));
}

describe.each(FILES)('%s', (file) => {
	const text = readFileSync(path.join(ROOT, file), 'utf8');
	const dir = path.dirname(file);

	it('links only to files and headings that exist', () => {
		const broken: string[] = [];
		for (const link of links(prose(text))) {
			const [target, anchor] = link.split('#');
			const resolved = target === '' ? file : path.normalize(path.join(dir, target));
			if (!existsSync(path.join(ROOT, resolved))) broken.push(`${link} (no ${resolved})`);
			else if (anchor !== undefined && resolved.endsWith('.md') && !anchorsIn(resolved).has(anchor))
				broken.push(`${link} (no heading #${anchor} in ${resolved})`);
		}
		expect(broken).toEqual([]);
	});

	it('names only repository paths and files that exist', () => {
		const missing: string[] = [];
		for (const [, code] of prose(text).matchAll(/`([^`\n]+)`/g)) {
			const candidate = code.replace(/[.,:;]$/, '').replace(/\/$/, '');
			if (!/^[\w.\-/]+$/.test(candidate) || EXAMPLE.test(candidate) || GENERATED.test(candidate))
				continue;
			if (candidate.includes('/')) {
				// a path whose first part is a tracked top-level entry is a claim about this repository
				if (topLevel.has(candidate.split('/')[0]) && !trackedPaths.has(candidate))
					missing.push(candidate);
			} else if (FILE_NAME.test(candidate) && !basenames.has(candidate)) missing.push(candidate);
		}
		expect(missing).toEqual([]);
	});

	it(`has no table cell longer than ${MAX_CELL} characters`, () => {
		const long = prose(text)
			.split('\n')
			.filter((line) => line.startsWith('|'))
			.flatMap((line) => line.replace(/\\\|/g, '').split('|').slice(1, -1))
			.map((cell) => cell.trim())
			.filter((cell) => cell.length > MAX_CELL)
			.map((cell) => `${cell.length}: ${cell.slice(0, 60)}…`);
		expect(long).toEqual([]);
	});
});

it('the README stays within 300 lines', () => {
	const lines = readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n').length;
	expect(lines).toBeLessThanOrEqual(300);
});
