import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { RecordKind } from '@kubetrail/model';
import { laneSig } from './laneSig.ts';
import { loadMigrations, migrate } from './migrate.ts';
import { LINK_LANES_SQL } from './sql.ts';

// The lane signature computed as a record is written (migration 0009) must equal the one sql.ts
// LANE_SIG computes from stored columns (bundles written before), record for record.
const CASES: [RecordKind, string, string | null, string | null, Record<string, unknown> | null][] = [
  ['log', 'kubelet', 'kind-worker', 'kubelet.go:1', { pod: 'a' }],
  ['log', 'kubelet', null, null, null],
  [
    'log',
    'kube-controller-manager',
    null,
    'replica_set.go:1',
    { logger: 'replicaset-controller', kind: 'Pod' },
  ],
  ['log', 'kube-controller-manager', null, 'event.go:1', { object: 'x' }],
  ['audit', 'kube-apiserver', null, null, { user: { username: 'alice' }, verb: 'get' }],
  ['audit', 'kube-apiserver', null, null, { verb: 'get' }],
  [
    'event',
    'events',
    'kind-worker',
    null,
    { source: { component: 'kubelet', host: 'n' }, reportingController: 'x' },
  ],
  ['state', 'kubelet', 'kind-worker', null, { object: { kind: 'Pod' } }],
  ['doc', 'unknown', null, null, null],
];

describe('laneSig', () => {
  it('gives the same signature as the SQL over stored columns', () => {
    const db = new Database(':memory:');
    migrate(db, loadMigrations());
    db.exec(`INSERT INTO bundles (key, id, name, status, created_at) VALUES (1, 'b', 'b', 'ready', 'x')`);
    const insert =
      db.prepare(`INSERT INTO records (rid, file_id, line, severity, kind, format, component, node,
      caller, message, fields, raw) VALUES (?, 0, 1, 0, ?, 'klog', ?, ?, ?, '', ?, '')`);
    CASES.forEach(([kind, component, node, caller, fields], i) => {
      insert.run(
        (1n << 40n) + BigInt(i),
        kind,
        component,
        node,
        caller,
        fields === null ? null : JSON.stringify(fields),
      );
      db.prepare(
        `INSERT INTO links (bundle, req_id, record, kind, evidence) VALUES (1, 'r', ?, 'inferred', '')`,
      ).run(i);
    });
    db.prepare(LINK_LANES_SQL.lanes).run({ bundle: 1 });
    const fromSql = (db.prepare('SELECT sig FROM link_lanes ORDER BY sig').pluck().all() as string[]).map(
      (s) => JSON.parse(s) as unknown,
    );
    const fromJs = [...new Set(CASES.map((c) => laneSig(...c)))].map((s) => JSON.parse(s) as unknown);
    expect(fromJs.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(
      fromSql.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    );
    // Twice, from the cache, the same.
    expect(laneSig(...CASES[0]!)).toBe(laneSig(...CASES[0]!));
  });
});
