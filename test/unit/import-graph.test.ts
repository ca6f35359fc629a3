// The core's modules import one another without a circle: a circle makes load order decide what a module sees
// (an import read before it is initialised is undefined) and ties every module on it to all the others. Imports of
// any kind count (`import type` included): a type-only circle still makes the files one knot to read and change.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { providerIds, providers, type ProviderId } from '../../src/internal';

const SRC = path.resolve(__dirname, '../../src');

function sourceFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const file = path.join(dir, entry.name);
		if (entry.isDirectory()) return sourceFiles(file);
		return entry.name.endsWith('.ts') ? [file] : [];
	});
}

/** Each file of src/ and the files of src/ it imports (relative specifiers only; packages are not part of it). */
function importGraph(root: string): Map<string, string[]> {
	const graph = new Map<string, string[]>();
	for (const file of sourceFiles(root)) {
		const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
		const targets = importedFiles
			.map(({ fileName }) => fileName)
			.filter((specifier) => specifier.startsWith('.'))
			.map((specifier) => {
				const base = path.resolve(path.dirname(file), specifier);
				const target = [`${base}.ts`, path.join(base, 'index.ts')].find((f) => existsSync(f));
				if (!target) throw new Error(`${path.relative(root, file)}: cannot resolve ${specifier}`);
				return target;
			});
		graph.set(file, [...new Set(targets)]);
	}
	return graph;
}

/** The strongly connected components of more than one file, or of one file importing itself (Tarjan). */
function circles(graph: Map<string, string[]>): string[][] {
	const index = new Map<string, number>();
	const low = new Map<string, number>();
	const stack: string[] = [];
	const onStack = new Set<string>();
	const found: string[][] = [];
	const visit = (node: string) => {
		index.set(node, index.size);
		low.set(node, index.get(node)!);
		stack.push(node);
		onStack.add(node);
		for (const next of graph.get(node) ?? []) {
			if (!index.has(next)) {
				visit(next);
				low.set(node, Math.min(low.get(node)!, low.get(next)!));
			} else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
		}
		if (low.get(node) !== index.get(node)) return;
		const component: string[] = [];
		let member: string;
		do {
			member = stack.pop()!;
			onStack.delete(member);
			component.push(member);
		} while (member !== node);
		if (component.length > 1 || graph.get(node)?.includes(node)) found.push(component.sort());
	};
	for (const node of graph.keys()) if (!index.has(node)) visit(node);
	return found;
}

describe('the import graph of src/', () => {
	it('has no circle', () => {
		const graph = importGraph(SRC);
		expect(graph.size).toBeGreaterThan(20);
		const named = circles(graph).map((c) => c.map((f) => path.relative(SRC, f)));
		expect(named).toEqual([]);
	});

	it('the check finds a circle, however long, and a file importing itself', () => {
		const graph = new Map([
			['a', ['b']],
			['b', ['c']],
			['c', ['a', 'd']],
			['d', []],
			['e', ['e']],
		]);
		expect(circles(graph)).toEqual([['a', 'b', 'c'], ['e']]);
		expect(
			circles(
				new Map([
					['a', ['b']],
					['b', []],
				]),
			),
		).toEqual([]);
	});
});

describe('ProviderId, written out in src/types.ts so that it imports nothing', () => {
	it('is exactly the ids of the providers table', () => {
		// checked by tsc (npm run typecheck); the table's `satisfies Record<ProviderId, …>` fails first
		expectTypeOf<keyof typeof providers>().toEqualTypeOf<ProviderId>();
		expect(providerIds.every((id) => providers[id].id === id)).toBe(true);
	});
});
