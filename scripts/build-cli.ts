/**
 * Builds the installable `kubetrail` package: compiled JavaScript for the CLI and server (the
 * workspace packages bundled in; npm dependencies left as dependencies), its worker threads, the
 * database migrations and the built web app, in `apps/server/npm/`, and packs it with `npm pack`.
 * The package needs Node ≥ 20.19 and nothing of TypeScript. `pnpm kubetrail` keeps running the
 * sources through tsx.
 *
 *   pnpm build:cli            # → apps/server/npm/ and apps/server/npm/kubetrail-<version>.tgz
 *   pnpm build:cli --no-pack  # the folder only
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
const server = join(root, 'apps/server');
const out = join(server, 'npm');
const dist = join(out, 'dist');

interface Pkg {
  version?: string;
  description?: string;
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
}
const readPkg = (dir: string): Pkg => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Pkg;

/** The npm dependencies of the server and every workspace package it bundles. */
function runtimeDependencies(): Record<string, string> {
  const deps: Record<string, string> = {};
  const dirs = [server, ...readdirSync(join(root, 'packages')).map((d) => join(root, 'packages', d))];
  for (const dir of dirs) {
    if (!existsSync(join(dir, 'package.json'))) continue;
    for (const [name, version] of Object.entries(readPkg(dir).dependencies ?? {}))
      if (!version.startsWith('workspace:')) deps[name] = version;
  }
  return Object.fromEntries(Object.entries(deps).sort(([a], [b]) => a.localeCompare(b)));
}

export async function buildCli(opts: { pack: boolean; web: boolean }): Promise<string | null> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  const dependencies = runtimeDependencies();
  await build({
    entryPoints: {
      cli: join(server, 'src/cli.ts'),
      'ingest.worker': join(server, 'src/ingest/ingest.worker.ts'),
      'query.worker': join(server, 'src/queries/query.worker.ts'),
    },
    outdir: dist,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // npm packages stay packages: installed beside it (better-sqlite3 is native).
    external: Object.keys(dependencies),
    sourcemap: false,
    logLevel: 'warning',
    // The sources' shebang runs tsx; the compiled CLI runs on node.
    banner: { js: '' },
  });
  const cli = join(dist, 'cli.js');
  const code = readFileSync(cli, 'utf8').replace(/^#!.*\n/, '');
  writeFileSync(cli, `#!/usr/bin/env node\n${code}`, { mode: 0o755 });
  cpSync(join(root, 'packages/store/src/migrations'), join(dist, 'migrations'), { recursive: true });
  const web = join(root, 'apps/web/dist');
  if (opts.web && !existsSync(join(web, 'index.html'))) {
    const r = spawnSync('pnpm', ['--filter', '@kubetrail/web', 'build'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('building the web app failed');
  }
  if (existsSync(join(web, 'index.html'))) cpSync(web, join(dist, 'web'), { recursive: true });
  const rootPkg = readPkg(root);
  writeFileSync(
    join(out, 'package.json'),
    `${JSON.stringify(
      {
        name: 'kubetrail',
        version: rootPkg.version ?? '0.0.0',
        description: rootPkg.description,
        type: 'module',
        bin: { kubetrail: 'dist/cli.js' },
        files: ['dist'],
        engines: rootPkg.engines,
        dependencies,
      },
      null,
      2,
    )}\n`,
  );
  cpSync(join(root, 'README.md'), join(out, 'README.md'));
  if (!opts.pack) return null;
  const packed = spawnSync('npm', ['pack', '--silent'], { cwd: out, encoding: 'utf8' });
  if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
  return join(out, packed.stdout.trim().split('\n').pop() ?? '');
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const tgz = await buildCli({ pack: !process.argv.includes('--no-pack'), web: true });
  console.log(tgz ?? out);
}
