/**
 * Times are stored as signed 64-bit nanoseconds (ADR 0002): 1677-09-21 to 2262-04-11. The lowest
 * value is the store's "no time" marker, so it is out of range too.
 */
export const MIN_STORABLE_NS = -(2n ** 63n) + 1n;
export const MAX_STORABLE_NS = 2n ** 63n - 1n;

/** The year of a nanosecond time, for messages ("year 9999"), or a description when far off. */
function yearOf(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const d = new Date(ms);
  return Number.isNaN(d.getTime())
    ? ns > 0n
      ? 'far in the future'
      : 'far in the past'
    : `year ${d.getUTCFullYear()}`;
}

/**
 * Why a parsed time cannot be stored (outside what 64-bit nanoseconds hold), or null when it can.
 * A line with such a time is skipped with this reason; the rest of its file is read on.
 */
export function timeOutOfRange(ns: bigint | null): string | null {
  if (ns === null || (ns >= MIN_STORABLE_NS && ns <= MAX_STORABLE_NS)) return null;
  return `timestamp out of range (${yearOf(ns)}): times must fall between 1677-09-21 and 2262-04-11`;
}
