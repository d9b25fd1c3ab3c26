import type { TimeRule } from '@kubetrail/model';
import { formatNs } from '@kubetrail/model';
import type { InFileEvidence, LocalStamp } from './inFileEvidence.ts';

/** Full-dated evidence gathered from the whole bundle before year-less files are read. */
export interface BundleTimeEvidence {
  /** Oldest and newest full-dated instants (UTC ns) of the bundle, and the files that showed them. */
  minNs: bigint | null;
  maxNs: bigint | null;
  maxSource: string | null;
  /** Minutes east of UTC each node's year-less stamps were shown to be written in. */
  nodeOffsets: ReadonlyMap<string, number>;
}

/** How a year-less file is dated: the year and zone of its stamps, the rule and the evidence. */
export interface DatingDecision {
  rule: TimeRule;
  /** Year of the file's first stamp (0 when none: `rule` is `none`). */
  year: number;
  /** Month of the file's first stamp (later lines roll over the year from it); 0: `year` is exact. */
  month: number;
  /** Minutes east of UTC the stamps are read in. */
  tzOffsetMinutes: number;
  /** What decided it, for the ingest report. */
  evidence: string;
}

export interface DatingInputs {
  /** The file's first year-less stamp (from its head), or null when none was seen. */
  first: LocalStamp | null;
  inFile: InFileEvidence | null;
  bundle: BundleTimeEvidence;
  node: string | null;
  /** `--year`, `--tz` (minutes), when given. */
  flagYear: number | null;
  flagTzMinutes: number | null;
  /** The member's mtime (ms), when the archive recorded one. */
  mtimeMs: number | null;
  /** Now, in ms (an mtime within a few days of it is a clone's or a download's, not the logs'). */
  nowMs: number;
}

/** An mtime this close to now was set by a clone, an unzip or a download. */
const FRESH_MTIME_MS = 3 * 24 * 3600 * 1000;
/** How far past the newest full-dated evidence a file's first line may start. */
const AFTER_EVIDENCE_MS = 24 * 3600 * 1000;

const ms = (ns: bigint): number => Number(ns / 1_000_000n);
const day = (ns: bigint): string => formatNs(ns).slice(0, 10);

/**
 * Dates a file whose stamps carry no year (journald short, bare klog, dmesg), from the strongest
 * evidence there is, in order: full dates in the same file; full dates elsewhere in the bundle (the
 * latest year that does not put the file's first line after the bundle's newest full-dated
 * evidence); the member's mtime when it is not "now" (a clone sets it) — also an upper bound;
 * `--year`. The zone: the file's own evidence, else its node's (shown by another of its files),
 * else `--tz`, else UTC.
 */
export function decideDating(i: DatingInputs): DatingDecision {
  const zone = zoneOf(i);
  const month = i.first?.month ?? 0;
  if (i.inFile?.year != null) {
    return {
      rule: 'file',
      year: i.inFile.year,
      month: month === 0 ? 0 : month,
      tzOffsetMinutes: zone.minutes,
      evidence: `year from ${i.inFile.text}${zone.text}`,
    };
  }
  const upper = i.bundle.maxNs !== null ? ms(i.bundle.maxNs) : null;
  if (upper !== null && i.first !== null) {
    const year = latestYearNotAfter(i.first, zone.minutes, upper + AFTER_EVIDENCE_MS);
    return {
      rule: 'bundle',
      year,
      month,
      tzOffsetMinutes: zone.minutes,
      evidence: `year from the bundle's full dates (newest ${day(i.bundle.maxNs!)}${i.bundle.maxSource ? ` in ${i.bundle.maxSource}` : ''})${zone.text}`,
    };
  }
  if (i.mtimeMs !== null && i.nowMs - i.mtimeMs > FRESH_MTIME_MS && i.first !== null) {
    const year = latestYearNotAfter(i.first, zone.minutes, i.mtimeMs + AFTER_EVIDENCE_MS);
    return {
      rule: 'mtime',
      year,
      month,
      tzOffsetMinutes: zone.minutes,
      evidence: `year from the file's modification time (${new Date(i.mtimeMs).toISOString().slice(0, 10)})${zone.text}`,
    };
  }
  if (i.flagYear !== null) {
    return {
      rule: 'flag',
      year: i.flagYear,
      month: 0,
      tzOffsetMinutes: zone.minutes,
      evidence: `--year ${i.flagYear}${zone.text}`,
    };
  }
  return {
    rule: 'none',
    year: 0,
    month: 0,
    tzOffsetMinutes: zone.minutes,
    evidence:
      i.first === null
        ? 'no timestamped lines'
        : 'nothing in the bundle gives these times a year: pass --year',
  };
}

function zoneOf(i: DatingInputs): { minutes: number; text: string } {
  const fmt = (m: number): string => {
    const sign = m < 0 ? '-' : '+';
    const a = Math.abs(m);
    return `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
  };
  if (i.inFile?.offsetMinutes != null) {
    const m = i.inFile.offsetMinutes;
    return { minutes: m, text: m === 0 ? '' : `; zone ${fmt(m)} from the same evidence` };
  }
  const node = i.node !== null ? i.bundle.nodeOffsets.get(i.node) : undefined;
  if (node !== undefined)
    return { minutes: node, text: node === 0 ? '' : `; zone ${fmt(node)} shown by other files of ${i.node}` };
  if (i.flagTzMinutes !== null)
    return { minutes: i.flagTzMinutes, text: `; zone ${fmt(i.flagTzMinutes)} from --tz` };
  return { minutes: 0, text: '' };
}

/** The latest year (of three around `limitMs`) in which `first` falls at or before `limitMs`. */
function latestYearNotAfter(first: LocalStamp, offsetMinutes: number, limitMs: number): number {
  const y = new Date(limitMs).getUTCFullYear();
  for (const year of [y + 1, y, y - 1, y - 2]) {
    const at = Date.UTC(year, first.month - 1, first.day) + first.secondOfDay * 1000 - offsetMinutes * 60_000;
    if (at <= limitMs) return year;
  }
  return y - 1;
}
