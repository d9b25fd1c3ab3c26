import type { Severity } from '@kubetrail/model';
import { severityFromLevel } from './severity.ts';
import { epochNumberNs, rfc3339Ns } from './timestamp.ts';

/** A line of a Kubernetes component running with `--logging-format=json`. */
export interface ComponentJsonLine {
  ts: bigint | null;
  severity: Severity;
  caller: string | null;
  msg: string;
  /** Every key except ts/caller/msg/v (nested object refs such as `pod` kept as objects). */
  fields: Record<string, unknown> | null;
}

/** Verbosity from which a JSON line counts as debug (klog's V(4) is the usual debug level). */
export const DEBUG_VERBOSITY = 4;

/** True when a parsed JSON object has the component-log shape (`msg` plus `ts` or `caller`). */
export function isComponentJson(o: Record<string, unknown>): boolean {
  return (
    (typeof o.msg === 'string' || typeof o.message === 'string') &&
    (o.ts !== undefined || o.caller !== undefined || o.time !== undefined || o.level !== undefined)
  );
}

function tsOf(v: unknown): bigint | null {
  if (typeof v === 'number') return epochNumberNs(v);
  if (typeof v === 'string') {
    const n = Number(v);
    return Number.isFinite(n) && v.trim() !== '' ? epochNumberNs(n) : rfc3339Ns(v);
  }
  return null;
}

/**
 * Reads one component JSON object. `ts` is seconds (older releases) or milliseconds (newer),
 * decided by magnitude. Severity: `err` present → error; `level` when given; `v` ≥
 * {@link DEBUG_VERBOSITY} → debug; else info.
 */
export function readComponentJson(o: Record<string, unknown>): ComponentJsonLine {
  const { ts, time, caller, msg, message, v, ...rest } = o;
  let severity: Severity = 'info';
  const level = rest.level;
  if (rest.err !== undefined && rest.err !== null) severity = 'error';
  else if (typeof level === 'string') severity = severityFromLevel(level) ?? 'info';
  else if (typeof v === 'number' && v >= DEBUG_VERBOSITY) severity = 'debug';
  const fields: Record<string, unknown> = rest;
  if (typeof v === 'number') fields.v = v;
  return {
    ts: tsOf(ts ?? time),
    severity,
    caller: typeof caller === 'string' ? caller : null,
    msg: typeof msg === 'string' ? msg : typeof message === 'string' ? message : '',
    fields: Object.keys(fields).length > 0 ? fields : null,
  };
}
