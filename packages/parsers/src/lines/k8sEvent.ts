import type { ParsedRecord } from '@kubetrail/model';
import { eventSourceComponent } from './callerComponent.ts';
import { rfc3339Ns } from './timestamp.ts';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** True for a core/v1 or events.k8s.io/v1 Event object. */
export function isK8sEvent(o: Json): boolean {
  if (o.kind !== undefined && o.kind !== 'Event') return false;
  if (typeof o.auditID === 'string') return false;
  return (
    (isObj(o.involvedObject) || isObj(o.regarding)) &&
    (typeof o.reason === 'string' || typeof o.message === 'string' || typeof o.note === 'string')
  );
}

/** True for a `kubectl get events -o json` List / EventList of Kubernetes Events. */
export function isK8sEventList(o: Json): boolean {
  if (!Array.isArray(o.items) || (o.kind !== 'List' && o.kind !== 'EventList')) return false;
  const first: unknown = o.items[0];
  return first === undefined
    ? o.apiVersion === 'v1' || o.apiVersion === 'events.k8s.io/v1'
    : isObj(first) && isK8sEvent(first);
}

/**
 * One Kubernetes Event as a record: ts = lastTimestamp (or eventTime, firstTimestamp, creation
 * time), message `Reason: message`, component from source.component / reportingController,
 * node from source.host, severity warning for type Warning. `fields` keeps the whole event.
 */
export function k8sEventRecord(ev: Json, line: number, lineCount: number, raw: string): ParsedRecord {
  const source = isObj(ev.source) ? ev.source : isObj(ev.deprecatedSource) ? ev.deprecatedSource : null;
  const controller =
    (source !== null ? str(source.component) : null) ??
    str(ev.reportingController) ??
    str(ev.reportingComponent);
  const md = isObj(ev.metadata) ? ev.metadata : null;
  const t =
    str(ev.lastTimestamp) ??
    str(ev.deprecatedLastTimestamp) ??
    str(ev.eventTime) ??
    str(ev.firstTimestamp) ??
    str(ev.deprecatedFirstTimestamp) ??
    (md !== null ? str(md.creationTimestamp) : null);
  const reason = str(ev.reason);
  const text = str(ev.message) ?? str(ev.note) ?? '';
  const type = str(ev.type);
  return {
    line,
    lineCount,
    ts: t === null ? null : rfc3339Ns(t),
    severity: type === 'Warning' ? 'warning' : 'info',
    kind: 'event',
    format: 'k8s-event',
    component: controller === null ? null : eventSourceComponent(controller),
    node: (source !== null ? str(source.host) : null) ?? null,
    caller: null,
    message: reason === null ? text : `${reason}: ${text}`,
    fields: ev,
    raw,
    reqId: null,
    auditId: null,
    traceId: null,
    spanId: null,
  };
}
