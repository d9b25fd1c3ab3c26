import {
  formatNs,
  nsToMs,
  parseRfc3339Ns,
  severityFromRank,
  severityRank,
  type ApiCall,
  type Bucket,
  type Lane,
  type Mark,
  type Timeline,
  type TimelineQuery,
  type TimelineSpan,
} from '@kubetrail/model';
import type { LinkedRecord } from '@kubetrail/store';
import { AppError } from '../http/appError.ts';
import { clampNs } from '../http/timeParam.ts';
import type { StoreContext } from '../http/context.ts';
import { levelOfDetail } from './buckets.ts';
import { compareLanes, componentLane, laneForRecord, type LaneKey } from './lanes.ts';
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
const msToNs = (ms: number): bigint => BigInt(Math.round(ms * NS_PER_MS));

const obj = (v: unknown): Record<string, unknown> | null =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** An audit record as an API-call bar: request received → last stage. */
function toApiCall(r: LinkedRecord, origin: bigint, lane: LaneKey): ApiCall | null {
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

/**
 * The swimlane timeline of one request: lanes, marks (or per-pixel buckets for dense lanes),
 * API calls, spans with depth and critical path, and stage marks. `from`/`to` are ms relative to
 * the request's start; the default window is the request's whole extent.
 */
export function buildTimeline(
  ctx: StoreContext,
  bundleId: string,
  reqId: string,
  q: TimelineQuery,
): Timeline {
  const { store } = ctx;
  if (!store.getBundle(bundleId)) throw AppError.notFound(`bundle ${bundleId}`);
  const request = store.getRequest(bundleId, reqId);
  if (!request) throw AppError.notFound(`request ${reqId}`);

  const origin = parseRfc3339Ns(request.startedAt) ?? 0n;
  const end = parseRfc3339Ns(request.endedAt) ?? origin;
  const extent = { from: 0, to: Math.max(0, nsToMs(end - origin)) };
  const from = q.from ?? extent.from;
  const to = q.to ?? extent.to;
  if (to < from) throw AppError.badRequest('`to` must not be before `from`', { from, to });

  const records = store.requestRecords(bundleId, reqId, {
    fromNs: clampNs(origin + msToNs(from)),
    toNs: clampNs(origin + msToNs(to)),
    errorsOnly: q.errorsOnly === '1' || q.errorsOnly === 'true',
  });

  const lanes = new Map<string, { key: LaneKey; count: number }>();
  const useLane = (key: LaneKey): LaneKey => {
    const l = lanes.get(key.id);
    if (l) l.count++;
    else lanes.set(key.id, { key, count: 1 });
    return key;
  };

  type Placed = Mark & { severityRank: number };
  const placed: Placed[] = [];
  const apiCalls: ApiCall[] = [];
  for (const r of records) {
    if (r.tsNs === null) continue;
    const lane = useLane(laneForRecord(r));
    placed.push({
      recordId: r.id,
      lane: lane.id,
      t: nsToMs(r.tsNs - origin),
      ts: r.ts ?? '',
      severity: r.severity,
      severityRank: severityRank(r.severity),
      kind: r.kind,
      message: preview(r),
      linkKind: r.linkKind,
    });
    if (r.kind === 'audit') {
      const call = toApiCall(r, origin, lane);
      if (call) apiCalls.push(call);
    }
  }

  const lod = levelOfDetail(placed, { from, to, width: q.width });
  const marks: Mark[] = lod.marks.map(({ severityRank: _rank, ...m }) => m);
  const buckets: Bucket[] = lod.buckets.map((b) => ({
    lane: b.lane,
    t0: b.t0,
    t1: b.t1,
    count: b.count,
    worst: severityFromRank(b.worstRank),
    recordId: b.representative.recordId,
    message: b.representative.message,
  }));

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
    if (s.end < fromNs || s.start > toNs) continue;
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
    lanes: laneList,
    marks,
    buckets,
    apiCalls,
    spans,
    stageMarks,
  };
}
