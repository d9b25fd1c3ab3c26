import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { SearchResultSchema, type FileInfo, type ParsedRecord } from '@kubetrail/model';
import type { Store } from '@kubetrail/store';
import { createApp, type KubetrailApp } from '../app.ts';
import { parsedRecord, tempStore } from '../testing/seedBundle.ts';
import { workerRunner } from './queryRunner.ts';

const quiet = { info: () => undefined, error: () => undefined };
const open: { store: Store; app: KubetrailApp }[] = [];
afterEach(async () => {
  for (const { store, app } of open.splice(0)) {
    await app.locals.queries.close();
    store.close();
  }
});

const T0 = 1718019340_000_000_000n;
const FILE: FileInfo = {
  path: 'worker/kubelet.log',
  format: 'klog',
  wrapper: 'none',
  component: 'kubelet',
  node: 'worker',
  timeRule: 'full',
};

/** Long lines: a search that reads every line reads a lot. */
const FILLER = 'containerStatuses=[{"name":"web","ready":true,"restartCount":0}] '.repeat(8);

/** A bundle of `n` kubelet lines, in a file database (searches then run in a worker). */
function bigBundle(n: number, queryBudgetMs?: number) {
  const { store } = tempStore();
  store.beginBundle({ id: 'big', name: 'big', sizeBytes: 1 });
  const w = store.createWriter('big');
  const f = w.addFile(FILE);
  const batch: ParsedRecord[] = [];
  for (let i = 0; i < n; i++) {
    const message = `"SyncLoop (probe)" pod="ns-${i % 97}/web-${i}" status=ok probe=readiness result=success ${FILLER}`;
    batch.push(
      parsedRecord({
        line: i + 1,
        ts: T0 + BigInt(i) * 1_000_000n,
        message,
        raw: `I0610 11:35:40.000000 1 kubelet.go:2434] ${message}`,
      }),
    );
    if (batch.length === 10_000) w.addRecords(f, batch.splice(0));
  }
  w.addRecords(f, batch);
  w.finish();
  const app = createApp({ store, log: quiet, queryBudgetMs });
  open.push({ store, app });
  return app;
}

describe('searches run off the HTTP thread, bounded', () => {
  it('a slow search does not hold other requests', async () => {
    const app = bigBundle(150_000, 60_000);
    const search = (q: string) =>
      request(app)
        .get(`/api/bundles/big/records?q=${encodeURIComponent(q)}`)
        .expect(200);
    await search('web-1)'); // the worker is up
    // No match, and no line has all its words: every line is read and checked.
    const t0 = performance.now();
    let searchDone = 0;
    const slow = search('§ nothing like this §').then((res) => {
      searchDone = performance.now();
      return SearchResultSchema.parse(res.body);
    });
    // Health answers while the search runs: on the HTTP thread it would wait for the search.
    await request(app).get('/api/health').expect(200);
    const healthDone = performance.now();
    const result = await slow;
    expect(result).toMatchObject({ total: 0, partial: false });
    // On the HTTP thread the health check would be answered after the search, however fast; the
    // search reading every line also takes long enough that this order is not luck.
    expect(searchDone - t0, 'the search itself took a while').toBeGreaterThan(50);
    expect(healthDone).toBeLessThan(searchDone);
  });

  it('a search past its time budget answers with what it found and says it is partial', async () => {
    const app = bigBundle(150_000, 100);
    const t0 = performance.now();
    const res = SearchResultSchema.parse(
      (
        await request(app)
          .get(`/api/bundles/big/records?q=${encodeURIComponent('§ nowhere §')}`)
          .expect(200)
      ).body,
    );
    expect(res.partial).toBe(true);
    expect(performance.now() - t0).toBeLessThan(3_000);
  });

  it('stops a worker stuck past its budget: 503 search_timeout, and the next query gets a new worker', async () => {
    const { store, file } = tempStore();
    const runner = workerRunner(file, {
      budgetMs: 50,
      graceMs: 300,
      worker: { base: new URL('./testing/base.ts', import.meta.url).href, name: 'stuck.worker' },
    });
    try {
      const args = { bundleId: 'b', q: { q: 'x', mode: 'literal' as const, offset: 0, limit: 1 } };
      await expect(runner.run('search', args)).rejects.toMatchObject({ status: 503, code: 'search_timeout' });
      await expect(runner.run('search', args)).rejects.toMatchObject({ status: 503, code: 'search_timeout' });
    } finally {
      await runner.close();
      store.close();
    }
  });

  it('refuses more waiting searches than it queues, with 503 busy', async () => {
    const { store, file } = tempStore();
    const runner = workerRunner(file, {
      budgetMs: 50,
      graceMs: 500,
      maxQueue: 1,
      worker: { base: new URL('./testing/base.ts', import.meta.url).href, name: 'stuck.worker' },
    });
    try {
      const args = { bundleId: 'b', q: { q: 'x', mode: 'literal' as const, offset: 0, limit: 1 } };
      const first = runner.run('search', args); // running (stuck)
      const second = runner.run('search', args); // queued
      await expect(runner.run('search', args)).rejects.toMatchObject({ status: 503, code: 'busy' });
      await expect(first).rejects.toMatchObject({ code: 'search_timeout' });
      await expect(second).rejects.toMatchObject({ code: 'search_timeout' });
    } finally {
      await runner.close();
      store.close();
    }
  });
});
