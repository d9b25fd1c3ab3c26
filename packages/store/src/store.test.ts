import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { FileInfo, ParsedRecord, Request, RequestsQuery } from '@kubetrail/model';
import { loadMigrations, migrate } from './migrate.ts';
import { StoreError } from './storeError.ts';
import { INGEST_BUSY_TIMEOUT_MS, openStore, type Store } from './store.ts';
import { SEARCH_SQL, SQL, TIMELINE_SQL } from './sql.ts';

const T0 = 1718019340_000_000_000n; // 2024-06-10T11:35:40Z

function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), 'kubetrail-store-')), 'test.db');
}

function rec(line: number, message: string, extra: Partial<ParsedRecord> = {}): ParsedRecord {
  return {
    line,
    lineCount: 1,
    ts: T0 + BigInt(line) * 1_000_000n,
    severity: 'info',
    kind: 'log',
    format: 'klog',
    component: null,
    node: null,
    caller: 'kubelet.go:1',
    message,
    fields: { n: line },
    raw: `I0610 11:35:40.000000 1 kubelet.go:1] ${message}`,
    reqId: null,
    auditId: null,
    traceId: null,
    spanId: null,
    ...extra,
  };
}

const FILE: FileInfo = {
  path: 'kind-worker/kubelet.log',
  format: 'klog',
  wrapper: 'journald',
  component: 'kubelet',
  node: 'kind-worker',
  timeRule: 'wrapper',
};

function loadBundle(store: Store, id: string, messages: string[]): void {
  store.beginBundle({ id, name: id, sizeBytes: 100 });
  const w = store.createWriter(id);
  const fileId = w.addFile(FILE);
  w.addRecords(
    fileId,
    messages.map((m, i) => rec(i + 1, m, i === 1 ? { severity: 'error' } : {})),
  );
  w.finishFile(fileId, {
    ...FILE,
    bytes: 100,
    lines: messages.length,
    records: messages.length,
    skipped: 0,
    error: null,
  });
  w.finish();
}

function request(reqId: string, name: string, outcome: Request['outcome']): Request {
  return {
    reqId,
    idKind: 'audit',
    auditIds: [reqId],
    user: 'alice',
    impersonatedUser: null,
    userAgent: 'kubectl/v1.30.0',
    sourceIps: ['10.0.0.7'],
    startedAt: '2024-06-10T11:35:40.000000000Z',
    endedAt: '2024-06-10T11:35:41.000000000Z',
    outcome,
    code: 201,
    records: 0,
    system: false,
    targets: [
      {
        verb: 'create',
        resource: 'deployments',
        namespace: 'shop',
        name,
        uid: null,
        operation: 'create-deployment',
        outcome,
        stages: [],
        stoppedAt: null,
      },
    ],
  };
}

/** Bundle b1 (three lines) correlated into two requests: r1 (lines 0, 1) and r2 by bob (line 2). */
function correlatedBundle(store: Store): void {
  loadBundle(store, 'b1', ['one', 'two', 'three']);
  store.saveCorrelation('b1', (sink) => {
    sink.link({ recordId: 0, reqId: 'r1', kind: 'audit', evidence: 'audit-ID=r1' });
    sink.link({ recordId: 1, reqId: 'r1', kind: 'inferred', evidence: 'pod shop/web-1' });
    sink.link({ recordId: 2, reqId: 'r2', kind: 'inferred', evidence: 'pod blog/web-2' });
    return {
      requests: [request('r1', 'web', 'failed'), { ...request('r2', 'web-api', 'complete'), user: 'bob' }],
      objects: [
        { reqId: 'r1', object: 'node kind-worker' },
        { reqId: 'r2', object: 'node kind-worker' },
      ],
    };
  });
}

const report = (records: number) => ({
  files: [],
  totals: { files: 1, lines: records, records, skipped: 0, spans: 0, requests: 0 },
  components: ['kubelet'],
  nodes: ['kind-worker'],
  skips: [],
  notes: [],
  timeRange: null,
  durationMs: 1,
});

describe('store', () => {
  it('applies migrations once and refuses a database whose history drifted', () => {
    const file = tempDb();
    openStore(file).close();
    openStore(file).close(); // idempotent
    const raw = new Database(file);
    raw.prepare("UPDATE schema_migrations SET checksum = 'edited' WHERE id = 1").run();
    raw.close();
    expect(() => openStore(file)).toThrow(StoreError);
    expect(() => openStore(file)).toThrow(/does not match/);
  });

  it('migrates a database from the first schema: time order, histogram and key/value search work', () => {
    const file = tempDb();
    const [first] = loadMigrations();
    const old = new Database(file);
    migrate(old, [first!]);
    old
      .prepare(
        `INSERT INTO bundles (key, id, name, status, created_at) VALUES (3, 'old', 'old', 'ready', 'x')`,
      )
      .run();
    const insert = old.prepare(
      `INSERT INTO records (rid, file_id, line, ts, severity, kind, format, component, message, raw)
       VALUES (?, 0, ?, ?, ?, ?, 'klog', 'kubelet', 'm', 'm')`,
    );
    insert.run((3n << 40n) + 0n, 1, T0 + 2_000_000_000n, 0, 'log');
    insert.run((3n << 40n) + 1n, 2, T0, 3, 'audit');
    insert.run((3n << 40n) + 2n, 3, null, 0, 'log');
    old.prepare(`UPDATE records SET fields = '{"pod":"shop/web-1"}' WHERE rid = ?`).run(3n << 40n);
    old.prepare(`UPDATE bundles SET fts_built = 1`).run();
    old.prepare(`INSERT INTO files (bundle, file_id, path) VALUES (3, 0, 'kubelet.log')`).run();
    old.prepare(`INSERT INTO records_fts (rowid, message) SELECT rid, message FROM records`).run();
    old.close();

    const store = openStore(file);
    const times = store.db
      .prepare('SELECT ts, rid & 1099511627775 AS id, severity, is_log FROM record_times WHERE bundle = 3')
      .safeIntegers(true)
      .all();
    expect(times).toEqual([
      { ts: -9223372036854775808n, id: 2n, severity: 0n, is_log: 1n },
      { ts: T0, id: 1n, severity: 3n, is_log: 0n },
      { ts: T0 + 2_000_000_000n, id: 0n, severity: 0n, is_log: 1n },
    ]);
    const h = store.histogram('old', { buckets: 2 });
    expect(h.from).toBe('2024-06-10T11:35:40.000000000Z');
    expect(h.buckets.map((b) => [b.counts.error, b.counts.debug])).toEqual([
      [1, 0],
      [0, 1],
    ]);
    // Migration 0005 re-indexed the bundle with its log lines' key/values.
    expect(
      store.searchRecords('old', { q: 'web-1', offset: 0, limit: 5 }).hits.map((h) => h.record.id),
    ).toEqual([0]);
    store.db.prepare("INSERT INTO records_fts(records_fts) VALUES ('integrity-check')").run();
    store.close();
  });

  it('keeps an audit record text once when its raw lines rebuild the merged event', () => {
    const store = openStore(tempDb());
    store.beginBundle({ id: 'a', name: 'a', sizeBytes: 1 });
    const w = store.createWriter('a');
    const fileId = w.addFile({ ...FILE, path: 'audit.log', format: 'audit', component: 'kube-apiserver' });
    const ev = { kind: 'Event', auditID: 'x-1', verb: 'get', user: { username: 'alice' } };
    const raw = [
      JSON.stringify({ ...ev, stage: 'RequestReceived' }),
      JSON.stringify({ ...ev, stage: 'ResponseComplete', responseStatus: { code: 200 } }),
    ].join('\n');
    const fields = {
      ...ev,
      stage: 'ResponseComplete',
      responseStatus: { code: 200 },
      stages: ['RequestReceived', 'ResponseComplete'],
      stageTimestamps: {},
    };
    const audit = (fieldsInRaw: boolean) =>
      rec(1, 'get', { kind: 'audit', format: 'audit', auditId: 'x-1', raw, fields, fieldsInRaw });
    w.addRecords(fileId, [audit(true), audit(false)]);
    w.finish();
    const stored = store.db.prepare('SELECT fields IS NULL AS none FROM records ORDER BY rid').all();
    expect(stored).toEqual([{ none: 1 }, { none: 0 }]);
    expect(store.getRecord('a', 0)?.fields).toEqual(fields);
    expect(store.getRecord('a', 0)?.raw).toBe(raw);
    const source = store.correlationSource('a');
    expect([...source.records({ kinds: ['audit'] })].map((r) => r.fields)).toEqual([fields, fields]);
    source.close();
    store.close();
  });

  it('waits 10 s for a write lock by default, and as long as an ingest is told to', () => {
    const file = tempDb();
    const http = openStore(file);
    const ingest = openStore(file, { busyTimeoutMs: INGEST_BUSY_TIMEOUT_MS });
    expect(http.db.pragma('busy_timeout', { simple: true })).toBe(10_000);
    expect(ingest.db.pragma('busy_timeout', { simple: true })).toBe(INGEST_BUSY_TIMEOUT_MS);
    http.close();
    ingest.close();
  });

  it('builds the full-text index in a worker, a transaction per step, and deletes a partial one cleanly', async () => {
    const store = openStore(tempDb());
    for (const id of ['whole', 'partial']) {
      store.beginBundle({ id, name: id, sizeBytes: 1 });
      const w = store.createWriter(id);
      const fileId = w.addFile(FILE);
      w.addRecords(
        fileId,
        ['alpha one', 'alpha two', 'beta three', 'alpha four', 'gamma five'].map((m, i) => rec(i + 1, m)),
      );
      w.finishRecords();
    }
    await store.buildFts('whole', { step: 2 });
    const bundle = store.db.prepare(
      "SELECT fts_built, fts_upto & 1099511627775 AS upto FROM bundles WHERE id = 'whole'",
    );
    expect(bundle.get()).toEqual({ fts_built: 1, upto: 4 });
    expect(
      store.searchRecords('whole', { q: 'alpha', offset: 0, limit: 10 }).hits.map((h) => h.record.id),
    ).toEqual([0, 1, 3]);
    // An interrupted build: the first two records indexed, the bundle not marked complete.
    const key =
      (store.db.prepare("SELECT key FROM bundles WHERE id = 'partial'").pluck().get() as number) * 2 ** 40;
    store.db
      .prepare(
        'INSERT INTO records_fts (rowid, message, log_fields) SELECT rid, message, log_fields FROM records WHERE rid BETWEEN ? AND ?',
      )
      .run(key, key + 1);
    store.db.prepare("UPDATE bundles SET fts_upto = ? WHERE id = 'partial'").run(key + 1);
    expect(store.deleteBundle('partial')).toBe(true);
    // Keys are never reused (migration 0007); index entries left behind would still fail the
    // integrity check below (an entry whose content row is gone).
    store.beginBundle({ id: 'next', name: 'next', sizeBytes: 1 });
    const w = store.createWriter('next');
    w.addRecords(w.addFile(FILE), [rec(1, 'omega one'), rec(2, 'omega two')]);
    w.finish();
    expect(store.db.prepare("SELECT key FROM bundles WHERE id = 'next'").pluck().get()).toBeGreaterThan(
      key / 2 ** 40,
    );
    expect(store.searchRecords('next', { q: 'alpha', offset: 0, limit: 10 }).total).toBe(0);
    expect(store.searchRecords('next', { q: 'omega', offset: 0, limit: 10 }).total).toBe(2);
    expect(store.deleteBundle('whole')).toBe(true);
    store.db.prepare("INSERT INTO records_fts(records_fts) VALUES ('integrity-check')").run();
    store.close();
  });

  it("searches log lines' key/values too, and says where the match is", () => {
    const store = openStore(tempDb());
    store.beginBundle({ id: 'kv', name: 'kv', sizeBytes: 1 });
    const w = store.createWriter('kv');
    const fileId = w.addFile(FILE);
    w.addRecords(fileId, [
      rec(1, 'SyncLoop ADD', { fields: { source: 'api', pods: ['shop/web-7d4b9c5f6-abcde'] } }),
      rec(2, 'Killing container web-7d4b9c5f6-abcde', { fields: null }),
      rec(3, 'web-2 started', {
        kind: 'event',
        format: 'k8s-event',
        fields: { note: 'web-7d4b9c5f6-abcde' },
      }),
    ]);
    w.finish();
    const r = store.searchRecords('kv', { q: 'web-7d4b9c5f6-abcde', offset: 0, limit: 10 });
    // Record 0 by its key/values, record 1 by its message; the Event's fields are not indexed.
    expect(r.hits.map((h) => h.record.id)).toEqual([0, 1]);
    expect(r.hits[0]!.snippet).toBe(
      'SyncLoop ADD  {"source":"api","pods":["shop/\u0002web-7d4b9c5f6-abcde\u0003"]}',
    );
    expect(r.hits[1]!.snippet).toBe('Killing container \u0002web-7d4b9c5f6-abcde\u0003');
    expect(store.deleteBundle('kv')).toBe(true);
    store.db.prepare("INSERT INTO records_fts(records_fts) VALUES ('integrity-check')").run();
    store.close();
  });

  it('stores records with bundle-local ids and finds them by full-text search', () => {
    const store = openStore(tempDb());
    loadBundle(store, 'b1', [
      '"SyncLoop ADD" source="api" pods=["shop/web-7d4b9c5f6-abcde"]',
      'Unable to attach or mount volumes: timed out waiting for the condition',
      'housekeeping',
    ]);
    store.finishBundle('b1', report(3));
    expect(store.getBundle('b1')).toMatchObject({ status: 'ready', records: 3 });
    expect(store.getRecord('b1', 1)).toMatchObject({
      id: 1,
      line: 2,
      severity: 'error',
      file: 'kind-worker/kubelet.log',
      ts: '2024-06-10T11:35:40.002000000Z',
      component: 'kubelet',
      node: 'kind-worker',
    });
    const hits = store.searchRecords('b1', { q: 'web-7d4b9c5f6-abcde', offset: 0, limit: 10 });
    expect(hits.total).toBe(1);
    expect(hits.hits[0]?.record.id).toBe(0);
    expect(hits.hits[0]?.snippet).toContain('\u0002');
    expect(store.searchRecords('b1', { q: 'timed out', offset: 0, limit: 10 }).total).toBe(1);
    expect(store.searchRecords('b1', { q: 'nothing-like-this', offset: 0, limit: 10 }).total).toBe(0);
    store.close();
  });

  it('reports an FTS syntax error as bad_query, not a crash', () => {
    const store = openStore(tempDb());
    loadBundle(store, 'b1', ['hello world']);
    expect(() => store.searchRecords('b1', { q: '"unbalanced', mode: 'fts', offset: 0, limit: 10 })).toThrow(
      expect.objectContaining({ code: 'bad_query' }) as Error,
    );
    store.close();
  });

  it('deletes a bundle with everything it owns and leaves the others intact', () => {
    const file = tempDb();
    const store = openStore(file);
    loadBundle(store, 'keep', ['alpha one', 'alpha two']);
    loadBundle(store, 'drop', ['alpha three']);
    store.saveCorrelation('drop', (sink) => {
      sink.link({ recordId: 0, reqId: 'r1', kind: 'audit', evidence: 'auditID' });
      return {
        requests: [request('r1', 'web', 'complete')],
        objects: [{ reqId: 'r1', object: 'pod shop/x' }],
      };
    });
    expect(store.deleteBundle('drop')).toBe(true);
    expect(store.deleteBundle('drop')).toBe(false);
    expect(store.getBundle('drop')).toBeNull();
    expect(store.searchRecords('keep', { q: 'alpha', offset: 0, limit: 10 }).total).toBe(2);
    for (const table of ['records', 'links', 'requests', 'request_objects', 'files']) {
      const n = store.db.prepare(`SELECT count(*) AS n FROM ${table} WHERE bundle = 2`).get() as {
        n: number;
      };
      expect(n.n, table).toBe(0);
    }
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    store.db.prepare("INSERT INTO records_fts(records_fts) VALUES ('integrity-check')").run();
    store.close();
  });

  it('saves correlation results and answers request queries with filters', () => {
    const store = openStore(tempDb());
    correlatedBundle(store);
    store.finishBundle('b1', report(3));
    expect(store.getBundle('b1')?.requests).toBe(2);
    const base = { sort: 'time', system: 'exclude', offset: 0, limit: 100 } as const;
    expect(store.listRequests('b1', base).total).toBe(2);
    expect(store.listRequests('b1', { ...base, outcome: 'failed' }).requests.map((r) => r.reqId)).toEqual([
      'r1',
    ]);
    expect(store.listRequests('b1', { ...base, user: 'bob' }).requests.map((r) => r.reqId)).toEqual(['r2']);
    expect(store.listRequests('b1', { ...base, q: 'WEB-API' }).requests.map((r) => r.reqId)).toEqual(['r2']);
    // A target as the list shows it.
    expect(store.listRequests('b1', { ...base, q: 'shop/web-api' }).requests.map((r) => r.reqId)).toEqual([
      'r2',
    ]);
    expect(store.listRequests('b1', { ...base, namespace: 'shop' }).total).toBe(2);
    expect(store.getRequest('b1', 'r1')?.records).toBe(2);
    expect(() => store.listRequests('b1', { ...base, from: 'yesterday' })).toThrow(/RFC 3339/);

    // Each link carries its record's time, severity and lane; a bundle correlated before migration
    // 0003 (no lanes yet) gets them when the store opens.
    const links = () =>
      store.db
        .prepare('SELECT record, ts IS NOT NULL AS timed, severity, lane FROM links ORDER BY record')
        .all() as { record: number; timed: number; severity: number; lane: number }[];
    const fresh = links();
    expect(fresh.map((l) => [l.record, l.timed, l.severity])).toEqual([
      [0, 1, 1],
      [1, 1, 3],
      [2, 1, 1],
    ]);
    expect(new Set(fresh.map((l) => l.lane)).size).toBe(1); // one kubelet lane on one node
    const buckets = store.timelineBuckets(
      'b1',
      'r1',
      { fromNs: T0, toNs: T0 + 10_000_000n },
      { originNs: T0, fromMs: 0, bucketMs: 1, buckets: 10 },
    );
    expect(buckets.map((b) => [b.index, b.count, b.worstRank, b.recordId])).toEqual([
      [1, 1, 1, 0],
      [2, 1, 3, 1],
    ]);
    expect(JSON.parse(buckets[0]!.sig)).toEqual(['log', 'kubelet', 'kind-worker', null, null]);
    store.db.exec('UPDATE links SET ts = NULL, severity = NULL, lane = NULL; DELETE FROM link_lanes');
    store.db.exec('UPDATE bundles SET lanes_built = 0');
    const file = store.file;
    store.close();
    const reopened = openStore(file);
    const again = reopened.db
      .prepare('SELECT record, ts IS NOT NULL AS timed, severity, lane FROM links ORDER BY record')
      .all();
    expect(again).toEqual(fresh);
    reopened.close();
  });

  it('lists system requests apart: hidden by default, counted, one filter away', () => {
    const store = openStore(tempDb());
    loadBundle(store, 'b1', ['one', 'two', 'three']);
    store.saveCorrelation('b1', () => ({
      requests: [
        request('r1', 'web', 'complete'),
        { ...request('r2', 'coredns', 'complete'), user: null, system: true },
        {
          ...request('r3', 'kube-proxy', 'failed'),
          user: null,
          system: true,
          startedAt: '2024-06-10T11:40:00.000000000Z',
          endedAt: '2024-06-10T11:41:00.000000000Z',
        },
      ],
      objects: [],
    }));
    const base = { sort: 'time', system: 'exclude', offset: 0, limit: 100 } as const;
    const ids = (q: Partial<RequestsQuery>) =>
      store.listRequests('b1', { ...base, ...q }).requests.map((r) => r.reqId);
    expect(ids({})).toEqual(['r1']);
    expect(store.listRequests('b1', base).systemHidden).toBe(2);
    expect(store.listRequests('b1', { ...base, outcome: 'failed' })).toMatchObject({
      total: 0,
      systemHidden: 1,
    });
    expect(ids({ system: 'include' })).toEqual(['r1', 'r2', 'r3']);
    expect(store.listRequests('b1', { ...base, system: 'include' }).systemHidden).toBe(0);
    expect(ids({ system: 'only' })).toEqual(['r2', 'r3']);
    // since/until bound the start; from/to keep meaning "active in".
    expect(ids({ system: 'include', since: '2024-06-10T11:39:00Z' })).toEqual(['r3']);
    expect(ids({ system: 'include', until: '2024-06-10T11:39:00Z' })).toEqual(['r1', 'r2']);
    expect(ids({ system: 'include', from: '2024-06-10T11:40:30Z' })).toEqual(['r3']);

    // A database whose requests were saved before migration 0008 gets the column from the body
    // (the same rows, in a database at migration 0007: 0009 cannot be undone in place).
    const rows = store.db
      .prepare(
        'SELECT req_id, started_ns, ended_ns, outcome, user, verbs, resources, namespaces, search, body FROM requests',
      )
      .safeIntegers(true)
      .all();
    store.close();
    const file = join(mkdtempSync(join(tmpdir(), 'kt-0007-')), 'old.db');
    const db = new Database(file);
    migrate(db, loadMigrations().slice(0, 7));
    db.exec(`INSERT INTO bundles (key, id, name, status, created_at, fts_built, lanes_built, columns_built)
      VALUES (1, 'b1', 'b1', 'ready', 'x', 1, 1, 1)`);
    const insert =
      db.prepare(`INSERT INTO requests (bundle, req_id, started_ns, ended_ns, outcome, user, verbs,
      resources, namespaces, search, body) VALUES (1, @req_id, @started_ns, @ended_ns, @outcome, @user, @verbs,
      @resources, @namespaces, @search, @body)`);
    for (const r of rows) insert.run(r);
    db.close();
    const again = openStore(file);
    expect(again.listRequests('b1', { ...base, system: 'only' }).requests.map((r) => r.reqId)).toEqual([
      'r2',
      'r3',
    ]);
    again.close();
  });

  it('answers request records and search after correlation', () => {
    const store = openStore(tempDb());
    correlatedBundle(store);

    const recs = store.requestRecords('b1', 'r1');
    expect(recs.map((r) => [r.id, r.linkKind])).toEqual([
      [0, 'audit'],
      [1, 'inferred'],
    ]);
    expect(store.requestRecords('b1', 'r1', { errorsOnly: true }).map((r) => r.id)).toEqual([1]);
    expect(store.recordLinks('b1', 2)).toEqual([
      { reqId: 'r2', kind: 'inferred', evidence: 'pod blog/web-2' },
    ]);
    expect(store.relatedRequests('b1', 0)).toEqual([{ reqId: 'r2', object: 'node kind-worker' }]);
    expect(store.neighbours('b1', 1, 1).map((r) => r.id)).toEqual([0, 1, 2]);
    expect(store.neighbours('b1', 0, 5).map((r) => r.id)).toEqual([0, 1, 2]);
    // Ids past 2^40 would address another bundle's rowids: they are simply not found.
    expect(store.getRecord('b1', 2 ** 40 + 1)).toBeNull();
    expect(store.getRecord('b1', -1)).toBeNull();
    const h = store.histogram('b1', { buckets: 3, reqId: 'r1' });
    expect(h.buckets.reduce((n, b) => n + b.counts.info + b.counts.error, 0)).toBe(2);
    // With a full-text query: only the matching records (of the request, when one is given).
    const total = (x: ReturnType<Store['histogram']>) =>
      x.buckets.reduce((n, b) => n + Object.values(b.counts).reduce((m, c) => m + c, 0), 0);
    expect(total(store.histogram('b1', { buckets: 3, q: 'two' }))).toBe(1);
    expect(total(store.histogram('b1', { buckets: 3, q: 'two', reqId: 'r1' }))).toBe(1);
    expect(total(store.histogram('b1', { buckets: 3, q: 'three', reqId: 'r1' }))).toBe(0);
    expect(total(store.histogram('b1', { buckets: 3, q: 'three' }))).toBe(1);
    for (const bad of ['AND (', '*', '"']) {
      expect(() => store.histogram('b1', { buckets: 3, q: bad, mode: 'fts' }), bad).toThrow(StoreError);
      expect(() => store.searchRecords('b1', { q: bad, mode: 'fts', offset: 0, limit: 1 }), bad).toThrow(
        StoreError,
      );
    }
    store.close();
  });

  it('reads records for correlation in time order through its own connection', () => {
    const store = openStore(tempDb());
    loadBundle(store, 'b1', ['one', 'two']);
    const source = store.correlationSource('b1');
    const seen: number[] = [];
    store.saveCorrelation('b1', (sink) => {
      for (const r of source.records()) {
        seen.push(r.id);
        sink.link({ recordId: r.id, reqId: 'r', kind: 'inferred', evidence: 'x' }); // writes while iterating
      }
      return { requests: [], objects: [] };
    });
    source.close();
    expect(seen).toEqual([0, 1]);
    store.close();
  });

  it('filters correlation reads by kind, in (ts, id) order, through the partial index too', () => {
    const store = openStore(tempDb());
    store.beginBundle({ id: 'k', name: 'k', sizeBytes: 1 });
    const w = store.createWriter('k');
    const fileId = w.addFile(FILE);
    // ids 0..3; the audit record sorts first by time, the two logs tie on ts and keep id order.
    w.addRecords(fileId, [
      rec(5, 'log a'),
      rec(5, 'log b'),
      rec(1, 'audit', { kind: 'audit', format: 'audit', auditId: 'a1' }),
      rec(3, 'event', { kind: 'event', format: 'k8s-event' }),
    ]);
    w.finish();
    const source = store.correlationSource('k');
    const ids = (kinds?: ('audit' | 'event' | 'log')[]) =>
      [...source.records(kinds ? { kinds } : undefined)].map((r) => [r.id, r.kind]);
    expect(ids()).toEqual([
      [2, 'audit'],
      [3, 'event'],
      [0, 'log'],
      [1, 'log'],
    ]);
    expect(ids(['audit', 'event'])).toEqual([
      [2, 'audit'],
      [3, 'event'],
    ]);
    expect(ids(['audit'])).toEqual([[2, 'audit']]);
    expect(ids(['event', 'log'])).toEqual([
      [3, 'event'],
      [0, 'log'],
      [1, 'log'],
    ]);
    source.close();
    store.close();
  });

  it('marks ingests interrupted by a dead process as failed', () => {
    const file = tempDb();
    const store = openStore(file);
    store.beginBundle({ id: 'b1', name: 'x', sizeBytes: 0 });
    store.close();
    const again = openStore(file);
    expect(again.recoverDeadIngests()).toEqual(['b1']);
    expect(again.getBundle('b1')).toMatchObject({ status: 'failed' });
    again.beginBundle({ id: 'b1', name: 'x', sizeBytes: 0 }); // a failed bundle can be ingested again
    expect(again.getBundle('b1')?.status).toBe('ingesting');
    again.close();
  });
  it('uses indexes for the hot queries', () => {
    const store = openStore(tempDb());
    const plan = (sql: string, params: Record<string, unknown> | unknown[]): string =>
      (
        store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(Array.isArray(params) ? params : [params])) as {
          detail: string;
        }[]
      )
        .map((r) => r.detail)
        .join('\n');
    const timeline = plan(SQL.requestRecords, {
      bundle: 1,
      reqId: 'r',
      fromNs: null,
      toNs: null,
      minSeverity: 0,
    });
    expect(timeline).toMatch(/SEARCH l USING PRIMARY KEY/);
    // A record's rowid is derived from (bundle, id): the join is a rowid lookup, no secondary index.
    expect(timeline).toMatch(/SEARCH r USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    expect(plan(SQL.recordById, [1])).toMatch(/SEARCH r USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    expect(plan(SQL.recordLinks, [1, 1])).toMatch(/links_by_record/);
    // The histogram is answered from record_times alone (it holds severity): no records row is read.
    const histogram = plan(SQL.histogram, { bundle: 1, from: 0, to: 1, width: 1 });
    expect(histogram).toMatch(/SEARCH record_times USING PRIMARY KEY \(bundle=\? AND ts>\? AND ts<\?\)/);
    expect(histogram).not.toMatch(/records\b/);
    // Search: few full-text candidates are read by rowid and sorted; otherwise lines are walked in
    // time order, the bundle's through record_times, a request's through links_by_time: no sort.
    const scope = {
      bundle: 1,
      lo: 0,
      hi: 1,
      match: 'x',
      reqId: null,
      lanes: null,
      component: null,
      node: null,
      minSeverity: 0,
      fromNs: null,
      toNs: null,
      fromTs: 0,
      toTs: 1,
    };
    expect(plan(SEARCH_SQL.candidatesLiteral, scope)).toMatch(/VIRTUAL TABLE INDEX/);
    expect(plan(SEARCH_SQL.candidatesLiteral, scope)).toMatch(
      /SEARCH r USING INTEGER PRIMARY KEY \(rowid=\?\)/,
    );
    for (const sql of [SEARCH_SQL.walkBundleLiteral, SEARCH_SQL.walkBundleFts]) {
      const p = plan(sql, scope);
      expect(p).toMatch(/SEARCH t USING PRIMARY KEY \(bundle=\? AND ts>\? AND ts<\?\)/);
      expect(p).toMatch(/SEARCH r USING INTEGER PRIMARY KEY \(rowid=\?\)/);
      expect(p).not.toMatch(/TEMP B-TREE/);
    }
    for (const sql of [
      SEARCH_SQL.walkRequestLiteral,
      SEARCH_SQL.walkRequestLiteralWindow,
      SEARCH_SQL.walkRequestFtsWindow,
      SEARCH_SQL.requestLines,
      SEARCH_SQL.requestLinesWindow,
    ]) {
      const p = plan(sql, { ...scope, reqId: 'r', fromNs: 0, toNs: 1 });
      expect(p).toMatch(/INDEX links_by_time \(bundle=\? AND req_id=\?/);
      // Lines of the same time are put in id order as they stream (a run at a time), never all sorted.
      expect(p).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
    }
    // Correlation walks record_times in (ts, rid) order and reads each row by rowid: no sort.
    for (const p of [
      plan(SQL.correlationRecords, [1]),
      plan(SQL.correlationRecordsOfKinds, [1, '["log"]']),
      plan(SQL.correlationControlRecordsOfKinds, [1, '["audit","event"]']),
    ]) {
      expect(p).toMatch(/SEARCH t USING PRIMARY KEY \(bundle=\?\)/);
      expect(p).toMatch(/SEARCH r USING INTEGER PRIMARY KEY \(rowid=\?\)/);
      expect(p).not.toMatch(/TEMP B-TREE/);
    }
    // Timeline level of detail: every query walks the window of the request's links by time; the
    // buckets never read a record, marks and API calls read theirs by rowid.
    const win = { bundle: 1, reqId: 'r', fromNs: 0, toNs: 1, minSeverity: 0 };
    const byTime =
      /SEARCH l USING (COVERING )?INDEX links_by_time \(bundle=\? AND req_id=\? AND ts>\? AND ts<\?\)/;
    const buckets = plan(TIMELINE_SQL.buckets, { ...win, originNs: 0, fromMs: 0, bucketMs: 1, buckets: 600 });
    expect(buckets).toMatch(/SEARCH l USING COVERING INDEX links_by_time/);
    expect(buckets).not.toMatch(/\br\b/);
    for (const [sql, params] of [
      [TIMELINE_SQL.marks, { ...win, lanes: '[]', messageChars: 1024 }],
      [TIMELINE_SQL.auditRecords, { ...win, lanes: '[]', limit: 10 }],
    ] as const) {
      const p = plan(sql, params);
      expect(p).toMatch(byTime);
      expect(p).toMatch(/SEARCH r USING INTEGER PRIMARY KEY \(rowid=\?\)/);
      expect(p).not.toMatch(/SCAN r\b/);
    }
    expect(plan(TIMELINE_SQL.previews, { bundle: 1, ids: '[1]', messageChars: 1024 })).toMatch(
      /SEARCH r USING INTEGER PRIMARY KEY \(rowid=\?\)/,
    );
    store.close();
  });
});

describe('ingest liveness and bundle keys (ADR 0011)', () => {
  const keyOf = (store: Store, id: string): number =>
    store.db.prepare<[string], { key: number }>('SELECT key FROM bundles WHERE id = ?').get(id)!.key;

  /** A bundle begun under a lease, with a file and `n` records written. */
  function begin(store: Store, id: string, lease?: string, n = 3): void {
    store.beginBundle({ id, name: id, sizeBytes: 0, lease });
    const w = store.createWriter(id);
    const f = w.addFile(FILE);
    w.addRecords(
      f,
      Array.from({ length: n }, (_, i) => rec(i + 1, `line ${i}`)),
    );
    w.commit();
  }

  it('leaves an ingest whose lease is held alone, here or in another process', async () => {
    const dbFile = tempDb();
    const store = openStore(dbFile);
    const mine = store.acquireIngestLease();
    begin(store, 'b-mine', mine.token);
    // Another process holds the other lease: a child that locks the lease file and waits.
    const theirs = store.acquireIngestLease();
    const lockFile = `${dbFile}-ingest/${theirs.token}.lock`;
    begin(store, 'b-theirs', theirs.token);
    theirs.release();
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const D = require('better-sqlite3'); const db = new D(${JSON.stringify(lockFile)}); db.exec('BEGIN EXCLUSIVE'); console.log('locked'); setInterval(() => {}, 1000);`,
      ],
      { cwd: import.meta.dirname, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      expect(store.recoverDeadIngests()).toEqual([]);
      expect(store.getBundle('b-mine')?.status).toBe('ingesting');
      expect(store.getBundle('b-theirs')?.status).toBe('ingesting');
      child.kill('SIGKILL');
      await new Promise<void>((resolve) => child.once('exit', () => resolve()));
      // The lock went with the process: recovered at once, without a restart.
      expect(store.recoverDeadIngests()).toEqual(['b-theirs']);
      expect(store.getBundle('b-theirs')).toMatchObject({ status: 'failed', records: 0 });
      expect(store.getBundle('b-theirs')?.error).toMatch(/interrupted/);
      expect(store.getBundle('b-mine')?.status).toBe('ingesting');
    } finally {
      child.kill('SIGKILL');
      mine.release();
      store.close();
    }
  });

  it('deletes what a dead ingest wrote, so its space is reused', () => {
    const store = openStore(tempDb());
    begin(store, 'b-dead', undefined, 500);
    const key = BigInt(keyOf(store, 'b-dead'));
    const count = (): number =>
      store.db
        .prepare<[bigint, bigint], { n: number }>(
          'SELECT count(*) AS n FROM records WHERE rid BETWEEN ? AND ?',
        )
        .get(key << 40n, ((key + 1n) << 40n) - 1n)!.n;
    expect(count()).toBe(500);
    expect(store.recoverDeadIngests()).toEqual(['b-dead']);
    expect(count()).toBe(0);
    expect(store.db.prepare('SELECT count(*) AS n FROM files').get()).toEqual({ n: 0 });
    store.close();
  });

  it('never reuses a key, even after the bundle that had it is deleted or rows outlive it', () => {
    const store = openStore(tempDb());
    begin(store, 'b1');
    const k1 = keyOf(store, 'b1');
    store.deleteBundle('b1');
    begin(store, 'b2');
    expect(keyOf(store, 'b2')).toBeGreaterThan(k1);
    // Rows under a key no bundle has (a writer that kept writing after its bundle was deleted).
    const orphanKey = BigInt(keyOf(store, 'b2') + 5);
    store.db
      .prepare(
        `INSERT INTO records (rid, file_id, line, severity, kind, format, component, message, raw)
         VALUES (?, 0, 1, 1, 'log', 'text', 'x', 'orphan', 'orphan')`,
      )
      .run(orphanKey << 40n);
    begin(store, 'b3');
    expect(BigInt(keyOf(store, 'b3'))).toBeGreaterThan(orphanKey);
    expect(store.getBundle('b3')?.records).toBe(0);
    store.close();
  });
});
