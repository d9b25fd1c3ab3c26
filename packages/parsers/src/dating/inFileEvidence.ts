import { parseJournaldLine } from '../lines/journaldLine.ts';
import { parseKlogHeader } from '../lines/klogLine.ts';
import { parseLogfmtLine, looksLikeLogfmt } from '../lines/logfmtLine.ts';
import { minikubeZoneMinutes } from '../bundle/minikubeLogs.ts';
import { rfc3339Ns } from '../lines/timestamp.ts';

/** A year-less local stamp: journald's `Jun 10 11:35:40`, klog's `0610 11:35:40.123456`. */
export interface LocalStamp {
  month: number;
  day: number;
  secondOfDay: number;
}

/** What a file's own lines say about the year and zone of its year-less stamps. */
export interface InFileEvidence {
  /** The year of the first year-less stamp, when a full date in the file pins it. */
  year: number | null;
  /** Minutes east of UTC the year-less stamps are written in, when the file shows it. */
  offsetMinutes: number | null;
  /** Human description, for the ingest report: `"-- Logs begin at Wed 2021-05-26 01:54:58 UTC" (line 1)`. */
  text: string;
}

/** journalctl's header: `-- Logs begin at Wed 2021-05-26 01:54:58 UTC, end at … --` (or `Journal begins at`). */
const JOURNAL_MARKER =
  /^-- (?:Logs begin|Journal begins) at \w{3} (\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d) ([A-Za-z]+|[+-]\d\d(?::?\d\d)?)/;
/** klog's file header (and minikube's Last Start): `Log file created at: 2024/09/17 16:12:14`. */
const KLOG_FILE_HEADER = /^Log file created at: (\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)/;
/** Go's `time.Time` printed with `%v`: `2021-01-20 11:42:11.940508631 +0000 UTC`. */
const GO_TIME = /(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))? ([+-])(\d\d)(\d\d) [A-Z]{2,5}/;

/** UTC ns of the first Go `time.Time` printed in `text`, or null. */
function goTimeNs(text: string): bigint | null {
  const m = GO_TIME.exec(text);
  if (!m) return null;
  const offset = (Number(m[9]) * 60 + Number(m[10])) * (m[8] === '-' ? -1 : 1);
  const ms =
    Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) -
    offset * 60_000;
  return Number.isFinite(ms) ? BigInt(ms) * 1_000_000n : null;
}

/** A zoned full date inside a journald message: logrus `time="…"`, a JSON `"ts":"…"`, an ISO stamp. */
const ZONED_DATE = /(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.\d+)?(Z|[+-]\d\d:\d\d)/;

const SECONDS_PER_DAY = 86_400;

/** The first year-less stamp of the sample (journald prefix or klog header). */
export function firstLocalStamp(sample: readonly string[]): LocalStamp | null {
  for (const l of sample) {
    const j = parseJournaldLine(l);
    if (j !== null) return { month: j.month, day: j.day, secondOfDay: j.secondOfDay };
    const k = parseKlogHeader(l);
    if (k !== null) return { month: k.month, day: k.day, secondOfDay: k.secondOfDay };
    const d = /^\[([A-Z][a-z]{2})(\d{1,2}) (\d\d):(\d\d)\]/.exec(l);
    if (d) {
      const month = 'JanFebMarAprMayJunJulAugSepOctNovDec'.indexOf(d[1] as string) / 3 + 1;
      if (month > 0)
        return { month, day: Number(d[2]), secondOfDay: Number(d[3]) * 3600 + Number(d[4]) * 60 };
    }
  }
  return null;
}

/** Local wall-clock ms of a stamp in `year` (as if UTC). */
const localMs = (year: number, s: LocalStamp): number =>
  Date.UTC(year, s.month - 1, s.day) + s.secondOfDay * 1000;

/** Rounds minutes to the nearest quarter hour (zones are whole quarters). */
const quarter = (minutes: number): number => Math.round(minutes / 15) * 15 || 0;

/**
 * Reads what the first lines of a year-less file say about its year and zone: journalctl's
 * `-- Logs begin at …` header, klog's `Log file created at: …`, and journald lines whose message
 * carries a zoned full date of the same instant (containerd's `time="2022-11-29T20:55:18Z"`,
 * microk8s' `time="2024-10-29T17:22:59+05:30"`). Null when nothing in them tells.
 */
export function inFileEvidence(sample: readonly string[]): InFileEvidence | null {
  const first = firstLocalStamp(sample);
  for (let i = 0; i < sample.length; i++) {
    const l = sample[i] as string;
    const m = JOURNAL_MARKER.exec(l);
    if (m) {
      const zone = minikubeZoneMinutes(m[7] as string);
      const at: LocalStamp = {
        month: Number(m[2]),
        day: Number(m[3]),
        secondOfDay: Number(m[4]) * 3600 + Number(m[5]) * 60 + Number(m[6]),
      };
      return {
        year: yearOfFirst(Number(m[1]), at, first),
        offsetMinutes: zone,
        text: `"${l.slice(0, 60)}" (line ${i + 1})`,
      };
    }
    const h = KLOG_FILE_HEADER.exec(l);
    if (h) {
      const at: LocalStamp = {
        month: Number(h[2]),
        day: Number(h[3]),
        secondOfDay: Number(h[4]) * 3600 + Number(h[5]) * 60 + Number(h[6]),
      };
      return {
        year: yearOfFirst(Number(h[1]), at, first),
        offsetMinutes: null,
        text: `"${l.slice(0, 60)}" (line ${i + 1})`,
      };
    }
  }
  // A journald (or klog) line whose message holds the same instant as a zoned full date.
  for (let i = 0; i < sample.length; i++) {
    const l = sample[i] as string;
    const j = parseJournaldLine(l);
    const k = j === null ? parseKlogHeader(l) : null;
    if (j === null && k === null) continue;
    const message = j !== null ? j.message : l.slice(k!.messageStart);
    let utcNs: bigint | null = null;
    if (looksLikeLogfmt(message)) utcNs = parseLogfmtLine(message)?.ts ?? null;
    if (utcNs === null) {
      const z = ZONED_DATE.exec(message);
      if (z) utcNs = rfc3339Ns(z[0]);
    }
    if (utcNs === null) utcNs = goTimeNs(message);
    if (utcNs === null) continue;
    const utcMs = Number(utcNs / 1_000_000n);
    const stamp: LocalStamp = j !== null ? { month: j.month, day: j.day, secondOfDay: j.secondOfDay } : k!;
    const y = new Date(utcMs).getUTCFullYear();
    for (const year of [y, y - 1, y + 1]) {
      const offset = quarter((localMs(year, stamp) - utcMs) / 60_000);
      if (Math.abs(offset) > 14 * 60) continue;
      return {
        year: yearOfFirst(year, stamp, first),
        offsetMinutes: offset,
        text: `a full date in line ${i + 1}: "${l.slice(0, 90)}"`,
      };
    }
  }
  return null;
}

/**
 * The year of the file's first stamp, knowing that the stamp `at` (later in the file, or the same)
 * is in `year`: one year earlier when the first stamp's month-day comes after it (December before
 * a January line).
 */
function yearOfFirst(year: number, at: LocalStamp, first: LocalStamp | null): number {
  if (first === null) return year;
  const a = localMs(2000, at) / 1000;
  const f = localMs(2000, first) / 1000;
  return f > a + SECONDS_PER_DAY ? year - 1 : year;
}

/** A line that may hold a full date (cheap test before the real one). */
const MAY_HOLD_DATE = /\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d/;

/**
 * Searches a whole year-less file (not only its head) for a line whose full date pins the year
 * and zone of its stamps, reading at most `maxLines` lines. `inFileEvidence` explains what counts.
 */
export async function scanInFileEvidence(
  source: AsyncIterable<Buffer>,
  maxLines = 500_000,
): Promise<InFileEvidence | null> {
  let first: string | null = null;
  let carry = '';
  let lineNo = 0;
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of source) {
    const text = carry + decoder.decode(chunk, { stream: true });
    const lines = text.split('\n');
    carry = lines.pop() ?? '';
    for (const l of lines) {
      lineNo++;
      if (lineNo > maxLines) return null;
      if (first === null && firstLocalStamp([l]) !== null) first = l;
      if (first === null || !MAY_HOLD_DATE.test(l)) continue;
      const found = inFileEvidence([first, l]);
      if (found !== null) return { ...found, text: found.text.replace(/line \d+/, `line ${lineNo}`) };
    }
  }
  return null;
}
