/**
 * Diagnostics behind RESULTS.md's findings, re-runnable after a fix:
 *   tsx bench/diagnose.ts timeline <db> [reqId…]   in-process requestRecords / buildTimeline timings
 *   tsx bench/diagnose.ts lod <db> [reqId…]        level of detail as one SQL GROUP BY, timed
 *   tsx bench/diagnose.ts size <db>                bytes per table/index (dbstat) and per record kind
 *   tsx bench/diagnose.ts profile <dir>            summary of the .cpuprofile files in a folder
 * Without reqIds, the five requests with the most linked records are used. The `lod` query addresses
 * records by rowid (`(bundle << 40) + id`, the store's schema since 06:30 on 2026-11-22).
 */
import { performance } from 'node:perf_hooks';
import { TimelineQuerySchema } from '@kubetrail/model';
import { openStore, type Store } from '@kubetrail/store';
import { buildTimeline } from '../apps/server/src/index.ts';
import { renderProfile, summarizeProfiles } from './cpuProfile.ts';
import { fmtInt, fmtMs } from './stats.ts';

function bundleOf(store: Store): { id: string; key: bigint } {
  const b = store
    .listBundles()
    .filter((x) => x.status === 'ready')
    .sort((a, c) => c.records - a.records)[0];
  if (!b) throw new Error('no ready bundle');
  const row = store.db.prepare('SELECT key FROM bundles WHERE id = ?').safeIntegers(true).get(b.id) as {
    key: bigint;
  };
  return { id: b.id, key: row.key };
}

function biggest(store: Store, key: bigint, n: number): string[] {
  return (
    store.db
      .prepare('SELECT req_id FROM links WHERE bundle = ? GROUP BY req_id ORDER BY count(*) DESC LIMIT ?')
      .all(key, n) as { req_id: string }[]
  ).map((r) => r.req_id);
}

function timeline(store: Store, reqIds: string[]): void {
  const b = bundleOf(store);
  const ids = reqIds.length ? reqIds : biggest(store, b.key, 5);
  for (const id of ids) {
    const t0 = performance.now();
    const recs = store.requestRecords(b.id, id);
    const t1 = performance.now();
    const tl = buildTimeline({ store }, b.id, id, TimelineQuerySchema.parse({ width: 1200 }));
    const t2 = performance.now();
    const bytes = JSON.stringify(tl).length;
    console.log(
      `${id}: requestRecords ${fmtInt(recs.length)} rows ${fmtMs(t1 - t0)}; buildTimeline ${fmtMs(t2 - t1)} → ${tl.marks.length} marks, ${tl.buckets.length} buckets, ${fmtInt(bytes)} B; rss ${fmtInt(process.memoryUsage().rss / 1048576)} MiB`,
    );
  }
}

function lod(store: Store, reqIds: string[]): void {
  const b = bundleOf(store);
  const ids = reqIds.length ? reqIds : biggest(store, b.key, 5);
  const range = store.db
    .prepare(
      `SELECT min(r.ts) AS lo, max(r.ts) AS hi FROM links l CROSS JOIN records r ON r.rid = (l.bundle << 40) + l.record
       WHERE l.bundle = ? AND l.req_id = ?`,
    )
    .safeIntegers(true);
  const groups = store.db
    .prepare(
      `SELECT r.component, r.node, (r.ts - @lo) / @w AS b, count(*) AS n, max(r.severity) AS worst, min(r.id) AS rep
       FROM links l CROSS JOIN records r ON r.rid = (l.bundle << 40) + l.record
       WHERE l.bundle = @bundle AND l.req_id = @req GROUP BY 1, 2, 3`,
    )
    .safeIntegers(true);
  for (const id of ids) {
    const r = range.get(b.key, id) as { lo: bigint | null; hi: bigint | null };
    if (r.lo === null || r.hi === null) continue;
    const t0 = performance.now();
    const rows = groups.all({ lo: r.lo, w: (r.hi - r.lo) / 1200n + 1n, bundle: b.key, req: id });
    console.log(`${id}: ${fmtInt(rows.length)} buckets (1 200 per lane) in ${fmtMs(performance.now() - t0)}`);
  }
}

function size(store: Store): void {
  const rows = store.db
    .prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC LIMIT 12')
    .all() as { name: string; bytes: number }[];
  for (const r of rows) console.log(`${fmtInt(r.bytes / 1048576).padStart(8)} MiB  ${r.name}`);
  console.table(
    store.db
      .prepare(
        `SELECT kind, format, count(*) AS n, round(avg(length(raw))) AS raw, round(avg(length(message))) AS message,
         round(avg(length(coalesce(fields, '')))) AS fields FROM records GROUP BY kind, format ORDER BY n DESC`,
      )
      .all(),
  );
}

const [cmd, target, ...rest] = process.argv.slice(2);
if (!cmd || !target) {
  console.error('usage: tsx bench/diagnose.ts timeline|lod|size <db> [reqId…] | profile <dir>');
  process.exit(2);
}
if (cmd === 'profile') {
  for (const s of summarizeProfiles(target, 15)) console.log(renderProfile(s).join('\n'));
} else {
  const store = openStore(target);
  try {
    if (cmd === 'timeline') timeline(store, rest);
    else if (cmd === 'lod') lod(store, rest);
    else if (cmd === 'size') size(store);
    else throw new Error(`unknown command ${cmd}`);
  } finally {
    store.close();
  }
}
