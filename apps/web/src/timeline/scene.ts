import { severityRank, STAGE_LABELS } from '@kubetrail/model';
import type { RecordKind, Timeline } from '@kubetrail/model';

/** Record kinds as small integers for typed arrays. */
export const KIND_LOG = 0;
export const KIND_AUDIT = 1;
export const KIND_EVENT = 2;
export const KIND_STATE = 3;
export const KIND_DOC = 4;
const KIND_CODE: Record<RecordKind, number> = {
  log: KIND_LOG,
  audit: KIND_AUDIT,
  event: KIND_EVENT,
  state: KIND_STATE,
  doc: KIND_DOC,
};

export const BAR_API = 0;
export const BAR_SPAN = 1;
/** Spans deeper than this share the last row (keeps lanes a readable height). */
export const MAX_SPAN_ROWS = 4;

export interface MarkArrays {
  n: number;
  t: Float64Array;
  lane: Uint16Array;
  sev: Uint8Array;
  kind: Uint8Array;
  recordId: Float64Array;
  message: string[];
  /** Indices sorted by time, one list per severity rank (draw a severity in one pass). */
  bySev: Uint32Array[];
  /** Indices sorted by time, one list per lane (hit testing). */
  byLane: Uint32Array[];
}

export interface BucketArrays {
  n: number;
  t0: Float64Array;
  t1: Float64Array;
  lane: Uint16Array;
  sev: Uint8Array;
  count: Uint32Array;
  recordId: Float64Array;
  message: string[];
}

export interface BarArrays {
  n: number;
  t0: Float64Array;
  t1: Float64Array;
  lane: Uint16Array;
  /** Row inside the lane's bar area (0 = first row under the marks). */
  row: Uint8Array;
  type: Uint8Array;
  error: Uint8Array;
  critical: Uint8Array;
  /** Record id (API calls) or -1 (spans have none). */
  recordId: Float64Array;
  /** Index into the timeline's `spans` (spans) or -1 (API calls), for the span detail panel. */
  spanIndex: Int32Array;
  label: string[];
}

export interface StageLine {
  t: number;
  label: string;
  status: string;
  recordId: number | null;
}

export interface Scene {
  laneIds: string[];
  laneIndex: Map<string, number>;
  /** Bar rows per lane (API calls and span depths). */
  barRows: Uint8Array;
  marks: MarkArrays;
  buckets: BucketArrays;
  bars: BarArrays;
  stages: StageLine[];
  /** Where the request stopped (ms), when it did not complete and we know when. */
  stopT: number | null;
  stopLabel: string | null;
  /** Navigation order for j/k/e: every selectable item, sorted by time. */
  nav: { n: number; t: Float64Array; recordId: Float64Array; lane: Uint16Array; sev: Uint8Array };
  /** Time of each selectable record (ms), for bringing a selection into view. */
  recordT: Map<number, number>;
  /** Lane index of each selectable record. */
  recordLane: Map<number, number>;
}

/** Indices 0..n-1 sorted by `key` (skips the sort when already sorted, the usual case). */
function orderBy(n: number, key: Float64Array): Uint32Array {
  const idx = new Uint32Array(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    idx[i] = i;
    if (i > 0 && (key[i] as number) < (key[i - 1] as number)) sorted = false;
  }
  if (!sorted) {
    const tmp = Array.from(idx);
    tmp.sort((a, b) => (key[a] as number) - (key[b] as number));
    idx.set(tmp);
  }
  return idx;
}

/** Splits `order` (already sorted) into one index list per group, keeping the order. */
function groupSorted(order: Uint32Array, group: ArrayLike<number>, groups: number): Uint32Array[] {
  const counts = new Uint32Array(groups);
  for (let p = 0; p < order.length; p++) {
    const g = group[order[p] as number] as number;
    counts[g] = (counts[g] as number) + 1;
  }
  const out = Array.from(counts, (c) => new Uint32Array(c));
  const fill = new Uint32Array(groups);
  for (let p = 0; p < order.length; p++) {
    const i = order[p] as number;
    const g = group[i] as number;
    (out[g] as Uint32Array)[fill[g] as number] = i;
    fill[g] = (fill[g] as number) + 1;
  }
  return out;
}

/** Turns a timeline response into typed arrays for drawing and hit testing. */
export function buildScene(tl: Timeline): Scene {
  const laneIds = tl.lanes.map((l) => l.id);
  const laneIndex = new Map(laneIds.map((id, i) => [id, i]));
  // Items on a lane the response did not list get a lane of their own at the end.
  const laneOf = (id: string): number => {
    let i = laneIndex.get(id);
    if (i === undefined) {
      i = laneIds.length;
      laneIds.push(id);
      laneIndex.set(id, i);
    }
    return i;
  };

  const mn = tl.marks.length;
  const marks: MarkArrays = {
    n: mn,
    t: new Float64Array(mn),
    lane: new Uint16Array(mn),
    sev: new Uint8Array(mn),
    kind: new Uint8Array(mn),
    recordId: new Float64Array(mn),
    message: new Array<string>(mn),
    bySev: [],
    byLane: [],
  };
  tl.marks.forEach((m, i) => {
    marks.t[i] = m.t;
    marks.lane[i] = laneOf(m.lane);
    marks.sev[i] = severityRank(m.severity);
    marks.kind[i] = KIND_CODE[m.kind];
    marks.recordId[i] = m.recordId;
    marks.message[i] = m.message;
  });

  const bn = tl.buckets.length;
  const buckets: BucketArrays = {
    n: bn,
    t0: new Float64Array(bn),
    t1: new Float64Array(bn),
    lane: new Uint16Array(bn),
    sev: new Uint8Array(bn),
    count: new Uint32Array(bn),
    recordId: new Float64Array(bn),
    message: new Array<string>(bn),
  };
  tl.buckets.forEach((b, i) => {
    buckets.t0[i] = b.t0;
    buckets.t1[i] = Math.max(b.t0, b.t1);
    buckets.lane[i] = laneOf(b.lane);
    buckets.sev[i] = severityRank(b.worst);
    buckets.count[i] = b.count;
    buckets.recordId[i] = b.recordId;
    buckets.message[i] = b.message;
  });

  const lanesWithApi = new Set(tl.apiCalls.map((c) => c.lane));
  type BarItem = {
    t0: number;
    t1: number;
    lane: number;
    row: number;
    type: number;
    error: number;
    critical: number;
    recordId: number;
    spanIndex: number;
    label: string;
  };
  const items: BarItem[] = [];
  for (const c of tl.apiCalls) {
    const obj = [c.namespace, c.name].filter(Boolean).join('/');
    items.push({
      t0: c.t0,
      t1: Math.max(c.t0, c.t1),
      lane: laneOf(c.lane),
      row: 0,
      type: BAR_API,
      error: c.code !== null && c.code >= 400 ? 1 : 0,
      critical: 0,
      recordId: c.recordId,
      spanIndex: -1,
      label: `${c.verb} ${c.resource}${obj ? ` ${obj}` : ''}${c.code !== null ? ` → ${c.code}` : ''}`,
    });
  }
  tl.spans.forEach((sp, spanIndex) => {
    items.push({
      t0: sp.t0,
      t1: Math.max(sp.t0, sp.t1),
      lane: laneOf(sp.lane),
      row: (lanesWithApi.has(sp.lane) ? 1 : 0) + Math.min(sp.depth, MAX_SPAN_ROWS - 1),
      type: BAR_SPAN,
      error: sp.statusCode === 'error' ? 1 : 0,
      critical: sp.critical ? 1 : 0,
      recordId: -1,
      spanIndex,
      label: sp.name,
    });
  });
  // Left to right, so labels can be placed without overlapping.
  items.sort((a, b) => a.t0 - b.t0);
  const rn = items.length;
  const bars: BarArrays = {
    n: rn,
    t0: Float64Array.from(items, (b) => b.t0),
    t1: Float64Array.from(items, (b) => b.t1),
    lane: Uint16Array.from(items, (b) => b.lane),
    row: Uint8Array.from(items, (b) => b.row),
    type: Uint8Array.from(items, (b) => b.type),
    error: Uint8Array.from(items, (b) => b.error),
    critical: Uint8Array.from(items, (b) => b.critical),
    recordId: Float64Array.from(items, (b) => b.recordId),
    spanIndex: Int32Array.from(items, (b) => b.spanIndex),
    label: items.map((b) => b.label),
  };

  const barRows = new Uint8Array(laneIds.length);
  for (let i = 0; i < rn; i++) {
    const lane = bars.lane[i] as number;
    barRows[lane] = Math.max(barRows[lane] as number, (bars.row[i] as number) + 1);
  }

  const order = orderBy(mn, marks.t);
  marks.bySev = groupSorted(order, marks.sev, 5);
  marks.byLane = groupSorted(order, marks.lane, laneIds.length);

  // Navigation list: marks, bucket representatives and API calls, in time order. The extras are
  // few: sort them and merge them into the (sorted) marks.
  const extras: { t: number; id: number; lane: number; sev: number }[] = [];
  for (let i = 0; i < bn; i++)
    extras.push({
      t: buckets.t0[i] as number,
      id: buckets.recordId[i] as number,
      lane: buckets.lane[i] as number,
      sev: buckets.sev[i] as number,
    });
  for (const c of tl.apiCalls)
    extras.push({
      t: c.t0,
      id: c.recordId,
      lane: laneOf(c.lane),
      sev: c.code !== null && c.code >= 400 ? 3 : 1,
    });
  extras.sort((a, b) => a.t - b.t || a.id - b.id);
  const cap = mn + extras.length;
  const nav = {
    n: 0,
    t: new Float64Array(cap),
    recordId: new Float64Array(cap),
    lane: new Uint16Array(cap),
    sev: new Uint8Array(cap),
  };
  const recordT = new Map<number, number>();
  const recordLane = new Map<number, number>();
  const push = (t: number, id: number, lane: number, sev: number) => {
    if (recordT.has(id)) return;
    recordT.set(id, t);
    recordLane.set(id, lane);
    nav.t[nav.n] = t;
    nav.recordId[nav.n] = id;
    nav.lane[nav.n] = lane;
    nav.sev[nav.n] = sev;
    nav.n++;
  };
  let e = 0;
  for (let p = 0; p < mn; p++) {
    const i = order[p] as number;
    const t = marks.t[i] as number;
    for (; e < extras.length && (extras[e] as { t: number }).t <= t; e++) {
      const x = extras[e] as { t: number; id: number; lane: number; sev: number };
      push(x.t, x.id, x.lane, x.sev);
    }
    push(t, marks.recordId[i] as number, marks.lane[i] as number, marks.sev[i] as number);
  }
  for (; e < extras.length; e++) {
    const x = extras[e] as { t: number; id: number; lane: number; sev: number };
    push(x.t, x.id, x.lane, x.sev);
  }

  const labels = STAGE_LABELS as Record<string, string>;
  const multiTarget = tl.request.targets.length > 1;
  const stages: StageLine[] = tl.stageMarks
    .map((s) => ({
      t: s.t,
      label: `${labels[s.stage] ?? s.stage}${multiTarget ? ` (${s.target})` : ''}`,
      status: s.status,
      recordId: s.recordId,
    }))
    .sort((a, b) => a.t - b.t);

  // The stop point: the failed stage mark, else the evidence record's time.
  let stopT: number | null = null;
  let stopLabel: string | null = null;
  const stopped = tl.request.targets.find((t) => t.outcome === tl.request.outcome && t.stoppedAt)?.stoppedAt;
  if (stopped && tl.request.outcome !== 'complete') {
    const failed = tl.stageMarks.find((s) => s.status === 'failed' && s.stage === stopped.stage);
    const t = failed?.t ?? (stopped.recordId !== null ? recordT.get(stopped.recordId) : undefined);
    if (t !== undefined) {
      stopT = t;
      stopLabel = `stopped: ${labels[stopped.stage] ?? stopped.stage}`;
    }
  }

  return {
    laneIds,
    laneIndex,
    barRows,
    marks,
    buckets,
    bars,
    stages,
    stopT,
    stopLabel,
    nav,
    recordT,
    recordLane,
  };
}
