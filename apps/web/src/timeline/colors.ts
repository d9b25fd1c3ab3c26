import { SEVERITIES } from '@kubetrail/model';
import type { Severity } from '@kubetrail/model';

/** Severity colours, by rank (debug … fatal). Calm, but error and fatal stand out. */
export const SEVERITY_COLORS: Record<Severity, string> = {
  debug: '#a3acb9',
  info: '#3b6fb6',
  warning: '#d08a10',
  error: '#d0312d',
  fatal: '#7a0f3c',
};
export const SEVERITY_BY_RANK: string[] = SEVERITIES.map((s) => SEVERITY_COLORS[s]);

export const COLORS = {
  bg: '#ffffff',
  laneAlt: '#f6f8fa',
  laneLine: '#e3e7ec',
  grid: '#edf0f3',
  axisText: '#4b5563',
  axisLine: '#9aa4b1',
  apiBar: '#5b7fa8',
  apiBarError: '#d0312d',
  spanBar: '#8a75b8',
  spanCritical: '#5d4596',
  spanError: '#d0312d',
  barText: '#ffffff',
  barTextDark: '#1f2937',
  stageDone: '#2f855a',
  stageFailed: '#d0312d',
  stagePending: '#9aa4b1',
  stop: '#d0312d',
  select: '#111827',
  hover: '#111827',
  event: '#0f766e',
};
