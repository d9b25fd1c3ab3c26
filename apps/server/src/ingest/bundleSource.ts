import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import type { FileInfo, ParsedSpan, ParseEvent } from '@kubetrail/model';
import {
  classifyPath,
  noPathHints,
  parseFile,
  readBundle,
  RecordRedactor,
  timeOutOfRange,
  type BundleEntry,
  type BundleItem,
  type Limits,
  type PathHints,
} from '@kubetrail/parsers';
import { recordValues, type RecordValues } from '@kubetrail/store';
import { parseTimeZone, resolveOffsetMinutes, type TimeZoneSpec } from './timeZone.ts';

/**
 * The reading half of an ingest: bundle paths → members → parsed records, as a stream of plain
 * events (records as flat value arrays, ready to insert). The writing half (store, report,
 * progress) lives in `ingest.service.ts`. The events are plain data so that the two halves could
 * run in different threads; measured, that did not pay (see `IngestJob.readAll`).
 */
export type SourceEvent =
  /**
   * A member (or a whole path) that could not be read. `member`: it came from the bundle reader as
   * a problem item, which may be about the entry just read (it broke partway).
   */
  | { type: 'problem'; path: string; reason: string; member: boolean }
  /** A member starts; `size` as the archive says (null for gzip). */
  | { type: 'open'; path: string; hints: PathHints; size: number | null }
  /** What the parser decided about the open member (once, before its first record). */
  | { type: 'info'; info: FileInfo }
  | { type: 'records'; rows: RecordValues[] }
  | { type: 'spans'; spans: ParsedSpan[] }
  | { type: 'skip'; line: number | null; reason: string }
  /** Physical lines and bytes of the open member consumed so far. */
  | { type: 'progress'; lines: number; bytes: number }
  /**
   * The open member ended; `error` when it broke while being parsed. `referenceNs`: the bundle's
   * reference time so far (the first full date seen), which dates klog files that carry none.
   */
  | { type: 'close'; error: string | null; referenceNs: bigint | null };

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

/** The first chunk of a paused stream as text (up to 4 KiB), put back so the parser still reads it. */
function peekHead(stream: Readable): Promise<string | null> {
  return new Promise((resolve) => {
    const done = (value: string | null) => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('error', onEnd);
      resolve(value);
    };
    const onReadable = () => {
      const chunk = stream.read() as Buffer | string | null;
      if (chunk === null) return;
      stream.unshift(chunk);
      done((typeof chunk === 'string' ? chunk : chunk.toString('utf8')).slice(0, 4096));
    };
    const onEnd = () => done(null);
    stream.on('readable', onReadable);
    stream.once('end', onEnd);
    stream.once('error', onEnd);
  });
}

/** Records per `records` event (one insert batch). */
const ROWS_PER_EVENT = 1_000;

/**
 * Reads and parses every member of `paths`, in bundle order. Events come in batches (one per
 * parser batch); `records` events hold at most {@link ROWS_PER_EVENT} rows.
 */
export async function* readSource(
  paths: readonly string[],
  opts: SourceOptions,
): AsyncGenerator<SourceEvent[]> {
  const source = new Source(opts);
  for (const path of paths) yield* source.readPath(path);
}

class Source {
  private readonly tzSpec: TimeZoneSpec | null;
  /** A full date seen in an earlier file dates later klog files that carry none. */
  private referenceNs: bigint | null = null;

  constructor(private readonly opts: SourceOptions) {
    this.tzSpec = opts.tz ? parseTimeZone(opts.tz) : null;
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
        if (item.type === 'entry') yield* this.readEntry(item.entry);
        else yield [{ type: 'problem', path: item.path, reason: item.reason, member: true }];
      }
    } finally {
      await items.return?.(undefined).catch(() => undefined);
    }
  }

  private async *readEntry(entry: BundleEntry): AsyncGenerator<SourceEvent[]> {
    const hints = hintsOf(entry.path);
    let stream: Readable;
    try {
      stream = entry.open();
    } catch (err) {
      yield [{ type: 'problem', path: entry.path, reason: `could not open: ${message(err)}`, member: false }];
      return;
    }
    yield [{ type: 'open', path: entry.path, hints, size: entry.size }];
    const tzOffsetMinutes = this.tzSpec
      ? resolveOffsetMinutes(this.tzSpec, await this.zoneInstant(stream, entry))
      : this.opts.tzOffsetMinutes;
    const parser = parseFile(stream, {
      path: entry.path,
      hints,
      mtimeMs: entry.mtimeMs,
      year: this.opts.year,
      tzOffsetMinutes,
      bundleReferenceNs: this.referenceNs,
      limits: this.opts.limits,
    })[Symbol.asyncIterator]();

    let info: FileInfo | null = null;
    let error: string | null = null;
    // Every record and span is redacted here, before anything is stored (SPEC §9).
    const redactor = new RecordRedactor();
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
              const badTime = timeOutOfRange(r.ts);
              if (badTime !== null) {
                flush();
                out.push({ type: 'skip', line: r.line, reason: badTime });
                break;
              }
              redactor.record(r);
              if (
                this.referenceNs === null &&
                r.ts !== null &&
                (info?.timeRule === 'full' || info?.timeRule === 'wrapper')
              )
                this.referenceNs = r.ts;
              rows.push(recordValues(r));
              if (rows.length >= ROWS_PER_EVENT) flush();
              break;
            }
            case 'span':
              spans.push(redactor.span(ev.span));
              break;
            case 'skip':
              flush();
              // A reason may quote the input (an unknown `kind`, a span name): redacted like it.
              out.push({ type: 'skip', line: ev.skip.line, reason: redactor.text(ev.skip.reason) });
              break;
            case 'progress':
              progress = { type: 'progress', lines: ev.lines, bytes: ev.bytes };
              break;
          }
        }
        flush();
        if (progress) out.push(progress);
        yield out;
      }
    } finally {
      await parser.return?.(undefined).catch(() => undefined);
      if (!stream.destroyed && !stream.readableEnded) stream.resume();
    }
    yield [{ type: 'close', error, referenceNs: this.referenceNs }];
  }

  /**
   * The instant at which an IANA zone's offset applies to this file: the date of its first klog
   * header (peeked, then put back) in the best-known year; else the bundle's reference time.
   */
  private async zoneInstant(stream: Readable, entry: BundleEntry): Promise<number | null> {
    const referenceMs = this.referenceNs === null ? null : Number(this.referenceNs / 1_000_000n);
    if (this.tzSpec?.kind !== 'iana') return referenceMs;
    const head = await peekHead(stream);
    const m = head ? /(?:^|\n|\s)[IWEF](\d{2})(\d{2}) (\d{2}):(\d{2})/.exec(head) : null;
    if (!m) return referenceMs;
    const year =
      this.opts.year ??
      (referenceMs !== null ? new Date(referenceMs).getUTCFullYear() : null) ??
      (entry.mtimeMs !== null ? new Date(entry.mtimeMs).getUTCFullYear() : new Date().getUTCFullYear());
    return Date.UTC(year, Number(m[1]) - 1, Number(m[2]), Number(m[3]), Number(m[4]));
  }
}
