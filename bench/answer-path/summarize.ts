/**
 * Reads the files bench/answer-path/timing.cjs wrote during `npm run bench:e2e` and prints, per contender, the median
 * wall time of each step n8n awaits before it answers a delivery that was alone in n8n (one in flight).
 *
 *   node --import tsx bench/answer-path/summarize.ts <ANSWER_PATH_OUT>
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { median } from '../harness';

interface Call {
	fn: string;
	start: number;
	end: number;
	alone?: boolean;
	url?: string;
	workflow?: string;
	hooks?: string[];
}

const STEPS = [
	'answered after (ms)',
	'workflow loaded',
	'isolate wait',
	'node webhook()',
	'run() before answer',
	'… credential check',
	'… execution insert',
] as const;

const dir = process.argv[2];
if (!dir) throw new Error('usage: summarize.ts <directory ANSWER_PATH_OUT named>');
const calls: Call[] = readdirSync(dir)
	.filter((f) => f.startsWith('timing-') && f.endsWith('.jsonl'))
	.flatMap((f) =>
		readFileSync(path.join(dir, f), 'utf8')
			.split('\n')
			.filter(Boolean)
			.map((line) => JSON.parse(line) as Call),
	)
	.sort((a, b) => a.start - b.start);

// bench/e2e/contenders.ts names each workflow `bench <contender>: <what it is>`
const contenderOfHook = new Map<string, string>();
for (const c of calls.filter((c) => c.fn === 'run'))
	for (const hook of c.hooks ?? []) contenderOfHook.set(hook, c.workflow!.replace(/^bench /, ''));

const steps = new Map<string, Map<string, number[]>>();
const note = (who: string, step: string, ms: number | undefined) => {
	if (ms === undefined) return;
	const byStep = steps.get(who) ?? new Map<string, number[]>();
	steps.set(who, byStep);
	const values = byStep.get(step) ?? [];
	byStep.set(step, values);
	values.push(ms);
};
const ms = (c: Call | undefined) => (c ? c.end - c.start : undefined);

for (const request of calls.filter((c) => c.fn === 'executeWebhook' && c.alone)) {
	const hook = request.url?.split('/')[2] ?? '';
	const who = contenderOfHook.get(hook) ?? hook;
	// alone in n8n: every call inside its time was made for it, but for the previous delivery's execution
	const within = calls.filter(
		(c) => c !== request && c.start >= request.start && c.end <= request.end,
	);
	const first = (fn: string, after = request.start) =>
		within.find((c) => c.fn === fn && c.start >= after);
	const loaded = first('loadWebhookExecutionData');
	note(who, 'answered after (ms)', ms(request));
	note(who, 'workflow loaded', ms(loaded));
	// the webhook phase's isolate is taken after the workflow is loaded (an execution's may end inside too)
	note(who, 'isolate wait', loaded ? ms(first('acquireIsolate', loaded.end)) : undefined);
	note(who, 'node webhook()', ms(first('runWebhook')));
	const run = first('run');
	note(who, 'run() before answer', ms(run));
	note(who, '… credential check', run ? ms(first('check', run.start)) : undefined);
	note(who, '… execution insert', run ? ms(first('add', run.start)) : undefined);
}

console.log(`| contender | deliveries | ${STEPS.join(' | ')} |`);
console.log(`|---|---|${STEPS.map(() => '---').join('|')}|`);
for (const [who, byStep] of [...steps].sort(([a], [b]) => a.localeCompare(b))) {
	const n = byStep.get(STEPS[0])?.length ?? 0;
	const cells = STEPS.map((step) => {
		const values = byStep.get(step);
		if (!values) return '—';
		const shown = median(values).toFixed(1);
		return values.length < n ? `${shown} (${values.length})` : shown;
	});
	console.log(`| ${who} | ${n} | ${cells.join(' | ')} |`);
}
