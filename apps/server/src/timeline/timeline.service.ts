import {
  formatNs,
  nsToMs,
  parseRfc3339Ns,
  severityFromRank,
  type ApiCall,
  type Bucket,
  type Lane,
  type Mark,
  type Timeline,
  type TimelineQuery,
  type TimelineSpan,
} from '@kubetrail/model';
import { AppError } from '../http/appError.ts';
import { clampNs } from '../http/timeParam.ts';
import type { StoreContext } from '../http/context.ts';
import { levelOfDetailCapacity } from './buckets.ts';
import { compareLanes, componentLane, laneForRecord, laneOfSig, type LaneKey } from './lanes.ts';
import { layoutSpans } from './spanLayout.ts';

/** Marks carry a one-line preview; the full line is one click away (records/:id). */
const MESSAGE_PREVIEW = 240;

/**
 * One line for a mark: the message, and for structured log lines their scalar key/values
 * (`HTTP verb="GET" URI="/api/…" resp="404"`), `err` first, cut at MESSAGE_PREVIEW characters.
 */
export function preview(r: {
  message: string;
  kind: string;
  fields: Record<string, unknown> | null;
}): string {
  let line = r.message.split('\n', 1)[0] ?? '';
  if (r.kind === 'log' && r.fields) {
    const entries = Object.entries(r.fields).filter(
      ([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean',
    );
    entries.sort(([a], [b]) => (a === 'err' ? -1 : b === 'err' ? 1 : 0));
    for (const [k, v] of entries) {
      if (line.length >= MESSAGE_PREVIEW) break;
      line += ` ${k}=${typeof v === 'string' ? JSON.stringify(v) : String(v)}`;
    }
  }
  return line.length > MESSAGE_PREVIEW ? `${line.slice(0, MESSAGE_PREVIEW - 1)}…` : line;
}

const NS_PER_MS = 1_000_000;
/** Milliseconds (float) to nanoseconds. */
export const msToNs = (ms: number): bigint => BigInt(Math.round(ms * NS_PER_MS));

const obj = (v: unknown): Record<string, unknown> | null =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** An audit record as an API-call bar: request received → last stage. */
function toApiCall(
  r: { id: number; tsNs: bigint | null; fields: Record<string, unknown> | null },
  origin: bigint,
  lane: LaneKey,
): ApiCall | null {
  const f = r.fields;
  if (!f || r.tsNs === null) return null;
  const received = parseRfc3339Ns(str(f.requestReceivedTimestamp) ?? '') ?? r.tsNs;
  const done = parseRfc3339Ns(str(f.stageTimestamp) ?? '') ?? received;
  const ref = obj(f.objectRef);
  const status = obj(f.responseStatus);
  const code = typeof status?.code === 'number' && Number.isInteger(status.code) ? status.code : null;
  const resource = str(ref?.resource) ?? '';
  const sub = str(ref?.subresource);
  return {
    recordId: r.id,
    lane: lane.id,
    auditId: str(f.auditID) ?? '',
    t0: nsToMs(received - origin),
    t1: nsToMs((done < received ? received : done) - origin),
    verb: str(f.verb) ?? '',
    resource: sub ? `${resource}/${sub}` : resource,
    namespace: str(ref?.namespace),
    name: str(ref?.name),
    user: str(obj(f.user)?.username),
    code,
  };
}

/** API-call bars returned at most (audit records of one request are few; this bounds a pathological one). */
export const MAX_API_CALLS = 5_000;

/**
 * The swimlane timeline of one request: lanes, marks (or per-pixel buckets for dense lanes),
 * API calls, spans with depth and critical path, and stage marks. `from`/`to` are ms relative to
 * the request's start; the default window is the request's whole extent.
 *
 * Level of detail comes from the store (SPEC §7.2): one SQL pass counts the window's records per
 * lane signature and bucket (never reading raw text or whole `fields`); lanes with at most
 * `width / 2` records are then read as marks (narrow columns), denser lanes are sent as those
 * buckets. Memory follows what is returned; time is one narrow pass over the window's links.
 */
export function buildTimeline(
  ctx: StoreContext,
  bundleId: string,
  reqId: string,
  q: TimelineQuery,
): Timeline {
  const { store } = ctx;
  if (!store.hasBundle(bundleId)) throw AppError.notFound(`bundle ${bundleId}`);
  const request = store.getRequest(bundleId, reqId);
  if (!request) throw AppError.notFound(`request ${reqId}`);

  const origin = parseRfc3339Ns(request.startedAt) ?? 0n;
  const end = parseRfc3339Ns(request.endedAt) ?? origin;
  // The operation: its start until its ladder settled (endedAt), or its last stage if later.
  let settled = end;
  for (const t of request.targets)
    for (const st of t.stages) {
      const at = st.at === null ? null : parseRfc3339Ns(st.at);
      if (at !== null && at > settled) settled = at;
    }
  const activity = { from: 0, to: Math.max(0, nsToMs(settled - origin)) };
  // Everything it holds: lines before its start or after it settled stay reachable.
  const lines = store.requestTimeRange(bundleId, reqId);
  const extent = {
    from: Math.min(0, lines.lo === null ? 0 : nsToMs(lines.lo - origin)),
    to: Math.max(activity.to, lines.hi === null ? 0 : nsToMs(lines.hi - origin)),
  };
  const from = q.from ?? extent.from;
  const to = q.to ?? extent.to;
  if (to < from) throw AppError.badRequest('`to` must not be before `from`', { from, to });

  const window = {
    fromNs: clampNs(origin + msToNs(from)),
    toNs: clampNs(origin + msToNs(to)),
    errorsOnly: q.errorsOnly === '1' || q.errorsOnly === 'true',
  };

  const lanes = new Map<string, { key: LaneKey; count: number }>();
  const useLane = (key: LaneKey, n = 1): LaneKey => {
    const l = lanes.get(key.id);
    if (l) l.count += n;
    else lanes.set(key.id, { key, count: n });
    return key;
  };

  // 1. One pass: per lane signature and bucket, count / worst / representative. Summed per lane
  //    these decide which lanes are dense.
  const capacity = levelOfDetailCapacity(q.width);
  const span = Math.max(to - from, Number.EPSILON);
  const bucketMs = span / capacity;
  const grid = store.timelineBuckets(bundleId, reqId, window, {
    originNs: origin,
    fromMs: from,
    bucketMs,
    buckets: capacity,
  });
  const laneOf = new Map<string, LaneKey>();
  for (const { sig, count } of grid) {
    let lane = laneOf.get(sig);
    if (!lane) laneOf.set(sig, (lane = laneOfSig(sig)));
    useLane(lane, count);
  }
  // Every lane of the request, with nothing in this window or not: lanes stay put while zooming.
  for (const sig of store.requestLaneSigs(bundleId, reqId)) {
    let lane = laneOf.get(sig);
    if (!lane) laneOf.set(sig, (lane = laneOfSig(sig)));
    useLane(lane, 0);
  }
  const isDense = (lane: LaneKey): boolean => (lanes.get(lane.id)?.count ?? 0) > capacity;
  const sparse = [...laneOf].filter(([, lane]) => !isDense(lane)).map(([sig]) => sig);

  // 2. Sparse lanes: their records as marks, in (ts, id) order.
  const marks: Mark[] = store.timelineMarks(bundleId, reqId, window, sparse).map((r) => ({
    recordId: r.id,
    lane: (laneOf.get(r.sig) ?? laneOfSig(r.sig)).id,
    t: nsToMs(r.tsNs - origin),
    ts: formatNs(r.tsNs),
    severity: r.severity,
    kind: r.kind,
    message: preview(r),
    linkKind: r.linkKind,
  }));

  // 3. Dense lanes: their buckets, merged per lane (several signatures can share a lane).
  const merged = new Map<
    string,
    { lane: string; index: number; count: number; worstRank: number; recordId: number }
  >();
  for (const b of grid) {
    const laneKey = laneOf.get(b.sig) ?? laneOfSig(b.sig);
    if (!isDense(laneKey)) continue;
    const lane = laneKey.id;
    const key = `${lane}\u0000${b.index}`;
    const m = merged.get(key);
    if (!m) {
      merged.set(key, { lane, index: b.index, count: b.count, worstRank: b.worstRank, recordId: b.recordId });
      continue;
    }
    m.count += b.count;
    if (b.worstRank > m.worstRank || (b.worstRank === m.worstRank && b.recordId < m.recordId)) {
      m.worstRank = b.worstRank;
      m.recordId = b.recordId;
    }
  }
  const previews = store.timelinePreviews(
    bundleId,
    [...merged.values()].map((m) => m.recordId),
  );
  const buckets: Bucket[] = [...merged.values()]
    .sort((a, b) => (a.lane === b.lane ? a.index - b.index : a.lane < b.lane ? -1 : 1))
    .map((m) => {
      const t0 = from + m.index * bucketMs;
      const p = previews.get(m.recordId);
      return {
        lane: m.lane,
        t0,
        t1: t0 + bucketMs,
        count: m.count,
        worst: severityFromRank(m.worstRank),
        recordId: m.recordId,
        message: p ? preview(p) : '',
      };
    });

  // 4. API calls: the window's audit records, bounded.
  const apiCalls: ApiCall[] = [];
  for (const r of store.timelineAuditRecords(bundleId, reqId, window, MAX_API_CALLS)) {
    const call = toApiCall(
      r,
      origin,
      laneForRecord({ kind: 'audit', component: '', node: null, caller: null, fields: r.fields }),
    );
    if (call) apiCalls.push(call);
  }

  const fromNs = origin + msToNs(from);
  const toNs = origin + msToNs(to);
  const allSpans = store.requestSpans(bundleId, reqId);
  const layout = layoutSpans(
    allSpans.map((s) => ({
      spanId: s.spanId,
      parentSpanId: s.parentSpanId,
      start: Number(s.start - origin),
      end: Number(s.end - origin),
    })),
  );
  const spans: TimelineSpan[] = [];
  for (const s of allSpans) {
    if (s.end < fromNs || s.start > toNs) {
      useLane(componentLane(s.component, s.node), 0);
      continue;
    }
    const lane = useLane(componentLane(s.component, s.node));
    const place = layout.get(s.spanId) ?? { depth: 0, critical: false };
    spans.push({
      id: s.id,
      traceId: s.traceId,
      spanId: s.spanId,
      parentSpanId: s.parentSpanId,
      name: s.name,
      service: s.service,
      component: s.component,
      node: s.node,
      start: formatNs(s.start),
      end: formatNs(s.end),
      statusCode: s.statusCode,
      statusMessage: s.statusMessage,
      attributes: s.attributes,
      resource: s.resource,
      events: s.events.map((e) => ({ name: e.name, ts: formatNs(BigInt(e.ts)), attributes: e.attributes })),
      lane: lane.id,
      t0: nsToMs(s.start - origin),
      t1: nsToMs(s.end - origin),
      depth: place.depth,
      critical: place.critical,
    });
  }

  const stageMarks: Timeline['stageMarks'] = [];
  for (const t of request.targets) {
    const target = `${t.resource}/${t.namespace ? `${t.namespace}/` : ''}${t.name}`;
    for (const st of t.stages) {
      if (st.at === null || (st.status !== 'done' && st.status !== 'failed')) continue;
      const at = parseRfc3339Ns(st.at);
      if (at === null) continue;
      stageMarks.push({
        stage: st.id,
        target,
        status: st.status,
        t: nsToMs(at - origin),
        recordId: st.recordIds[0] ?? null,
      });
    }
  }

  const laneList: Lane[] = [...lanes.values()]
    .sort((a, b) => compareLanes(a.key, b.key))
    .map(({ key, count }) => ({ ...key, count }));

  return {
    request,
    origin: request.startedAt,
    from,
    to,
    extent,
    activity,
    lanes: laneList,
    marks,
    buckets,
    apiCalls,
    spans,
    stageMarks,
  };
}
