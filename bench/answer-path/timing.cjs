// Where a delivery's answer time goes inside n8n: loaded into n8n with `--require` (NODE_OPTIONS), it wraps the few
// n8n 2.x methods the webhook phase awaits before n8n answers and appends each call's wall time to a JSON-lines file
// in ANSWER_PATH_OUT (one file per process). A diagnostic for `npm run bench:e2e`, never part of the package; the
// method and file names are n8n 2.41.1's (bench/RESULTS.md, "Where an answer's time goes"). Read the files with
// bench/answer-path/summarize.ts.
'use strict';
const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');

const outDir = process.env.ANSWER_PATH_OUT;
if (outDir) install(path.join(outDir, `timing-${process.pid}.jsonl`));

function install(outFile) {
	let lines = [];
	const flush = () => {
		if (lines.length === 0) return;
		fs.appendFileSync(outFile, lines.join('\n') + '\n');
		lines = [];
	};
	setInterval(flush, 2000).unref();
	process.on('exit', flush);
	const record = (entry) => {
		lines.push(JSON.stringify(entry));
		if (lines.length >= 100) flush();
	};

	// webhook requests inside n8n now, and started so far: a request that found none inside and saw none start ran
	// alone (one delivery in flight), so every other call that ran meanwhile was its own
	let inside = 0;
	let started = 0;
	function wrap(proto, name, describe, counts = false) {
		const original = proto && proto[name];
		if (typeof original !== 'function' || original.answerPathWrapped) return;
		const wrapped = async function (...args) {
			const start = performance.now();
			const before = counts ? { inside: inside++, started: started++ } : undefined;
			try {
				return await original.apply(this, args);
			} finally {
				if (counts) inside--;
				const alone = before ? before.inside === 0 && started === before.started + 1 : undefined;
				record({ fn: name, start, end: performance.now(), alone, ...describe(args) });
			}
		};
		wrapped.answerPathWrapped = true;
		proto[name] = wrapped;
	}
	// the workflow a call is for: its name (bench/e2e/contenders.ts names it after its contender) and webhook paths
	const workflowOf = ({ name, nodes }) => ({
		workflow: name,
		hooks: nodes.flatMap((n) => [n.webhookId, n.parameters?.path]).filter(Boolean),
	});

	const targets = [
		[
			'n8n/dist/webhooks/live-webhooks.js',
			'LiveWebhooks',
			'executeWebhook',
			(a) => ({ url: a[0].url }),
			true,
		],
		['n8n/dist/webhooks/live-webhooks.js', 'LiveWebhooks', 'loadWebhookExecutionData', () => ({})],
		['n8n/dist/webhooks/webhook.service.js', 'WebhookService', 'runWebhook', () => ({})],
		['n8n/dist/workflow-runner.js', 'WorkflowRunner', 'run', (a) => workflowOf(a[0].workflowData)],
		['credentials-permission-checker.js', 'CredentialsPermissionChecker', 'check', () => ({})],
		['n8n/dist/active-executions.js', 'ActiveExecutions', 'add', () => ({})],
		['n8n-workflow/dist/cjs/expression.js', 'Expression', 'acquireIsolate', () => ({})],
	];
	const load = Module._load;
	Module._load = function (request, parent, isMain) {
		const loaded = load.apply(this, arguments);
		let file;
		try {
			file = Module._resolveFilename(request, parent, isMain);
		} catch {
			return loaded;
		}
		for (const [suffix, cls, method, describe, counts] of targets)
			if (file.endsWith(suffix) && loaded?.[cls])
				wrap(loaded[cls].prototype, method, describe, counts);
		return loaded;
	};
}
