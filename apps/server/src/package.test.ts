import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildCli } from '../../../scripts/build-cli.ts';
import { CORPUS } from './testing/corpus.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The CLI as people install tools: `npm pack` of the compiled package, installed with npm into a
 * prefix of its own, run by node alone — no tsx, no TypeScript, no workspace on its PATH.
 * better-sqlite3 compiles from source where its prebuilt binary cannot be downloaded
 * (`npm_config_nodedir` points node-gyp at Node's headers, as scripts/install.sh does).
 */
describe('the npm package', () => {
  it('installs from its tarball and runs --help and an ingest without the TypeScript toolchain', async () => {
    const tgz = await buildCli({ pack: true, web: false });
    expect(tgz).not.toBeNull();
    const prefix = mkdtempSync(join(tmpdir(), 'kubetrail-pkg-'));
    const nodedir = existsSync('/usr/include/node/node.h') ? { npm_config_nodedir: '/usr' } : {};
    const install = spawnSync(
      'npm',
      ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', tgz!],
      { cwd: prefix, encoding: 'utf8', env: { ...process.env, ...nodedir } },
    );
    expect(install.status, install.stderr).toBe(0);

    const modules = join(prefix, 'lib', 'node_modules');
    const installed = readdirSync(modules, { recursive: true, encoding: 'utf8' });
    expect(
      installed.some((p) => /(^|\/)node_modules\/(typescript|tsx)$/.test(p) || /^(typescript|tsx)$/.test(p)),
    ).toBe(false);

    // Only node and the installed package: PATH holds node's folder and the prefix's bin.
    const env = { PATH: `${join(prefix, 'bin')}:${dirname(process.execPath)}`, HOME: prefix, CI: '1' };
    const bin = join(prefix, 'bin', 'kubetrail');
    const help = spawnSync(bin, ['--help'], { cwd: prefix, encoding: 'utf8', env });
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/Usage: kubetrail/);
    expect(help.stdout).toMatch(/Exit codes:/);

    const db = join(prefix, 'data', 'k.db');
    const ingest = spawnSync(bin, ['ingest', join(CORPUS, 'audit2rbac/demo.log'), '--db', db, '--json'], {
      cwd: prefix,
      encoding: 'utf8',
      env,
    });
    expect(ingest.status, ingest.stderr).toBe(0);
    expect(JSON.parse(ingest.stdout)).toMatchObject({ status: 'ready' });
    const search = execFileSync(bin, ['search', 'pods', '--db', db, '-o', 'json'], { cwd: prefix, env });
    expect((JSON.parse(search.toString()) as { total: number }).total).toBeGreaterThan(0);
    // The repository's own command still runs the sources.
    const dev = spawnSync('pnpm', ['-s', 'kubetrail', '--version'], { cwd: ROOT, encoding: 'utf8' });
    expect(dev.status, dev.stderr).toBe(0);
  }, 600_000);
});
