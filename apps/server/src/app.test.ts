import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ApiErrorSchema,
  BundleDetailSchema,
  BundleListSchema,
  HealthSchema,
  HistogramSchema,
  RecordDetailSchema,
  RequestListSchema,
  RequestSchema,
  SearchResultSchema,
  TimelineSchema,
} from '@kubetrail/model';
import { openStore, type Store } from '@kubetrail/store';
import { createApp, type CreateAppOptions } from './app.ts';
import { CONTENT_SECURITY_POLICY } from './http/securityHeaders.ts';
import { SEED, seedBundle, tempStore } from './testing/seedBundle.ts';

const quiet = { info: () => undefined, error: () => undefined };
const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

function setup(opts: Partial<CreateAppOptions> = {}, seed = true) {
  const { store, dir } = tempStore();
  stores.push(store);
  if (seed) seedBundle(store);
  const app = createApp({ store, log: quiet, ...opts });
  return { app, store, dir };
}

const B = `/api/bundles/${SEED.bundleId}`;
const R = `${B}/requests/${SEED.reqId}`;

function expectError(res: request.Response, status: number, code?: string) {
  expect(res.status).toBe(status);
  const body = ApiErrorSchema.parse(res.body);
  if (code) expect(body.error.code).toBe(code);
  expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/); // never a stack trace
  return body;
}

describe('health and headers', () => {
  it('answers health with strict security headers', async () => {
    const { app } = setup({}, false);
    const res = await request(app).get('/api/health').expect(200);
    expect(HealthSchema.parse(res.body).status).toBe('ok');
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('answers unknown API routes with JSON 404', async () => {
    const { app } = setup({}, false);
    expectError(await request(app).get('/api/nope'), 404, 'not_found');
    expectError(await request(app).post('/api/health').set('X-Requested-By', 'kubetrail'), 404, 'not_found');
  });

  it('turns a malformed JSON body into 400', async () => {
    const { app } = setup({}, false);
    const res = await request(app).post('/api/health').set('Content-Type', 'application/json').send('{"a":');
    expectError(res, 400, 'invalid_json');
  });

  it('answers an empty OTLP export with {} and refuses other media types', async () => {
    const { app } = setup({}, false);
    const ok = await request(app).post('/v1/traces').send({});
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({});
    expectError(
      await request(app).post('/v1/traces').set('Content-Type', 'application/xml').send('<x/>'),
      415,
      'unsupported_media_type',
    );
    // text/plain is what a foreign page may post without asking: refused before the route.
    expectError(
      await request(app).post('/v1/traces').set('Content-Type', 'text/plain').send('x'),
      403,
      'write_header_required',
    );
  });
});

describe('bundles', () => {
  it('lists and shows bundles', async () => {
    const { app } = setup();
    const list = BundleListSchema.parse((await request(app).get('/api/bundles').expect(200)).body);
    expect(list.bundles.map((b) => b.id)).toEqual([SEED.bundleId]);
    const detail = BundleDetailSchema.parse((await request(app).get(B).expect(200)).body);
    expect(detail.status).toBe('ready');
    expect(detail.records).toBe(67);
    expect(detail.requests).toBe(2);
  });

  it('404s unknown bundles everywhere', async () => {
    const { app } = setup();
    for (const path of [
      '/api/bundles/bnope',
      '/api/bundles/bnope/requests',
      `/api/bundles/bnope/requests/${SEED.reqId}`,
      `/api/bundles/bnope/requests/${SEED.reqId}/timeline`,
      '/api/bundles/bnope/records?q=x',
      '/api/bundles/bnope/records/1',
      '/api/bundles/bnope/histogram',
    ]) {
      expectError(await request(app).get(path), 404);
    }
    expectError(await request(app).delete('/api/bundles/bnope').set('X-Requested-By', 'kubetrail'), 404);
  });

  it('answers 503 with Retry-After, not 500, when an ingest holds the write lock', async () => {
    const { file, store: first } = tempStore();
    first.close();
    const store = openStore(file, { busyTimeoutMs: 50 });
    stores.push(store);
    seedBundle(store);
    const app = createApp({ store, log: quiet });
    const ingest = openStore(file);
    ingest.db.exec('BEGIN IMMEDIATE'); // what a writing ingest holds
    try {
      const res = await request(app).delete(B).set('X-Requested-By', 'kubetrail');
      expectError(res, 503, 'busy');
      expect(res.headers['retry-after']).toBe('5');
      // Reads go on while it writes (WAL).
      await request(app).get(`${B}/requests`).expect(200);
    } finally {
      ingest.db.exec('ROLLBACK');
      ingest.close();
    }
    await request(app).delete(B).set('X-Requested-By', 'kubetrail').expect(204);
  });

  it('deletes a bundle with everything it owns', async () => {
    const { app } = setup();
    await request(app).delete(B).set('X-Requested-By', 'kubetrail').expect(204);
    expectError(await request(app).get(B), 404);
    expect(BundleListSchema.parse((await request(app).get('/api/bundles')).body).bundles).toEqual([]);
  });
});

describe('requests', () => {
  it('lists, filters and pages requests', async () => {
    const { app } = setup();
    const all = RequestListSchema.parse((await request(app).get(`${B}/requests`).expect(200)).body);
    expect(all.total).toBe(2);
    const failed = RequestListSchema.parse(
      (await request(app).get(`${B}/requests?outcome=failed`).expect(200)).body,
    );
    expect(failed.requests.map((r) => r.reqId)).toEqual([SEED.reqId]);
    const page = RequestListSchema.parse(
      (await request(app).get(`${B}/requests?limit=1&offset=1`).expect(200)).body,
    );
    expect(page.requests).toHaveLength(1);
    expect(page.total).toBe(2);
  });

  it('hides system requests unless asked (system=include|only), and says how many it hid', async () => {
    const { app, store } = setup();
    store.db.prepare('UPDATE requests SET system = 1 WHERE req_id = ?').run(SEED.otherReqId);
    const users = RequestListSchema.parse((await request(app).get(`${B}/requests`).expect(200)).body);
    expect(users.requests.map((r) => r.reqId)).toEqual([SEED.reqId]);
    expect(users.systemHidden).toBe(1);
    const all = RequestListSchema.parse(
      (await request(app).get(`${B}/requests?system=include`).expect(200)).body,
    );
    expect(all.total).toBe(2);
    const only = RequestListSchema.parse(
      (await request(app).get(`${B}/requests?system=only`).expect(200)).body,
    );
    expect(only.requests.map((r) => r.reqId)).toEqual([SEED.otherReqId]);
    expectError(await request(app).get(`${B}/requests?system=yes`), 400, 'invalid_input');
  });

  it('refuses bad filters with 400', async () => {
    const { app } = setup();
    expectError(await request(app).get(`${B}/requests?outcome=maybe`), 400, 'invalid_input');
    expectError(await request(app).get(`${B}/requests?limit=0`), 400);
    expectError(await request(app).get(`${B}/requests?limit=abc`), 400);
    expectError(await request(app).get(`${B}/requests?from=yesterday`), 400);
    expectError(await request(app).get(`${B}/requests?since=yesterday`), 400);
    expectError(await request(app).get(`${B}/requests?outcome=failed&outcome=complete`), 400);
  });

  it('shows one request, 404 for an unknown one', async () => {
    const { app } = setup();
    const r = RequestSchema.parse((await request(app).get(R).expect(200)).body);
    expect(r.targets[0]?.stoppedAt?.stage).toBe('volumes-ready');
    expect(r.records).toBe(65);
    expectError(await request(app).get(`${B}/requests/nope`), 404, 'not_found');
  });
});

describe('timeline', () => {
  it('builds lanes, marks, API calls, spans and stage marks', async () => {
    const { app } = setup();
    const tl = TimelineSchema.parse((await request(app).get(`${R}/timeline`).expect(200)).body);
    expect(tl.origin).toBe(SEED.start);
    expect(tl.extent).toEqual({ from: 0, to: 2200 });
    expect(tl.lanes.map((l) => l.id)).toEqual([
      'client',
      'kube-apiserver',
      'kube-controller-manager/deployment-controller',
      'kube-controller-manager/replicaset-controller',
      'kubelet/worker-2',
    ]);
    expect(tl.buckets).toEqual([]);
    expect(tl.marks).toHaveLength(65);
    const err = tl.marks.find((m) => m.recordId === 64);
    expect(err).toMatchObject({ lane: 'kubelet/worker-2', severity: 'error', t: 2100, linkKind: 'inferred' });
    expect(tl.marks.find((m) => m.recordId === 65)?.lane).toBe('kubelet/worker-2');
    expect(tl.apiCalls).toHaveLength(2);
    expect(tl.apiCalls[0]).toMatchObject({
      lane: 'client',
      verb: 'create',
      resource: 'deployments',
      t0: 0,
      t1: 12.5,
      code: 201,
    });
    expect(tl.apiCalls[1]?.lane).toBe('kube-controller-manager/deployment-controller');
    expect(tl.spans.map((s) => [s.name, s.depth, s.critical, s.lane])).toEqual([
      ['HTTP POST', 0, true, 'kube-apiserver'],
      ['etcd txn', 1, true, 'kube-apiserver'],
    ]);
    expect(tl.stageMarks.find((s) => s.stage === 'volumes-ready')).toMatchObject({
      status: 'failed',
      t: 2100,
      recordId: 64,
    });
  });

  it('frames the operation (until its ladder settled) and keeps later lines reachable', async () => {
    const { app, store } = setup();
    // The operation settled 500 ms in; its last stage is at 2.1 s, its last line at 2.2 s.
    store.db
      .prepare("UPDATE requests SET body = json_set(body, '$.endedAt', ?) WHERE req_id = ?")
      .run('2024-06-10T11:35:38.620000000Z', SEED.reqId);
    const tl = TimelineSchema.parse((await request(app).get(`${R}/timeline`).expect(200)).body);
    expect(tl.activity).toEqual({ from: 0, to: 2100 });
    expect(tl.extent).toEqual({ from: 0, to: 2200 });
    expect(tl.marks.some((m) => m.recordId === 65)).toBe(true);
  });

  it('buckets a dense lane when the width is small, keeping the worst line as representative', async () => {
    const { app } = setup();
    const tl = TimelineSchema.parse((await request(app).get(`${R}/timeline?width=20`).expect(200)).body);
    const kubelet = tl.buckets.filter((b) => b.lane === 'kubelet/worker-2');
    expect(kubelet.length).toBeGreaterThan(0);
    expect(kubelet.length).toBeLessThanOrEqual(10);
    expect(kubelet.reduce((n, b) => n + b.count, 0)).toBe(SEED.noise + 2);
    const worst = kubelet.find((b) => b.worst === 'error');
    expect(worst?.recordId).toBe(64);
    expect(tl.marks.some((m) => m.lane === 'kubelet/worker-2')).toBe(false);
    expect(tl.marks.some((m) => m.lane === 'client')).toBe(true);
  });

  it('windows and filters', async () => {
    const { app } = setup();
    const tl = TimelineSchema.parse(
      (await request(app).get(`${R}/timeline?from=2000&to=2150`).expect(200)).body,
    );
    expect(tl.from).toBe(2000);
    expect(tl.marks.map((m) => m.recordId)).toEqual([64]);
    const errs = TimelineSchema.parse(
      (await request(app).get(`${R}/timeline?errorsOnly=1`).expect(200)).body,
    );
    expect(errs.marks.map((m) => m.recordId)).toEqual([64]);
  });

  it('refuses bad parameters and unknown requests', async () => {
    const { app } = setup();
    expectError(await request(app).get(`${R}/timeline?width=abc`), 400);
    expectError(await request(app).get(`${R}/timeline?width=5`), 400);
    expectError(await request(app).get(`${R}/timeline?from=10&to=5`), 400);
    expectError(await request(app).get(`${B}/requests/nope/timeline`), 404);
  });
});

describe('records', () => {
  it('searches with FTS and links hits to their requests', async () => {
    const { app } = setup();
    const res = SearchResultSchema.parse((await request(app).get(`${B}/records?q=timed`).expect(200)).body);
    expect(res.total).toBeGreaterThanOrEqual(1);
    expect(res.hits[0]?.record.id).toBe(64);
    expect(res.hits[0]?.reqIds).toEqual([SEED.reqId]);
    expect(res.hits[0]?.snippet).toContain('\u0002');
  });

  it('turns FTS syntax errors and missing q into 400, not 500', async () => {
    const { app } = setup();
    const fts = (q: string) => `${B}/records?mode=fts&q=${encodeURIComponent(q)}`;
    expectError(await request(app).get(fts('"unbalanced')), 400);
    expectError(await request(app).get(fts('AND OR (')), 400);
    expectError(await request(app).get(fts(Array(80).fill('a*').join(' OR '))), 400, 'bad_query');
    expectError(await request(app).get(`${B}/records?q=x&mode=regex`), 400, 'invalid_input');
    expectError(await request(app).get(`${B}/records`), 400, 'invalid_input');
    expectError(await request(app).get(`${B}/records?q=x&limit=9999`), 400);
  });

  it('shows a record with neighbours, links and related requests', async () => {
    const { app } = setup();
    const d = RecordDetailSchema.parse((await request(app).get(`${B}/records/64`).expect(200)).body);
    expect(d.record.message).toContain('timed out');
    expect(d.neighbours.map((r) => r.id)).toContain(64);
    expect(d.neighbours.every((r) => r.file === 'worker-2/kubelet.log')).toBe(true);
    expect(d.links).toEqual([{ reqId: SEED.reqId, kind: 'inferred', evidence: 'pod shop/nginx-7d4-abcde' }]);
    expectError(await request(app).get(`${B}/records/99999`), 404);
    expectError(await request(app).get(`${B}/records/abc`), 404);
    expectError(await request(app).get(`${B}/records/-1`), 404);
  });
});

describe('histogram', () => {
  it('counts per bucket and severity, for the bundle and for a request', async () => {
    const { app } = setup();
    const h = HistogramSchema.parse((await request(app).get(`${B}/histogram?buckets=10`).expect(200)).body);
    expect(h.buckets).toHaveLength(10);
    const sum = (x: typeof h) =>
      x.buckets.reduce((n, b) => n + Object.values(b.counts).reduce((a, c) => a + c, 0), 0);
    expect(sum(h)).toBe(67);
    const hr = HistogramSchema.parse(
      (await request(app).get(`${B}/histogram?buckets=5&reqId=${SEED.reqId}`).expect(200)).body,
    );
    expect(sum(hr)).toBe(65);
  });

  it('refuses bad parameters', async () => {
    const { app } = setup();
    expectError(await request(app).get(`${B}/histogram?buckets=0`), 400);
    expectError(await request(app).get(`${B}/histogram?from=notatime`), 400);
    expectError(await request(app).get(`${B}/histogram?reqId=nope`), 404);
  });
});

describe('web app', () => {
  it('explains how to build when there is no build', async () => {
    const { app } = setup({ webDist: '/nonexistent/dist' }, false);
    const res = await request(app).get('/').expect(200);
    expect(res.text).toContain('pnpm build');
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  });

  it('serves the build with an SPA fallback and refuses traversal', async () => {
    const { dir } = tempStore();
    const dist = join(dir, 'dist');
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(dir, 'secret.txt'), 'secret');
    const { app } = setup({ webDist: dist }, false);
    expect((await request(app).get('/').expect(200)).text).toContain('root');
    expect((await request(app).get('/bundles/b1/requests/r1?from=1').expect(200)).text).toContain('root');
    const js = await request(app).get('/assets/app.js').expect(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['x-content-type-options']).toBe('nosniff');
    await request(app).get('/assets/missing.js').expect(404);
    for (const p of ['/%2e%2e/secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
      const res = await request(app).get(p);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.text).not.toContain('secret');
    }
    expectError(await request(app).get('/api/whatever'), 404);
  });
});
