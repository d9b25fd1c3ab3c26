import { performance } from 'node:perf_hooks';
import type { BundleList, RequestList, SearchResult, Timeline } from '@kubetrail/model';
import { openStore } from '@kubetrail/store';
import { loadLine } from './machine.ts';
import type { Figure, Section } from './results.ts';
import { getJson, startServer } from './serverProcess.ts';
import { fmtInt, fmtMs, fmtRatio, summarize } from './stats.ts';

/** Fixed full-text queries: words and phrases real incident searches use. */
export const SEARCH_QUERIES = [
  'FailedScheduling',
  'Insufficient cpu',
  'ImagePullBackOff',
  'timed out waiting for the condition',
  'Started container',
  'SyncLoop',
  'error',
  'volume',
  'nginx',
  'Successfully assigned',
] as const;

export interface QueryBenchOptions {
  db: string;
  port: number;
  /** Timeline requests measured (the biggest half, the rest spread over time). Default 20. */
  requests: number;
  /** Passes over each fixed set. Default 10. */
  reps: number;
}

async function timed(url: string): Promise<{ ms: number; bytes: number; status: number }> {
  const t0 = performance.now();
  const r = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  const body = await r.arrayBuffer();
  return { ms: performance.now() - t0, bytes: body.byteLength, status: r.status };
}

/** Picks a fixed set of requests: the `n/2` with most records, then evenly spaced ones by time. */
function pickRequests(all: RequestList['requests'], n: number): string[] {
  const byRecords = [...all].sort((a, b) => b.records - a.records || a.reqId.localeCompare(b.reqId));
  const chosen = new Set(byRecords.slice(0, Math.ceil(n / 2)).map((r) => r.reqId));
  const step = Math.max(1, Math.floor(all.length / Math.max(1, n - chosen.size)));
  for (let i = 0; i < all.length && chosen.size < n; i += step) chosen.add(all[i]!.reqId);
  return [...chosen];
}

/**
 * Request timelines and full-text first pages through the HTTP API of a `kubetrail serve` child,
 * against GET /api/health as the same-run baseline. Bounded: `reps` passes over fixed sets.
 */
export async function runQueryBench(opts: QueryBenchOptions): Promise<Section> {
  const server = await startServer(opts.db, opts.port);
  const notes: string[] = [];
  try {
    const { bundles } = await getJson<BundleList>(`${server.base}/api/bundles`);
    const bundle = [...bundles].filter((b) => b.status === 'ready').sort((a, b) => b.records - a.records)[0];
    if (!bundle) throw new Error(`no ready bundle in ${opts.db}`);
    const api = `${server.base}/api/bundles/${bundle.id}`;
    const all: RequestList['requests'] = [];
    for (let page = 0; page < 20; page++) {
      const list = await getJson<RequestList>(`${api}/requests?limit=500&offset=${page * 500}`);
      all.push(...list.requests);
      if (all.length >= list.total || list.requests.length === 0) break;
    }
    const reqIds = pickRequests(all, opts.requests);
    const recordsOf = new Map(all.map((r) => [r.reqId, r.records]));

    // Warm-up pass (page cache, statement cache, JIT), not measured.
    for (let i = 0; i < 20; i++) await timed(`${server.base}/api/health`);
    for (const id of reqIds) await timed(`${api}/requests/${encodeURIComponent(id)}/timeline?width=1200`);
    for (const q of SEARCH_QUERIES) await timed(`${api}/records?q=${encodeURIComponent(q)}&limit=50`);

    const health: number[] = [];
    const timeline: number[] = [];
    const search: number[] = [];
    const perReq = new Map<string, number[]>();
    const perQuery = new Map<string, number[]>();
    let errors = 0;
    let maxTimelineBytes = 0;
    for (let rep = 0; rep < opts.reps; rep++) {
      for (let i = 0; i < 20; i++) {
        const h = await timed(`${server.base}/api/health`);
        health.push(h.ms);
      }
      for (const id of reqIds) {
        const t = await timed(`${api}/requests/${encodeURIComponent(id)}/timeline?width=1200`);
        if (t.status !== 200) errors++;
        maxTimelineBytes = Math.max(maxTimelineBytes, t.bytes);
        timeline.push(t.ms);
        perReq.set(id, [...(perReq.get(id) ?? []), t.ms]);
      }
      for (const q of SEARCH_QUERIES) {
        const s = await timed(`${api}/records?q=${encodeURIComponent(q)}&limit=50`);
        if (s.status !== 200) errors++;
        search.push(s.ms);
        perQuery.set(q, [...(perQuery.get(q) ?? []), s.ms]);
      }
    }
    const h = summarize(health);
    const t = summarize(timeline);
    const s = summarize(search);
    const sample = await getJson<Timeline>(
      `${api}/requests/${encodeURIComponent(reqIds[0]!)}/timeline?width=1200`,
    );
    const totals = await Promise.all(
      SEARCH_QUERIES.map(
        async (q) =>
          [
            q,
            (await getJson<SearchResult>(`${api}/records?q=${encodeURIComponent(q)}&limit=50`)).total,
          ] as const,
      ),
    );
    const figures: Figure[] = [
      {
        name: 'health p50 (baseline)',
        value: fmtMs(h.p50),
        baseline: '—',
        ratio: '—',
        target: '',
        met: null,
      },
      {
        name: 'health p95 (baseline)',
        value: fmtMs(h.p95),
        baseline: '—',
        ratio: '—',
        target: '',
        met: null,
      },
      {
        name: 'timeline p50',
        value: fmtMs(t.p50),
        baseline: fmtMs(h.p50),
        ratio: fmtRatio(t.p50 / h.p50),
        target: '',
        met: null,
      },
      {
        name: 'timeline p95',
        value: fmtMs(t.p95),
        baseline: fmtMs(h.p95),
        ratio: fmtRatio(t.p95 / h.p95),
        target: '< 50 ms',
        met: t.p95 < 50,
      },
      {
        name: 'search first page p50',
        value: fmtMs(s.p50),
        baseline: fmtMs(h.p50),
        ratio: fmtRatio(s.p50 / h.p50),
        target: '',
        met: null,
      },
      {
        name: 'search first page p95',
        value: fmtMs(s.p95),
        baseline: fmtMs(h.p95),
        ratio: fmtRatio(s.p95 / h.p95),
        target: '< 100 ms',
        met: s.p95 < 100,
      },
    ];
    const slowReqs = [...perReq.entries()]
      .map(([id, xs]) => ({ id, p95: summarize(xs).p95, records: recordsOf.get(id) ?? 0 }))
      .sort((a, b) => b.p95 - a.p95)
      .slice(0, 5);
    notes.push(
      `slowest timelines (p95, linked records): ${slowReqs.map((r) => `${r.id.slice(0, 12)}… ${fmtMs(r.p95)} (${fmtInt(r.records)})`).join('; ')}`,
    );
    notes.push(
      `search p95 per query (hits, capped at 10 000): ${[...perQuery.entries()]
        .map(
          ([q, xs]) =>
            `"${q}" ${fmtMs(summarize(xs).p95)} (${fmtInt(totals.find(([k]) => k === q)?.[1] ?? 0)})`,
        )
        .join('; ')}`,
    );
    if (errors) notes.push(`${errors} non-200 answers during the measured loops`);
    return {
      id: 'queries',
      title: 'Queries through the HTTP API',
      conditions: [
        `store: ${opts.db} — bundle ${bundle.id}, ${fmtInt(bundle.records)} records, ${fmtInt(bundle.requests)} requests`,
        `server: \`kubetrail serve --host 127.0.0.1 --port ${opts.port}\` child process; client: node fetch (keep-alive), sequential, loopback`,
        `timeline: ${reqIds.length} fixed requests (half the biggest by linked records, half spread over time), width=1200, ${opts.reps} passes → ${t.n} samples; biggest measured request has ${fmtInt(Math.max(...reqIds.map((id) => recordsOf.get(id) ?? 0)))} linked records; largest response ${fmtInt(maxTimelineBytes)} B; first sample returned ${sample.marks.length} marks, ${sample.buckets.length} buckets`,
        `search: ${SEARCH_QUERIES.length} fixed queries, limit=50, ${opts.reps} passes → ${s.n} samples`,
        `baseline: GET /api/health, ${h.n} samples interleaved with the measured loops`,
        `${loadLine()} at the end of the run`,
      ],
      figures,
      notes,
    };
  } finally {
    await server.stop();
  }
}

/**
 * Splits a slow query's time between SQL and the layers above: runs the store's own methods
 * in-process on the same database and prints EXPLAIN QUERY PLAN for the hot statements.
 */
export function diagnoseQueries(db: string, bundleId: string, reqIds: readonly string[]): string[] {
  const store = openStore(db);
  const out: string[] = [];
  try {
    for (const id of reqIds) {
      const t0 = performance.now();
      const recs = store.requestRecords(bundleId, id);
      const t1 = performance.now();
      out.push(
        `store.requestRecords(${id.slice(0, 12)}…): ${fmtInt(recs.length)} records in ${fmtMs(t1 - t0)}`,
      );
    }
    for (const q of SEARCH_QUERIES.slice(0, 5)) {
      const t0 = performance.now();
      const r = store.searchRecords(bundleId, { q, offset: 0, limit: 50 });
      out.push(
        `store.searchRecords("${q}"): ${r.hits.length} hits (total ${r.total}) in ${fmtMs(performance.now() - t0)}`,
      );
    }
  } finally {
    store.close();
  }
  return out;
}
