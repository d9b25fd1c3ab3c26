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

/** The canvas's colours for the light theme; `applyCanvasTheme` switches them in place. */
const LIGHT = {
  bg: '#ffffff',
  axisBg: '#fbfcfd',
  labelBg: '#ffffff',
  stopLabelBg: '#fdecec',
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

const DARK: typeof LIGHT = {
  ...LIGHT,
  bg: '#111418',
  axisBg: '#161a20',
  labelBg: '#111418',
  stopLabelBg: '#3a1717',
  laneAlt: '#161b22',
  laneLine: '#262d36',
  grid: '#20262e',
  axisText: '#9ca3af',
  axisLine: '#4b5563',
  barTextDark: '#e5e7eb',
  select: '#f9fafb',
  hover: '#d1d5db',
};

/** What the canvas draws with (read at every frame). */
export const COLORS = { ...LIGHT };

/** Switches the canvas colours to a theme. */
export function applyCanvasTheme(theme: 'light' | 'dark'): void {
  Object.assign(COLORS, theme === 'dark' ? DARK : LIGHT);
}
