/**
 * Issue 12 item 3 and the kill/recover bloat: an ingest's liveness is real. A server started while
 * a CLI ingest runs leaves it alone (no "failed", no DELETE under its feet); an ingest killed while
 * the server runs reads failed at once and its content can be uploaded again, into a new key that
 * adopts nobody's rows; and kill/recover cycles do not grow the database file.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleDetail, UploadAccepted } from '@kubetrail/model';
import { openStore, type Store } from '@kubetrail/store';
import { bundleIdForPaths, startServer, type RunningServer } from '../index.ts';
import { quietLog, rawRequest, simBundle, spawnCli, tempDir, waitExit } from './hardeningKit.ts';

const W = { 'x-requested-by': 'kubetrail' };

/** Polls until `fn` returns a value, or fails after `ms`. */
async function until<T>(what: string, fn: () => T | null | undefined, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== null && v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** Records the bundle's key range holds, whatever the bundle row says. */
function rowsUnderKey(store: Store, id: string): number {
  const key = store.db
    .prepare<[string], { key: number }>('SELECT key FROM bundles WHERE id = ?')
    .get(id)!.key;
  const lo = BigInt(key) << 40n;
  return store.db
    .prepare<[bigint, bigint], { n: number }>('SELECT count(*) AS n FROM records WHERE rid BETWEEN ? AND ?')
    .get(lo, lo + (1n << 40n) - 1n)!.n;
}

describe('ingest liveness across processes', () => {
  const tmp = tempDir('liveness');
  let big = '';
  let bigId = '';
  let other = '';
  let otherId = '';
  let dbFile = '';
  let store: Store;
  let server: RunningServer | null = null;

  beforeAll(async () => {
    big = (await simBundle(join(tmp.dir, 'big.tar.gz'), { seed: 71, targetLines: 100_000, noise: 4000 }))
      .file;
    bigId = (await bundleIdForPaths([big])).id;
    other = (await simBundle(join(tmp.dir, 'other.tar.gz'), { seed: 72, targetLines: 60_000, noise: 2000 }))
      .file;
    otherId = (await bundleIdForPaths([other])).id;
    dbFile = join(tmp.dir, 'live.db');
    store = openStore(dbFile);
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    store?.close();
    tmp.remove();
  });

  it('a server started during a CLI ingest leaves it ingesting, refuses to delete it, and sees it finish', async () => {
    const cli = spawnCli(['ingest', big, '--db', dbFile, '--json']);
    const exited = waitExit(cli);
    await until('the CLI to begin the bundle', () =>
      (store.getBundle(bigId)?.progress?.records ?? 0) > 0 ? true : null,
    );
    server = await startServer({ dbFile, port: 0, log: quietLog });
    expect(cli.exitCode, 'the bundle is too small: the CLI finished before the server started').toBeNull();
    const status = JSON.parse(
      (await rawRequest(server.port, 'GET', `/api/bundles/${bigId}`)).text,
    ) as BundleDetail;
    expect(status.status).toBe('ingesting');
    const del = await rawRequest(server.port, 'DELETE', `/api/bundles/${bigId}`, { headers: W });
    expect(del.status).toBe(409);
    expect(cli.exitCode, 'the bundle is too small: the CLI finished before the checks').toBeNull();
    const done = await exited;
    expect(done.code, done.stderr.slice(-2000)).toBe(0);
    const report = JSON.parse(done.stdout) as { status: string; totals: { records: number } };
    expect(report.status).toBe('ready');
    const after = JSON.parse(
      (await rawRequest(server.port, 'GET', `/api/bundles/${bigId}`)).text,
    ) as BundleDetail;
    expect(after.status).toBe('ready');
    expect(after.records).toBe(report.totals.records);
    expect(rowsUnderKey(store, bigId)).toBe(report.totals.records);
  }, 180_000);

  it('an ingest killed while the server runs reads failed at once, and its content uploads again cleanly', async () => {
    const running = server!;
    const cli = spawnCli(['ingest', other, '--db', dbFile, '--json']);
    const exited = waitExit(cli);
    await until('the CLI to write records', () =>
      (store.getBundle(otherId)?.progress?.records ?? 0) > 0 ? true : null,
    );
    process.kill(-cli.pid!, 'SIGKILL');
    await exited;
    const deadKey = store.db
      .prepare<[string], { key: number }>('SELECT key FROM bundles WHERE id = ?')
      .get(otherId)!.key;

    // No restart: the next read finds the writer gone.
    const failed = JSON.parse(
      (await rawRequest(running.port, 'GET', `/api/bundles/${otherId}`)).text,
    ) as BundleDetail;
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/interrupted/);
    expect(rowsUnderKey(store, otherId)).toBe(0);

    // The same content again, through the running server: a fresh ingest under a new key.
    const body = readFileSync(other);
    const up = await rawRequest(running.port, 'POST', '/api/bundles?name=again', {
      body,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(up.status, up.text).toBe(202);
    expect((JSON.parse(up.text) as UploadAccepted).bundleId).toBe(otherId);
    await running.app.locals.idle();
    const again = JSON.parse(
      (await rawRequest(running.port, 'GET', `/api/bundles/${otherId}`)).text,
    ) as BundleDetail;
    expect(again.status, again.error ?? '').toBe('ready');
    const key = store.db
      .prepare<[string], { key: number }>('SELECT key FROM bundles WHERE id = ?')
      .get(otherId)!.key;
    expect(key).toBeGreaterThan(deadKey);
    expect(rowsUnderKey(store, otherId)).toBe(again.records);
    expect(again.records).toBe(again.report?.totals.records);
  }, 180_000);
});

describe('kill/recover cycles', () => {
  const tmp = tempDir('bloat');
  afterAll(() => tmp.remove());

  it('do not grow the database file: what a dead ingest wrote is deleted and its space reused', async () => {
    const dbFile = join(tmp.dir, 'cycles.db');
    openStore(dbFile).close();
    const sizes: number[] = [];
    for (let cycle = 0; cycle < 4; cycle++) {
      // Different content each time: a failed bundle of the same id would be replaced anyway.
      const { file } = await simBundle(join(tmp.dir, `c${cycle}.tar.gz`), {
        seed: 300 + cycle,
        targetLines: 40_000,
        noise: 1500,
      });
      const id = (await bundleIdForPaths([file])).id;
      const store = openStore(dbFile);
      try {
        const cli = spawnCli(['ingest', file, '--db', dbFile, '--json']);
        const exited = waitExit(cli);
        await until('records', () => ((store.getBundle(id)?.progress?.records ?? 0) >= 20_000 ? true : null));
        process.kill(-cli.pid!, 'SIGKILL');
        await exited;
        expect(store.recoverDeadIngests()).toEqual([id]);
        store.db.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        store.close();
      }
      sizes.push(statSync(dbFile).size);
    }
    // Each killed ingest wrote ≥ 20 000 records; kept, they grew the file every cycle.
    expect(sizes[3]!, sizes.join(' ')).toBeLessThanOrEqual(sizes[0]! * 1.5);
  }, 240_000);
});
