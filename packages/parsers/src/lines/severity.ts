import type { Severity } from '@kubetrail/model';

/** logrus/zap/slog level names → severity; null for an unknown word. */
export function severityFromLevel(level: string): Severity | null {
  switch (level.toLowerCase()) {
    case 'trace':
    case 'debug':
    case 'dbg':
      return 'debug';
    case 'info':
    case 'information':
    case 'notice':
    case 'inf':
      return 'info';
    case 'warn':
    case 'warning':
    case 'wrn':
      return 'warning';
    case 'error':
    case 'err':
      return 'error';
    case 'fatal':
    case 'panic':
    case 'dpanic':
    case 'critical':
    case 'crit':
    case 'emerg':
    case 'alert':
      return 'fatal';
    default:
      return null;
  }
}

/** syslog/journald PRIORITY (0 emerg … 7 debug) → severity. */
export function severityFromPriority(p: number): Severity {
  if (p <= 2) return 'fatal';
  if (p === 3) return 'error';
  if (p === 4) return 'warning';
  if (p <= 6) return 'info';
  return 'debug';
}

const ERROR_WORD = /\b(?:ERROR|FATAL|PANIC|panic:)|\b(?:error|Error|failed|Failed):/;
const WARN_WORD = /\b(?:WARN|WARNING|Warning):?/;

/**
 * Severity of an unstructured line, kept deliberately simple: `error` when the line has a
 * standalone ERROR/FATAL/PANIC token or an `error:` prefix, `warning` for WARN/WARNING, else info.
 */
export function severityOfText(text: string): Severity {
  if (ERROR_WORD.test(text)) return 'error';
  if (WARN_WORD.test(text)) return 'warning';
  return 'info';
}
