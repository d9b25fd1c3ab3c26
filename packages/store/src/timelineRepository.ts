import {
  formatNs,
  severityFromRank,
  severityRank,
  SEVERITIES,
  type Histogram,
  type LinkKind,
  type RecordKind,
  type SearchMode,
  type Severity,
} from '@kubetrail/model';
import type { SearchScope } from './recordSearch.ts';
import type { TextRow } from './rows.ts';
import {
  bucketLinkColumns,
  decodeLinkColumns,
  histogramLinkColumns,
  type LinkColumns,
} from './linkColumns.ts';
import { isRecordId, LINK_LANES_SQL, SQL, TIMELINE_SQL } from './sql.ts';
import type { SearchRepository } from './searchRepository.ts';
import type { StoreContext } from './storeContext.ts';

/** Big requests whose decoded link columns stay in memory (a million links ≈ 15 MB each). */
const COLUMNS_CACHE_SIZE = 4;

/** A request's time window for the timeline queries (ns, inclusive). */
export interface TimelineWindow {
  fromNs: bigint;
  toNs: bigint;
  errorsOnly?: boolean;
}

/** A mark's record as the timeline reads it: no raw text, a message prefix, fields only for log lines. */
export interface TimelineMarkRow {
  id: number;
  tsNs: bigint;
  severity: Severity;
  kind: RecordKind;
  message: string;
  fields: Record<string, unknown> | null;
  linkKind: LinkKind;
  /** The lane signature (sql.ts LANE_SIG). */
  sig: string;
}

export interface TimelineBucketRow {
  sig: string;
  index: number;
  count: number;
  worstRank: number;
  /** The smallest record id among the worst. */
  recordId: number;
}

/**
 * Message characters read for a mark's preview: a one-line preview is cut at 240 characters, so
 * any first line longer than this is cut the same way.
 */
const TIMELINE_MESSAGE_CHARS = 1024;

/** The timeline's level of detail (SPEC §7.2) and histograms: what is drawn costs what is returned, not the request's size. */
export class TimelineRepository {
  constructor(
    private readonly ctx: StoreContext,
    private readonly search: SearchRepository,
  ) {}

  /** A request's link columns, or null when it has none (a small request: SQL buckets it). */
  linkColumns(key: bigint, reqId: string): LinkColumns | null {
    const id = `${key}\u0000${reqId}`;
    const hit = this.ctx.columnsCache.get(id);
    if (hit !== undefined) {
      // Most recently used last.
      this.ctx.columnsCache.delete(id);
      this.ctx.columnsCache.set(id, hit);
      return hit;
    }
    const row = this.ctx.db.prepare(LINK_LANES_SQL.columns).safeIntegers(true).get(key, reqId) as
      { origin_ns: bigint; n: bigint; data: Buffer } | undefined;
    const cols = row ? decodeLinkColumns(row.origin_ns, Number(row.n), row.data) : null;
    this.ctx.columnsCache.set(id, cols);
    while (this.ctx.columnsCache.size > COLUMNS_CACHE_SIZE) {
      const oldest = this.ctx.columnsCache.keys().next();
      if (oldest.done) break;
      this.ctx.columnsCache.delete(oldest.value);
    }
    return cols;
  }

  /**
   * The lane signatures of all of a request's links, whatever the window: the timeline keeps its
   * lanes in place while zooming (a lane with nothing in the window shows empty).
   */
  requestLaneSigs(bundleId: string, reqId: string): string[] {
    const key = this.ctx.bundleKey(bundleId);
    const lanes = this.linkLanes(key);
    const columns = this.linkColumns(key, reqId);
    let ids: Iterable<number>;
    if (columns) {
      columns.distinctLanes ??= new Set(columns.lane);
      ids = columns.distinctLanes;
    } else {
      ids = (
        this.ctx.db.prepare(LINK_LANES_SQL.requestLanes).pluck().all({ bundle: key, reqId }) as (
          number | null
        )[]
      ).filter((l): l is number => l !== null);
    }
    return [...ids].map((id) => lanes.get(id)).filter((sig): sig is string => sig !== undefined);
  }

  /** A bundle's lane numbers and signatures (few: one per component, node, controller…). */
  linkLanes(key: bigint): Map<number, string> {
    const rows = this.ctx.db.prepare(LINK_LANES_SQL.ofBundle).all(key) as { lane: number; sig: string }[];
    return new Map(rows.map((r) => [r.lane, r.sig]));
  }

  /**
   * Record counts per time bucket and severity, for the whole bundle or one request; with `q`, of
   * the lines that search matches (read as `mode` says, within `component`/`node`/`severity`),
   * stopping after `budgetMs` with `partial` set.
   */
  histogram(
    bundleId: string,
    opts: {
      fromNs?: bigint | null;
      toNs?: bigint | null;
      buckets: number;
      reqId?: string | null;
      q?: string | null;
      mode?: SearchMode;
      component?: string | null;
      node?: string | null;
      severity?: Severity | null;
      budgetMs?: number;
    },
  ): Histogram {
    const key = this.ctx.bundleKey(bundleId);
    const range = (
      opts.reqId
        ? this.ctx.db
            .prepare(SQL.timeRangeForRequest)
            .safeIntegers(true)
            .get({ bundle: key, reqId: opts.reqId })
        : this.ctx.db.prepare(SQL.timeRange).safeIntegers(true).get({ bundle: key })
    ) as { lo: bigint | null; hi: bigint | null };
    const from = opts.fromNs ?? range.lo;
    const to = opts.toNs ?? range.hi;
    if (from === null || to === null || to < from)
      return { partial: false, from: null, to: null, bucketMs: 0, buckets: [] };
    const n = BigInt(opts.buckets);
    const width = (to - from) / n + 1n;
    const empty = (): Record<Severity, number> =>
      Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
    const buckets = Array.from({ length: opts.buckets }, (_, i) => ({
      t: formatNs(from + BigInt(i) * width),
      counts: empty(),
    }));
    const add = (b: number, severity: number, count: number) => {
      const bucket = buckets[b];
      if (bucket) bucket.counts[severityFromRank(severity)] += count;
    };
    let partial = false;
    if (opts.q) {
      const scope: SearchScope = {
        reqId: opts.reqId ?? null,
        lanes: null,
        component: opts.component ?? null,
        node: opts.node ?? null,
        minSeverity: opts.severity ? severityRank(opts.severity) : 0,
        fromNs: from,
        toNs: to,
      };
      partial = this.search.countHits(
        key,
        scope,
        opts.q,
        opts.mode ?? 'literal',
        opts.budgetMs,
        (ts, severity) => add(Number((ts - from) / width), severity, 1),
      );
    } else {
      const columns = opts.reqId ? this.linkColumns(key, opts.reqId) : null;
      const rows = (
        columns
          ? histogramLinkColumns(columns, from, to, width)
          : opts.reqId
            ? this.ctx.db
                .prepare(SQL.histogramForRequest)
                .safeIntegers(true)
                .all({ bundle: key, reqId: opts.reqId, from, to, width })
            : this.ctx.db.prepare(SQL.histogram).safeIntegers(true).all({ bundle: key, from, to, width })
      ) as { b: bigint | number; severity: bigint | number; n: bigint | number }[];
      for (const row of rows) add(Number(row.b), Number(row.severity), Number(row.n));
    }
    return { partial, from: formatNs(from), to: formatNs(to), bucketMs: Number(width) / 1e6, buckets };
  }

  private timelineParams(bundleId: string, reqId: string, w: TimelineWindow) {
    return {
      bundle: this.ctx.bundleKey(bundleId),
      reqId,
      fromNs: w.fromNs,
      toNs: w.toNs,
      minSeverity: w.errorsOnly ? severityRank('error') : 0,
    };
  }

  /** The window's records whose lane signature is one of `sigs`, narrow, in (ts, id) order. */
  timelineMarks(
    bundleId: string,
    reqId: string,
    w: TimelineWindow,
    sigs: readonly string[],
  ): TimelineMarkRow[] {
    if (sigs.length === 0) return [];
    const lanes = this.linkLanes(this.ctx.bundleKey(bundleId));
    const wanted = new Set(sigs);
    const laneIds = [...lanes].filter(([, sig]) => wanted.has(sig)).map(([lane]) => lane);
    if (laneIds.length === 0) return [];
    const params = this.timelineParams(bundleId, reqId, w);
    const rows = this.ctx.db
      .prepare(TIMELINE_SQL.marks)
      .safeIntegers(true)
      .all({ ...params, lanes: JSON.stringify(laneIds) }) as (TextRow & {
      id: bigint;
      ts: bigint;
      severity: bigint;
      link_kind: LinkKind;
      lane: bigint;
    })[];
    return rows.map((r) => {
      const text = this.ctx.texts.of(bundleId, params.bundle, r);
      return {
        id: Number(r.id),
        tsNs: r.ts,
        severity: severityFromRank(Number(r.severity)),
        kind: r.kind,
        message: text.message.slice(0, TIMELINE_MESSAGE_CHARS),
        fields: r.kind === 'log' ? text.fields : null,
        linkKind: r.link_kind,
        sig: lanes.get(Number(r.lane)) ?? '',
      };
    });
  }

  /**
   * Per-bucket aggregates of the window's records, per lane signature (sql.ts LANE_SIG): bucket
   * `index` covers [fromMs + index·bucketMs, …) in ms since `originNs`, clamped to [0, buckets - 1]. One pass over the
   * request's links; the rows are few (signatures × buckets).
   */
  timelineBuckets(
    bundleId: string,
    reqId: string,
    w: TimelineWindow,
    grid: { originNs: bigint; fromMs: number; bucketMs: number; buckets: number },
  ): TimelineBucketRow[] {
    const key = this.ctx.bundleKey(bundleId);
    const lanes = this.linkLanes(key);
    const columns = this.linkColumns(key, reqId);
    if (columns && columns.originNs === grid.originNs) {
      const { minSeverity } = this.timelineParams(bundleId, reqId, w);
      return bucketLinkColumns(columns, { fromNs: w.fromNs, toNs: w.toNs, minSeverity }, grid).map((b) => ({
        sig: lanes.get(b.lane) ?? '',
        index: b.index,
        count: b.count,
        worstRank: b.worstRank,
        recordId: b.recordId,
      }));
    }
    const rows = this.ctx.db
      .prepare(TIMELINE_SQL.buckets)
      .safeIntegers(true)
      .all({
        ...this.timelineParams(bundleId, reqId, w),
        originNs: grid.originNs,
        fromMs: grid.fromMs,
        bucketMs: grid.bucketMs,
        buckets: grid.buckets,
      }) as { lane: bigint | null; b: bigint; n: bigint; worst: bigint }[];
    const low = (1n << 40n) - 1n;
    return rows.map((r) => ({
      sig: (r.lane === null ? undefined : lanes.get(Number(r.lane))) ?? '',
      index: Number(r.b),
      count: Number(r.n),
      worstRank: Number(r.worst >> 40n),
      recordId: Number(low - (r.worst & low)),
    }));
  }

  /** The window's audit records (API calls) with their fields, at most `limit`, in (ts, id) order. */
  timelineAuditRecords(
    bundleId: string,
    reqId: string,
    w: TimelineWindow,
    limit: number,
  ): { id: number; tsNs: bigint; fields: Record<string, unknown> | null }[] {
    // A lane signature is a JSON array whose first item is the record kind (sql.ts LANE_SIG).
    const auditLanes = [...this.linkLanes(this.ctx.bundleKey(bundleId))]
      .filter(([, sig]) => (JSON.parse(sig) as unknown[])[0] === 'audit')
      .map(([lane]) => lane);
    if (auditLanes.length === 0) return [];
    const params = this.timelineParams(bundleId, reqId, w);
    const rows = this.ctx.db
      .prepare(TIMELINE_SQL.auditRecords)
      .safeIntegers(true)
      .all({ ...params, limit, lanes: JSON.stringify(auditLanes) }) as (TextRow & {
      id: bigint;
      ts: bigint;
    })[];
    return rows.map((r) => ({
      id: Number(r.id),
      tsNs: r.ts,
      fields: this.ctx.texts.of(bundleId, params.bundle, r).fields,
    }));
  }

  /** What a mark's preview needs of a few records, by id. */
  timelinePreviews(
    bundleId: string,
    ids: readonly number[],
  ): Map<number, { kind: RecordKind; message: string; fields: Record<string, unknown> | null }> {
    const out = new Map<
      number,
      { kind: RecordKind; message: string; fields: Record<string, unknown> | null }
    >();
    if (ids.length === 0) return out;
    const key = this.ctx.bundleKey(bundleId);
    const rows = this.ctx.db
      .prepare(TIMELINE_SQL.previews)
      .safeIntegers(true)
      .all({ bundle: key, ids: JSON.stringify(ids.filter(isRecordId)) }) as (TextRow & { id: bigint })[];
    for (const r of rows) {
      const text = this.ctx.texts.of(bundleId, key, r);
      out.set(Number(r.id), {
        kind: r.kind,
        message: text.message.slice(0, TIMELINE_MESSAGE_CHARS),
        fields: r.kind === 'log' ? text.fields : null,
      });
    }
    return out;
  }
}
