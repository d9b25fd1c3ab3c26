import { formatNs, nsToMs, parseRfc3339Ns } from '@kubetrail/model';

/** The origin (RFC 3339) as milliseconds since the Unix epoch (float; for axis labels). */
export function originEpochMs(origin: string): number {
  const ns = parseRfc3339Ns(origin);
  return ns === null ? 0 : nsToMs(ns);
}

/** An offset in ms from the origin as an RFC 3339 time (nanosecond precision). */
export function offsetToRfc3339(origin: string, ms: number): string {
  const ns = parseRfc3339Ns(origin) ?? 0n;
  return formatNs(ns + BigInt(Math.round(ms * 1e6)));
}

/** An RFC 3339 time as ms after the origin (negative before it); null when unparseable. */
export function rfc3339ToOffset(origin: string, ts: string | null): number | null {
  if (!ts) return null;
  const o = parseRfc3339Ns(origin);
  const t = parseRfc3339Ns(ts);
  if (o === null || t === null) return null;
  return Number(t - o) / 1e6;
}
