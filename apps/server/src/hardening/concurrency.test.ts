/**
 * Two uploads at once while requests, timelines, searches and statuses are queried in a loop,
 * against a real temp SQLite file: no SQLITE_BUSY and no 5xx reaches a client, and queries are
 * answered while the ingests run. A CLI ingest into the same database file runs at the same time
 * (a second process writing).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleDetail, RequestList, UploadAccepted } from '@kubetrail/model';
import { openStore, type Store } from '@kubetrail/store';
import { createApp, ingestPaths, type KubetrailApp } from '../index.ts';
import {
  listenLoopback,
  quietLog,
  rawRequest,
  simBundle,
  spawnCli,
  tempDir,
  waitExit,
} from './hardeningKit.ts';

const MAX_ROUNDS = 400;

describe('concurrency: uploads while querying', () => {
  const tmp = tempDir('conc');
  let store: Store;
  let app: KubetrailApp;
  let port = 0;
  let close: () => Promise<void> = () => Promise.resolve();
  let seedId = '';
  let reqIds: string[] = [];
  let uploads: Buffer[] = [];
  let cliBundle = '';
  let dbFile = '';

  beforeAll(async () => {
    const seed = await simBundle(join(tmp.dir, 'seed.tar.gz'), {
      seed: 31,
      scenarios: ['complete', 'unschedulable'],
      noise: 60,
    });
    const a = await simBundle(join(tmp.dir, 'a.tar.gz'), { seed: 32, targetLines: 8_000, noise: 2000 });
    const b = await simBundle(join(tmp.dir, 'b.tar.gz'), {
      seed: 33,
      targetLines: 8_000,
      noise: 2000,
      logFormat: 'json',
    });
    cliBundle = (await simBundle(join(tmp.dir, 'c.tar.gz'), { seed: 34, targetLines: 8_000, noise: 2000 }))
      .file;
    uploads = [readFileSync(a.file), readFileSync(b.file)];
    dbFile = join(tmp.dir, 'db', 'kubetrail.db');
    store = openStore(dbFile);
    const r = await ingestPaths(store, [seed.file], { name: 'seed' });
    expect(r.status).toBe('ready');
    seedId = r.bundleId;
    reqIds = store.listRequests(seedId, { sort: 'time', offset: 0, limit: 10 }).requests.map((q) => q.reqId);
    expect(reqIds.length).toBeGreaterThan(0);
    app = createApp({ store, log: quietLog, ingestDir: join(tmp.dir, 'uploads') });
    ({ port, close } = await listenLoopback(app));
  }, 60_000);

  afterAll(async () => {
    await close();
    await app?.locals.idle();
    store?.close();
    tmp.remove();
  });

  it('never shows SQLITE_BUSY or a 5xx to a client', async () => {
    const failures: string[] = [];
    const check = (what: string, status: number, text: string): void => {
      if (status >= 500 || /SQLITE_BUSY|database is locked/i.test(text))
        failures.push(`${what} → ${status}: ${text.slice(0, 300)}`);
    };
    const post = (body: Buffer, name: string) =>
      rawRequest(port, 'POST', `/api/bundles?name=${name}`, {
        body,
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(body.length) },
        timeoutMs: 60_000,
      });
    // A third writer in another process: `kubetrail ingest` into the same database file.
    const cli = waitExit(spawnCli(['ingest', cliBundle, '--db', dbFile, '--json']));
    const [ra, rb] = await Promise.all([post(uploads[0]!, 'a'), post(uploads[1]!, 'b')]);
    check('upload a', ra.status, ra.text);
    check('upload b', rb.status, rb.text);
    expect(ra.status, ra.text).toBe(202);
    expect(rb.status, rb.text).toBe(202);
    const ids = [
      (JSON.parse(ra.text) as UploadAccepted).bundleId,
      (JSON.parse(rb.text) as UploadAccepted).bundleId,
    ];

    let sawIngesting = false;
    let done = false;
    let rounds = 0;
    for (; rounds < MAX_ROUNDS && !done; rounds++) {
      const reqId = reqIds[rounds % reqIds.length]!;
      const paths = [
        `/api/bundles`,
        `/api/bundles/${seedId}/requests?limit=50`,
        `/api/bundles/${seedId}/requests/${encodeURIComponent(reqId)}`,
        `/api/bundles/${seedId}/requests/${encodeURIComponent(reqId)}/timeline?width=800`,
        `/api/bundles/${seedId}/records?q=pod&limit=20`,
        `/api/bundles/${seedId}/histogram?buckets=60`,
        ...ids.map((id) => `/api/bundles/${id}`),
        ...ids.map((id) => `/api/bundles/${id}/requests?limit=20`),
      ];
      const results = await Promise.all(paths.map((p) => rawRequest(port, 'GET', p)));
      const statuses: string[] = [];
      results.forEach((res, k) => {
        check(`GET ${paths[k]}`, res.status, res.text);
        if (paths[k] === `/api/bundles/${ids[0]}` || paths[k] === `/api/bundles/${ids[1]}`) {
          const b = JSON.parse(res.text) as BundleDetail;
          statuses.push(b.status);
        }
      });
      if (statuses.includes('ingesting')) sawIngesting = true;
      done = statuses.length === 2 && statuses.every((s) => s !== 'ingesting');
      // The seed bundle's data must stay the same while others ingest.
      const list = JSON.parse(results[1]!.text) as RequestList;
      expect(list.requests.length).toBeGreaterThan(0);
    }
    await app.locals.idle();
    const cliDone = await cli;
    expect(cliDone.code, cliDone.stderr).toBe(0);
    const cliId = (JSON.parse(cliDone.stdout) as { bundleId: string }).bundleId;
    ids.push(cliId);
    expect(failures).toEqual([]);
    // A status answer that says `ingesting` is itself a query answered before that ingest finished
    // (uploads ingest in a worker, so the HTTP thread never waits for them).
    expect(sawIngesting, 'no query was answered while an upload was ingesting').toBe(true);
    for (const id of ids) {
      const b = store.getBundle(id);
      expect(b?.status, `${id}: ${b?.error ?? ''}`).toBe('ready');
      expect(b?.records).toBeGreaterThan(0);
    }
  }, 90_000);
});
