/**
 * Time formatting. The simulator keeps time as integer microseconds since the Unix epoch in a plain
 * `number` (exact up to year 2255), and adds sub-microsecond digits only where a format shows
 * nanoseconds (CRI, containerd).
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

let cachedSec = Number.NaN;
let cachedIso = ''; // yyyy-mm-ddThh:mm:ss
let cachedKlog = ''; // mmdd hh:mm:ss
let cachedJournal = ''; // Mon dd hh:mm:ss

function prime(sec: number): void {
  if (sec === cachedSec) return;
  cachedSec = sec;
  const d = new Date(sec * 1000);
  cachedIso = d.toISOString().slice(0, 19);
  const mm = cachedIso.slice(5, 7);
  const dd = cachedIso.slice(8, 10);
  const hms = cachedIso.slice(11, 19);
  cachedKlog = `${mm}${dd} ${hms}`;
  cachedJournal = `${MONTHS[d.getUTCMonth()] ?? 'Jan'} ${dd} ${hms}`;
}

const secOf = (us: number): number => Math.floor(us / 1e6);
const micros = (us: number): string => String(us % 1e6).padStart(6, '0');

/** klog header time: `0610 11:35:40.244334`. */
export function klogTime(us: number): string {
  prime(secOf(us));
  return `${cachedKlog}.${micros(us)}`;
}

/** journalctl short (`-o short`) time: `Jun 10 11:35:40`. */
export function journalTime(us: number): string {
  prime(secOf(us));
  return cachedJournal;
}

/** RFC 3339 with nine fractional digits: `2024-06-10T11:35:40.244334567Z`. */
export function rfc3339Nano(us: number, extraNs: number): string {
  prime(secOf(us));
  return `${cachedIso}.${micros(us)}${String(extraNs).padStart(3, '0')}Z`;
}

/** RFC 3339 with six fractional digits (metav1.MicroTime, audit stage timestamps). */
export function rfc3339Micro(us: number): string {
  prime(secOf(us));
  return `${cachedIso}.${micros(us)}Z`;
}

/** RFC 3339 to the second (metav1.Time). */
export function rfc3339Sec(us: number): string {
  prime(secOf(us));
  return `${cachedIso}Z`;
}

/** Go's time.Time String() as nestedpendingoperations prints it: `2024-06-10 11:37:46.623 +0000 UTC`. */
export function goTime(us: number): string {
  prime(secOf(us));
  return `${cachedIso.replace('T', ' ')}.${micros(us)}000 +0000 UTC`;
}

/** Milliseconds with microsecond fraction, as component-base's JSON logger writes `ts`. */
export function jsonTs(us: number): string {
  const ms = Math.floor(us / 1000);
  return `${ms}.${String(us % 1000).padStart(3, '0')}`;
}

/** Parses RFC 3339 (UTC or offset) into microseconds. Throws on invalid input. */
export function parseTimeUs(s: string): number {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) throw new Error(`invalid RFC 3339 time: ${s}`);
  const ms = Date.parse(`${m[1] ?? ''}${m[3] === 'Z' ? 'Z' : (m[3] ?? 'Z')}`);
  if (Number.isNaN(ms)) throw new Error(`invalid RFC 3339 time: ${s}`);
  const frac = (m[2] ?? '').padEnd(6, '0').slice(0, 6);
  return ms * 1000 + Number(frac);
}

/** Go duration string for milliseconds, as klog/httplog print them (`8.2ms`, `3.214s`, `2m3s`). */
export function goDuration(ms: number): string {
  if (ms < 1) return `${Math.round(ms * 1000)}µs`;
  if (ms < 1000) return `${trim(ms.toFixed(6))}ms`;
  const s = ms / 1000;
  if (s < 60) return `${trim(s.toFixed(9))}s`;
  const min = Math.floor(s / 60);
  return `${min}m${trim((s - min * 60).toFixed(9))}s`;
}

function trim(n: string): string {
  return n.includes('.') ? n.replace(/0+$/, '').replace(/\.$/, '') : n;
}
