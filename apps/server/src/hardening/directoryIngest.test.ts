/**
 * Issue 12 item 9: a directory ingest goes on past an unreadable file, a file name that is not
 * UTF-8 and a tree deeper than the system's path limit; each is a report line, the rest ingests.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestReport } from '@kubetrail/model';
import { openStore } from '@kubetrail/store';
import { bundleIdForPaths } from '../index.ts';
import { CLI, REPO_ROOT, tempDir, waitExit } from './hardeningKit.ts';

const klog = (word: string): string =>
  `I0610 11:35:40.244334    2301 kubelet.go:2345] "SyncLoop ADD" source="api" marker=${word}\n`;
/** Root reads any file: the CLI runs as `nobody` then, so that a mode-000 file is really unreadable. */
const AS_ROOT = process.getuid?.() === 0;
const NOBODY = 65534;

describe('directory ingest robustness', () => {
  const tmp = tempDir('dirs');
  const root = join(tmp.dir, 'bundle');
  const deepRel = Array.from({ length: 230 }, () => 'd'.repeat(20)).join('/');

  beforeAll(() => {
    mkdirSync(join(root, 'kind-worker'), { recursive: true });
    writeFileSync(join(root, 'kind-worker', 'kubelet.log'), klog('goodfile'));
    // A name with bytes that are not UTF-8 (ISO-8859-1 "caf\xe9" and a stray 0xff).
    writeFileSync(Buffer.from(`${root}/kind-worker/caf\xe9-\xff.log`, 'latin1'), klog('latinname'));
    const locked = join(root, 'kind-worker', 'locked.log');
    writeFileSync(locked, klog('lockedfile'));
    chmodSync(locked, 0o000);
    // Deeper than PATH_MAX (4096): built with relative mkdir/cd, as only the shell can.
    const made = spawnSync(
      'bash',
      [
        '-c',
        `cd "$1" && for i in $(seq 230); do mkdir dddddddddddddddddddd && cd dddddddddddddddddddd; done && printf '%s' "$2" > deep.log`,
        'bash',
        root,
        klog('deepfile'),
      ],
      { encoding: 'utf8' },
    );
    expect(made.status, made.stderr).toBe(0);
    chmodSync(tmp.dir, 0o777);
  });

  afterAll(() => {
    // Node's rm cannot reach past the path limit; rm -rf walks with relative opens.
    spawnSync('rm', ['-rf', root]);
    tmp.remove();
  });

  it('computes the bundle id of such a tree (it threw "unexpected error")', async () => {
    const a = await bundleIdForPaths([root]);
    const b = await bundleIdForPaths([root]);
    expect(a.id).toBe(b.id);
  });

  it('reports each unreadable path and ingests the rest', async () => {
    const db = join(tmp.dir, 'dirs.db');
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'ingest', root, '--db', db, '--json'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(AS_ROOT ? { uid: NOBODY, gid: NOBODY } : {}),
    });
    const done = await waitExit(child);
    expect(done.code, done.stderr.slice(-3000)).toBe(0);
    const report = JSON.parse(done.stdout) as IngestReport & { bundleId: string; status: string };
    expect(report.status).toBe('ready');
    const reasons = report.files.filter((f) => f.error).map((f) => `${f.path}: ${f.error}`);
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^kind-worker\/locked\.log: permission denied/),
        expect.stringMatching(/^d{20}\/d{20}\/.*: path too long to read/),
      ]) as unknown,
    );
    expect(report.files.map((f) => f.path)).toContain('kind-worker/caf\ufffd-\ufffd.log');
    const store = openStore(db);
    try {
      for (const word of ['goodfile', 'latinname'])
        expect(store.searchRecords(report.bundleId, { q: word, offset: 0, limit: 1 }).total, word).toBe(1);
      expect(store.searchRecords(report.bundleId, { q: 'lockedfile', offset: 0, limit: 1 }).total).toBe(0);
    } finally {
      store.close();
    }
    expect(deepRel.length).toBeGreaterThan(4096);
  }, 120_000);
});
