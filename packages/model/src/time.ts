import { z } from 'zod';

/**
 * Timestamps travel inside the server as UTC nanoseconds in a `bigint`, and over the API as
 * RFC 3339 strings with nine fractional digits (`2024-06-10T11:35:40.244334567Z`).
 */
export const Rfc3339NanoSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/, 'expected an RFC 3339 UTC timestamp');

const NS_PER_MS = 1_000_000n;

/** Formats UTC nanoseconds as RFC 3339 with exactly nine fractional digits. */
export function formatNs(ns: bigint): string {
  let ms = ns / NS_PER_MS;
  let rem = ns % NS_PER_MS;
  if (rem < 0n) {
    rem += NS_PER_MS;
    ms -= 1n;
  }
  const iso = new Date(Number(ms)).toISOString(); // yyyy-mm-ddThh:mm:ss.mmmZ
  return `${iso.slice(0, 23)}${rem.toString().padStart(6, '0')}Z`;
}

/** Parses RFC 3339 (any offset, 0–9 fractional digits) to UTC nanoseconds; null when invalid. */
export function parseRfc3339Ns(s: string): bigint | null {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  // Date.UTC reads years 0–99 as 1900–1999; setUTCFullYear takes them as written.
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(sec), 0);
  let ms = date.getTime();
  // Date.UTC rolls 2024-13-45 over into 2025; refuse out-of-range fields instead.
  const check = new Date(ms);
  if (Number.isNaN(ms) || check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d))
    return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(sec) > 60) return null;
  if (zone && zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  const nanos = frac ? BigInt(frac.padEnd(9, '0')) : 0n;
  return BigInt(ms) * NS_PER_MS + nanos;
}

/** Milliseconds (float, for drawing) from nanoseconds. */
export const nsToMs = (ns: bigint): number => Number(ns / 1000n) / 1000;
/** Nanoseconds from an RFC 3339 string, throwing on invalid input (for trusted API values). */
export function rfc3339ToNs(s: string): bigint {
  const ns = parseRfc3339Ns(s);
  if (ns === null) throw new Error(`invalid timestamp: ${s}`);
  return ns;
}
