import { severityFromPriority } from './severity.ts';
import type { Severity } from '@kubetrail/model';

/** One `journalctl -o json` entry, reduced to what kubetrail uses. */
export interface JournalJsonEntry {
  /** UTC nanoseconds from `__REALTIME_TIMESTAMP` (microseconds), null when absent. */
  ts: bigint | null;
  host: string | null;
  /** `_SYSTEMD_UNIT` (e.g. `kubelet.service`) or `SYSLOG_IDENTIFIER`. */
  unit: string | null;
  /** Severity from PRIORITY, null when absent. */
  priority: Severity | null;
  message: string;
}

/** True for an object with the journal export shape. */
export function isJournalJson(o: Record<string, unknown>): boolean {
  return o.__REALTIME_TIMESTAMP !== undefined && o.MESSAGE !== undefined;
}

const utf8 = new TextDecoder('utf-8');

/** Reads a parsed journal entry. `MESSAGE` may be a byte array (non-UTF-8 or binary messages). */
export function readJournalJson(o: Record<string, unknown>): JournalJsonEntry {
  const rt = o.__REALTIME_TIMESTAMP;
  let ts: bigint | null = null;
  if (typeof rt === 'string' && /^\d{1,19}$/.test(rt)) ts = BigInt(rt) * 1000n;
  else if (typeof rt === 'number' && Number.isFinite(rt)) ts = BigInt(Math.trunc(rt)) * 1000n;
  let message = '';
  const m = o.MESSAGE;
  if (typeof m === 'string') message = m;
  else if (Array.isArray(m) && m.every((b) => typeof b === 'number'))
    message = utf8.decode(Uint8Array.from(m));
  if (message.endsWith('\n')) message = message.slice(0, -1);
  const unit =
    (typeof o.SYSLOG_IDENTIFIER === 'string' ? o.SYSLOG_IDENTIFIER : null) ??
    (typeof o._SYSTEMD_UNIT === 'string' ? o._SYSTEMD_UNIT : null);
  const p =
    typeof o.PRIORITY === 'string' ? Number(o.PRIORITY) : typeof o.PRIORITY === 'number' ? o.PRIORITY : NaN;
  return {
    ts,
    host: typeof o._HOSTNAME === 'string' ? o._HOSTNAME : null,
    unit,
    priority: Number.isInteger(p) ? severityFromPriority(p) : null,
    message,
  };
}
