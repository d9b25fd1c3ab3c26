import type { ParsedSpan } from '@kubetrail/model';

/**
 * One request as OTLP/JSON (an ExportTraceServiceRequest), the format Jaeger UI's "load from file"
 * and any OTLP/JSON reader open: the request's spans as stored, and each of its log lines either
 * as an event on the nearest enclosing span (same component first, then the shortest) or, when no
 * span encloses it, as a zero-length span in a resource whose `service.name` is its component.
 * Pure: no store, no HTTP.
 */

/** A span as the export needs it (the store's LinkedSpan fits). Times in ns since the epoch. */
export type ExportSpan = Omit<ParsedSpan, 'auditId'>;

/** A log line of the request (the store's LinkedRecord fits). `tsNs` in ns since the epoch. */
export interface ExportRecord {
  id: number;
  tsNs: bigint | null;
  severity: string;
  component: string;
  node: string | null;
  message: string;
  linkKind: string;
  evidence: string;
}

/** Attribute keys kubetrail adds, so a re-ingest can tell log events and log spans apart. */
export const RECORD_ID_KEY = 'kubetrail.record.id';
const EVENT_NAME_MAX = 200;

type KeyValue = { key: string; value: Record<string, unknown> };
export interface OtlpJsonDoc {
  resourceSpans: {
    resource: { attributes: KeyValue[] };
    scopeSpans: { scope: { name: string }; spans: Record<string, unknown>[] }[];
  }[];
}

function anyValue(v: unknown): Record<string, unknown> {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  if (typeof v === 'object' && v !== null)
    return { kvlistValue: { values: keyValues(v as Record<string, unknown>) } };
  return { stringValue: String(v) };
}

function keyValues(o: Record<string, unknown>): KeyValue[] {
  return Object.entries(o)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([key, v]) => ({ key, value: anyValue(v) }));
}

const STATUS_CODE = { unset: 0, ok: 1, error: 2 } as const;

/** FNV-1a 64 of a string as hex: deterministic ids for the spans the export makes up. */
function fnvHex(text: string, salt: bigint): string {
  let h = 0xcbf29ce484222325n ^ salt;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

const firstLine = (s: string): string => {
  const l = s.split('\n', 1)[0] ?? '';
  return l.length > EVENT_NAME_MAX ? `${l.slice(0, EVENT_NAME_MAX - 1)}…` : l;
};

function recordAttributes(r: ExportRecord): Record<string, unknown> {
  return {
    [RECORD_ID_KEY]: r.id,
    'log.severity': r.severity,
    'log.message': r.message,
    'k8s.component': r.component,
    'k8s.node.name': r.node,
    'kubetrail.link.kind': r.linkKind,
    'kubetrail.link.evidence': r.evidence,
  };
}

/** The span a line at `ts` becomes an event of: enclosing, same component first, then the shortest. */
export function enclosingSpan<S extends ExportSpan>(
  spans: readonly S[],
  ts: bigint,
  component: string,
): S | null {
  let best: S | null = null;
  let bestScore: [number, bigint] | null = null;
  for (const s of spans) {
    if (s.start > ts || s.end < ts) continue;
    const score: [number, bigint] = [s.component === component ? 0 : 1, s.end - s.start];
    if (!bestScore || score[0] < bestScore[0] || (score[0] === bestScore[0] && score[1] < bestScore[1])) {
      best = s;
      bestScore = score;
    }
  }
  return best;
}

/**
 * The request `reqId` as one OTLP/JSON document. Log lines without a time are left out. Lines no
 * span encloses become zero-length spans in the trace of the request's first span (or a trace
 * id derived from `reqId` when it has none), so Jaeger shows them in the same trace.
 */
export function requestToOtlp(
  reqId: string,
  spans: readonly ExportSpan[],
  records: readonly ExportRecord[],
): OtlpJsonDoc {
  const events = new Map<ExportSpan, ExportSpan['events']>();
  const loose: ExportRecord[] = [];
  for (const r of records) {
    if (r.tsNs === null) continue;
    const host = enclosingSpan(spans, r.tsNs, r.component);
    if (!host) {
      loose.push(r);
      continue;
    }
    let list = events.get(host);
    if (!list) events.set(host, (list = []));
    list.push({ name: firstLine(r.message), ts: r.tsNs, attributes: recordAttributes(r) });
  }

  // One resource per distinct resource attribute set (as exporters write them).
  const resources = new Map<
    string,
    { resource: Record<string, unknown>; spans: Record<string, unknown>[] }
  >();
  const resourceFor = (resource: Record<string, unknown>): Record<string, unknown>[] => {
    const key = JSON.stringify(resource);
    let r = resources.get(key);
    if (!r) resources.set(key, (r = { resource, spans: [] }));
    return r.spans;
  };

  for (const s of spans) {
    const all = [...s.events, ...(events.get(s) ?? [])].sort((a, b) =>
      a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0,
    );
    const status: Record<string, unknown> = {};
    if (s.statusCode !== 'unset') status.code = STATUS_CODE[s.statusCode];
    if (s.statusMessage) status.message = s.statusMessage;
    const resource =
      Object.keys(s.resource).length > 0 ? s.resource : { 'service.name': s.service ?? s.component };
    resourceFor(resource).push({
      traceId: s.traceId,
      spanId: s.spanId,
      ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
      name: s.name,
      kind: 1,
      startTimeUnixNano: s.start.toString(),
      endTimeUnixNano: s.end.toString(),
      attributes: keyValues(s.attributes),
      events: all.map((e) => ({
        timeUnixNano: e.ts.toString(),
        name: e.name,
        attributes: keyValues(e.attributes),
      })),
      status,
    });
  }

  const traceId = spans[0]?.traceId ?? fnvHex(reqId, 1n) + fnvHex(reqId, 2n);
  for (const r of loose) {
    const ts = r.tsNs!.toString();
    const resource: Record<string, unknown> = { 'service.name': r.component };
    if (r.node) resource['host.name'] = r.node;
    resourceFor(resource).push({
      traceId,
      spanId: fnvHex(`${reqId}|${r.id}`, 3n),
      name: firstLine(r.message),
      kind: 1,
      startTimeUnixNano: ts,
      endTimeUnixNano: ts,
      attributes: keyValues(recordAttributes(r)),
      events: [],
      status: r.severity === 'error' || r.severity === 'fatal' ? { code: 2 } : {},
    });
  }

  return {
    resourceSpans: [...resources.values()].map((r) => ({
      resource: { attributes: keyValues(r.resource) },
      scopeSpans: [{ scope: { name: 'kubetrail' }, spans: r.spans }],
    })),
  };
}
