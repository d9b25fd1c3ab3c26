import { statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import type { FileInfo, ParsedRecord, ParsedSpan, ParseEvent, StateFields } from '@kubetrail/model';
import {
  analyzeHead,
  classifyPath,
  decideDating,
  detectUtf16,
  noPathHints,
  parseFile,
  readBundle,
  readFileHead,
  RecordRedactor,
  scanInFileEvidence,
  sectionedLayout,
  SNIFF_BYTES,
  splitSections,
  timeOutOfRange,
  transcodeUtf16,
  type BundleItem,
  type BundleTimeEvidence,
  type DatingDecision,
  type HeadAnalysis,
  type InFileEvidence,
  type Limits,
  type PathHints,
  type SectionedLayout,
} from '@kubetrail/parsers';
import { recordValues, type RecordValues } from '@kubetrail/store';
import { Spool, type Spooled } from './spool.ts';
import { parseTimeZone, resolveOffsetMinutes, type TimeZoneSpec } from './timeZone.ts';

/**
 * The reading half of an ingest: bundle paths → members → parsed records, as a stream of plain
 * events (records as flat value arrays, ready to insert). The writing half (store, report,
 * progress) lives in `ingest.service.ts`.
 *
 * Members are not always read in bundle order (ADR 0007): a file whose stamps carry no year
 * (journald, bare klog) or no time at all (`kubectl logs` output) waits on local disk until every
 * other member has shown the bundle's full dates, zones and container start times; a journal waits
 * until it is known which of its units have files of their own (those lines are stored once); a
 * member whose first bytes repeat an earlier member's is compared in full before it is stored.
 * Sectioned files (`minikube logs`, single-stream cluster-info dumps) are read as one member per
 * section.
 */
export type SourceEvent =
  /**
   * A member (or a whole path) that could not be read. `member`: it came from the bundle reader as
   * a problem item, which may be about the entry just read (it broke partway).
   */
  | { type: 'problem'; path: string; reason: string; member: boolean }
  /** A member starts; `size` as the archive says (null for gzip and sections). */
  | { type: 'open'; path: string; hints: PathHints; size: number | null; layout: string | null }
  /** What the parser decided about the open member (once, before its first record). */
  | { type: 'info'; info: FileInfo }
  | { type: 'records'; rows: RecordValues[] }
  | { type: 'spans'; spans: ParsedSpan[] }
  | { type: 'skip'; line: number | null; reason: string }
  /** Physical lines and bytes of the open member consumed so far; records given an approximate time. */
  | { type: 'progress'; lines: number; bytes: number; approximated: number }
  /**
   * The open member ended; `error` when it broke while being parsed; `duplicates`: its lines not
   * stored because another file holds them.
   */
  | { type: 'close'; error: string | null; duplicates: { of: string; lines: number }[] }
  /** A file read as sections (each a member of its own, under `<path> › <section>`). */
  | { type: 'sectioned'; path: string; layout: string; sections: number; hints: PathHints }
  /** A whole member that repeats another (same content, a link): not stored again. */
  | {
      type: 'duplicate';
      path: string;
      of: string;
      bytes: number;
      lines: number;
      hints: PathHints;
      layout: string | null;
    };

export interface SourceOptions {
  year: number | null;
  /** `--tz` as given (validated by the caller); wins over `tzOffsetMinutes`. */
  tz: string | null;
  tzOffsetMinutes: number;
  limits: Limits;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export const hintsOf = (path: string): PathHints => {
  try {
    return classifyPath(path);
  } catch {
    return noPathHints(); // content sniffing still works
  }
};

/** JSON documents smaller than this are never reported as copies of each other. */
const MIN_DOCUMENT_COPY_BYTES = 4096;

/** Records per `records` event (one insert batch). */
const ROWS_PER_EVENT = 1_000;

/**
 * Reads and parses every member of `paths`, in bundle order but for the members that wait (see
 * {@link SourceEvent}). Events come in batches (one per parser batch); `records` events hold at most
 * {@link ROWS_PER_EVENT} rows.
 */
export async function* readSource(
  paths: readonly string[],
  opts: SourceOptions,
): AsyncGenerator<SourceEvent[]> {
  const source = new Source(opts, paths.length === 1 && isSingleFile(paths[0]!));
  try {
    for (const path of paths) yield* source.readPath(path);
    yield* source.readDeferred();
  } finally {
    await source.dispose();
  }
}

/**
 * A bundle that is one plain log file (`kubelet.log.gz`, not an archive): nothing else will come
 * to date it, so nothing of it waits (or is spooled to disk) for the rest.
 */
function isSingleFile(path: string): boolean {
  try {
    return statSync(path).isFile() && !/\.(tar|tgz|tar\.gz|tar\.zst|zip)$/i.test(path);
  } catch {
    return false;
  }
}

/** A member to read: a file of the bundle, or one section of a sectioned file. */
interface Member {
  path: string;
  hints: PathHints;
  size: number | null;
  mtimeMs: number | null;
  /** Physical lines of the file before the member's first line (sections). */
  lineOffset: number;
  /** The layout it belongs to, for the report. */
  layout: string | null;
  /** minikube's Audit table zone, for its `Last Start` section. */
  zoneMinutes: number | null;
  /** True for a section: it is not split again. */
  section: boolean;
  /** What a full read of the file showed about its year and zone (set for members that waited). */
  inFile?: InFileEvidence | null;
  open(): AsyncIterable<Buffer>;
}

/**
 * The journalctl files of single units in one folder (`kubelet.log`, `containerd.log`): which
 * components they hold, and the other lines they hold (systemd's own lines about the unit).
 */
interface UnitFiles {
  units: Map<string, string>;
  lines: Map<string, string>;
}

/** systemd's lines about a unit kept per unit file, at most (they are a handful). */
const MAX_UNIT_FILE_LINES = 10_000;

/** Why a member waits for the rest of the bundle. */
type DeferReason = 'dating' | 'undated' | 'journal';

interface Deferred {
  member: Member;
  spooled: Spooled;
  reason: DeferReason;
  /** Why the member broke while it was being read from the bundle (its good bytes were kept). */
  error: string | null;
}

/** What identifies a member's content for finding copies of it. */
interface Fingerprint {
  path: string;
  bytes: number;
  crc: number;
  /** Pod/container the member's path names: copies of undated text must name the same one. */
  identity: string | null;
}

const toBuffer = (c: unknown): Buffer =>
  Buffer.isBuffer(c) ? c : typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c as Uint8Array);

/** `ns/pod/container` a path names, or null. */
const identityOf = (h: PathHints): string | null =>
  h.pod
    ? `${h.pod.namespace}/${h.pod.name}/${h.container ?? ''}${h.previous === true ? '/previous' : ''}`
    : null;

/** Reads a stream's head as the parser will (see `readFileHead`), keeping the rest unread. */
async function readHead(
  it: AsyncIterator<unknown>,
  maxLine: number,
): Promise<{ head: Buffer; eof: boolean }> {
  const r = await readFileHead(it, maxLine);
  return { head: Buffer.concat(r.chunks), eof: r.eof };
}

/** `head`, then the rest of `it`. */
async function* chain(head: Buffer, it: AsyncIterator<unknown>, eof: boolean): AsyncGenerator<Buffer> {
  if (head.length > 0) yield head;
  if (eof) return;
  for (let r = await it.next(); r.done !== true; r = await it.next()) yield toBuffer(r.value);
}

/** Formats whose records' times are full dates the whole bundle can be dated by. */
const SOLID_FORMATS = new Set([
  'klog-json',
  'logfmt',
  'audit',
  'k8s-event',
  'k8s-object',
  'capnslog',
  'golog',
  'otlp',
  'table',
]);

class Source {
  private readonly tzSpec: TimeZoneSpec | null;
  private readonly spool = new Spool();
  private readonly deferred: Deferred[] = [];
  /** Members read so far by the SHA-1 of their first bytes, for finding copies. */
  private readonly seen = new Map<string, Fingerprint[]>();
  /** Per folder, the units that have a journalctl file of their own (`kubelet.log`): component → path. */
  private readonly unitFiles = new Map<string, UnitFiles>();
  private readonly evidence: {
    minNs: bigint | null;
    maxNs: bigint | null;
    maxSource: string | null;
    nodeOffsets: Map<string, number>;
  } = { minNs: null, maxNs: null, maxSource: null, nodeOffsets: new Map() };
  /** Container start times from object state: `ns/pod/container[/previous]` → UTC ns. */
  private readonly containerStarts = new Map<string, bigint>();
  /** The latest `Started` Event per `ns/pod/container`, for pods the bundle has no state of. */
  private readonly eventStarts = new Map<string, bigint>();
  /** Each node's first full-dated time. */
  private readonly nodeFirst = new Map<string, bigint>();

  constructor(
    private readonly opts: SourceOptions,
    /** The bundle is one plain file: its members never wait for others (see `isSingleFile`). */
    private readonly alone = false,
  ) {
    this.tzSpec = opts.tz ? parseTimeZone(opts.tz) : null;
  }

  async dispose(): Promise<void> {
    await this.spool.dispose();
  }

  async *readPath(path: string): AsyncGenerator<SourceEvent[]> {
    const items = readBundle(path, this.opts.limits)[Symbol.asyncIterator]();
    try {
      for (;;) {
        let next: IteratorResult<BundleItem>;
        try {
          next = await items.next();
        } catch (err) {
          yield [
            {
              type: 'problem',
              path: basename(path),
              reason: `could not read: ${message(err)}`,
              member: false,
            },
          ];
          return;
        }
        if (next.done) return;
        const item = next.value;
        if (item.type === 'entry') {
          const e = item.entry;
          const hints = hintsOf(e.path);
          let opened = false;
          yield* this.readMember({
            path: e.path,
            hints,
            size: e.size,
            mtimeMs: e.mtimeMs,
            lineOffset: 0,
            layout: hints.layout,
            zoneMinutes: null,
            section: false,
            open: () => {
              if (opened) throw new Error(`${e.path} opened twice`);
              opened = true;
              return e.open() as AsyncIterable<Buffer>;
            },
          });
        } else if (item.type === 'link') {
          yield [
            {
              type: 'duplicate',
              path: item.path,
              of: item.target,
              bytes: 0,
              lines: 0,
              hints: hintsOf(item.path),
              layout: hintsOf(item.path).layout,
            },
          ];
        } else {
          // A member that broke partway while being set aside: the reason goes with it.
          // (A set-aside member is read to its end at once, so an archive cut inside it may be
          // reported as the archive's problem "after" it rather than as the member's.)
          const waiting = this.deferred.at(-1);
          if (
            waiting !== undefined &&
            waiting.error === null &&
            ((waiting.member.path === item.path && !item.reason.startsWith('duplicate path refused')) ||
              item.reason.endsWith(`(after ${waiting.member.path})`))
          ) {
            waiting.error = item.reason.replace(` (after ${waiting.member.path})`, '');
            continue;
          }
          yield [{ type: 'problem', path: item.path, reason: item.reason, member: true }];
        }
      }
    } finally {
      await items.return?.(undefined).catch(() => undefined);
    }
  }

  /** The members that waited, now that the rest of the bundle has been read: journals last. */
  async *readDeferred(): AsyncGenerator<SourceEvent[]> {
    const order = [...this.deferred].sort(
      (a, b) => Number(a.reason === 'journal') - Number(b.reason === 'journal'),
    );
    this.deferred.length = 0;
    for (const d of order) {
      const m: Member = { ...d.member, open: () => this.spool.read(d.spooled) };
      // Its head showed no full date: the rest of the file may (the nearest full date pins the year).
      if (d.reason === 'dating') m.inFile = await scanInFileEvidence(this.spool.read(d.spooled));
      try {
        yield* this.readMember(m, { fromSpool: true, error: d.error });
      } finally {
        await this.spool.remove(d.spooled);
      }
    }
  }

  private async *readMember(
    m: Member,
    how: { fromSpool?: boolean; error?: string | null } = {},
  ): AsyncGenerator<SourceEvent[]> {
    let it: AsyncIterator<unknown>;
    try {
      it = m.open()[Symbol.asyncIterator]();
    } catch (err) {
      yield [{ type: 'problem', path: m.path, reason: `could not open: ${message(err)}`, member: false }];
      return;
    }
    const maxLine = this.opts.limits.maxLineBytes;
    let { head, eof } = await readHead(it, maxLine);
    const utf16 = detectUtf16(head);
    if (utf16 !== null) {
      it = transcodeUtf16(chain(head, it, eof), utf16)[Symbol.asyncIterator]();
      ({ head, eof } = await readHead(it, maxLine));
    }

    if (!m.section) {
      const headLines = head
        .subarray(0, SNIFF_BYTES * 4)
        .toString('utf8')
        .split('\n', 400);
      const layout = sectionedLayout(headLines, m.path);
      if (layout !== null) {
        yield* this.readSections(m, layout, chain(head, it, eof));
        return;
      }
    }

    const a = analyzeHead(head, eof, m.path, m.hints, maxLine);
    // Small JSON documents (an empty list per namespace) are alike by nature: not worth calling copies.
    const comparable =
      a.kind === 'lines' || (a.kind === 'document' && head.length >= MIN_DOCUMENT_COPY_BYTES);
    const headKey = comparable ? createHash('sha1').update(head).digest('hex') : null;
    const identity = identityOf(m.hints);
    const timeless = a.kind === 'lines' && a.undated;

    // A member whose first bytes repeat an earlier one's: compared in full before anything is stored.
    const earlier = headKey === null || how.fromSpool === true ? undefined : this.seen.get(headKey);
    if (earlier !== undefined && earlier.some((f) => !timeless || f.identity === identity)) {
      const spooled = await this.spool.write(chain(head, it, eof));
      const same = earlier.find(
        (f) => f.crc === spooled.crc && f.bytes === spooled.bytes && (!timeless || f.identity === identity),
      );
      if (same !== undefined) {
        await this.spool.remove(spooled);
        yield [
          {
            type: 'duplicate',
            path: m.path,
            of: same.path,
            bytes: spooled.bytes,
            lines: spooled.lines,
            hints: m.hints,
            layout: m.layout,
          },
        ];
        return;
      }
      // Not a copy after all: read it from the spool, now or with the waiting members.
      const reason = this.deferReason(m, a);
      if (reason !== null) {
        this.deferred.push({ member: m, spooled, reason, error: null });
        return;
      }
      try {
        yield* this.readMember({ ...m, open: () => this.spool.read(spooled) }, { fromSpool: true });
      } finally {
        await this.spool.remove(spooled);
      }
      return;
    }

    const reason = how.fromSpool === true ? null : this.deferReason(m, a);
    if (reason !== null) {
      const spooled = await this.spool.write(chain(head, it, eof));
      this.deferred.push({ member: m, spooled, reason, error: null });
      return;
    }
    yield* this.parseMember(m, a, chain(head, it, eof), headKey, identity, how.error ?? null);
  }

  /** Whether a member must wait for the rest of the bundle, and why. */
  private deferReason(m: Member, a: HeadAnalysis): DeferReason | null {
    // A sectioned file's sections (minikube logs) still wait for the sections that date them.
    if (this.alone && !m.section) return null;
    if (m.hints.content === 'journal') return 'journal';
    if (a.kind !== 'lines') return null;
    if (a.yearless && a.inFile?.year == null) return 'dating';
    if (a.undated && (m.hints.pod !== null || (a.plan.node ?? m.hints.node) !== null)) return 'undated';
    return null;
  }

  /** A sectioned file: each section is read as a member of its own. */
  private async *readSections(
    m: Member,
    layout: SectionedLayout,
    body: AsyncIterable<Buffer>,
  ): AsyncGenerator<SourceEvent[]> {
    const label = layout === 'minikube-logs' ? 'minikube-logs' : 'cluster-info-stream';
    let sections = 0;
    for await (const s of splitSections(body, layout)) {
      sections++;
      // Names that can repeat in one file (prose between parts, a dump's lists of several
      // namespaces without a namespace in their name) take their line to stay unique.
      const repeats =
        s.head.name === 'text' ||
        (layout === 'cluster-info-stream' && !s.head.name.startsWith('logs ') && !s.head.name.includes('/'));
      const path = `${m.path} › ${s.head.name}${repeats ? ` (line ${m.lineOffset + s.firstLine})` : ''}`;
      yield* this.readMember({
        path,
        hints: s.head.hints,
        size: null,
        mtimeMs: m.mtimeMs,
        lineOffset: m.lineOffset + s.firstLine - 1,
        layout: label,
        zoneMinutes: s.head.zoneMinutes ?? null,
        section: true,
        open: () => s.body,
      });
    }
    yield [{ type: 'sectioned', path: m.path, layout: label, sections, hints: m.hints }];
  }

  private dating(
    m: Member,
    a: Extract<HeadAnalysis, { kind: 'lines' }>,
    tzOffset: number,
  ): DatingDecision | null {
    if (!a.yearless) return null;
    let inFile = a.inFile ?? m.inFile ?? null;
    if (m.zoneMinutes !== null && (inFile === null || inFile.offsetMinutes === null)) {
      inFile = {
        year: inFile?.year ?? null,
        offsetMinutes: m.zoneMinutes,
        text: `${inFile?.text ?? 'its lines'} and the zone of minikube's Audit table`,
      };
    }
    const bundle: BundleTimeEvidence = this.evidence;
    return decideDating({
      first: a.first,
      inFile,
      bundle,
      node: a.plan.node ?? m.hints.node,
      flagYear: this.opts.year,
      flagTzMinutes: this.tzSpec !== null || this.opts.tzOffsetMinutes !== 0 ? tzOffset : null,
      mtimeMs: m.mtimeMs,
      nowMs: Date.now(),
    });
  }

  /** The container start a member's undated lines begin at (from the bundle's pod state). */
  private undatedBase(h: PathHints, node: string | null): bigint | null {
    if (h.pod !== null) return this.containerStart(h);
    // A node's own undated output (kind's `serial.log`, its console at boot): the node's first logged time.
    return node !== null ? (this.nodeFirst.get(node) ?? null) : null;
  }

  private containerStart(h: PathHints): bigint | null {
    const id = identityOf(h);
    return id === null ? null : (this.containerStarts.get(id) ?? this.eventStarts.get(id) ?? null);
  }

  private async *parseMember(
    m: Member,
    a: HeadAnalysis,
    content: AsyncIterable<Buffer>,
    headKey: string | null,
    identity: string | null,
    readError: string | null,
  ): AsyncGenerator<SourceEvent[]> {
    yield [{ type: 'open', path: m.path, hints: m.hints, size: m.size, layout: m.layout }];
    let tzOffsetMinutes = this.opts.tzOffsetMinutes;
    if (this.tzSpec !== null) {
      // An IANA zone's offset (summer or winter time) is the one at the file's own first stamp.
      const provisional = a.kind === 'lines' ? this.dating(m, a, 0) : null;
      const first = a.kind === 'lines' ? a.first : null;
      const instant =
        provisional !== null && provisional.year > 0 && first !== null
          ? Date.UTC(provisional.year, first.month - 1, first.day) + first.secondOfDay * 1000
          : this.zoneInstant();
      tzOffsetMinutes = resolveOffsetMinutes(this.tzSpec, instant);
    }
    const dating = a.kind === 'lines' ? this.dating(m, a, tzOffsetMinutes) : null;
    const undatedBaseNs =
      a.kind === 'lines' && a.undated ? this.undatedBase(m.hints, a.plan.node ?? m.hints.node) : null;

    // The member's CRC-32 and size, for finding later copies of it.
    let crc = 0;
    let bytes = 0;
    const tapped = (async function* (): AsyncGenerator<Buffer> {
      for await (const chunk of content) {
        crc = crc32(chunk, crc);
        bytes += chunk.length;
        yield chunk;
      }
    })();

    const parser = parseFile(tapped, {
      path: m.path,
      hints: m.hints,
      mtimeMs: m.mtimeMs,
      year: this.opts.year,
      tzOffsetMinutes,
      bundleReferenceNs: this.evidence.maxNs,
      limits: this.opts.limits,
      dating,
      undatedBaseNs,
    })[Symbol.asyncIterator]();

    // Lines a journal repeats from its units' own files (kind's `journal.log` and `kubelet.log`).
    const units = m.hints.content === 'journal' ? this.unitFiles.get(dirname(m.path)) : undefined;
    const repeated = new Map<string, number>();
    /** A unit file's lines from other identifiers (systemd's about the unit), which its journal repeats. */
    const foreign: string[] = [];

    let info: FileInfo | null = null;
    let error: string | null = readError;
    // Every record and span is redacted here, before anything is stored (SPEC §9).
    const redactor = new RecordRedactor();
    const off = m.lineOffset;
    try {
      for (;;) {
        let next: IteratorResult<(ParseEvent | { type: 'info'; info: FileInfo })[]>;
        try {
          next = await parser.next();
        } catch (err) {
          error = message(err);
          break;
        }
        if (next.done) break;
        const out: SourceEvent[] = [];
        let rows: RecordValues[] = [];
        let spans: ParsedSpan[] = [];
        let progress: SourceEvent | null = null;
        const flush = (): void => {
          if (rows.length > 0) out.push({ type: 'records', rows });
          if (spans.length > 0) out.push({ type: 'spans', spans });
          rows = [];
          spans = [];
        };
        for (const ev of next.value) {
          switch (ev.type) {
            case 'info':
              info ??= ev.info;
              out.push({ type: 'info', info: ev.info });
              break;
            case 'record': {
              const r = ev.record;
              const of =
                units === undefined
                  ? undefined
                  : ((r.component !== null ? units.units.get(r.component) : undefined) ??
                    units.lines.get(r.raw));
              if (of !== undefined) {
                repeated.set(of, (repeated.get(of) ?? 0) + Math.max(r.lineCount, 1));
                break;
              }
              if (off !== 0) r.line += off;
              const badTime = timeOutOfRange(r.ts);
              if (badTime !== null) {
                flush();
                out.push({ type: 'skip', line: r.line, reason: badTime });
                break;
              }
              redactor.record(r);
              if (
                info?.wrapper === 'journald' &&
                info.component !== null &&
                r.component !== info.component &&
                foreign.length < MAX_UNIT_FILE_LINES
              )
                foreign.push(r.raw);
              this.learn(r, info, m.path);
              rows.push(recordValues(r, info, this.opts.limits.maxLineBytes));
              if (rows.length >= ROWS_PER_EVENT) flush();
              break;
            }
            case 'span':
              spans.push(redactor.span(ev.span));
              break;
            case 'skip':
              flush();
              // A reason may quote the input (an unknown `kind`, a span name): redacted like it.
              out.push({
                type: 'skip',
                line: ev.skip.line === null ? null : ev.skip.line + off,
                reason: redactor.text(ev.skip.reason),
              });
              break;
            case 'progress':
              progress = {
                type: 'progress',
                lines: ev.lines,
                bytes: ev.bytes,
                approximated: ev.approximated ?? 0,
              };
              break;
          }
        }
        flush();
        if (progress) out.push(progress);
        yield out;
      }
    } finally {
      await parser.return?.(undefined).catch(() => undefined);
      // Drain what the parser left so the next member starts where this one ends.
      for await (const _ of tapped) void _;
    }
    if (a.kind === 'lines' && a.inFile?.offsetMinutes != null) {
      const node = info?.node ?? m.hints.node;
      if (node !== null) this.evidence.nodeOffsets.set(node, a.inFile.offsetMinutes);
    }
    if (headKey !== null && error === null) {
      const list = this.seen.get(headKey) ?? [];
      list.push({ path: m.path, bytes, crc, identity });
      this.seen.set(headKey, list);
    }
    this.noteUnitFile(m, info, foreign);
    yield [{ type: 'close', error, duplicates: [...repeated].map(([of, lines]) => ({ of, lines })) }];
  }

  /** `kubelet.log`, `containerd.log` beside a journal: files that are one unit's journal. */
  private noteUnitFile(m: Member, info: FileInfo | null, foreign: readonly string[]): void {
    if (m.section || info?.wrapper !== 'journald' || info.component === null) return;
    if (m.hints.content === 'journal') return;
    const dir = dirname(m.path);
    const files = this.unitFiles.get(dir) ?? {
      units: new Map<string, string>(),
      lines: new Map<string, string>(),
    };
    files.units.set(info.component, m.path);
    for (const raw of foreign) files.lines.set(raw, m.path);
    this.unitFiles.set(dir, files);
  }

  /** What a stored record teaches about the bundle: full dates, container start times. */
  private learn(r: ParsedRecord, info: FileInfo | null, path: string): void {
    if (r.ts === null) return;
    const wrapperDated =
      info?.wrapper === 'cri' || info?.wrapper === 'docker' || info?.wrapper === 'journald-json';
    if (wrapperDated || SOLID_FORMATS.has(r.format)) {
      const e = this.evidence;
      if (e.minNs === null || r.ts < e.minNs) e.minNs = r.ts;
      if (e.maxNs === null || r.ts > e.maxNs) {
        e.maxNs = r.ts;
        e.maxSource = path;
      }
      const node = r.node ?? info?.node ?? null;
      if (node !== null) {
        const first = this.nodeFirst.get(node);
        if (first === undefined || r.ts < first) this.nodeFirst.set(node, r.ts);
      }
    }
    if (r.kind === 'event' && r.fields !== null) {
      // `Started container x` on a pod: when its current run started (object state, when the
      // bundle has it, knows better).
      const ev = r.fields as {
        reason?: unknown;
        involvedObject?: { kind?: unknown; namespace?: unknown; name?: unknown; fieldPath?: unknown };
      };
      const o = ev.involvedObject;
      const fieldPath = typeof o?.fieldPath === 'string' ? o.fieldPath : '';
      const container = /^spec\.(?:init)?[cC]ontainers\{(.+)\}$/.exec(fieldPath)?.[1];
      if (ev.reason === 'Started' && o?.kind === 'Pod' && container !== undefined) {
        const key = `${typeof o.namespace === 'string' ? o.namespace : ''}/${String(o.name)}/${container}`;
        const had = this.eventStarts.get(key);
        if (had === undefined || r.ts > had) this.eventStarts.set(key, r.ts);
      }
    }
    if (r.kind === 'state' && r.fields !== null) {
      const f = r.fields as unknown as StateFields;
      if (f.fact === 'container' && f.logRun != null && f.object.kind === 'Pod') {
        const key = `${f.object.namespace ?? ''}/${f.object.name}/${f.container ?? ''}${f.logRun === 'previous' ? '/previous' : ''}`;
        this.containerStarts.set(key, r.ts);
      }
    }
  }

  /** The instant at which an IANA zone's offset applies: the bundle's newest full date, else now. */
  private zoneInstant(): number | null {
    return this.evidence.maxNs === null ? null : Number(this.evidence.maxNs / 1_000_000n);
  }
}

export type { BundleTimeEvidence };
