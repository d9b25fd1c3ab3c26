import { useSyncExternalStore } from 'react';
import { formatTimestamp } from './format';

/** Where times are shown: UTC (the default: bundles are shared across zones) or this browser's zone. */
export type TimeZoneChoice = 'utc' | 'local';

const KEY = 'kubetrail.timeZone';
const listeners = new Set<() => void>();

function read(): TimeZoneChoice {
  try {
    return localStorage.getItem(KEY) === 'local' ? 'local' : 'utc';
  } catch {
    return 'utc';
  }
}

export function setTimeZoneChoice(z: TimeZoneChoice): void {
  try {
    localStorage.setItem(KEY, z);
  } catch {
    // private mode: the choice lasts for this page only
  }
  current = z;
  for (const l of listeners) l();
}

let current: TimeZoneChoice | null = null;
const snapshot = (): TimeZoneChoice => (current ??= read());
const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

/** Milliseconds to add to a UTC epoch time to read it with UTC getters as this zone's wall time. */
export const zoneShiftMs = (z: TimeZoneChoice, epochMs: number): number =>
  z === 'local' ? -new Date(epochMs).getTimezoneOffset() * 60_000 : 0;

/** `2024-06-10T11:35:40.244334567Z` → `2024-06-10 13:35:40.244` in the chosen zone. */
export function formatIn(z: TimeZoneChoice, rfc3339: string | null | undefined): string {
  if (!rfc3339 || z === 'utc') return formatTimestamp(rfc3339);
  const ms = Date.parse(rfc3339);
  if (Number.isNaN(ms)) return rfc3339;
  const shifted = new Date(ms + zoneShiftMs(z, ms)).toISOString();
  return formatTimestamp(shifted);
}

/** The chosen zone and formatters for it; re-renders when the choice changes. */
export function useTimeFormat() {
  const zone = useSyncExternalStore(subscribe, snapshot, () => 'utc' as const);
  return {
    zone,
    /** `UTC`, or the browser's offset such as `UTC+02:00`. */
    label: zone === 'utc' ? 'UTC' : localLabel(),
    timestamp: (ts: string | null | undefined) => formatIn(zone, ts),
    clock: (ts: string | null | undefined) => {
      const full = formatIn(zone, ts);
      return full.length > 11 ? full.slice(11) : full;
    },
    shiftMs: (epochMs: number) => zoneShiftMs(zone, epochMs),
  };
}

function localLabel(): string {
  const off = -new Date().getTimezoneOffset();
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  return `local, UTC${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}
