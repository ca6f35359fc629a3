// The e2e, queue and bench counts rest on listAllExecutions seeing every execution. This plays n8n's executions
// endpoint as both lines answer it (rows ordered by start time, newest first, 100 a page, `startedBefore` inclusive)
// with executions that started out of id order, the case that made CI count 599 of 600.
import { describe, expect, it } from 'vitest';
import { listAllExecutions } from '../e2e/executions';

type Row = { id: string; startedAt: string | null; status: string };

function fakeN8n(rows: Row[]) {
	const n8n = {
		requests: 0,
		async request(_method: string, p: string) {
			n8n.requests++;
			const url = new URL(p, 'http://x');
			const filter = JSON.parse(url.searchParams.get('filter') ?? '{}');
			const limit = Math.min(100, Number(url.searchParams.get('limit') ?? 100));
			const lastId = url.searchParams.get('lastId');
			const before = filter.startedBefore ? Date.parse(filter.startedBefore) : undefined;
			const started = (r: Row) => (r.startedAt ? Date.parse(r.startedAt) : Infinity);
			const results = rows
				.filter((r) => before === undefined || (r.startedAt !== null && started(r) <= before))
				.filter((r) => lastId === null || Number(r.id) < Number(lastId))
				.sort((a, b) => started(b) - started(a))
				.slice(0, limit);
			return { count: rows.length, results };
		},
	};
	return n8n;
}

/** 600 executions whose start order differs from their id order (neighbours swapped, every 7th started late). */
function outOfOrder(n: number): Row[] {
	const t0 = Date.parse('2026-11-26T10:00:00.000Z');
	return Array.from({ length: n }, (_, i) => {
		let slot = i % 2 === 0 ? i + 1 : i - 1;
		if (i % 7 === 0) slot += 150;
		return {
			id: String(i + 1),
			startedAt: new Date(t0 + slot * 3).toISOString(),
			status: 'success',
		};
	});
}

describe('listAllExecutions', () => {
	it('lists every execution when they started out of id order (paging by start time, not by id)', async () => {
		const rows = outOfOrder(600);
		const n8n = fakeN8n(rows);
		const listed = await listAllExecutions(n8n, 'wf');
		expect(new Set(listed.map((e) => e.id)).size).toBe(600);
		expect(n8n.requests).toBeLessThan(20);
	});

	it('the id cursor n8n offers would have missed some of them (why the lister does not use it)', async () => {
		const rows = outOfOrder(600);
		const n8n = fakeN8n(rows);
		const seen = new Set<string>();
		let lastId: string | undefined;
		for (let guard = 0; guard < 50; guard++) {
			const after = lastId ? `&lastId=${lastId}` : '';
			const page = await n8n.request('GET', `/rest/executions?limit=100${after}`);
			if (!page.results.length) break;
			for (const r of page.results) seen.add(r.id);
			lastId = page.results[page.results.length - 1].id;
		}
		expect(seen.size).toBeLessThan(600);
	});

	it('lists a row not started yet (no startedAt) from the first page', async () => {
		const rows = outOfOrder(150);
		rows.push({ id: '151', startedAt: null, status: 'new' });
		const listed = await listAllExecutions(fakeN8n(rows), 'wf');
		expect(listed).toHaveLength(151);
		expect(listed.find((e) => e.id === '151')?.status).toBe('new');
	});
});
