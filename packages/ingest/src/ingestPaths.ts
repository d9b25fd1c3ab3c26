import { open, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { correlate, type FilePod } from '@kubetrail/correlate';
import {
  formatNs,
  type FileInfo,
  type FileReport,
  type IngestProgress,
  type IngestReport,
  type IngestStage,
  type Request,
  type Skip,
  type TimeRule,
} from '@kubetrail/model';
import { DEFAULT_LIMITS, type Limits, type PathHints } from '@kubetrail/parsers';
import type { BufferedCorrelation, BundleWriter, RecordValues, Store } from '@kubetrail/store';
import { bundleIdForPaths, directoryBytes } from './bundleId.ts';
import { CorrelationSpill } from './correlationSpill.ts';
import { hintsOf, readSource, type SourceEvent, type SourceOptions } from './bundleSource.ts';
import { boundHeapGrowth } from './heapGrowth.ts';
import { recoverDeadIngestsQuietly } from './ingestRecovery.ts';
import { lowSpaceReason, StorageGuard, storageLimits, type StorageLimits } from './storageGuard.ts';
import { parseTimeZone, type TimeZoneSpec } from './timeZone.ts';

export interface IngestOptions {
  /** Display name; default: the first path's base name. */
  name?: string;
  /** `--year` for klog times that carry none. */
  year?: number | null;
  /** `--tz` for zone-less klog times: `UTC`, `+02:00`, `-0530` or an IANA name. Wins over `tzOffsetMinutes`. */
  tz?: string | null;
  /** Minutes east of UTC for zone-less klog times. Default 0 (UTC). */
  tzOffsetMinutes?: number;
  /** Reader limits (decompressed size, line length) and storage limits (stored size, free space). */
  limits?: Partial<Limits & StorageLimits>;
  /** Called at most every `progressIntervalMs` (default 100 ms), and at every stage change. */
  onProgress?: (p: IngestProgress) => void;
  progressIntervalMs?: number;
  /** A precomputed content id (uploads hash while they receive); default: computed from the paths. */
  bundleId?: string;
  /** Bytes on disk, when the caller already knows (with `bundleId`). */
  sizeBytes?: number;
  /** Called once the bundle row exists (status `ingesting`), or when an existing bundle is reused. */
  onBegin?: () => void;
}

export interface IngestResult {
  bundleId: string;
  status: 'ready' | 'failed';
  /** True when a ready bundle with the same content already existed: nothing was re-ingested. */
  reused: boolean;
  /** Set when status is `failed`. */
  error: string | null;
  report: IngestReport;
}

/** A problem with the input itself (no such path): nothing was stored. */
export class IngestInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IngestInputError';
  }
}

/** Records written between two yields to the event loop (queries and progress polls get through). */
const YIELD_EVERY_RECORDS = 5_000;
const SKIP_LIST_CAP = 1_000;

export const emptyReport = (): IngestReport => ({
  files: [],
  totals: { files: 0, lines: 0, records: 0, skipped: 0, spans: 0, requests: 0 },
  components: [],
  nodes: [],
  skips: [],
  notes: [],
  timeRange: null,
  durationMs: 0,
});

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

const inflight = new Map<string, Promise<IngestResult>>();

/** Bundles this process is ingesting right now (ids). */
export const ingestsInFlight = (): string[] => [...inflight.keys()].map((k) => k.split('\u0000')[1] ?? k);

/**
 * Ingests one bundle made of `paths` (directories, archives, files) into `store`: read, parse,
 * store, index, correlate. The bundle id is derived from the content, so ingesting the same
 * content again returns the existing ready bundle at once. Failures after the bundle row exists
 * never throw: the bundle is marked failed and the result says why. Throws `IngestInputError` when
 * a path does not exist.
 */
export async function ingestPaths(
  store: Store,
  paths: readonly string[],
  opts: IngestOptions = {},
): Promise<IngestResult> {
  if (paths.length === 0) throw new IngestInputError('no input paths');
  // Peak RSS (SPEC §8): the heap between two full collections, not what the ingest keeps.
  boundHeapGrowth();
  for (const p of paths) {
    try {
      await stat(p);
    } catch {
      throw new IngestInputError(`no such file or directory: ${p}`);
    }
  }
  let tzSpec: TimeZoneSpec | null = null;
  if (opts.tz) {
    try {
      tzSpec = parseTimeZone(opts.tz);
    } catch (err) {
      throw new IngestInputError(message(err));
    }
  }
  let bundleId = opts.bundleId;
  let sizeBytes = opts.sizeBytes;
  if (!bundleId || sizeBytes === undefined) {
    const computed = await bundleIdForPaths(paths);
    bundleId ??= computed.id;
    sizeBytes ??= computed.bytes;
  }

  const key = `${store.file}\u0000${bundleId}`;
  const running = inflight.get(key);
  if (running) {
    opts.onBegin?.();
    return { ...(await running), reused: true };
  }

  recoverDeadIngestsQuietly(store);
  const existing = store.getBundle(bundleId);
  if (existing?.status === 'ready') {
    opts.onBegin?.();
    return { bundleId, status: 'ready', reused: true, error: null, report: existing.report ?? emptyReport() };
  }
  if (existing?.status === 'ingesting') {
    throw new IngestInputError(
      `bundle ${bundleId} is being ingested by another process; wait for it, or delete it if that process died`,
    );
  }
  const lowSpace =
    store.file === ':memory:' ? null : lowSpaceReason(dirname(store.file), storageLimits(opts.limits));
  if (lowSpace !== null) throw new IngestInputError(lowSpace);
  // Held until the bundle's status is final: it tells other processes this ingest is alive.
  const lease = store.acquireIngestLease();
  try {
    store.beginBundle({
      id: bundleId,
      name: opts.name ?? basename(paths[0] ?? 'bundle'),
      sizeBytes,
      lease: lease.token,
    });
  } catch (err) {
    lease.release();
    throw err;
  }
  const job = new IngestJob(store, bundleId, paths, opts, tzSpec).run();
  inflight.set(key, job);
  opts.onBegin?.();
  try {
    return await job;
  } finally {
    inflight.delete(key);
    lease.release();
  }
}

/** For a gzip file, its trailer's ISIZE (decompressed size mod 2^32), when it is plausible. */
async function gzipDecompressedSize(path: string, compressed: number): Promise<number | null> {
  if (compressed < 18) return null;
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    await fh.read(head, 0, 2, 0);
    if (head[0] !== 0x1f || head[1] !== 0x8b) return null;
    const tail = Buffer.alloc(4);
    await fh.read(tail, 0, 4, compressed - 4);
    const isize = tail.readUInt32LE(0);
    return isize >= compressed ? isize : null;
  } finally {
    await fh.close();
  }
}

/**
 * Total decompressed bytes when they can be known up front: directories and plain files (their
 * size), gzip files (trailer). Null for zip and anything doubtful (no ETA then).
 */
async function expectedBytes(paths: readonly string[]): Promise<number | null> {
  let total = 0;
  for (const p of paths) {
    const st = await stat(p);
    if (st.isDirectory()) {
      total += await directoryBytes(p);
      continue;
    }
    if (/\.zip$/i.test(p)) return null;
    const gz = await gzipDecompressedSize(p, st.size).catch(() => null);
    if (gz !== null) total += gz;
    else if (/\.(gz|tgz)$/i.test(p)) return null;
    else total += st.size;
  }
  return total;
}

/**
 * A problem that names the entry just read but is about a later member: a duplicate of its path
 * (refused). Every other problem with that path is the entry itself breaking partway.
 */
const refusesAnotherMember = (reason: string): boolean => reason.startsWith('duplicate path refused');

/** A member being read: what the report and its file row will say. */
interface OpenEntry {
  path: string;
  hints: PathHints;
  size: number | null;
  info: FileInfo | null;
  /** -1 until the file row exists. */
  fileId: number;
  records: number;
  skipped: number;
  lines: number;
  bytes: number;
  /** The first file-level skip reason (why a file without records was not read). */
  fileSkipReason: string | null;
  layout: string | null;
  approximated: number;
}

class IngestJob {
  private readonly started = Date.now();
  private readonly limits: Limits;
  private readonly report = emptyReport();
  private readonly components = new Set<string>();
  private readonly nodes = new Set<string>();
  private readonly timeRules = new Map<TimeRule, number>();
  /** fileId → the pod whose container wrote the file (from its path), for correlate. */
  private readonly filePods = new Map<number, FilePod>();
  /** The entry read last, while its `problem` (same path) may still follow it. */
  private lastEntry: { path: string; fileId: number; report: FileReport } | null = null;
  private writer: BundleWriter | null = null;
  private minTs: bigint | null = null;
  /** Whole files and lines not stored because they repeat others. */
  private duplicateFiles = 0;
  private duplicateLines = 0;
  private maxTs: bigint | null = null;
  private bytesDone = 0;
  private bytesTotal: number | null = null;
  private stage: IngestStage = 'reading';
  private currentFile: string | null = null;
  private currentBytes = 0;
  private lastProgress = 0;
  /** The member being read. */
  private open: OpenEntry | null = null;
  /** What correlation reads of each record, from the parse (it never reads them back from SQLite). */
  private readonly spill = new CorrelationSpill();

  constructor(
    private readonly store: Store,
    private readonly bundleId: string,
    private readonly paths: readonly string[],
    private readonly opts: IngestOptions,
    private readonly tzSpec: TimeZoneSpec | null,
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
  }

  async run(): Promise<IngestResult> {
    try {
      this.bytesTotal = await expectedBytes(this.paths).catch(() => null);
      this.progress(true);
      this.writer = this.store.createWriter(this.bundleId);
      await this.readAll();

      if (this.report.files.every((f) => f.error !== null) && this.report.totals.records === 0) {
        // A file's own error says most (`empty file; corrupt gzip: …`), else the first skip.
        const why =
          this.report.files.find((f) => f.error)?.error ?? this.report.skips[0]?.reason ?? 'no files';
        return this.fail(`nothing could be read from this bundle (${why})`);
      }

      this.setStage('indexing');
      await yieldToEventLoop();
      this.writer.finishRecords();

      // The full-text index builds in a worker thread while correlation reads and computes here;
      // correlation's writes wait for it (nothing writes on this connection in between).
      this.setStage('correlating');
      await yieldToEventLoop();
      const fts = this.store.buildFts(this.bundleId);
      const correlation = this.correlate();
      await fts;
      this.report.totals.requests = this.saveCorrelation(correlation);
      if (correlation) this.explainNoOperations(correlation.result.requests);

      this.finishReport();
      this.store.finishBundle(this.bundleId, this.report);
      this.setStage('done');
      return { bundleId: this.bundleId, status: 'ready', reused: false, error: null, report: this.report };
    } catch (err) {
      return this.fail(`ingest failed: ${message(err)}`);
    } finally {
      this.spill.dispose();
      this.writer?.release();
    }
  }

  private fail(error: string): IngestResult {
    this.finishReport();
    try {
      // Keep what was written (as before), unless the database refuses; the bundle reads failed.
      this.writer?.commit();
    } catch {
      this.writer?.abort();
    }
    try {
      this.store.failBundle(this.bundleId, error, this.report);
    } catch {
      // The database itself is failing; the caller still gets the reason.
    }
    this.stage = 'failed';
    this.opts.onProgress?.(this.progressValue());
    return { bundleId: this.bundleId, status: 'failed', reused: false, error, report: this.report };
  }

  /**
   * Correlation runs after the records are safe. If it breaks, the bundle stays usable for search
   * and the report says so, rather than losing the whole ingest to one correlation bug.
   */
  private correlate(): BufferedCorrelation | null {
    this.spill.finish();
    const source = this.spill.source(() => this.store.correlationSpans(this.bundleId));
    try {
      return this.store.bufferCorrelation((sink) => correlate(source, sink, { filePods: this.filePods }));
    } catch (err) {
      this.correlationFailed(err);
      return null;
    }
  }

  private saveCorrelation(correlation: BufferedCorrelation | null): number {
    if (!correlation) return 0;
    try {
      return this.store.writeCorrelation(this.bundleId, correlation);
    } catch (err) {
      this.correlationFailed(err);
      return 0;
    }
  }

  /**
   * A bundle with no user operation says why: which sources of operations it holds and which it
   * lacks (most real bundles have no audit log; some have no Events either), and how many system
   * operations are listed apart.
   */
  private explainNoOperations(requests: readonly Request[]): void {
    if (requests.some((r) => !r.system)) return;
    const files = this.report.files.filter((f) => f.records > 0);
    const has = (test: (f: FileReport) => boolean): boolean => files.some(test);
    const sources: [string, boolean][] = [
      ['audit log', has((f) => f.format === 'audit')],
      ['Kubernetes Events', has((f) => f.format === 'k8s-event')],
      ['object state', has((f) => f.format === 'k8s-object' || f.format === 'table')],
      ['controller-manager log', has((f) => f.component === 'kube-controller-manager')],
      ['scheduler log', has((f) => f.component === 'kube-scheduler')],
      ['kubelet logs', has((f) => f.component === 'kubelet')],
    ];
    const present = sources.filter(([, p]) => p).map(([n]) => n);
    const missing = sources.filter(([, p]) => !p).map(([n]) => n);
    const system = requests.length;
    this.report.notes.push(
      `no user operations found: the bundle has ${present.length > 0 ? present.join(', ') : 'none of the sources operations come from'}` +
        `${missing.length > 0 ? `; it has no ${missing.join(', no ')}` : ''}` +
        ` — operations come from calls, Events, controller lines and object state, and none of them shows a user's change` +
        (system > 0
          ? `; ${system} system operation${system === 1 ? '' : 's'} (bootstrap, add-ons) are listed apart`
          : ''),
    );
  }

  private correlationFailed(err: unknown): void {
    this.report.notes.push(
      `correlation failed (${message(err)}): records are stored and searchable, no requests`,
    );
  }

  /**
   * Consumes the reading half's events. (Parsing in a worker thread was tried: the writes here are
   * the bottleneck, so it saved ~8 % of the wall time and cost 150–400 MB of RSS; see
   * bench/RESULTS.md.)
   */
  private async readAll(): Promise<void> {
    const sourceOpts: SourceOptions = {
      year: this.opts.year ?? null,
      tz: this.opts.tz ?? null,
      tzOffsetMinutes: this.opts.tzOffsetMinutes ?? 0,
      limits: this.limits,
    };
    const source = readSource(this.paths, sourceOpts);
    // The full-text index is built after reading, from the text spilled meanwhile: counted as read.
    const storage = new StorageGuard(
      this.store,
      storageLimits(this.opts.limits),
      () => this.writer?.fts.chars ?? 0,
    );
    let sinceYield = 0;
    for await (const batch of source) {
      for (const ev of batch) {
        this.onEvent(ev);
        if (ev.type === 'records') sinceYield += ev.rows.length;
      }
      const stop = storage.check();
      if (stop !== null) {
        this.stopReading(stop);
        break;
      }
      this.progress(false);
      if (sinceYield >= YIELD_EVERY_RECORDS) {
        sinceYield = 0;
        // Let queries (and progress polls) through between batches.
        await yieldToEventLoop();
      }
    }
    if (this.open) this.closeEntry(null);
  }

  /** Reading stops early (disk limits): the file being read says so, and the report. */
  private stopReading(reason: string): void {
    const path = this.open?.path ?? this.currentFile ?? basename(this.paths[0] ?? 'bundle');
    this.addSkip({ file: path, line: null, reason });
    this.report.totals.skipped++;
    this.report.notes.push(reason);
  }

  private onEvent(ev: SourceEvent): void {
    switch (ev.type) {
      case 'problem': {
        const last = this.lastEntry;
        this.lastEntry = null;
        if (ev.member && last?.path === ev.path && !refusesAnotherMember(ev.reason))
          this.brokeMidway(last, ev.reason);
        else this.problem(ev.path, ev.reason);
        break;
      }
      case 'open':
        this.spill.beginSegment();
        this.lastEntry = null;
        this.currentFile = ev.path;
        this.currentBytes = 0;
        this.open = {
          path: ev.path,
          hints: ev.hints,
          size: ev.size,
          info: null,
          fileId: -1,
          records: 0,
          skipped: 0,
          lines: 0,
          bytes: 0,
          fileSkipReason: null,
          layout: ev.layout,
          approximated: 0,
        };
        break;
      case 'info': {
        const o = this.open!;
        if (o.fileId < 0) {
          o.info = ev.info;
          this.ensureFile(o);
        }
        break;
      }
      case 'records': {
        const o = this.open!;
        const fileId = this.ensureFile(o);
        const first = this.writer!.records;
        this.writer!.addRecordValues(fileId, ev.rows);
        const component = o.info?.component ?? 'unknown';
        const node = o.info?.node ?? null;
        for (let i = 0; i < ev.rows.length; i++) {
          const v = ev.rows[i]!;
          this.spill.add(first + i, fileId, v, v[5] ?? component, v[6] ?? node);
        }
        o.records += ev.rows.length;
        for (const v of ev.rows) this.noteRecord(v, o.info);
        this.report.totals.records = this.writer!.records;
        break;
      }
      case 'spans': {
        const o = this.open!;
        this.writer!.addSpans(this.ensureFile(o), ev.spans);
        this.report.totals.spans += ev.spans.length;
        break;
      }
      case 'skip': {
        const o = this.open!;
        o.skipped++;
        if (ev.line === null) o.fileSkipReason ??= ev.reason;
        this.addSkip({ file: o.path, line: ev.line, reason: ev.reason });
        break;
      }
      case 'progress': {
        const o = this.open!;
        o.lines = ev.lines;
        o.bytes = ev.bytes;
        o.approximated = ev.approximated;
        this.currentBytes = ev.bytes;
        break;
      }
      case 'close':
        this.closeEntry(ev.error, ev.duplicates);
        break;
      case 'duplicate':
        this.duplicate(ev);
        break;
      case 'sectioned':
        this.sectioned(ev);
        break;
    }
  }

  private ensureFile(o: OpenEntry): number {
    if (o.fileId < 0) {
      o.info ??= {
        path: o.path,
        format: null,
        wrapper: 'none',
        component: o.hints.component,
        node: o.hints.node,
        timeRule: 'none',
      };
      o.fileId = this.writer!.addFile(o.info);
      if (o.hints.pod) this.filePods.set(o.fileId, o.hints.pod);
    }
    return o.fileId;
  }

  /**
   * The entry just read broke partway (truncated archive, corrupt gzip, size limit): what was read
   * is kept, and the reason goes on that file's row rather than on a second row for the same path.
   */
  private brokeMidway(last: { fileId: number; report: FileReport }, reason: string): void {
    const fr = last.report;
    fr.error = fr.error === null ? reason : `${fr.error}; ${reason}`;
    fr.skipped++;
    this.report.totals.skipped++;
    this.addSkip({ file: fr.path, line: null, reason });
    this.writer!.finishFile(last.fileId, fr);
  }

  /** A member that could not be read at all: a file row with its error, and a skip line. */
  private problem(path: string, reason: string): void {
    const writer = this.writer!;
    const hints = hintsOf(path);
    const info: FileInfo = {
      path,
      format: null,
      wrapper: 'none',
      component: hints.component,
      node: hints.node,
      timeRule: 'none',
    };
    const fileId = writer.addFile(info);
    const fr: FileReport = { ...info, bytes: 0, lines: 0, records: 0, skipped: 1, error: reason };
    writer.finishFile(fileId, fr);
    this.report.files.push(fr);
    // File-level problems count as skips too, so `totals.skipped` covers everything the report lists.
    this.report.totals.skipped++;
    this.addSkip({ file: path, line: null, reason });
  }

  private addSkip(skip: Skip): void {
    if (this.report.skips.length < SKIP_LIST_CAP) this.report.skips.push(skip);
  }

  /** A file read as sections: a row that says so (each section has its own row). */
  private sectioned(ev: Extract<SourceEvent, { type: 'sectioned' }>): void {
    const info: FileInfo = {
      path: ev.path,
      format: null,
      wrapper: 'none',
      component: ev.hints.component,
      node: ev.hints.node,
      timeRule: 'none',
    };
    const fileId = this.writer!.addFile(info);
    const fr: FileReport = {
      ...info,
      bytes: 0,
      lines: 0,
      records: 0,
      skipped: 0,
      layout: ev.layout,
      sections: ev.sections,
      error: null,
    };
    this.writer!.finishFile(fileId, fr);
    this.report.files.push(fr);
    this.report.totals.files++;
  }

  /** A member stored once already, under another path: a report row, no records. */
  private duplicate(ev: Extract<SourceEvent, { type: 'duplicate' }>): void {
    const writer = this.writer!;
    const info: FileInfo = {
      path: ev.path,
      format: null,
      wrapper: 'none',
      component: ev.hints.component,
      node: ev.hints.node,
      timeRule: 'none',
    };
    const fileId = writer.addFile(info);
    const fr: FileReport = {
      ...info,
      bytes: ev.bytes,
      lines: ev.lines,
      records: 0,
      skipped: 0,
      layout: ev.layout,
      duplicateOf: ev.of,
      error: null,
    };
    writer.finishFile(fileId, fr);
    this.report.files.push(fr);
    this.duplicateFiles++;
    this.duplicateLines += ev.lines;
    this.report.totals.files++;
    this.report.totals.lines += ev.lines;
    this.bytesDone += ev.bytes;
  }

  private closeEntry(fileError: string | null, duplicates: { of: string; lines: number }[] = []): void {
    const o = this.open!;
    this.open = null;
    const writer = this.writer!;
    if (fileError !== null) {
      o.skipped++;
      this.addSkip({ file: o.path, line: null, reason: fileError });
    }
    const fid = this.ensureFile(o);
    const finalInfo = o.info!;
    const fr: FileReport = {
      path: finalInfo.path,
      format: finalInfo.format,
      wrapper: finalInfo.wrapper,
      component: finalInfo.component,
      node: finalInfo.node,
      bytes: o.bytes || (o.size ?? 0),
      lines: o.lines,
      records: o.records,
      skipped: o.skipped,
      timeRule: finalInfo.timeRule,
      timeEvidence: finalInfo.timeEvidence ?? null,
      approximated: o.approximated,
      layout: o.layout,
      duplicates,
      error: fileError ?? (finalInfo.format === null && o.records === 0 ? o.fileSkipReason : null),
    };
    for (const d of duplicates) this.duplicateLines += d.lines;
    writer.finishFile(fid, fr);
    this.report.files.push(fr);
    this.lastEntry = { path: o.path, fileId: fid, report: fr };
    if (fr.component) this.components.add(fr.component);
    if (fr.node) this.nodes.add(fr.node);
    if (o.records > 0) this.timeRules.set(fr.timeRule, (this.timeRules.get(fr.timeRule) ?? 0) + 1);
    this.report.totals.files++;
    this.report.totals.lines += o.lines;
    this.report.totals.skipped += o.skipped;
    this.bytesDone += fr.bytes;
    this.currentBytes = 0;
    this.report.totals.records = writer.records;
    this.progress(false);
  }

  private noteRecord(v: RecordValues, info: FileInfo | null): void {
    const ts = v[1];
    if (ts !== null) {
      if (this.minTs === null || ts < this.minTs) this.minTs = ts;
      if (this.maxTs === null || ts > this.maxTs) this.maxTs = ts;
    }
    const component = v[5] ?? info?.component;
    if (component) this.components.add(component);
    const node = v[6] ?? info?.node;
    if (node) this.nodes.add(node);
  }

  private finishReport(): void {
    const r = this.report;
    r.components = [...this.components].sort();
    r.nodes = [...this.nodes].sort();
    r.timeRange =
      this.minTs !== null && this.maxTs !== null
        ? { from: formatNs(this.minTs), to: formatNs(this.maxTs) }
        : null;
    r.durationMs = Date.now() - this.started;
    r.totals.files = r.files.length;
    if (this.writer) r.totals.records = this.writer.records;
    const say: Partial<Record<TimeRule, string>> = {
      wrapper: 'times from their CRI/docker/journald wrapper',
      file: 'year-less times dated by full dates in the same file',
      bundle: "year-less times dated by the bundle's other full dates",
      mtime: "year-less times dated by the file's modification time",
      flag: `year-less times dated by --year${this.opts.year ? ` ${this.opts.year}` : ''}`,
      approx:
        "lines with no time of their own placed at the line before's time (the first at their container's start)",
    };
    for (const [rule, n] of this.timeRules) {
      const text = say[rule];
      if (text) r.notes.push(`${n} file${n === 1 ? '' : 's'}: ${text}`);
    }
    const undated = r.files.filter(
      (f) => f.records > 0 && f.timeRule === 'none' && f.timeEvidence?.includes('--year'),
    );
    if (undated.length > 0)
      r.notes.push(
        `${undated.length} file${undated.length === 1 ? '' : 's'} carry times without a year and nothing in the bundle tells it: pass --year (${undated
          .slice(0, 3)
          .map((f) => f.path)
          .join(', ')}${undated.length > 3 ? ', …' : ''})`,
      );
    if (this.duplicateFiles > 0 || this.duplicateLines > 0)
      r.notes.push(
        `each line stored once: ${this.duplicateFiles} file${this.duplicateFiles === 1 ? '' : 's'} and ${this.duplicateLines} line${this.duplicateLines === 1 ? '' : 's'} repeated other files (see duplicateOf and duplicates per file)`,
      );
    if (this.tzSpec) {
      r.notes.push(
        `zone-less klog times read in ${this.opts.tz} (${this.tzSpec.kind === 'iana' ? 'offset at the bundle time' : 'fixed offset'})`,
      );
    }
    if (r.totals.skipped > r.skips.length) {
      r.notes.push(`${r.totals.skipped} skipped lines in all; the first ${r.skips.length} are listed`);
    }
  }

  private progressValue(): IngestProgress {
    return {
      stage: this.stage,
      bytesRead: this.bytesDone + this.currentBytes,
      bytesTotal: this.bytesTotal,
      records: this.writer?.records ?? 0,
      files: this.report.files.length,
      currentFile: this.currentFile,
    };
  }

  private setStage(stage: IngestStage): void {
    this.stage = stage;
    if (stage !== 'reading') this.currentFile = null;
    this.progress(true);
  }

  /** Saves progress in the bundle row and tells the caller, at most every `progressIntervalMs`. */
  private progress(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.lastProgress < (this.opts.progressIntervalMs ?? 100)) return;
    this.lastProgress = now;
    const p = this.progressValue();
    if (this.stage !== 'done' && this.stage !== 'failed') this.store.updateProgress(this.bundleId, p);
    this.opts.onProgress?.(p);
  }
}
