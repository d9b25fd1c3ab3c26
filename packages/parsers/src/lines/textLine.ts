import type { LineFormat, Severity } from '@kubetrail/model';
import { severityFromLevel, severityOfText } from './severity.ts';

/** A text line that carries its own date: etcd's capnslog, Go's `log` prefix, calico, ISO-led lines. */
export interface TextLine {
  /** UTC nanoseconds. Zone-less stamps are read in the file's zone (`tzOffsetMinutes`). */
  ts: bigint;
  severity: Severity;
  format: LineFormat;
  caller: string | null;
  /** The message after the stamp (and level, caller), for display and search. */
  message: string;
  /** True when the stamp carried its own zone (`Z`, `+05:30`, `UTC`). */
  zoned: boolean;
}

const MONTHS: Record<string, number> = {
  Jan: 1,
  Feb: 2,
  Mar: 3,
  Apr: 4,
  May: 5,
  Jun: 6,
  Jul: 7,
  Aug: 8,
  Sep: 9,
  Oct: 10,
  Nov: 11,
  Dec: 12,
};

/** Dates outside this range are not log stamps (version numbers, sizes, far-future garbage). */
const MIN_YEAR = 1990;
const MAX_YEAR = 2100;

/** capnslog (etcd ≤ 3.4): `2021-04-07 22:18:17.231702 W | etcdserver: read-only range request …`. */
const CAPNSLOG = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{1,9}) ([DINWECF]) \| (?:([\w./-]+): )?/;
/** calico/felix: `2021-04-07 22:18:17.231 [INFO][84] felix/int_dataplane.go 1234: message`. */
const FELIX =
  /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)[.,](\d{1,9}) \[([A-Za-z]+)\]\[(\d+)\] (?:([\w./-]+\.go) (\d+): )?/;
/** Go's default logger: `2018/02/24 05:35:10 [INFO] CoreDNS-1.0.4` (optionally `.123456`). */
const GOLOG = /^(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))? /;
/** A line led by an ISO-8601 stamp (zap console, many apps): `2023-03-10T22:38:26.382Z  INFO  msg`. */
const ISO_LEAD =
  /^\[?(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?(Z|[+-]\d\d:?\d\d| ?UTC)?\]?[ \t]+/;
/** A level word right after a stamp: `INFO`, `[WARN]`, `level=error`, `E`… */
const LEVEL_LEAD = /^\[?([A-Za-z]{3,8})\]?(?:[ \t:]+|$)/;
/** Anywhere in the line: an ISO date-time, `date(1)`'s `Wed Dec 21 09:42:42 UTC 2022`, or CLF `[21/Dec/2022:09:42:42 +0000]`. */
const ISO_ANY = /\b(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?(Z|[+-]\d\d:?\d\d)?/;
/** `2024/09/17 16:12:14` anywhere (klog's `Log file created at:`). */
const GOLOG_ANY = /\b(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?\b/;
const DATE_CMD =
  /\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +(\d{1,2}) (\d\d):(\d\d):(\d\d) (UTC|GMT|[A-Z]{3,5}) (\d{4})\b/;
const CLF =
  /\[(\d\d)\/(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\/(\d{4}):(\d\d):(\d\d):(\d\d) ([+-]\d{4})\]/;

const CAPNS_LEVEL: Record<string, Severity> = {
  D: 'debug',
  I: 'info',
  N: 'info',
  W: 'warning',
  E: 'error',
  C: 'fatal',
  F: 'fatal',
};

function fraction(digits: string | undefined): number {
  if (!digits) return 0;
  return Number(digits.padEnd(9, '0').slice(0, 9));
}

/** Minutes east of UTC of `Z`, `+05:30`, `-0700`, `UTC`; null when absent. */
export function zoneOffsetMinutes(zone: string | undefined): number | null {
  if (zone === undefined) return null;
  const z = zone.trim();
  if (z === 'Z' || z === 'UTC' || z === 'GMT') return 0;
  const m = /^([+-])(\d\d):?(\d\d)$/.exec(z);
  if (!m) return null;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}

/**
 * UTC nanoseconds of a calendar time read in `offsetMinutes` (east of UTC); null for an impossible
 * date or a year outside 1990–2100.
 */
export function civilNs(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  nanos: number,
  offsetMinutes: number,
): bigint | null {
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || day < 1 || day > 31) return null;
  if (hour > 23 || minute > 59 || second > 60) return null;
  const dayMs = Date.UTC(year, month - 1, day);
  if (new Date(dayMs).getUTCDate() !== day) return null;
  const ms = dayMs + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000;
  return BigInt(ms) * 1_000_000n + BigInt(nanos);
}

const num = (s: string | undefined): number => Number(s ?? 'NaN');

/** `civilNs` of a match whose groups 1–7 are year, month, day, hour, minute, second, fraction. */
const civilOfGroups = (m: RegExpExecArray, tzOffsetMinutes: number): bigint | null =>
  civilNs(num(m[1]), num(m[2]), num(m[3]), num(m[4]), num(m[5]), num(m[6]), fraction(m[7]), tzOffsetMinutes);

function levelAfter(rest: string): { severity: Severity | null; skip: number } {
  const m = LEVEL_LEAD.exec(rest);
  if (!m) return { severity: null, skip: 0 };
  const s = severityFromLevel(m[1] as string);
  return s === null ? { severity: null, skip: 0 } : { severity: s, skip: m[0].length };
}

/**
 * A text line led by its own full date: capnslog, calico/felix, Go's `log` prefix or an ISO stamp.
 * Zone-less stamps are read in `tzOffsetMinutes`. Null when the line starts with none of these.
 * Cheap to call on any line: anything not starting with a digit (or `[` + digit) is refused at once.
 */
export function parseTimestampedText(text: string, tzOffsetMinutes: number): TextLine | null {
  const c0 = text.charCodeAt(0);
  const lead = c0 === 91 ? text.charCodeAt(1) : c0;
  if (lead < 48 || lead > 57) return null;

  let m = CAPNSLOG.exec(text);
  if (m) {
    const ts = civilOfGroups(m, tzOffsetMinutes);
    if (ts === null) return null;
    return {
      ts,
      severity: CAPNS_LEVEL[m[8] as string] ?? 'info',
      format: 'capnslog',
      caller: m[9] ?? null,
      message: text.slice(m[0].length),
      zoned: false,
    };
  }
  m = FELIX.exec(text);
  if (m) {
    const ts = civilOfGroups(m, tzOffsetMinutes);
    if (ts === null) return null;
    return {
      ts,
      severity: severityFromLevel(m[8] as string) ?? 'info',
      format: 'text',
      caller: m[10] ? `${m[10]}:${m[11]}` : null,
      message: text.slice(m[0].length),
      zoned: false,
    };
  }
  m = GOLOG.exec(text);
  if (m) {
    const ts = civilOfGroups(m, tzOffsetMinutes);
    if (ts === null) return null;
    const rest = text.slice(m[0].length);
    const level = levelAfter(rest);
    return {
      ts,
      severity: level.severity ?? severityOfText(rest),
      format: 'golog',
      caller: null,
      message: rest,
      zoned: false,
    };
  }
  m = ISO_LEAD.exec(text);
  if (m) {
    const zone = zoneOffsetMinutes(m[8]);
    const ts = civilOfGroups(m, zone ?? tzOffsetMinutes);
    if (ts === null) return null;
    const rest = text.slice(m[0].length);
    const level = levelAfter(rest);
    return {
      ts,
      severity: level.severity ?? severityOfText(rest),
      format: 'text',
      caller: null,
      message: rest.slice(level.skip),
      zoned: zone !== null,
    };
  }
  return null;
}

/**
 * The first full date written anywhere inside a line (an app's own stamp after a prefix, `date(1)`
 * output, an access log's `[21/Dec/2022:09:42:42 +0000]`), as UTC nanoseconds; null when none.
 * Zone-less dates are read in `tzOffsetMinutes`.
 */
export function embeddedDateNs(text: string, tzOffsetMinutes: number): bigint | null {
  if (text.length < 19) return null;
  let m = ISO_ANY.exec(text);
  if (m) {
    const zone = zoneOffsetMinutes(m[8]);
    return civilOfGroups(m, zone ?? tzOffsetMinutes);
  }
  m = GOLOG_ANY.exec(text);
  if (m) {
    return civilOfGroups(m, tzOffsetMinutes);
  }
  m = DATE_CMD.exec(text);
  if (m) {
    const zone = zoneOffsetMinutes(m[6]);
    return civilNs(
      num(m[7]),
      MONTHS[m[1] as string] ?? 0,
      num(m[2]),
      num(m[3]),
      num(m[4]),
      num(m[5]),
      0,
      zone ?? tzOffsetMinutes,
    );
  }
  m = CLF.exec(text);
  if (m) {
    return civilNs(
      num(m[3]),
      MONTHS[m[2] as string] ?? 0,
      num(m[1]),
      num(m[4]),
      num(m[5]),
      num(m[6]),
      0,
      zoneOffsetMinutes(m[7]) ?? tzOffsetMinutes,
    );
  }
  return null;
}
