import type { ParsedSpan, ParsedSpanEvent } from '@kubetrail/model';
import { COMPONENTS } from '@kubetrail/model';
import { timeOutOfRange } from './nsRange.ts';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** True for an OTLP/JSON traces export request. */
export function isOtlpTraces(o: Json): boolean {
  return Array.isArray(o.resourceSpans);
}

/**
 * AnyValues nested deeper than this (arrays and key/value lists inside each other) are cut: a
 * protobuf body can nest them as deep as its bytes allow, and walking that would exhaust the stack.
 */
const MAX_ANY_VALUE_DEPTH = 64;

/** OTLP AnyValue → a plain JSON value. */
export function anyValue(v: unknown, depth = 0): unknown {
  if (!isObj(v)) return v ?? null;
  if (depth >= MAX_ANY_VALUE_DEPTH) return `[nested deeper than ${MAX_ANY_VALUE_DEPTH} levels]`;
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) {
    const n = Number(v.intValue);
    return Number.isSafeInteger(n) ? n : String(v.intValue);
  }
  if ('doubleValue' in v) return Number(v.doubleValue);
  if ('arrayValue' in v) {
    const a = isObj(v.arrayValue) ? v.arrayValue.values : undefined;
    return Array.isArray(a) ? a.map((x) => anyValue(x, depth + 1)) : [];
  }
  if ('kvlistValue' in v) {
    const a = isObj(v.kvlistValue) ? v.kvlistValue.values : undefined;
    return attributes(a, depth + 1);
  }
  if ('bytesValue' in v) return v.bytesValue;
  return null;
}

/** OTLP KeyValue list → object. */
export function attributes(list: unknown, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!Array.isArray(list)) return out;
  for (const kv of list) if (isObj(kv) && typeof kv.key === 'string') out[kv.key] = anyValue(kv.value, depth);
  return out;
}

const HEX = /^[0-9a-fA-F]+$/;

/**
 * A trace/span id as lowercase hex. OTLP/JSON says hex, but protobuf's JSON mapping (and some
 * exporters) write base64: a string of the expected hex length that is all hex digits is hex,
 * anything else is tried as base64. Null for empty or all-zero ids.
 */
export function normaliseId(id: unknown, bytes: number): string | null {
  if (typeof id !== 'string' || id.length === 0) return null;
  let hex: string;
  if (id.length === bytes * 2 && HEX.test(id)) hex = id.toLowerCase();
  else {
    const buf = Buffer.from(id, 'base64');
    if (buf.length !== bytes) return HEX.test(id) ? id.toLowerCase() : null;
    hex = buf.toString('hex');
  }
  return /^0+$/.test(hex) ? null : hex;
}

function nanos(v: unknown): bigint | null {
  if (typeof v === 'string' && /^\d{1,20}$/.test(v)) return BigInt(v);
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return BigInt(Math.round(v));
  return null;
}

/** service.name → component: the apiserver's default service name is `apiserver`. */
export function serviceComponent(service: string | null): string {
  switch (service) {
    case null:
      return 'unknown';
    case 'apiserver':
    case 'kube-apiserver':
      return COMPONENTS.apiserver;
    case 'kubelet':
      return COMPONENTS.kubelet;
    case 'containerd':
      return COMPONENTS.runtime;
    case 'etcd':
      return COMPONENTS.etcd;
    default:
      return service;
  }
}

function statusCode(v: unknown): ParsedSpan['statusCode'] {
  if (v === 1 || v === 'STATUS_CODE_OK') return 'ok';
  if (v === 2 || v === 'STATUS_CODE_ERROR') return 'error';
  return 'unset';
}

/**
 * Every span of one OTLP/JSON export request. `problems` receives a reason per span that had to be
 * dropped (missing ids or times).
 */
export function otlpSpans(doc: Json, problems: string[]): ParsedSpan[] {
  const out: ParsedSpan[] = [];
  const rss = Array.isArray(doc.resourceSpans) ? (doc.resourceSpans as unknown[]) : [];
  for (const rs of rss) {
    if (!isObj(rs)) continue;
    const resource = attributes(isObj(rs.resource) ? rs.resource.attributes : undefined);
    const service = str(resource['service.name']);
    const node = str(resource['k8s.node.name']) ?? str(resource['host.name']);
    const scopes = Array.isArray(rs.scopeSpans)
      ? (rs.scopeSpans as unknown[])
      : Array.isArray(rs.instrumentationLibrarySpans)
        ? (rs.instrumentationLibrarySpans as unknown[])
        : [];
    for (const ss of scopes) {
      if (!isObj(ss) || !Array.isArray(ss.spans)) continue;
      for (const s of ss.spans as unknown[]) {
        if (!isObj(s)) continue;
        const traceId = normaliseId(s.traceId, 16);
        const spanId = normaliseId(s.spanId, 8);
        const start = nanos(s.startTimeUnixNano);
        const end = nanos(s.endTimeUnixNano) ?? start;
        if (traceId === null || spanId === null || start === null || end === null) {
          problems.push(`span ${JSON.stringify(s.name ?? '?')}: missing trace/span id or start time`);
          continue;
        }
        // OTLP times are unsigned 64-bit; the store's are signed (ends at 2262): refuse that span only.
        const range = timeOutOfRange(start) ?? timeOutOfRange(end);
        if (range !== null) {
          problems.push(`span ${JSON.stringify(s.name ?? '?')}: ${range}`);
          continue;
        }
        const attrs = attributes(s.attributes);
        const events: ParsedSpanEvent[] = [];
        if (Array.isArray(s.events)) {
          for (const e of s.events as unknown[]) {
            if (!isObj(e)) continue;
            const ts = nanos(e.timeUnixNano);
            // An event at a time that cannot be stored is dropped; its span is kept.
            if (ts === null || timeOutOfRange(ts) !== null) continue;
            events.push({ name: str(e.name) ?? '', ts, attributes: attributes(e.attributes) });
          }
        }
        const status = isObj(s.status) ? s.status : {};
        const auditId = attrs['audit-id'];
        out.push({
          traceId,
          spanId,
          parentSpanId: normaliseId(s.parentSpanId, 8),
          name: str(s.name) ?? '',
          service,
          component: serviceComponent(service),
          node: str(attrs['k8s.node.name']) ?? str(attrs['host.name']) ?? node,
          start,
          end,
          statusCode: statusCode(status.code),
          statusMessage: str(status.message),
          attributes: attrs,
          resource,
          events,
          auditId: typeof auditId === 'string' && auditId.length > 0 ? auditId : null,
        });
      }
    }
  }
  return out;
}
