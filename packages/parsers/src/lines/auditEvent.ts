import type { ParsedRecord, Severity } from '@kubetrail/model';
import { COMPONENTS } from '@kubetrail/model';
import { rfc3339Ns } from './timestamp.ts';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** True for an audit.k8s.io Event (v1 or v1beta1; some captures omit apiVersion). */
export function isAuditEvent(o: Json): boolean {
  return (
    typeof o.auditID === 'string' &&
    (o.kind === 'Event' || o.kind === undefined) &&
    (typeof o.stage === 'string' || typeof o.verb === 'string')
  );
}

/** True for an audit.k8s.io EventList. */
export function isAuditEventList(o: Json): boolean {
  return (
    o.kind === 'EventList' &&
    Array.isArray(o.items) &&
    (typeof o.apiVersion !== 'string' || o.apiVersion.startsWith('audit.k8s.io'))
  );
}

/** Why a JSON object in an audit log is not an audit event, for the skip reason. */
export function notAuditReason(o: unknown): string {
  if (!isObj(o)) return 'not an audit event: not a JSON object';
  if (typeof o.auditID !== 'string') return 'not an audit event: no auditID';
  return `not an audit event: kind ${JSON.stringify(o.kind)}`;
}

const STAGE_ORDER: Record<string, number> = {
  RequestReceived: 0,
  ResponseStarted: 1,
  ResponseComplete: 2,
  Panic: 3,
};

/**
 * Events merged into one record at most. A real audit ID has one to four stages; thousands of
 * events sharing one ID (a broken or hostile log) are merged in groups of this many, so the work
 * per event stays constant.
 */
export const MAX_EVENTS_PER_RECORD = 16;

interface Pending {
  merged: Json;
  stages: string[];
  /** The latest stage order merged so far (STAGE_ORDER). */
  latest: number;
  stageTimestamps: Record<string, string>;
  line: number;
  lineCount: number;
  raw: string;
  /** Every stage's text is one whole line of `raw`: `auditFieldsFromRaw(raw)` rebuilds `merged`. */
  exact: boolean;
}

/**
 * Merges the stages of each audit ID into one record, streaming: events wait in a bounded buffer
 * until their ResponseComplete/Panic stage arrives (or the buffer is full, or the file ends).
 */
export class AuditMerger {
  private readonly pending = new Map<string, Pending>();

  /**
   * @param maxPending audit IDs held at once; the oldest is flushed beyond it. Default 20 000.
   * @param maxRawChars cap on a record's `raw` text.
   */
  constructor(
    private readonly maxRawChars: number,
    private readonly maxPending = 20_000,
  ) {}

  /**
   * Adds one event (already checked with {@link isAuditEvent}); returns the records now complete.
   * `text` is the event's source text, kept as `raw` (else `raw` is the event serialised). Secrets
   * are not this class's business: every record is redacted on its way to the store
   * (`RecordRedactor`).
   */
  add(ev: Json, line: number, lineCount: number, text?: string): ParsedRecord[] {
    const raw = text ?? JSON.stringify(ev);
    const id = ev.auditID as string;
    const stage = str(ev.stage) ?? 'ResponseComplete';
    const out: ParsedRecord[] = [];
    let p = this.pending.get(id);
    if (p !== undefined && p.stages.length >= MAX_EVENTS_PER_RECORD) {
      this.pending.delete(id);
      out.push(this.toRecord(p));
      p = undefined;
    }
    if (p === undefined) {
      p = {
        merged: {},
        stages: [],
        latest: -1,
        stageTimestamps: {},
        line,
        lineCount: 0,
        raw: '',
        exact: true,
      };
      this.pending.set(id, p);
    }
    // Later stages carry responseStatus/responseObject; earlier keys stay when a later stage omits them.
    const order = STAGE_ORDER[stage] ?? 2;
    const later = p.stages.length === 0 || order >= p.latest;
    if (order > p.latest) p.latest = order;
    if (p.stages.length === 0) p.merged = ev;
    // In place when it cannot differ from a spread (own `__proto__` keys would set the prototype):
    // copying a 30-key event into a fresh object per stage was the parser's hottest line.
    else if (later && !Object.hasOwn(ev, '__proto__')) Object.assign(p.merged, ev);
    else p.merged = later ? { ...p.merged, ...ev } : { ...ev, ...p.merged };
    p.stages.push(stage);
    const st = str(ev.stageTimestamp) ?? str(ev.timestamp);
    if (st !== null) p.stageTimestamps[stage] = st;
    p.lineCount += lineCount;
    // A capped text (length = the cap) or one spanning lines could not be parsed back.
    if (raw.length >= this.maxRawChars || raw.includes('\n')) p.exact = false;
    if (p.raw.length < this.maxRawChars) p.raw = p.raw.length === 0 ? raw : `${p.raw}\n${raw}`;
    if (stage === 'ResponseComplete' || stage === 'Panic') {
      this.pending.delete(id);
      out.push(this.toRecord(p));
    } else if (this.pending.size > this.maxPending) {
      const oldest = this.pending.keys().next();
      if (!oldest.done) {
        const o = this.pending.get(oldest.value);
        this.pending.delete(oldest.value);
        if (o !== undefined) out.push(this.toRecord(o));
      }
    }
    return out;
  }

  /** Flushes every event still waiting (end of file), in arrival order. */
  flush(): ParsedRecord[] {
    const out: ParsedRecord[] = [];
    for (const p of this.pending.values()) out.push(this.toRecord(p));
    this.pending.clear();
    return out;
  }

  private toRecord(p: Pending): ParsedRecord {
    const ev = p.merged;
    ev.stage = p.stages.includes('Panic')
      ? 'Panic'
      : p.stages.includes('ResponseComplete')
        ? 'ResponseComplete'
        : (p.stages[p.stages.length - 1] ?? ev.stage);
    ev.stages = p.stages;
    ev.stageTimestamps = p.stageTimestamps;
    const raw = p.raw.length > this.maxRawChars ? p.raw.slice(0, this.maxRawChars) : p.raw;
    const record = auditRecord(ev, p.line, p.lineCount, raw);
    if (p.exact && raw.length === p.raw.length && p.raw.length < this.maxRawChars) record.fieldsInRaw = true;
    return record;
  }
}

/**
 * The merged event of an audit record whose `fieldsInRaw` was set: its raw text holds one stage
 * event per line, already redacted, and merging them again gives the same object. Lets the store
 * keep an audit record's text once instead of twice (the merged event was a fifth of a bundle's
 * bytes). Null when `raw` is not such text.
 */
export function auditFieldsFromRaw(raw: string): Record<string, unknown> | null {
  const merger = new AuditMerger(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  let out: ParsedRecord[] = [];
  for (const line of raw.split('\n')) {
    let ev: unknown;
    try {
      ev = JSON.parse(line);
    } catch {
      return null;
    }
    if (!isObj(ev) || !isAuditEvent(ev)) return null;
    out = out.concat(merger.add(ev, 0, 1, line));
  }
  out = out.concat(merger.flush());
  return out.length === 1 ? out[0]!.fields : null;
}

/** The time an audit event's request arrived (v1 `requestReceivedTimestamp`, v1beta1 `timestamp`). */
export function auditTs(ev: Json): bigint | null {
  const t =
    str(ev.requestReceivedTimestamp) ??
    str(ev.timestamp) ??
    (isObj(ev.metadata) ? str(ev.metadata.creationTimestamp) : null) ??
    str(ev.stageTimestamp);
  return t === null ? null : rfc3339Ns(t);
}

function userName(u: unknown): string | null {
  return isObj(u) ? str(u.username) : null;
}

/** `create deployments shop/web → 201 by alice` (one line, for lists and search). */
export function auditSummary(ev: Json): string {
  const verb = str(ev.verb) ?? '?';
  const ref = isObj(ev.objectRef) ? ev.objectRef : null;
  let what: string;
  if (ref !== null) {
    const resource = (str(ref.resource) ?? '?') + (str(ref.subresource) ? `/${str(ref.subresource)}` : '');
    const ns = str(ref.namespace);
    const name = str(ref.name);
    what = name ? `${resource} ${ns ? `${ns}/` : ''}${name}` : ns ? `${resource} in ${ns}` : resource;
  } else {
    what = str(ev.requestURI) ?? '?';
  }
  const rs = isObj(ev.responseStatus) ? ev.responseStatus : null;
  const code =
    rs !== null && typeof rs.code === 'number' ? String(rs.code) : ev.stage === 'Panic' ? 'panic' : '…';
  const user = userName(ev.user) ?? '?';
  const as = userName(ev.impersonatedUser);
  return `${verb} ${what} → ${code} by ${user}${as ? ` as ${as}` : ''}`;
}

function auditSeverity(ev: Json): Severity {
  if (ev.stage === 'Panic') return 'error';
  const rs = ev.responseStatus;
  const code = isObj(rs) && typeof rs.code === 'number' ? rs.code : 0;
  if (code >= 500) return 'error';
  if (code >= 400) return 'warning';
  return 'info';
}

function reqIdOf(ev: Json): string | null {
  const a = ev.annotations;
  if (!isObj(a)) return null;
  for (const k of Object.keys(a)) {
    const last = k.slice(k.lastIndexOf('/') + 1).toLowerCase();
    if (last === 'reqid' || last === 'req-id' || last === 'request-id') return str(a[k]);
  }
  return null;
}

/** One merged audit event as a record. */
export function auditRecord(ev: Json, line: number, lineCount: number, raw: string): ParsedRecord {
  return {
    line,
    lineCount,
    ts: auditTs(ev),
    severity: auditSeverity(ev),
    kind: 'audit',
    format: 'audit',
    component: COMPONENTS.apiserver,
    node: null,
    caller: null,
    message: auditSummary(ev),
    fields: ev,
    raw,
    reqId: reqIdOf(ev),
    auditId: str(ev.auditID),
    traceId: null,
    spanId: null,
  };
}
