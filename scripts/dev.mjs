#!/usr/bin/env node
// `npm run dev`: build this package, `npm pack` it and install the tarball into a pinned local n8n's
// .n8n/nodes exactly as the README tells self-hosted users to (installPackage). node: builtins only.
//
//   npm run dev                      n8n 2.x (2.41.1 on Node 24) on http://127.0.0.1:5678
//   npm run dev -- --n8n1            n8n 1.x (1.123.81 on this machine's Node 20)
//   npm run dev -- --port 5700       another port (default 5678; checked free before anything is installed)
//   npm run dev -- --demo            + fake SmartComply API on loopback, a "SmartComply (demo)"
//                                      credential pointing at it, and an owner account
//   npm run dev -- --skip-build      don't run `npm run build` first
//
// Data lives in .n8n-data/n8n-<line>/ (gitignored); delete it to start from scratch.
import { spawn } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureN8n, formatElapsed, REPO_ROOT, withHeartbeat } from './n8n-runtime.mjs';
import { DEFAULT_OWNER, importCredentials, N8nRestClient } from './lib/n8n-api.mjs';
import {
	INSTALL_ARGS,
	installPackage,
	isPortInUse,
	packPackage,
	startN8n,
} from './lib/n8n-process.mjs';

function usage(code) {
	console.log(`usage: npm run dev -- [--n8n1] [--port <n>] [--demo] [--skip-build]`);
	process.exit(code);
}

function parseArgs(argv) {
	const o = { line: '2', port: 5678, demo: false, build: true };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (a === '--n8n1') o.line = '1';
		else if (a === '--n8n2') o.line = '2';
		else if (a === '--demo') o.demo = true;
		else if (a === '--skip-build') o.build = false;
		else if (a === '--port') o.port = Number(argv[++i]);
		else if (a.startsWith('--port=')) o.port = Number(a.slice(7));
		else if (a === '--help' || a === '-h') usage(0);
		else {
			console.error(`unknown argument: ${a}`);
			usage(2);
		}
	}
	if (!Number.isInteger(o.port) || o.port < 1 || o.port > 65535) {
		console.error('--port needs a number between 1 and 65535');
		usage(2);
	}
	return o;
}

const say = (msg) => console.log(`[dev] ${msg}`);

/** A step that can take more than a few seconds: said before it starts, then a line every 20 s while it runs. */
function step(what, run) {
	say(`${what} ...`);
	return withHeartbeat(what, run, { say });
}

/** How to find this package's nodes: by provider name (in n8n 2.41.1's nodes panel, "Smart" lists SmartlyQ,
 *  SmartComply, SmarterMeasure and SmartMaintenance but not SMP). The names come from the built core, the one list
 *  of providers. */
function nodesNote() {
	const { providerIds, providers } = createRequire(import.meta.url)(
		path.join(REPO_ROOT, 'dist', 'index.js'),
	);
	const names = providerIds.map((id) => `"${providers[id].displayName}"`);
	return (
		`nodes: in a workflow click + and search a provider's name: ${names.slice(0, -1).join(', ')} or ${names.at(-1)}` +
		` (one trigger each; "Smart" alone does not list SMP), or "Signed Webhook" for any other HMAC-signed sender`
	);
}

/** --demo: the fake SmartComply API, and one command each to list its endpoints and to make it send an event. */
function demoNote(fake) {
	return (
		`\n  fake SmartComply API: ${fake.url} (API key ${fake.apiKey}; credential "SmartComply (demo fake API)")` +
		`\n    a SmartComply trigger registers an endpoint there when its workflow is published or listening; list them:` +
		`\n      curl -s -H 'Authorization: Bearer ${fake.apiKey}' ${fake.url}/webhooks/endpoints` +
		`\n    make it send an event (test.submitted, notice.created or webhook.test) to one, whe_… = an "id" from that list:` +
		`\n      curl -s -X POST ${fake.origin}/__control/deliver -H 'Content-Type: application/json' -d '{"endpointId":"whe_…","type":"notice.created"}'` +
		'\n    its answer\'s "trigger" says what the trigger made of it: "ran: …", "ignored: <why> (nothing ran)" or "refused …"'
	);
}

/** Run a command with inherited stdio (the user sees npm's output), bounded. */
function runVisible(cmd, args, { timeoutMs, cwd = REPO_ROOT } = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, {
			cwd,
			stdio: ['ignore', 'inherit', 'inherit'],
			env: { ...process.env, CI: process.env.CI ?? 'true' },
		});
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.on('error', (e) => {
			clearTimeout(timer);
			reject(e);
		});
		child.on('exit', (code, signal) => {
			clearTimeout(timer);
			if (code === 0) resolve();
			else reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`));
		});
	});
}

/**
 * n8n's owner account, one line (or none): without an owner, n8n's first screen is "Set up owner account". --demo
 * creates the demo owner when n8n has none, and marks the data folder so a later --demo knows the owner is its own.
 * An owner it did not make is left alone and not logged in to (a wrong password makes n8n log its own 401 "Wrong
 * username or password").
 */
async function ownerNote(url, dataDir, demo) {
	const api = new N8nRestClient(url);
	const marker = path.join(dataDir, '.demo-owner');
	const login = `log in as ${DEFAULT_OWNER.email} / ${DEFAULT_OWNER.password}`;
	const settings = await api.request('GET', '/rest/settings');
	const noOwner = settings?.userManagement?.showSetupOnFirstLoad;
	if (!demo)
		return noOwner
			? `owner: n8n's first screen is "Set up owner account": any email and password, kept in .n8n-data/ (--demo makes one for you)`
			: '';
	if (noOwner) {
		await api.setupOwner(DEFAULT_OWNER);
		writeFileSync(marker, `${DEFAULT_OWNER.email}\n`);
		return `owner: --demo created it, so n8n skips "Set up owner account": ${login}`;
	}
	if (existsSync(marker)) return `owner: made by an earlier --demo: ${login}`;
	return (
		`owner: n8n already has one, so --demo made none: log in with it (${DEFAULT_OWNER.email} / ` +
		`${DEFAULT_OWNER.password} if an earlier --demo made it; to start over: stop, delete ${path.relative(REPO_ROOT, dataDir)}/, run again)`
	);
}

/**
 * n8n 2.x in internal runner mode looks for its Python task runner at every start and, on a machine without its
 * virtual environment (every npm install of n8n), logs a warning that reads like a failure. n8n 2.41.1 has no setting
 * that skips the check (TaskRunnerModule.startInternalTaskRunners always runs it), so the terminal gets one line
 * that says what it means instead; n8n.log keeps n8n's own words.
 */
let pythonNoteShown = false;
function quietPythonRunner(chunk) {
	return chunk.replace(
		/^.*Failed to start Python task runner in internal mode\..*(\r?\n|$)/m,
		() => {
			if (pythonNoteShown) return '';
			pythonNoteShown = true;
			return '(n8n runs no Python Code nodes here: its Python runner is not installed. JavaScript Code nodes and these triggers are unaffected.)\n';
		},
	);
}

async function main() {
	const opts = parseArgs(process.argv.slice(2));
	const t0 = Date.now();

	// before anything is installed or built: a taken port would only show up minutes later, after the n8n install
	if (await isPortInUse(opts.port)) {
		throw new Error(
			`port ${opts.port} on 127.0.0.1 is already in use (another n8n or npm run dev?); stop it or pick another port: npm run dev -- --port <n>`,
		);
	}

	if (!existsSync(path.join(REPO_ROOT, 'node_modules'))) {
		await step(
			"node_modules missing: npm ci (this package's build tools, about 670 packages)",
			() =>
				runVisible('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
					timeoutMs: 15 * 60_000,
				}),
		);
	}
	if (opts.build) {
		await step('npm run build', () =>
			runVisible('npm', ['run', 'build'], { timeoutMs: 5 * 60_000 }),
		);
	}
	if (!existsSync(path.join(REPO_ROOT, 'dist')))
		throw new Error('dist/ missing: run `npm run build` first');

	const rt = await ensureN8n(opts.line);
	const dataDir = path.join(REPO_ROOT, '.n8n-data', `n8n-${opts.line}`);
	// before --demo's credential import, which makes the database too
	const fresh = !existsSync(path.join(dataDir, '.n8n', 'database.sqlite'));
	// the same tarball `npm publish` would upload, installed with the README's command into <dataDir>/.n8n/nodes
	const packDir = path.join(REPO_ROOT, '.n8n-data', 'pack');
	rmSync(packDir, { recursive: true, force: true });
	const { tarball, installed } = await step(
		'npm pack, and the tarball installed into n8n',
		async () => {
			const tarball = await packPackage({ destDir: packDir });
			return {
				tarball,
				installed: await installPackage({ userFolder: dataDir, tarball, line: opts.line }),
			};
		},
	);
	// the copy an earlier `npm run dev` made there for N8N_CUSTOM_EXTENSIONS is not used any more
	rmSync(path.join(dataDir, 'custom'), { recursive: true, force: true });
	say(
		`n8n ${rt.version} on Node ${rt.nodeVersion}; data in ${path.relative(REPO_ROOT, dataDir)}/; ` +
			`${path.basename(tarball)} installed into ${path.relative(REPO_ROOT, installed.nodesDir)}/ (npm ${INSTALL_ARGS.join(' ')})`,
	);

	let fake = null;
	if (opts.demo) {
		// test/fake/smartcomply-server.mjs is plain ESM, so no tsx/compile step is needed.
		const fakePath = path.join(REPO_ROOT, 'test', 'fake', 'smartcomply-server.mjs');
		if (!existsSync(fakePath))
			throw new Error(`--demo needs ${path.relative(REPO_ROOT, fakePath)}`);
		const { startFakeSmartComply } = await import(pathToFileURL(fakePath).href);
		fake = await startFakeSmartComply({ apiKey: 'sc_live_demo_key_0123456789' });
		await importCredentials({
			line: opts.line,
			dataDir,
			credentials: [
				{
					id: 'smartComplyDemo1', // fixed id: re-running --demo updates the same credential
					name: 'SmartComply (demo fake API)',
					type: 'smartComplyApi',
					data: { apiKey: fake.apiKey, baseUrl: fake.url, secret: '' },
				},
			],
		});
		say(
			`fake SmartComply API on ${fake.url} (API key ${fake.apiKey}); credential "SmartComply (demo fake API)" imported`,
		);
	}

	let n8n;
	try {
		n8n = await step(
			`starting n8n ${rt.version}${fresh ? ' (first start: it creates its database, about half a minute)' : ''}`,
			() =>
				startN8n({
					line: opts.line,
					port: opts.port,
					dataDir,
					echo: true,
					echoFilter: quietPythonRunner,
					logFile: path.join(dataDir, 'n8n.log'),
				}),
		);
	} catch (err) {
		await fake?.close();
		throw err;
	}

	const owner = await ownerNote(n8n.url, dataDir, opts.demo);

	console.log(
		`\n  n8n ${n8n.version} is ready in ${(n8n.readyMs / 1000).toFixed(1)} s (${formatElapsed(Date.now() - t0)} in all)` +
			`\n  editor: ${n8n.url}/` +
			`\n  webhooks: ${n8n.url}/webhook/<path>  (test: ${n8n.url}/webhook-test/<path>)` +
			`\n  ${nodesNote()}` +
			(owner ? `\n  ${owner}` : '') +
			(fake ? demoNote(fake) : '') +
			`\n  Ctrl-C to stop\n`,
	);

	let stopping = false;
	const shutdown = async (sig) => {
		if (stopping) return;
		stopping = true;
		say(`${sig}: stopping n8n ...`);
		const code = await n8n.stop();
		await fake?.close().catch(() => {});
		say(`n8n stopped (exit ${code})`);
		process.exit(0);
	};
	process.on('SIGINT', () => void shutdown('SIGINT'));
	process.on('SIGTERM', () => void shutdown('SIGTERM'));
	n8n.child.on('exit', (code, signal) => {
		if (stopping) return;
		console.error(`[dev] n8n exited unexpectedly (${signal ?? `exit ${code}`})`);
		void fake?.close().catch(() => {});
		process.exit(1);
	});
}

main().catch((err) => {
	console.error(`[dev] ${err.message}`);
	process.exit(1);
});
