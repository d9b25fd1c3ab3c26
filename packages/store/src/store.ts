import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type {
  Bundle,
  BundleDetail,
  CorrelationResult,
  CorrelationSink,
  CorrelationSource,
  FileInfo,
  Histogram,
  IngestProgress,
  IngestReport,
  Link,
  LogRecord,
  ParsedSpan,
  RecordKind,
  Request,
  RequestList,
  RequestsQuery,
  SearchResult,
  StoredSpan,
} from '@kubetrail/model';
import type { BundleWriter } from './bundleWriter.ts';
import { BundleRepository } from './bundleRepository.ts';
import type { IngestLease } from './ingestLease.ts';
import type { BufferedCorrelation } from './linkBuffer.ts';
import { migrate } from './migrate.ts';
import { RecordRepository } from './recordRepository.ts';
import { RequestRepository, type LinkedRecord, type LinkedSpan } from './requestRepository.ts';
import { SearchRepository, type StoreSearchQuery } from './searchRepository.ts';
import { LINK_LANES_SQL } from './sql.ts';
import { StoreContext } from './storeContext.ts';
import {
  TimelineRepository,
  type TimelineBucketRow,
  type TimelineMarkRow,
  type TimelineWindow,
} from './timelineRepository.ts';

type Db = Database.Database;

export type { LinkedRecord, LinkedSpan } from './requestRepository.ts';
export { DEFAULT_SEARCH_BUDGET_MS, SEARCH_COUNT_CAP } from './searchRepository.ts';
export type { StoreSearchQuery, StoreSearchScope } from './searchRepository.ts';
export type { TimelineBucketRow, TimelineMarkRow, TimelineWindow } from './timelineRepository.ts';

export interface StoreOptions {
  /**
   * How long a write waits for another connection's write lock (default 10 s). An ingest's
   * connection (a worker or the CLI, never the HTTP thread) waits longer: another ingest's
   * full-text build or correlation write holds the lock for seconds on a big bundle, and failing
   * the second upload for that would be wrong.
   */
  busyTimeoutMs?: number;
}

const DEFAULT_BUSY_TIMEOUT_MS = 10_000;
export { INGEST_BUSY_TIMEOUT_MS } from './storeContext.ts';

/**
 * kubetrail's SQLite store: one database file in WAL mode, migrations applied at open. The SQL and
 * the rules live in repositories by concern — `bundles`, `records`, `requests`, `timeline`,
 * `search` — that share one connection (storeContext.ts); the methods here are their front door.
 * All are synchronous (better-sqlite3) but the full-text build; readers on other connections keep
 * working during an ingest.
 */
export class Store {
  readonly db: Db;
  private readonly ctx: StoreContext;
  readonly bundles: BundleRepository;
  readonly records: RecordRepository;
  readonly requests: RequestRepository;
  readonly timeline: TimelineRepository;
  readonly search: SearchRepository;

  constructor(
    readonly file: string,
    opts: StoreOptions = {},
  ) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    // Only takes effect when the file is created (before WAL is set). Records carry their raw text
    // (audit events are kilobytes): 16 KiB pages keep most rows off overflow chains, which halved
    // the insert cost of a simulator bundle against the 4 KiB default (docs/perf-notes.md).
    this.db.pragma('page_size = 16384');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    // A concurrent writer (another ingest) waits instead of failing with SQLITE_BUSY.
    this.db.pragma(
      `busy_timeout = ${Math.max(0, Math.trunc(opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS))}`,
    );
    this.db.pragma('cache_size = -65536');
    // Checkpoint every 128 MiB of WAL (8192 pages) rather than SQLite's 16 MiB: an ingest writes
    // hundreds of MiB, and fewer, larger checkpoints (each ends in an fsync) cut a million-line
    // ingest by ~8 % (bench/RESULTS.md). The WAL file is truncated back after a checkpoint.
    this.db.pragma('wal_autocheckpoint = 8192');
    this.db.pragma('journal_size_limit = 67108864');
    migrate(this.db);
    this.ctx = new StoreContext(this.db, file);
    this.bundles = new BundleRepository(this.ctx);
    this.search = new SearchRepository(this.ctx);
    this.records = new RecordRepository(this.ctx, this.search);
    this.requests = new RequestRepository(this.ctx);
    this.timeline = new TimelineRepository(this.ctx, this.search);
    // Bundles correlated before migrations 0003/0004: give their links time, severity and lane,
    // and their big requests link columns, now.
    const pending = this.db.prepare(LINK_LANES_SQL.pending).safeIntegers(true).all() as {
      key: bigint;
      lanes_built: bigint;
    }[];
    for (const { key, lanes_built: lanesBuilt } of pending) {
      this.db
        .transaction(() => {
          if (!lanesBuilt) this.requests.buildLinkLanes(key);
          this.requests.buildLinkColumns(key);
        })
        .immediate();
    }
  }

  close(): void {
    this.db.close();
  }

  hasBundle(id: string): boolean {
    return this.bundles.hasBundle(id);
  }

  listBundles(): Bundle[] {
    return this.bundles.listBundles();
  }

  getBundle(id: string): BundleDetail | null {
    return this.bundles.getBundle(id);
  }

  beginBundle(b: { id: string; name: string; sizeBytes: number; lease?: string }): void {
    return this.bundles.beginBundle(b);
  }

  updateProgress(id: string, progress: IngestProgress): void {
    return this.bundles.updateProgress(id, progress);
  }

  finishBundle(id: string, report: IngestReport): void {
    return this.bundles.finishBundle(id, report);
  }

  failBundle(id: string, error: string, report?: IngestReport): void {
    return this.bundles.failBundle(id, error, report);
  }

  deleteBundle(id: string): boolean {
    return this.bundles.deleteBundle(id);
  }

  usedBytes(): number {
    return this.bundles.usedBytes();
  }

  acquireIngestLease(): IngestLease {
    return this.bundles.acquireIngestLease();
  }

  recoverDeadIngests(): string[] {
    return this.bundles.recoverDeadIngests();
  }

  createWriter(bundleId: string): BundleWriter {
    return this.records.createWriter(bundleId);
  }

  buildFts(bundleId: string, opts: { step?: number } = {}): Promise<void> {
    return this.search.buildFts(bundleId, opts);
  }

  correlationSource(bundleId: string): CorrelationSource & { close(): void } {
    return this.records.correlationSource(bundleId);
  }

  correlationSpans(bundleId: string): Iterable<StoredSpan> {
    return this.records.correlationSpans(bundleId);
  }

  saveCorrelation(bundleId: string, run: (sink: CorrelationSink) => CorrelationResult): number {
    return this.requests.saveCorrelation(bundleId, run);
  }

  bufferCorrelation(run: (sink: CorrelationSink) => CorrelationResult): BufferedCorrelation {
    return this.requests.bufferCorrelation(run);
  }

  writeCorrelation(bundleId: string, buffered: BufferedCorrelation): number {
    return this.requests.writeCorrelation(bundleId, buffered);
  }

  listRequests(
    bundleId: string,
    query: Omit<RequestsQuery, 'system'> & { system?: RequestsQuery['system'] },
  ): RequestList {
    return this.requests.listRequests(bundleId, query);
  }

  getRequest(bundleId: string, reqId: string): Request | null {
    return this.requests.getRequest(bundleId, reqId);
  }

  requestRecords(
    bundleId: string,
    reqId: string,
    opts: { fromNs?: bigint | null; toNs?: bigint | null; errorsOnly?: boolean } = {},
  ): LinkedRecord[] {
    return this.requests.requestRecords(bundleId, reqId, opts);
  }

  requestLines(
    bundleId: string,
    reqId: string,
    opts: Parameters<SearchRepository['requestLines']>[2],
  ): ReturnType<SearchRepository['requestLines']> {
    return this.search.requestLines(bundleId, reqId, opts);
  }

  requestTimeRange(bundleId: string, reqId: string): { lo: bigint | null; hi: bigint | null } {
    return this.requests.requestTimeRange(bundleId, reqId);
  }

  laneSignatures(bundleId: string): Map<number, string> {
    return this.timeline.linkLanes(this.ctx.bundleKey(bundleId));
  }

  requestSpans(bundleId: string, reqId: string): LinkedSpan[] {
    return this.requests.requestSpans(bundleId, reqId);
  }

  getRecord(bundleId: string, id: number): LogRecord | null {
    return this.records.getRecord(bundleId, id);
  }

  bundleRecords(bundleId: string): Iterable<LogRecord & { tsNs: bigint | null }> {
    return this.records.bundleRecords(bundleId);
  }

  neighbours(bundleId: string, id: number, n = 5): (LogRecord & { reqIds: string[] })[] {
    return this.records.neighbours(bundleId, id, n);
  }

  recordLinks(bundleId: string, id: number): Link[] {
    return this.records.recordLinks(bundleId, id);
  }

  relatedRequests(bundleId: string, id: number): { reqId: string; object: string }[] {
    return this.records.relatedRequests(bundleId, id);
  }

  searchRecords(
    bundleId: string,
    query: StoreSearchQuery,
    opts: { budgetMs?: number; lanes?: readonly number[] | null; countAfterPageMs?: number } = {},
  ): SearchResult {
    return this.search.searchRecords(bundleId, query, opts);
  }

  histogram(bundleId: string, opts: Parameters<TimelineRepository['histogram']>[1]): Histogram {
    return this.timeline.histogram(bundleId, opts);
  }

  appendSpans(bundleId: string, info: FileInfo, spans: readonly ParsedSpan[]): number {
    return this.records.appendSpans(bundleId, info, spans);
  }

  requestLaneSigs(bundleId: string, reqId: string): string[] {
    return this.timeline.requestLaneSigs(bundleId, reqId);
  }

  timelineMarks(
    bundleId: string,
    reqId: string,
    w: TimelineWindow,
    sigs: readonly string[],
  ): TimelineMarkRow[] {
    return this.timeline.timelineMarks(bundleId, reqId, w, sigs);
  }

  timelineBuckets(
    bundleId: string,
    reqId: string,
    w: TimelineWindow,
    grid: { originNs: bigint; fromMs: number; bucketMs: number; buckets: number },
  ): TimelineBucketRow[] {
    return this.timeline.timelineBuckets(bundleId, reqId, w, grid);
  }

  timelineAuditRecords(
    bundleId: string,
    reqId: string,
    w: TimelineWindow,
    limit: number,
  ): { id: number; tsNs: bigint; fields: Record<string, unknown> | null }[] {
    return this.timeline.timelineAuditRecords(bundleId, reqId, w, limit);
  }

  timelinePreviews(
    bundleId: string,
    ids: readonly number[],
  ): Map<number, { kind: RecordKind; message: string; fields: Record<string, unknown> | null }> {
    return this.timeline.timelinePreviews(bundleId, ids);
  }
}

/** Opens (creating if needed) the database at `file`, applying migrations. */
export const openStore = (file: string, opts?: StoreOptions): Store => new Store(file, opts);
