import { parseRfc3339Ns } from '@kubetrail/model';

const NS_PER_MS = 1_000_000n;

let lastSecondKey = '';
let lastSecondMs = 0;

const digit = (s: string, i: number): number => s.charCodeAt(i) - 48;

/**
 * RFC 3339 → UTC nanoseconds, with a fast path for the `YYYY-MM-DDTHH:MM:SS[.f…]Z` form that
 * CRI, docker and containerd write (the date part is computed once per second). Null when invalid.
 */
export function rfc3339Ns(s: string): bigint | null {
  const len = s.length;
  if (len >= 20 && s.charCodeAt(len - 1) === 90 /* Z */ && s.charCodeAt(10) === 84 /* T */) {
    const key = s.slice(0, 19);
    let ms: number;
    if (key === lastSecondKey) {
      ms = lastSecondMs;
    } else {
      const full = parseRfc3339Ns(`${key}Z`);
      if (full === null) return null;
      ms = Number(full / NS_PER_MS);
      lastSecondKey = key;
      lastSecondMs = ms;
    }
    let frac = 0;
    if (len > 20) {
      if (s.charCodeAt(19) !== 46 /* . */ || len > 30) return parseRfc3339Ns(s);
      let scale = 100_000_000;
      for (let i = 20; i < len - 1; i++) {
        const d = digit(s, i);
        if (d < 0 || d > 9) return null;
        frac += d * scale;
        scale /= 10;
      }
    }
    return BigInt(ms) * NS_PER_MS + BigInt(frac);
  }
  return parseRfc3339Ns(s);
}

/** UTC year and month (1–12) of a nanosecond time. */
export function yearMonthOfNs(ns: bigint): { year: number; month: number } {
  const d = new Date(Number(ns / NS_PER_MS));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 };
}

/**
 * Epoch seconds or milliseconds (decided by magnitude: above 1e11 means milliseconds, i.e. any
 * date after 1973 in ms) → nanoseconds. Keeps sub-millisecond precision the float carries.
 */
export function epochNumberNs(ts: number): bigint | null {
  if (!Number.isFinite(ts) || ts < 0) return null;
  const ms = ts > 1e11 ? ts : ts * 1000;
  const whole = Math.floor(ms);
  return BigInt(whole) * NS_PER_MS + BigInt(Math.round((ms - whole) * 1e6));
}
