/**
 * Level of detail for the timeline: a lane with more marks than its pixels can show is sent as
 * per-pixel-ish buckets instead (count, worst severity, one representative). Pure.
 */
export interface MarkLike {
  lane: string;
  /** ms since the timeline origin. */
  t: number;
  /** Severity rank (larger is worse). */
  severityRank: number;
  recordId: number;
}

export interface BucketOf<M extends MarkLike> {
  lane: string;
  t0: number;
  t1: number;
  count: number;
  worstRank: number;
  /** The worst mark, earliest among equals. */
  representative: M;
}

export interface LevelOfDetailOptions {
  /** Window in ms since origin. */
  from: number;
  to: number;
  /** Drawing width in pixels. */
  width: number;
  /** Pixels one mark needs; a lane holding more than width/pxPerMark marks is bucketed. Default 2. */
  pxPerMark?: number;
}

/** How many marks a lane of `width` pixels shows before it is bucketed (also the bucket count). */
export const levelOfDetailCapacity = (width: number, pxPerMark = 2): number =>
  Math.max(1, Math.floor(width / pxPerMark));

/** Splits marks into those sent as-is and buckets for lanes that are too dense. Input order is kept. */
export function levelOfDetail<M extends MarkLike>(
  marks: readonly M[],
  opts: LevelOfDetailOptions,
): { marks: M[]; buckets: BucketOf<M>[] } {
  const capacity = levelOfDetailCapacity(opts.width, opts.pxPerMark);
  const perLane = new Map<string, number>();
  for (const m of marks) perLane.set(m.lane, (perLane.get(m.lane) ?? 0) + 1);
  const dense = new Set([...perLane].filter(([, n]) => n > capacity).map(([l]) => l));
  if (dense.size === 0) return { marks: [...marks], buckets: [] };

  const span = Math.max(opts.to - opts.from, Number.EPSILON);
  const bucketMs = span / capacity;
  const kept: M[] = [];
  const byKey = new Map<string, BucketOf<M>>();
  for (const m of marks) {
    if (!dense.has(m.lane)) {
      kept.push(m);
      continue;
    }
    const i = Math.min(capacity - 1, Math.max(0, Math.floor((m.t - opts.from) / bucketMs)));
    const key = `${m.lane}\u0000${i}`;
    const b = byKey.get(key);
    if (!b) {
      const t0 = opts.from + i * bucketMs;
      byKey.set(key, {
        lane: m.lane,
        t0,
        t1: t0 + bucketMs,
        count: 1,
        worstRank: m.severityRank,
        representative: m,
      });
      continue;
    }
    b.count++;
    const r = b.representative;
    if (
      m.severityRank > r.severityRank ||
      (m.severityRank === r.severityRank && (m.t < r.t || (m.t === r.t && m.recordId < r.recordId)))
    )
      b.representative = m;
    b.worstRank = Math.max(b.worstRank, m.severityRank);
  }
  const buckets = [...byKey.values()].sort((a, b) =>
    a.lane === b.lane ? a.t0 - b.t0 : a.lane < b.lane ? -1 : 1,
  );
  return { marks: kept, buckets };
}
