/**
 * A big request's links as columns in one blob (migration 0004), for level of detail without SQL.
 *
 * Bucketing a million links in SQL is a scan plus a sort of a million rows for `GROUP BY` (~0.5 s
 * for the timeline, as much again for the request's histogram). Requests with at least
 * {@link LINK_COLUMNS_MIN} timed links get their links' time, record id, lane and severity written
 * once, sorted by time, as typed arrays; the timeline then reads one blob (a few MB) and bins it in
 * a loop. The results are the SQL queries' results: same bucket arithmetic, same representative.
 *
 * Layout (little-endian, each array aligned to its element size):
 * `Float64 dNs[n]` (ns since `originNs`, exact below 2^53 ns ≈ 104 days) · `Uint32 record[n]` ·
 * `Uint16 lane[n]` · `Uint8 severity[n]`.
 */

/** Requests with fewer timed links are bucketed in SQL (cheap at that size). */
export const LINK_COLUMNS_MIN = 20_000;

export interface LinkColumns {
  originNs: bigint;
  n: number;
  dNs: Float64Array;
  record: Uint32Array;
  lane: Uint16Array;
  severity: Uint8Array;
  /** The distinct lane numbers, computed on first use. */
  distinctLanes?: Set<number>;
}

/** One link, as the encoder takes them (in (ts, record) order). */
export interface LinkColumnRow {
  ts: bigint;
  record: number;
  lane: number;
  severity: number;
}

const offsets = (n: number) => {
  const record = n * 8;
  const lane = record + n * 4;
  const severity = lane + n * 2;
  return { record, lane, severity, size: severity + n };
};

/**
 * Writes links into the blob layout as they are read (at most `capacity` of them), so a
 * million-link request never exists as a million objects.
 */
export class LinkColumnsWriter {
  private readonly buf: ArrayBuffer;
  private readonly dNs: Float64Array;
  private readonly record: Uint32Array;
  private readonly lane: Uint16Array;
  private readonly severity: Uint8Array;
  n = 0;

  constructor(
    private readonly originNs: bigint,
    private readonly capacity: number,
  ) {
    const o = offsets(capacity);
    this.buf = new ArrayBuffer(o.size);
    this.dNs = new Float64Array(this.buf, 0, capacity);
    this.record = new Uint32Array(this.buf, o.record, capacity);
    this.lane = new Uint16Array(this.buf, o.lane, capacity);
    this.severity = new Uint8Array(this.buf, o.severity, capacity);
  }

  push(r: LinkColumnRow): void {
    if (this.n === this.capacity) throw new Error(`link columns: more than ${this.capacity} links`);
    const i = this.n++;
    this.dNs[i] = Number(r.ts - this.originNs);
    this.record[i] = r.record;
    this.lane[i] = r.lane;
    this.severity[i] = r.severity;
  }

  /** The blob of the links pushed so far (re-laid out when fewer than `capacity`). */
  finish(): Buffer {
    if (this.n === this.capacity) return Buffer.from(this.buf);
    const o = offsets(this.n);
    const out = new Uint8Array(o.size);
    out.set(new Uint8Array(this.buf, 0, this.n * 8), 0);
    out.set(new Uint8Array(this.record.buffer, this.record.byteOffset, this.n * 4), o.record);
    out.set(new Uint8Array(this.lane.buffer, this.lane.byteOffset, this.n * 2), o.lane);
    out.set(new Uint8Array(this.severity.buffer, this.severity.byteOffset, this.n), o.severity);
    return Buffer.from(out.buffer);
  }
}

export function decodeLinkColumns(originNs: bigint, n: number, blob: Uint8Array): LinkColumns {
  const o = offsets(n);
  if (blob.byteLength !== o.size) throw new Error(`link columns: ${blob.byteLength} bytes for ${n} links`);
  // A fresh, aligned copy: the blob's bytes may sit at any offset of a shared buffer.
  const buf = new ArrayBuffer(o.size);
  new Uint8Array(buf).set(blob);
  return {
    originNs,
    n,
    dNs: new Float64Array(buf, 0, n),
    record: new Uint32Array(buf, o.record, n),
    lane: new Uint16Array(buf, o.lane, n),
    severity: new Uint8Array(buf, o.severity, n),
  };
}

/** First index whose time is ≥ `d` (ns since origin). */
function lowerBound(dNs: Float64Array, d: number): number {
  let lo = 0;
  let hi = dNs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (dNs[mid]! < d) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The index range of links with fromNs ≤ ts ≤ toNs. */
function windowOf(c: LinkColumns, fromNs: bigint, toNs: bigint): [number, number] {
  const lo = lowerBound(c.dNs, Number(fromNs - c.originNs));
  // ts ≤ toNs ⇔ ts < toNs + 1 (integers).
  const hi = lowerBound(c.dNs, Number(toNs - c.originNs) + 1);
  return [lo, Math.max(lo, hi)];
}

export interface ColumnBucket {
  lane: number;
  index: number;
  count: number;
  worstRank: number;
  recordId: number;
}

/**
 * TIMELINE_SQL.buckets over the columns: per lane and bucket, the count, worst severity and the
 * smallest record id among the worst. `grid.originNs` must be the columns' origin.
 */
export function bucketLinkColumns(
  c: LinkColumns,
  w: { fromNs: bigint; toNs: bigint; minSeverity: number },
  grid: { fromMs: number; bucketMs: number; buckets: number },
): ColumnBucket[] {
  const [lo, hi] = windowOf(c, w.fromNs, w.toNs);
  const out = new Map<number, ColumnBucket>();
  const last = grid.buckets - 1;
  for (let i = lo; i < hi; i++) {
    const sev = c.severity[i]!;
    if (sev < w.minSeverity) continue;
    // SQL: ((ts - origin) / 1000) / 1000.0 — integer µs (truncated toward zero), then ms.
    const ms = Math.trunc(c.dNs[i]! / 1000) / 1000;
    const b = Math.min(last, Math.max(0, Math.trunc((ms - grid.fromMs) / grid.bucketMs)));
    const lane = c.lane[i]!;
    const key = lane * 1_048_576 + b;
    const rec = c.record[i]!;
    const cur = out.get(key);
    if (!cur) out.set(key, { lane, index: b, count: 1, worstRank: sev, recordId: rec });
    else {
      cur.count++;
      if (sev > cur.worstRank || (sev === cur.worstRank && rec < cur.recordId)) {
        cur.worstRank = sev;
        cur.recordId = rec;
      }
    }
  }
  return [...out.values()];
}

/** SQL.histogramForRequest over the columns: counts per `(ts - from) / width` bucket and severity. */
export function histogramLinkColumns(
  c: LinkColumns,
  from: bigint,
  to: bigint,
  width: bigint,
): { b: number; severity: number; n: number }[] {
  const [lo, hi] = windowOf(c, from, to);
  const offset = Number(from - c.originNs);
  const wd = Number(width);
  const counts = new Map<number, { b: number; severity: number; n: number }>();
  for (let i = lo; i < hi; i++) {
    const b = Math.trunc((c.dNs[i]! - offset) / wd);
    const severity = c.severity[i]!;
    const key = b * 8 + severity;
    const cur = counts.get(key);
    if (cur) cur.n++;
    else counts.set(key, { b, severity, n: 1 });
  }
  return [...counts.values()];
}
