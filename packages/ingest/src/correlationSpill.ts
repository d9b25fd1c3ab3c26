import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  severityFromRank,
  type CorrelationSource,
  type LineFormat,
  type RecordKind,
  type Severity,
  type StoredRecord,
  type StoredSpan,
} from '@kubetrail/model';
import { auditFieldsFromRaw } from '@kubetrail/parsers';
import type { RecordValues } from '@kubetrail/store';

/**
 * What correlation reads of every record, kept from the parse on local disk, so that correlation
 * never reads the records back from SQLite (issue 14): a `CorrelationSource` over the bundle just
 * written, in (ts, id) order, with the records' message and fields as the parse produced them.
 *
 * Records are appended in id order, file by file (a segment per member). Most files are in time
 * order; a record that is earlier than its segment's last one (an audit event merged when its last
 * stage arrived, an Event list sorted by name) is set aside in one of a few sorted sub-runs of its
 * segment, which remember only where it is (patience sorting: it joins the sub-run whose last time
 * is the latest not after its own). Reading merges every segment's main run and sub-runs by
 * (ts, id). Memory holds the sub-runs' positions and a page cache, never the records.
 */

/** Bytes buffered before a write. */
const WRITE_BUFFER = 1024 * 1024;
/** Page size and count of the read cache. */
const PAGE = 16 * 1024;
const PAGES = 256;
/** Sub-runs per segment; entries past them go to one run sorted in memory when read. */
const MAX_SUB_RUNS = 64;
/** Time of a record without one: sorts first, as in the store's time order. */
const NO_TS = -(2n ** 63n);

const KIND_CODE: Record<RecordKind, string> = { log: 'l', audit: 'a', event: 'e', state: 's', doc: 'd' };
const KIND_BIT: Record<string, number> = { l: 1, a: 2, e: 4, s: 8, d: 16 };
/** Kind bits by the entry's first byte. */
const KIND_BITS: Record<number, number> = Object.fromEntries(
  Object.entries(KIND_BIT).map(([c, bit]) => [c.charCodeAt(0), bit]),
);
/** Entry flags: read in its segment's order, or through a sub-run. */
const MAIN = '0';
const MAIN_BYTE = MAIN.charCodeAt(0);
const ASIDE = '1';

/** Positions (byte offsets) and times of the entries of one sub-run, in order. */
class SubRun {
  offsets = new Float64Array(16);
  times = new BigInt64Array(16);
  ids = new Float64Array(16);
  n = 0;
  last = NO_TS;
  kinds = 0;
  sorted = true;

  push(offset: number, ts: bigint, id: number, kindBit: number): void {
    if (this.n === this.offsets.length) {
      const grow = <T extends Float64Array | BigInt64Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a as never);
        return b;
      };
      this.offsets = grow(this.offsets, (n) => new Float64Array(n));
      this.times = grow(this.times, (n) => new BigInt64Array(n));
      this.ids = grow(this.ids, (n) => new Float64Array(n));
    }
    if (ts < this.last) this.sorted = false;
    this.offsets[this.n] = offset;
    this.times[this.n] = ts;
    this.ids[this.n] = id;
    this.n++;
    if (ts > this.last) this.last = ts;
    this.kinds |= kindBit;
  }

  /**
   * Ends the run: a sorted run keeps only its entries' positions (their times and ids are needed
   * to sort a run that overflowed, nothing else), in arrays no longer than its entries.
   */
  seal(): void {
    this.offsets = this.offsets.slice(0, this.n);
    if (this.sorted) {
      this.times = new BigInt64Array(0);
      this.ids = new Float64Array(0);
    } else {
      this.times = this.times.slice(0, this.n);
      this.ids = this.ids.slice(0, this.n);
    }
  }

  /** Entry order by (ts, id) (only a run that overflowed is not sorted already). */
  order(): number[] | null {
    if (this.sorted) return null;
    const idx = Array.from({ length: this.n }, (_, i) => i);
    idx.sort((a, b) => {
      const ta = this.times[a]!;
      const tb = this.times[b]!;
      return ta < tb ? -1 : ta > tb ? 1 : this.ids[a]! - this.ids[b]!;
    });
    return idx;
  }
}

interface Segment {
  start: number;
  end: number;
  /** Kinds of its main run's entries (bits of KIND_BIT). */
  kinds: number;
  last: bigint;
  runs: SubRun[];
}

/** One record read back: its columns, and fields parsed on first use. */
class SpilledRecord implements StoredRecord {
  readonly id: number;
  readonly fileId: number;
  readonly ts: bigint | null;
  readonly severity: Severity;
  readonly kind: RecordKind;
  readonly format: LineFormat;
  readonly component: string;
  readonly node: string | null;
  readonly caller: string | null;
  readonly message: string;
  readonly reqId: string | null;
  readonly auditId: string | null;
  readonly traceId: string | null;
  readonly spanId: string | null;
  private fieldsText: string;
  private auditRaw: string;
  private parsed: Record<string, unknown> | null | undefined;

  constructor(head: Head, fieldsText: string, auditRaw: string) {
    this.id = head[0];
    this.fileId = head[1];
    this.ts = head[2] === null ? null : BigInt(head[2]);
    this.severity = severityFromRank(head[3]);
    this.kind = head[4];
    this.format = head[5];
    this.component = head[6];
    this.node = head[7];
    this.caller = head[8];
    this.message = head[9];
    this.reqId = head[10];
    this.auditId = head[11];
    this.traceId = head[12];
    this.spanId = head[13];
    this.fieldsText = fieldsText;
    this.auditRaw = auditRaw;
  }

  get fields(): Record<string, unknown> | null {
    if (this.parsed === undefined) {
      this.parsed =
        this.fieldsText !== ''
          ? (JSON.parse(this.fieldsText) as Record<string, unknown>)
          : this.kind === 'audit' && this.auditRaw !== ''
            ? auditFieldsFromRaw(this.auditRaw)
            : null;
      this.fieldsText = '';
      this.auditRaw = '';
    }
    return this.parsed;
  }
}

type Head = [
  id: number,
  fileId: number,
  ts: string | null,
  severity: number,
  kind: RecordKind,
  format: LineFormat,
  component: string,
  node: string | null,
  caller: string | null,
  message: string,
  reqId: string | null,
  auditId: string | null,
  traceId: string | null,
  spanId: string | null,
];

/** Separates a head's fields; stands for null; starts a head written as JSON instead. */
const FIELD = '\u0002';
const NULL = '\u0003';
const AS_JSON = '\u0004';
/** Characters that may not appear in a head written with separators. */
// eslint-disable-next-line no-control-regex -- the separators are control characters by design
const RESERVED = /[\u0000-\u0004]/;

/**
 * A record's columns as one string: fields joined by \x02, null as \x03 — splitting it is several
 * times cheaper than JSON.parse. A head whose strings hold one of those characters (a log message
 * may hold anything) is written as JSON behind \x04.
 */
function encodeHead(h: Head): string {
  let out = '';
  for (let i = 0; i < h.length; i++) {
    const v = h[i];
    if (i > 0) out += FIELD;
    if (v === null || v === undefined) out += NULL;
    else if (typeof v === 'string') {
      if (RESERVED.test(v)) return AS_JSON + JSON.stringify(h);
      out += v;
    } else out += String(v);
  }
  return out;
}

const nullable = (s: string | undefined): string | null => (s === undefined || s === NULL ? null : s);

/**
 * A head from its bytes `buf[start, end)`. Each field is decoded on its own: a string sliced from
 * a longer one would keep that one alive, and correlation keeps many (every audit ID).
 */
function decodeHead(buf: Buffer, start: number, end: number): Head {
  if (buf[start] === 4) return JSON.parse(buf.toString('utf8', start + 1, end)) as Head;
  const f: string[] = [];
  let at = start;
  for (;;) {
    const next = buf.indexOf(2, at);
    if (next === -1 || next >= end) {
      f.push(buf.toString('utf8', at, end));
      break;
    }
    f.push(buf.toString('utf8', at, next));
    at = next + 1;
  }
  return [
    Number(f[0]),
    Number(f[1]),
    nullable(f[2]),
    Number(f[3]),
    f[4] as RecordKind,
    f[5] as LineFormat,
    f[6] ?? '',
    nullable(f[7]),
    nullable(f[8]),
    f[9] ?? '',
    nullable(f[10]),
    nullable(f[11]),
    nullable(f[12]),
    nullable(f[13]),
  ];
}

/** The part of a record the merge orders by, and where its entry is. */
interface Cursor {
  ts: bigint;
  id: number;
  record: SpilledRecord;
  /** Advances to the cursor's next wanted entry; false at its end. */
  next(): boolean;
}

export class CorrelationSpill {
  private readonly dir = mkdtempSync(join(tmpdir(), 'kubetrail-correlation-'));
  private readonly file = join(this.dir, 'records.spill');
  private fd: number | null = openSync(this.file, 'w+');
  private buf = Buffer.allocUnsafe(WRITE_BUFFER);
  private used = 0;
  /** Bytes written to the file before `buf`. */
  private flushed = 0;
  private readonly segments: Segment[] = [];
  private segment: Segment | null = null;
  private readonly pages = new Map<number, Buffer>();
  private spare: Buffer | null = null;

  /** Starts the records of a new member (file or section). */
  beginSegment(): void {
    this.endSegment();
    const at = this.flushed + this.used;
    this.segment = { start: at, end: at, kinds: 0, last: NO_TS, runs: [] };
  }

  private endSegment(): void {
    const s = this.segment;
    if (s === null) return;
    s.end = this.flushed + this.used;
    if (s.end > s.start) this.segments.push(s);
    this.segment = null;
  }

  /**
   * Appends record `id` of file `fileId` (its row values; `component`/`node` resolved to the
   * file's when the record has none, as the row stores them).
   */
  add(id: number, fileId: number, v: RecordValues, component: string, node: string | null): void {
    if (this.segment === null) this.beginSegment();
    const s = this.segment!;
    const ts = v[1] ?? NO_TS;
    const kind = KIND_CODE[v[3]];
    const bit = KIND_BIT[kind]!;
    let flag = MAIN;
    let run: SubRun | null = null;
    if (ts < s.last) {
      flag = ASIDE;
      // The sub-run whose last time is the latest not after this one's; else a new one.
      for (const r of s.runs) if (r.sorted && r.last <= ts && (run === null || r.last > run.last)) run = r;
      if (run === null) {
        if (s.runs.length < MAX_SUB_RUNS) s.runs.push((run = new SubRun()));
        else run = s.runs[s.runs.length - 1]!;
      }
    } else {
      s.last = ts;
      s.kinds |= bit;
    }
    const head: Head = [
      id,
      fileId,
      v[1] === null ? null : v[1].toString(),
      v[2],
      v[3],
      v[4],
      component,
      node,
      v[7],
      v[8],
      v[11],
      v[12],
      v[13],
      v[14],
    ];
    // An audit record stored without fields rebuilds them from its raw stage lines.
    const auditRaw = v[3] === 'audit' && v[9] === null ? v[10] : '';
    const text = `${kind}${flag}${encodeHead(head)}\u0001${v[9] ?? ''}\u0001${auditRaw}\u0000`;
    const at = this.flushed + this.used;
    this.write(text);
    run?.push(at, ts, id, bit);
  }

  private write(text: string): void {
    const max = text.length * 3;
    if (this.used + max > this.buf.length) {
      this.flush();
      if (max > this.buf.length) this.buf = Buffer.allocUnsafe(max);
    }
    this.used += this.buf.write(text, this.used, 'utf8');
  }

  private flush(): void {
    if (this.used === 0 || this.fd === null) return;
    writeSync(this.fd, this.buf, 0, this.used, this.flushed);
    this.flushed += this.used;
    this.used = 0;
  }

  /** Ends writing: everything added can be read back. */
  finish(): void {
    this.endSegment();
    this.flush();
    // Correlation holds these while it runs beside the full-text worker (the ingest's peak RSS).
    for (const s of this.segments) for (const r of s.runs) r.seal();
    this.buf = Buffer.alloc(0);
  }

  /** Removes the spill file. */
  dispose(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.pages.clear();
    rmSync(this.dir, { recursive: true, force: true });
  }

  // ── reading ───────────────────────────────────────────────────────────────────────────────

  private page(n: number): Buffer {
    const hit = this.pages.get(n);
    if (hit !== undefined) {
      this.pages.delete(n);
      this.pages.set(n, hit);
      return hit;
    }
    // The page evicted last is read into again: no new buffer per page read.
    let buf = this.spare ?? Buffer.allocUnsafeSlow(PAGE);
    this.spare = null;
    const got = readSync(this.fd!, buf, 0, PAGE, n * PAGE);
    if (got < PAGE) buf = Buffer.from(buf.subarray(0, got));
    this.pages.set(n, buf);
    if (this.pages.size > PAGES) {
      const oldest = this.pages.entries().next();
      if (!oldest.done) {
        this.pages.delete(oldest.value[0]);
        if (oldest.value[1].length === PAGE) this.spare = oldest.value[1];
      }
    }
    return buf;
  }

  /**
   * The entry at byte `offset`: its bytes (`buf[start, end)`, without the terminator; valid until
   * the next read) and where the next entry starts.
   */
  private entryAt(offset: number): { buf: Buffer; start: number; end: number; next: number } {
    let n = Math.floor(offset / PAGE);
    let page = this.page(n);
    let from = offset - n * PAGE;
    const end = page.indexOf(0, from);
    if (end !== -1) return { buf: page, start: from, end, next: offset + (end - from) + 1 };
    const parts: Buffer[] = [];
    for (;;) {
      const stop = page.indexOf(0, from);
      if (stop !== -1) {
        parts.push(page.subarray(from, stop));
        const buf = Buffer.concat(parts);
        return { buf, start: 0, end: buf.length, next: n * PAGE + stop + 1 };
      }
      // Copied: reading the next pages may reuse this page's buffer.
      parts.push(Buffer.from(page.subarray(from)));
      if (page.length < PAGE) throw new Error('correlation spill: entry without its end');
      page = this.page(++n);
      from = 0;
    }
  }

  /**
   * A record from its entry's bytes, each part decoded on its own, so that whatever correlation
   * keeps of a record (an audit ID, a node name) never pins the record's whole text in memory.
   */
  private static parse(e: { buf: Buffer; start: number; end: number }): SpilledRecord {
    const a = e.buf.indexOf(1, e.start + 2);
    const b = e.buf.indexOf(1, a + 1);
    return new SpilledRecord(
      decodeHead(e.buf, e.start + 2, a),
      e.buf.toString('utf8', a + 1, b),
      e.buf.toString('utf8', b + 1, e.end),
    );
  }

  /** A cursor over a segment's main run: its entries in file order, less those set aside. */
  private mainCursor(s: Segment, wanted: number): Cursor {
    let at = s.start;
    const c: Cursor = {
      ts: NO_TS,
      id: 0,
      record: undefined as unknown as SpilledRecord,
      next: () => {
        while (at < s.end) {
          const e = this.entryAt(at);
          at = e.next;
          if (e.buf[e.start + 1] !== MAIN_BYTE || (KIND_BITS[e.buf[e.start]!]! & wanted) === 0) continue;
          c.record = CorrelationSpill.parse(e);
          c.ts = c.record.ts ?? NO_TS;
          c.id = c.record.id;
          return true;
        }
        return false;
      },
    };
    return c;
  }

  private runCursor(run: SubRun, wanted: number): Cursor {
    const order = run.order();
    let i = 0;
    const c: Cursor = {
      ts: NO_TS,
      id: 0,
      record: undefined as unknown as SpilledRecord,
      next: () => {
        while (i < run.n) {
          const k = order === null ? i : order[i]!;
          i++;
          const e = this.entryAt(run.offsets[k]!);
          if ((KIND_BITS[e.buf[e.start]!]! & wanted) === 0) continue;
          c.record = CorrelationSpill.parse(e);
          c.ts = c.record.ts ?? NO_TS;
          c.id = c.record.id;
          return true;
        }
        return false;
      },
    };
    return c;
  }

  /**
   * Records of the given kinds (all when none given), in (ts, id) order; with `logComponents` and
   * `log` among the kinds, only the log lines of those components (`RecordFilter`).
   */
  *records(kinds?: readonly RecordKind[], logComponents?: readonly string[]): Generator<StoredRecord> {
    const components =
      kinds !== undefined && kinds.includes('log') && logComponents !== undefined
        ? new Set(logComponents)
        : null;
    const wanted = kinds === undefined ? 31 : kinds.reduce((m, k) => m | KIND_BIT[KIND_CODE[k]]!, 0);
    const heap: Cursor[] = [];
    const less = (a: Cursor, b: Cursor): boolean => a.ts < b.ts || (a.ts === b.ts && a.id < b.id);
    const up = (i: number): void => {
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!less(heap[i]!, heap[p]!)) break;
        [heap[i], heap[p]] = [heap[p]!, heap[i]!];
        i = p;
      }
    };
    const down = (i: number): void => {
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
        if (m === i) return;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    };
    const push = (c: Cursor): void => {
      if (!c.next()) return;
      heap.push(c);
      up(heap.length - 1);
    };
    for (const s of this.segments) {
      if ((s.kinds & wanted) !== 0) push(this.mainCursor(s, wanted));
      for (const run of s.runs) if ((run.kinds & wanted) !== 0) push(this.runCursor(run, wanted));
    }
    while (heap.length > 0) {
      const c = heap[0]!;
      if (components === null || c.record.kind !== 'log' || components.has(c.record.component))
        yield c.record;
      if (c.next()) down(0);
      else {
        const last = heap.pop()!;
        if (heap.length > 0) {
          heap[0] = last;
          down(0);
        }
      }
    }
  }

  /** A correlation source over the spilled records and the bundle's spans. */
  source(spans: () => Iterable<StoredSpan>): CorrelationSource {
    return {
      records: (filter) => this.records(filter?.kinds, filter?.logComponents),
      spans,
    };
  }
}
