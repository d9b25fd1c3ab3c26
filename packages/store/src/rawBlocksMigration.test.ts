import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { FileInfo, ParsedRecord } from '@kubetrail/model';
import { loadMigrations, migrate } from './migrate.ts';
import { openStore } from './store.ts';

// Issue 14 item 5: a database written before migration 0009 (record text in columns, an
// external-content full-text index) keeps working when this version opens it, next to bundles
// written with raw text in blocks.

const T0 = 1718019340_000_000_000n; // 2024-06-10T11:35:40Z

const auditLine = (stage: string, extra: object = {}) =>
  JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    auditID: 'a-1',
    stage,
    verb: 'create',
    user: { username: 'alice' },
    objectRef: { resource: 'deployments', namespace: 'shop', name: 'web' },
    ...extra,
  });

/**
 * A database at migration `upto` (0006: before ingest leases; 0008: what main wrote before raw text
 * blocks) holding one correlated bundle, written as that version wrote it.
 */
function oldDatabase(upto: number): string {
  const file = join(mkdtempSync(join(tmpdir(), 'kt-0009-')), 'old.db');
  const db = new Database(file);
  const migrations = loadMigrations().slice(0, upto);
  expect(migrations.at(-1)?.id).toBe(upto);
  migrate(db, migrations);
  db.exec(`INSERT INTO bundles (key, id, name, status, created_at, fts_built, lanes_built, columns_built)
    VALUES (1, 'old', 'old', 'ready', 'x', 1, 1, 1)`);
  db.exec(`INSERT INTO files (bundle, file_id, path, format, wrapper, component, node)
    VALUES (1, 0, 'kind-worker/kubelet.log', 'klog', 'none', 'kubelet', 'kind-worker')`);
  const insert = db.prepare(`INSERT INTO records (rid, file_id, line, ts, severity, kind, format, component,
    node, caller, message, fields, raw) VALUES (?, 0, ?, ?, 1, ?, ?, ?, 'kind-worker', NULL, ?, ?, ?)`);
  const base = 1n << 40n;
  insert.run(
    base,
    1,
    T0,
    'log',
    'klog',
    'kubelet',
    'SyncLoop ADD',
    '{"pods":["shop/web-1"]}',
    'I0610 11:35:40.000000 1 kubelet.go:1] "SyncLoop ADD" pods=["shop/web-1"]',
  );
  const raw = [
    auditLine('RequestReceived'),
    auditLine('ResponseComplete', { responseStatus: { code: 201 } }),
  ].join('\n');
  // An audit record kept without fields: they are rebuilt from its raw stage lines.
  insert.run(
    base + 1n,
    2,
    T0 + 1n,
    'audit',
    'audit',
    'kube-apiserver',
    'create deployments shop/web → 201 by alice',
    null,
    raw,
  );
  db.exec(
    `INSERT INTO records_fts (rowid, message, log_fields) SELECT rid, message, log_fields FROM records`,
  );
  db.exec(`INSERT INTO record_times (bundle, ts, rid, severity, is_log)
    SELECT 1, ts, rid, severity, kind = 'log' FROM records ORDER BY ts, rid`);
  db.exec(
    `INSERT INTO link_lanes (bundle, sig, lane) VALUES (1, '["log","kubelet","kind-worker",null,null]', 1)`,
  );
  db.exec(`INSERT INTO links (bundle, req_id, record, kind, evidence, ts, severity, lane)
    VALUES (1, 'r1', 0, 'inferred', 'pod shop/web-1', ${T0}, 1, 1)`);
  db.prepare(
    `INSERT INTO requests (bundle, req_id, started_ns, ended_ns, outcome, user, verbs, resources, namespaces,
      search, body) VALUES (1, 'r1', ?, ?, 'succeeded', 'alice', ' create ', ' deployments ', ' shop ', 'r1', ?)`,
  ).run(T0, T0 + 1n, JSON.stringify({ reqId: 'r1', user: 'alice' }));
  db.close();
  return file;
}

const FILE: FileInfo = {
  path: 'kind-worker/kubelet.log',
  format: 'klog',
  wrapper: 'none',
  component: 'kubelet',
  node: 'kind-worker',
  timeRule: 'flag',
  mode: 'payload',
};

const klog = (line: number, text: string): ParsedRecord => ({
  line,
  lineCount: 1,
  ts: T0 + BigInt(line),
  severity: 'info',
  kind: 'log',
  format: 'klog',
  component: 'kubelet',
  node: 'kind-worker',
  caller: 'kubelet.go:1',
  message: text,
  fields: { pods: ['shop/web-2'] },
  raw: `I0610 11:35:40.000000 1 kubelet.go:1] "${text}" pods=["shop/web-2"]`,
  reqId: null,
  auditId: null,
  traceId: null,
  spanId: null,
});

describe.each([
  [6, 'before ingest leases'],
  [8, 'as main wrote it before raw text blocks'],
])('a database at migration %i (%s), opened with raw text blocks (migration 0009)', (upto) => {
  it('reads, searches and deletes its bundles as before, beside bundles written in blocks', () => {
    const store = openStore(oldDatabase(upto));
    expect(store.listRequests('old', { sort: 'time', offset: 0, limit: 10 }).requests).toEqual([
      { reqId: 'r1', user: 'alice' },
    ]);
    const old = store.getRecord('old', 0)!;
    expect(old).toMatchObject({ message: 'SyncLoop ADD', fields: { pods: ['shop/web-1'] } });
    expect(old.raw).toContain('kubelet.go:1]');
    expect(store.getRecord('old', 1)?.fields).toMatchObject({
      auditID: 'a-1',
      responseStatus: { code: 201 },
      stages: ['RequestReceived', 'ResponseComplete'],
    });
    const hits = store.searchRecords('old', { q: 'web-1', mode: 'fts', offset: 0, limit: 10 });
    expect(hits.hits.map((h) => [h.record.id, h.snippet, h.reqIds])).toEqual([
      [0, 'SyncLoop ADD  {"pods":["shop/\u0002web-1\u0003"]}', ['r1']],
    ]);
    // Literal search reads the text in the row's columns.
    expect(
      store
        .searchRecords('old', { q: 'ADD" pods=["shop/web-1', offset: 0, limit: 10 })
        .hits.map((h) => h.record.id),
    ).toEqual([0]);
    expect(store.requestRecords('old', 'r1').map((r) => r.message)).toEqual(['SyncLoop ADD']);
    const w = { fromNs: T0 - 1n, toNs: T0 + 10n };
    const sigs = store.requestLaneSigs('old', 'r1');
    expect(store.timelineMarks('old', 'r1', w, sigs).map((m) => [m.message, m.fields])).toEqual([
      ['SyncLoop ADD', { pods: ['shop/web-1'] }],
    ]);

    // A bundle written now: its text in blocks, its message re-derived, both found by search.
    store.beginBundle({ id: 'new', name: 'new', sizeBytes: 1 });
    const writer = store.createWriter('new');
    writer.addRecords(writer.addFile(FILE), [klog(1, 'SyncLoop UPDATE')]);
    writer.finish();
    const row = store.db.prepare('SELECT message, raw, block, derive FROM records WHERE rid = 2 << 40').get();
    expect(row).toEqual({ message: '', raw: '', block: 0, derive: 1 });
    expect(store.getRecord('new', 0)).toMatchObject({
      message: 'SyncLoop UPDATE',
      fields: { pods: ['shop/web-2'] },
      raw: klog(1, 'SyncLoop UPDATE').raw,
    });
    expect(
      store.searchRecords('new', { q: 'SyncLoop', mode: 'fts', offset: 0, limit: 10 }).hits[0]?.snippet,
    ).toBe('\u0002SyncLoop\u0003 UPDATE');
    // Literal search reads the raw text from its block, and the key/values parsed again from it
    // (`"pods":[…]` is how the key/values read, not how the line was written).
    for (const q of ['UPDATE" pods=["shop/web-2"]', '"pods":["shop/web-2"]'])
      expect(store.searchRecords('new', { q, offset: 0, limit: 10 }).hits.map((h) => h.record.id)).toEqual([
        0,
      ]);
    expect(store.searchRecords('new', { q: '"pods":["shop/web-3"]', offset: 0, limit: 10 }).total).toBe(0);

    expect(store.deleteBundle('old')).toBe(true);
    expect(store.searchRecords('new', { q: 'SyncLoop', offset: 0, limit: 10 }).total).toBe(1);
    store.db.prepare("INSERT INTO records_fts (records_fts, rank) VALUES ('integrity-check', 0)").run();
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    store.close();
  });
});
