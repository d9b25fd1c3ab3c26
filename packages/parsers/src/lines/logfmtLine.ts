import type { Severity } from '@kubetrail/model';
import { parseKlogPairs } from './klogLine.ts';
import { severityFromLevel } from './severity.ts';
import { rfc3339Ns } from './timestamp.ts';

/** A logfmt line as containerd (logrus) writes it. */
export interface LogfmtLine {
  /** UTC nanoseconds from `time=`/`ts=`, null when absent or invalid. */
  ts: bigint | null;
  severity: Severity;
  msg: string;
  /** All keys except time/level/msg. */
  fields: Record<string, unknown> | null;
}

/** True when a line looks like logfmt (starts with a `time=`, `ts=` or `level=` pair). */
export function looksLikeLogfmt(line: string): boolean {
  return (
    line.startsWith('time=') || line.startsWith('level=') || line.startsWith('ts=') || line.startsWith('t=')
  );
}

/**
 * Parses `time="2024-06-10T11:35:40.123456789Z" level=info msg="…" key=value …`. Null when the
 * line is not logfmt or has neither `msg` nor `level`.
 */
export function parseLogfmtLine(line: string): LogfmtLine | null {
  if (!looksLikeLogfmt(line)) return null;
  const all = parseKlogPairs(line, 0);
  if (all === null) return null;
  const { time, ts: tsKey, t, level, msg, ...rest } = all;
  if (msg === undefined && level === undefined) return null;
  const timeText = time ?? tsKey ?? t;
  return {
    ts: typeof timeText === 'string' ? rfc3339Ns(timeText) : null,
    severity: (typeof level === 'string' ? severityFromLevel(level) : null) ?? 'info',
    msg: typeof msg === 'string' ? msg : '',
    fields: Object.keys(rest).length > 0 ? rest : null,
  };
}
