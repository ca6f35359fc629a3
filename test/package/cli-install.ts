// The smart-webhooks-cli package as users get it: packed from cli/ with `npm pack`, installed from the tarball
// into a temporary prefix, and its bin run as a shell runs it. Needs `npm run build` first (cli/dist/cli.js).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
export const CLI_PACKAGE = path.join(ROOT, 'cli');

export interface InstalledCli {
	/** The installed bin, node_modules/.bin/smart-webhooks in the prefix. */
	cli: string;
	/** The prefix (remove it when done). */
	installDir: string;
	/** What `npm pack` put in the tarball. */
	packedFiles: string[];
}

export function installCli(): InstalledCli {
	if (!existsSync(path.join(CLI_PACKAGE, 'dist/cli.js')))
		throw new Error('cli/dist/cli.js is missing: run npm run build first');
	const installDir = mkdtempSync(path.join(tmpdir(), 'sw-cli-install-'));
	const [packed] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--pack-destination', installDir], {
			cwd: CLI_PACKAGE,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'ignore'],
		}),
	) as Array<{ filename: string; files: Array<{ path: string }> }>;
	// No dependencies, so this needs no registry: --offline makes sure of it.
	execFileSync(
		'npm',
		[
			'install',
			'--offline',
			'--no-audit',
			'--no-fund',
			'--no-save',
			'--prefix',
			installDir,
			path.join(installDir, packed.filename),
		],
		{ cwd: installDir, stdio: ['ignore', 'ignore', 'pipe'] },
	);
	return {
		cli: path.join(installDir, 'node_modules/.bin/smart-webhooks'),
		installDir,
		packedFiles: packed.files.map((f) => f.path).sort(),
	};
}

export function runCli(
	cli: string,
	args: string[],
	env: Record<string, string> = {},
): Promise<{ code: number | null; out: string; err: string }> {
	return new Promise((resolve, reject) => {
		// The bin itself (its #!/usr/bin/env node line), as a shell runs it.
		const child = spawn(cli, args, {
			env: {
				PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
				...env,
			},
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let out = '';
		let err = '';
		child.stdout.on('data', (d: Buffer) => (out += d.toString()));
		child.stderr.on('data', (d: Buffer) => (err += d.toString()));
		child.on('error', reject);
		child.on('close', (code) => resolve({ code, out, err }));
	});
}
