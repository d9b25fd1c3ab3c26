import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  formatNs,
  parseRfc3339Ns,
  severityFromRank,
  severityRank,
  SEVERITIES,
  type Bundle,
  type BundleDetail,
  type CorrelationResult,
  type CorrelationSink,
  type CorrelationSource,
  type FileInfo,
  type Histogram,
  type IngestProgress,
  type IngestReport,
  type Link,
  type LinkKind,
  type LogRecord,
  type ParsedSpan,
  type RecordFilter,
  type RecordKind,
  type RecordsQuery,
  type Request,
  type RequestList,
  type RequestsQuery,
  type SearchMode,
  type SearchResult,
  type Severity,
  type SpanLink,
  type StoredRecord,
  type StoredSpan,
} from '@kubetrail/model';
import { BundleWriter, fileParams, spanParams } from './bundleWriter.ts';
import { toFtsQuery } from './ftsQuery.ts';
import { findLiteral, literalSnippet, parseLiteral, type LiteralNeedle } from './literal.ts';
import {
  RecordSearch,
  SEARCH_COUNT_CAP,
  SearchTimeout,
  type Hit,
  type SearchScope,
  type SearchText,
} from './recordSearch.ts';
import { buildFtsInWorker } from './ftsWorker.ts';
import { IngestLease, leaseHeld, removeLeaseFile } from './ingestLease.ts';
import { LinkBuffer, type BufferedCorrelation } from './linkBuffer.ts';
import { migrate } from './migrate.ts';
import {
  parseJson,
  recordFields,
  toBundle,
  toLogRecord,
  toReport,
  type BundleRow,
  type LinkedRecordRow,
  type RecordRow,
} from './rows.ts';
import {
  bucketLinkColumns,
  decodeLinkColumns,
  histogramLinkColumns,
  LINK_COLUMNS_MIN,
  LinkColumnsWriter,
  type LinkColumns,
} from './linkColumns.ts';
import {
  APPEND_SQL,
  LEASE_SQL,
  LINK_LANES_SQL,
  LIST_REQUESTS,
  ridOf,
  ridRange,
  SEARCH_SQL,
  SQL,
  TIMELINE_SQL,
} from './sql.ts';
import { StoreError } from './storeError.ts';

type Db = Database.Database;

/** A record linked to a request, as the timeline reads it. */
export type LinkedRecord = LogRecord & { tsNs: bigint | null; linkKind: LinkKind; evidence: string };
/** A span linked to a request. */
export type LinkedSpan = StoredSpan & { linkKind: LinkKind; evidence: string };

/** Why a recovered bundle failed. */
const INTERRUPTED =
  'ingest was interrupted: the process writing it stopped before it finished; upload or ingest it again';

export { SEARCH_COUNT_CAP };
/**
 * How long one search may run on this connection by default (ms). The server runs searches on a
 * connection of their own in a worker and gives them less.
 */
export const DEFAULT_SEARCH_BUDGET_MS = 10_000;
/** Records indexed per full-text transaction (migration 0006): ~1 s of write lock each. */
const FTS_STEP = 200_000;
/** Big requests whose decoded link columns stay in memory (a million links ≈ 15 MB each). */
const COLUMNS_CACHE_SIZE = 4;

interface SpanRow {
  id: bigint;
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  service: string | null;
  component: string;
  node: string | null;
  start_ns: bigint;
  end_ns: bigint;
  status_code: 'unset' | 'ok' | 'error';
  status_message: string | null;
  attributes: string;
  resource: string;
  events: string;
  audit_id: string | null;
}

function toStoredSpan(row: SpanRow): StoredSpan {
  const events = JSON.parse(row.events) as {
    name: string;
    ts: string;
    attributes: Record<string, unknown>;
  }[];
  return {
    id: Number(row.id),
    traceId: row.trace_id,
    spanId: row.span_id,
    parentSpanId: row.parent_span_id,
    name: row.name,
    service: row.service,
    component: row.component,
    node: row.node,
    start: row.start_ns,
    end: row.end_ns,
    statusCode: row.status_code,
    statusMessage: row.status_message,
    attributes: JSON.parse(row.attributes) as Record<string, unknown>,
    resource: JSON.parse(row.resource) as Record<string, unknown>,
    events: events.map((e) => ({ name: e.name, ts: BigInt(e.ts), attributes: e.attributes })),
    auditId: row.audit_id,
  };
}

/** A correlation row as an array (better-sqlite3's raw mode: no object with named keys per row). */
type CorrelationRow = [
  id: bigint,
  fileId: bigint,
  ts: bigint | null,
  severity: bigint,
  kind: RecordKind,
  format: StoredRecord['format'],
  component: string,
  node: string | null,
  caller: string | null,
  message: string,
  fields: string | null,
  reqId: string | null,
  auditId: string | null,
  traceId: string | null,
  spanId: string | null,
  /** Raw stage lines of an audit record stored without `fields`. */
  auditRaw: string | null,
];

/**
 * A stored record for correlation. `fields` is parsed on first use: most log lines are matched on
 * their message alone, and parsing every line's JSON was a third of the correlation pass.
 */
class LazyStoredRecord implements StoredRecord {
  readonly id: number;
  readonly fileId: number;
  readonly ts: bigint | null;
  readonly severity: Severity;
  readonly kind: RecordKind;
  readonly format: StoredRecord['format'];
  readonly component: string;
  readonly node: string | null;
  readonly caller: string | null;
  readonly message: string;
  readonly reqId: string | null;
  readonly auditId: string | null;
  readonly traceId: string | null;
  readonly spanId: string | null;
  private fieldsText: string | null;
  private auditRaw: string | null;
  private parsed: Record<string, unknown> | null | undefined;

  /** `row`: the columns of `SQL.correlationRecords…`, in order, as better-sqlite3 returns them raw. */
  constructor(row: CorrelationRow) {
    this.id = Number(row[0]);
    this.fileId = Number(row[1]);
    this.ts = row[2];
    this.severity = severityFromRank(Number(row[3]));
    this.kind = row[4];
    this.format = row[5];
    this.component = row[6];
    this.node = row[7];
    this.caller = row[8];
    this.message = row[9];
    this.fieldsText = row[10];
    this.reqId = row[11];
    this.auditId = row[12];
    this.traceId = row[13];
    this.spanId = row[14];
    this.auditRaw = row[15];
  }

  get fields(): Record<string, unknown> | null {
    if (this.parsed === undefined) {
      this.parsed = recordFields(this.kind, this.fieldsText, this.auditRaw);
      this.fieldsText = null;
      this.auditRaw = null;
    }
    return this.parsed;
  }
}

/**
 * An error SQLite raises for a bad full-text query (what the person typed, not our SQL): a syntax
 * error, an unterminated string, an unknown column filter, a lone `*` ("unknown special query").
 */
const isFtsQueryError = (err: unknown): err is Error =>
  err instanceof Database.SqliteError &&
  /fts5|syntax|unterminated|no such column|unknown special query/i.test(err.message);

/**
 * A hit's snippet: the message, highlighted where it matched, and the key/values' snippet after it
 * when the match is there (FTS marks matches with \x02…\x03).
 */
const searchSnippet = (message: string, fields: string | null): string =>
  fields !== null && fields.includes('\u0002') ? `${message}  ${fields}` : message;

/** What `searchRecords` takes: a RecordsQuery whose scope and mode may be left out. */
export type StoreSearchScope = Partial<
  Pick<RecordsQuery, 'reqId' | 'component' | 'node' | 'severity' | 'from' | 'to'>
>;
export type StoreSearchQuery = Pick<RecordsQuery, 'q' | 'offset' | 'limit'> &
  StoreSearchScope & { mode?: SearchMode };

/** What a search's text means: a literal needle, a bounded FTS query, or nothing to look for. */
function searchText(mode: SearchMode, q: string): SearchText {
  if (mode === 'fts') {
    const match = toFtsQuery(q);
    return match === '' ? null : { mode, match };
  }
  const needle = parseLiteral(q);
  return needle ? { mode, needle } : null;
}

/**
 * Where a literal needle matched: the message (highlighted), else the raw line around the match,
 * else the message followed by its key/values with the match highlighted there.
 */
function literalHitSnippet(needle: LiteralNeedle, row: RecordRow): string {
  const inMessage = findLiteral(needle, row.message);
  if (inMessage) return literalSnippet(row.message, inMessage);
  const inRaw = findLiteral(needle, row.raw);
  if (inRaw) return literalSnippet(row.raw, inRaw);
  const fields = row.kind === 'log' ? row.fields : null;
  const inFields = fields === null ? null : findLiteral(needle, fields);
  return inFields && fields !== null ? `${row.message}  ${literalSnippet(fields, inFields)}` : row.message;
}

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
/** What ingest connections use (`INGEST_BUSY_TIMEOUT_MS`, exported). */
export const INGEST_BUSY_TIMEOUT_MS = 300_000;

/**
 * kubetrail's SQLite store: one database file in WAL mode, migrations applied at open. All methods
 * are synchronous (better-sqlite3); readers on other connections keep working during an ingest.
 */
export class Store {
  readonly db: Db;
  private readonly search: RecordSearch;

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
    this.search = new RecordSearch(this.db);
    // Bundles correlated before migrations 0003/0004: give their links time, severity and lane,
    // and their big requests link columns, now.
    const pending = this.db.prepare(LINK_LANES_SQL.pending).safeIntegers(true).all() as {
      key: bigint;
      lanes_built: bigint;
    }[];
    for (const { key, lanes_built: lanesBuilt } of pending) {
      this.db
        .transaction(() => {
          if (!lanesBuilt) this.buildLinkLanes(key);
          this.buildLinkColumns(key);
        })
        .immediate();
    }
  }

  /** Writes each of a bundle's links' record time, severity and lane (inside the caller's transaction). */
  private buildLinkLanes(key: bigint): void {
    this.db.prepare(LINK_LANES_SQL.lanes).run({ bundle: key });
    this.db.prepare(LINK_LANES_SQL.fill).run({ bundle: key });
    this.db.prepare(LINK_LANES_SQL.done).run({ bundle: key });
  }

  /**
   * Writes the link columns of the bundle's big requests (linkColumns.ts; inside the caller's
   * transaction, after the requests and their links' lanes).
   */
  private buildLinkColumns(key: bigint): void {
    const big = this.db
      .prepare(LINK_LANES_SQL.bigRequests)
      .safeIntegers(true)
      .all({ bundle: key, min: LINK_COLUMNS_MIN }) as { req_id: string; started_ns: bigint; n: bigint }[];
    const rows = this.db.prepare(LINK_LANES_SQL.linkRows).safeIntegers(true).raw(true);
    const insert = this.db.prepare(LINK_LANES_SQL.insertColumns);
    for (const { req_id: reqId, started_ns: originNs, n } of big) {
      const w = new LinkColumnsWriter(originNs, Number(n));
      for (const [ts, record, lane, severity] of rows.iterate({ bundle: key, reqId }) as Iterable<
        [bigint, bigint, bigint | null, bigint]
      >)
        w.push({ ts, record: Number(record), lane: Number(lane ?? 0), severity: Number(severity) });
      insert.run({ bundle: key, reqId, originNs, n: w.n, data: w.finish() });
    }
    this.db.prepare(LINK_LANES_SQL.columnsDone).run({ bundle: key });
    this.columnsCache.clear();
  }

  /** Decoded link columns of recently viewed big requests (zoom and pan re-read the same one). */
  private readonly columnsCache = new Map<string, LinkColumns | null>();

  /** A request's link columns, or null when it has none (a small request: SQL buckets it). */
  private linkColumns(key: bigint, reqId: string): LinkColumns | null {
    const id = `${key}\u0000${reqId}`;
    const hit = this.columnsCache.get(id);
    if (hit !== undefined) {
      // Most recently used last.
      this.columnsCache.delete(id);
      this.columnsCache.set(id, hit);
      return hit;
    }
    const row = this.db.prepare(LINK_LANES_SQL.columns).safeIntegers(true).get(key, reqId) as
      { origin_ns: bigint; n: bigint; data: Buffer } | undefined;
    const cols = row ? decodeLinkColumns(row.origin_ns, Number(row.n), row.data) : null;
    this.columnsCache.set(id, cols);
    while (this.columnsCache.size > COLUMNS_CACHE_SIZE) {
      const oldest = this.columnsCache.keys().next();
      if (oldest.done) break;
      this.columnsCache.delete(oldest.value);
    }
    return cols;
  }

  /**
   * The lane signatures of all of a request's links, whatever the window: the timeline keeps its
   * lanes in place while zooming (a lane with nothing in the window shows empty).
   */
  requestLaneSigs(bundleId: string, reqId: string): string[] {
    const key = this.bundleKey(bundleId);
    const lanes = this.linkLanes(key);
    const columns = this.linkColumns(key, reqId);
    let ids: Iterable<number>;
    if (columns) {
      columns.distinctLanes ??= new Set(columns.lane);
      ids = columns.distinctLanes;
    } else {
      ids = (
        this.db.prepare(LINK_LANES_SQL.requestLanes).pluck().all({ bundle: key, reqId }) as (number | null)[]
      ).filter((l): l is number => l !== null);
    }
    return [...ids].map((id) => lanes.get(id)).filter((sig): sig is string => sig !== undefined);
  }

  /** A bundle's lane numbers and signatures (few: one per component, node, controller…). */
  private linkLanes(key: bigint): Map<number, string> {
    const rows = this.db.prepare(LINK_LANES_SQL.ofBundle).all(key) as { lane: number; sig: string }[];
    return new Map(rows.map((r) => [r.lane, r.sig]));
  }

  close(): void {
    this.db.close();
  }

  private bundleRow(id: string): BundleRow | null {
    return this.db.prepare<[string], BundleRow>(SQL.getBundle).safeIntegers(true).get(id) ?? null;
  }

  private bundleKey(id: string): bigint {
    const key = this.db.prepare<[string], bigint>(SQL.getBundleKey).pluck().safeIntegers(true).get(id);
    if (key === undefined) throw new StoreError('not_found', `no bundle ${id}`);
    return key;
  }

  /** Whether a bundle exists (cheaper than `getBundle`, which parses its ingest report). */
  hasBundle(id: string): boolean {
    return this.db.prepare(SQL.getBundleKey).pluck().get(id) !== undefined;
  }

  // ── bundles ────────────────────────────────────────────────────────────────────────────────

  listBundles(): Bundle[] {
    return this.db.prepare<[], BundleRow>(SQL.listBundles).safeIntegers(true).all().map(toBundle);
  }

  getBundle(id: string): BundleDetail | null {
    const row = this.bundleRow(id);
    return row ? { ...toBundle(row), report: toReport(row) } : null;
  }

  /**
   * Starts a bundle in status `ingesting`, under a new key (never one used before). A failed bundle
   * of the same id is replaced. `lease`: the token of the ingest's `IngestLease`, which tells
   * other processes it is alive.
   */
  beginBundle(b: { id: string; name: string; sizeBytes: number; lease?: string }): void {
    this.db
      .transaction(() => {
        const existing = this.bundleRow(b.id);
        if (existing && existing.status !== 'failed') {
          throw new StoreError('conflict', `bundle ${b.id} already exists (${existing.status})`);
        }
        if (existing) this.deleteBundle(b.id);
        const progress: IngestProgress = {
          stage: 'reading',
          bytesRead: 0,
          bytesTotal: b.sizeBytes || null,
          records: 0,
          files: 0,
          currentFile: null,
        };
        const key = this.db.prepare(LEASE_SQL.nextKey).pluck().safeIntegers(true).get() as bigint;
        this.db.prepare(SQL.insertBundle).run({
          key,
          id: b.id,
          name: b.name,
          createdAt: new Date().toISOString(),
          sizeBytes: b.sizeBytes,
          progress: JSON.stringify(progress),
          lease: b.lease ?? null,
        });
        this.db.prepare(LEASE_SQL.takeKey).run(key);
      })
      .immediate();
  }

  updateProgress(id: string, progress: IngestProgress): void {
    this.db.prepare(SQL.updateProgress).run(JSON.stringify(progress), id);
  }

  finishBundle(id: string, report: IngestReport): void {
    const key = this.bundleKey(id);
    const progress: IngestProgress = {
      stage: 'done',
      bytesRead: 0,
      bytesTotal: null,
      records: report.totals.records,
      files: report.totals.files,
      currentFile: null,
    };
    this.db
      .prepare(SQL.finishBundle)
      .run({ key, report: JSON.stringify(report), progress: JSON.stringify(progress) });
  }

  failBundle(id: string, error: string, report?: IngestReport): void {
    const current = this.getBundle(id);
    const progress: IngestProgress = {
      stage: 'failed',
      bytesRead: current?.progress?.bytesRead ?? 0,
      bytesTotal: current?.progress?.bytesTotal ?? null,
      records: current?.progress?.records ?? 0,
      files: current?.progress?.files ?? 0,
      currentFile: current?.progress?.currentFile ?? null,
    };
    this.db.prepare(SQL.failBundle).run({
      id,
      error,
      report: report ? JSON.stringify(report) : null,
      progress: JSON.stringify(progress),
    });
  }

  /** Deletes a bundle and everything it owns, in one transaction. */
  deleteBundle(id: string): boolean {
    const row = this.bundleRow(id);
    if (!row) return false;
    this.db
      .transaction(() => {
        this.deleteOwnedRows(row);
        this.db.prepare(SQL.deleteFiles).run(row.key);
        this.db.prepare(SQL.deleteBundle).run(row.key);
      })
      .immediate();
    return true;
  }

  /** Everything a bundle owns but its row and file rows (inside the caller's transaction). */
  private deleteOwnedRows(row: BundleRow): void {
    const key = row.key;
    // Exactly the index entries the bundle has: all of them, or those of an interrupted build.
    if (row.fts_built) this.db.prepare(SQL.deleteFts).run(ridRange(key));
    else if (row.fts_upto !== null)
      this.db.prepare(SQL.deleteFts).run({ lo: ridRange(key).lo, hi: row.fts_upto });
    this.db.prepare(SQL.deleteRecords).run(ridRange(key));
    for (const sql of [
      SQL.deleteTimes,
      SQL.deleteLinks,
      SQL.deleteLinkLanes,
      SQL.deleteLinkColumns,
      SQL.deleteSpanLinks,
      SQL.deleteObjects,
      SQL.deleteRequests,
      SQL.deleteSpans,
    ]) {
      this.db.prepare(sql).run(key);
    }
  }

  // ── disk use (ADR 0012) ───────────────────────────────────────────────────────────────────

  /**
   * Bytes the database's pages hold (page count less free pages, times the page size), as this
   * connection sees it, its own open transaction included: what an ingest's growth is measured in.
   */
  usedBytes(): number {
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    const size = this.db.pragma('page_size', { simple: true }) as number;
    return (pages - free) * size;
  }

  // ── ingest liveness (ADR 0011) ─────────────────────────────────────────────────────────────

  /** A new lease for an ingest of this database: pass its token to `beginBundle`, release it after. */
  acquireIngestLease(): IngestLease {
    return IngestLease.acquire(this.file);
  }

  /**
   * Bundles left `ingesting` by a process that is gone (nobody holds their lease) are marked
   * failed, and what they had written is deleted so its space is reused (kill/recover cycles do not
   * grow the file). Safe to call any time, from any process: a live ingest, here or elsewhere,
   * holds its lease and is left alone. Returns the ids recovered.
   */
  recoverDeadIngests(): string[] {
    const rows = this.db.prepare(LEASE_SQL.ingesting).all() as { id: string; lease: string | null }[];
    const recovered: string[] = [];
    for (const r of rows) {
      if (r.lease !== null && leaseHeld(this.file, r.lease)) continue;
      const done = this.db
        .transaction(() => {
          const row = this.bundleRow(r.id);
          if (!row || row.status !== 'ingesting' || row.lease !== r.lease) return false;
          this.deleteOwnedRows(row);
          this.db.prepare(SQL.deleteFiles).run(row.key);
          this.db.prepare(LEASE_SQL.markDead).run({
            key: row.key,
            lease: r.lease,
            error: INTERRUPTED,
            progress: JSON.stringify({ ...parseJson<IngestProgress>(row.progress), stage: 'failed' }),
          });
          return true;
        })
        .immediate();
      if (r.lease !== null) removeLeaseFile(this.file, r.lease);
      if (done) recovered.push(r.id);
    }
    return recovered;
  }

  // ── writing ────────────────────────────────────────────────────────────────────────────────

  /** A writer for a bundle that `beginBundle` started. */
  createWriter(bundleId: string): BundleWriter {
    const key = this.bundleKey(bundleId);
    return new BundleWriter(this.db, key, (fts) => {
      this.db
        .transaction(() => {
          this.db.prepare(SQL.buildTimes).run({ key, ...ridRange(key) });
          if (fts) this.buildFtsNow(key);
        })
        .immediate();
    });
  }

  private buildFtsNow(key: bigint): void {
    this.db.prepare(SQL.buildFts).run(ridRange(key));
    this.db.prepare(SQL.setFtsBuilt).run(key);
  }

  /**
   * Builds a bundle's full-text index (after `BundleWriter.finishRecords`) on another connection in
   * a worker thread, so that correlation (`bufferCorrelation`) runs meanwhile; resolves once it is
   * committed. Nothing may write on this store's connection until then: the worker holds the
   * write lock. An in-memory database has no second connection: the index is built here.
   */
  buildFts(bundleId: string, opts: { step?: number } = {}): Promise<void> {
    const key = this.bundleKey(bundleId);
    if (this.file === ':memory:') {
      this.db.transaction(() => this.buildFtsNow(key)).immediate();
      return Promise.resolve();
    }
    const range = ridRange(key);
    const last = this.db.prepare(SQL.lastRid).pluck().safeIntegers(true).get(range) as bigint | null;
    if (last === null) {
      this.db.prepare(SQL.setFtsBuilt).run(key);
      return Promise.resolve();
    }
    return buildFtsInWorker({
      file: this.file,
      busyTimeoutMs: INGEST_BUSY_TIMEOUT_MS,
      build: SQL.buildFts,
      progress: SQL.setFtsUpto,
      done: SQL.setFtsBuilt,
      key,
      lo: range.lo,
      last,
      step: BigInt(opts.step ?? FTS_STEP),
    });
  }

  // ── correlation ────────────────────────────────────────────────────────────────────────────

  /**
   * Read access for correlate. It reads through its own connection so that links can be written
   * on the main one while an iterator is open.
   */
  correlationSource(bundleId: string): CorrelationSource & { close(): void } {
    const key = this.bundleKey(bundleId);
    const reader = new Database(this.file, { readonly: true });
    reader.pragma('busy_timeout = 10000');
    // Raw mode: rows as arrays. Building an object with fifteen named keys per row was a third of
    // the read cost of a million-line bundle.
    const recordsStmt = reader.prepare(SQL.correlationRecords).safeIntegers(true).raw(true);
    const ofKindsStmt = reader.prepare(SQL.correlationRecordsOfKinds).safeIntegers(true).raw(true);
    const controlStmt = reader.prepare(SQL.correlationControlRecordsOfKinds).safeIntegers(true).raw(true);
    const componentsStmt = reader
      .prepare(SQL.correlationRecordsOfKindsAndComponents)
      .safeIntegers(true)
      .raw(true);
    const spansStmt = reader.prepare(SQL.correlationSpans).safeIntegers(true);
    return {
      *records(filter?: RecordFilter): Iterable<StoredRecord> {
        const kinds = filter?.kinds;
        const components = filter?.logComponents;
        const rows = kinds
          ? kinds.includes('log') && components
            ? (componentsStmt.iterate(
                key,
                JSON.stringify(kinds),
                JSON.stringify(components),
              ) as Iterable<CorrelationRow>)
            : ((kinds.includes('log') ? ofKindsStmt : controlStmt).iterate(
                key,
                JSON.stringify(kinds),
              ) as Iterable<CorrelationRow>)
          : (recordsStmt.iterate(key) as Iterable<CorrelationRow>);
        for (const row of rows) yield new LazyStoredRecord(row);
      },
      *spans(): Iterable<StoredSpan> {
        for (const row of spansStmt.iterate(key) as Iterable<SpanRow>) yield toStoredSpan(row);
      },
      close: () => reader.close(),
    };
  }

  /**
   * Replaces a bundle's correlation (requests, links, objects) with what `run` produces, in one
   * transaction: readers see either the old result or the new one. Returns the request count.
   */
  saveCorrelation(bundleId: string, run: (sink: CorrelationSink) => CorrelationResult): number {
    return this.writeCorrelation(bundleId, this.bufferCorrelation(run));
  }

  /**
   * Runs a correlation against a sink that keeps its links in memory (compactly, `LinkBuffer`):
   * no write lock is taken, so it can overlap with `buildFts`. Write the result with
   * `writeCorrelation`.
   */
  bufferCorrelation(run: (sink: CorrelationSink) => CorrelationResult): BufferedCorrelation {
    const links = new LinkBuffer();
    const spanLinks: SpanLink[] = [];
    const result = run({
      link: (l) => links.push(l),
      spanLink: (l) => spanLinks.push(l),
      rename: (from, to) => {
        links.rename(from, to);
        for (const l of spanLinks) if (l.reqId === from) l.reqId = to;
      },
    });
    return { result, links, spanLinks };
  }

  /** Replaces a bundle's correlation with a buffered one, in one transaction. Returns the request count. */
  writeCorrelation(bundleId: string, buffered: BufferedCorrelation): number {
    const key = this.bundleKey(bundleId);
    const { result } = buffered;
    const insertLink = this.db.prepare(SQL.insertLink);
    const insertSpanLink = this.db.prepare(SQL.insertSpanLink);
    const insertObject = this.db.prepare(SQL.insertObject);
    const insertRequest = this.db.prepare(SQL.insertRequest);
    return this.db
      .transaction(() => {
        for (const sql of [
          SQL.deleteLinks,
          SQL.deleteLinkLanes,
          SQL.deleteLinkColumns,
          SQL.deleteSpanLinks,
          SQL.deleteObjects,
          SQL.deleteRequests,
        ]) {
          this.db.prepare(sql).run(key);
        }
        for (const l of buffered.links) insertLink.run(key, l.reqId, l.recordId, l.kind, l.evidence);
        for (const l of buffered.spanLinks) insertSpanLink.run(key, l.reqId, l.spanId, l.kind, l.evidence);
        this.buildLinkLanes(key);
        const counts = new Map<string, number>();
        for (const row of this.db
          .prepare<[bigint], { req_id: string; n: number }>(
            'SELECT req_id, count(*) AS n FROM links WHERE bundle = ? GROUP BY req_id',
          )
          .all(key)) {
          counts.set(row.req_id, row.n);
        }
        for (const req of result.requests) {
          const body: Request = { ...req, records: counts.get(req.reqId) ?? req.records };
          const words = (xs: (string | null)[]): string => ` ${xs.filter((x) => x !== null).join(' ')} `;
          insertRequest.run({
            bundle: key,
            reqId: req.reqId,
            startedNs: parseRfc3339Ns(req.startedAt) ?? 0n,
            endedNs: parseRfc3339Ns(req.endedAt) ?? 0n,
            outcome: req.outcome,
            user: req.user,
            verbs: words(req.targets.map((t) => t.verb)),
            resources: words(req.targets.map((t) => t.resource)),
            namespaces: words(req.targets.map((t) => t.namespace)),
            search: [
              req.reqId,
              req.user,
              req.impersonatedUser,
              req.userAgent,
              ...req.auditIds,
              // Also as the list shows them (`deployments/shop/web`), so a pasted target finds its row.
              ...req.targets.flatMap((t) => [
                t.verb,
                t.resource,
                t.namespace,
                t.name,
                `${t.resource}/${t.namespace ? `${t.namespace}/` : ''}${t.name}`,
                t.stoppedAt?.reason,
              ]),
            ]
              .filter(Boolean)
              .join(' ')
              .toLowerCase(),
            body: JSON.stringify(body),
            system: req.system ? 1 : 0,
          });
        }
        for (const o of result.objects) insertObject.run(key, o.object, o.reqId);
        this.buildLinkColumns(key);
        this.db.prepare('UPDATE bundles SET requests = ? WHERE key = ?').run(result.requests.length, key);
        return result.requests.length;
      })
      .immediate();
  }

  // ── queries ────────────────────────────────────────────────────────────────────────────────

  /**
   * A page of a bundle's requests. `q.system` defaults to `include` here (every request); the
   * HTTP API's schema defaults it to `exclude`.
   */
  listRequests(
    bundleId: string,
    query: Omit<RequestsQuery, 'system'> & { system?: RequestsQuery['system'] },
  ): RequestList {
    const q = { ...query, system: query.system ?? 'include' };
    const key = this.bundleKey(bundleId);
    const params = {
      bundle: key,
      outcome: q.outcome ?? null,
      user: q.user ?? null,
      verb: q.verb ?? null,
      resource: q.resource ?? null,
      namespace: q.namespace ?? null,
      q: q.q ? q.q.toLowerCase() : null,
      fromNs: q.from ? parseTime(q.from, 'from') : null,
      toNs: q.to ? parseTime(q.to, 'to') : null,
      sinceNs: q.since ? parseTime(q.since, 'since') : null,
      untilNs: q.until ? parseTime(q.until, 'until') : null,
      system: q.system === 'include' ? null : q.system === 'only' ? 1 : 0,
    };
    const total = this.db.prepare<typeof params, { n: number }>(LIST_REQUESTS.count).get(params)?.n ?? 0;
    const { system: _system, ...base } = params;
    const systemHidden =
      q.system === 'exclude'
        ? (this.db.prepare<typeof base, { n: number }>(LIST_REQUESTS.countSystem).get(base)?.n ?? 0)
        : 0;
    const rows = this.db
      .prepare<typeof params & { limit: number; offset: number }, { body: string }>(LIST_REQUESTS[q.sort])
      .all({ ...params, limit: q.limit, offset: q.offset });
    return {
      requests: rows.map((r) => JSON.parse(r.body) as Request),
      total,
      systemHidden,
      offset: q.offset,
      limit: q.limit,
    };
  }

  getRequest(bundleId: string, reqId: string): Request | null {
    const row = this.db
      .prepare<[bigint, string], { body: string }>(SQL.getRequest)
      .get(this.bundleKey(bundleId), reqId);
    return row ? (JSON.parse(row.body) as Request) : null;
  }

  /**
   * A page of one request's lines in (time, id) order, with how each joined the request and its
   * lane signature: within a window, a severity, some lanes (numbers of `link_lanes`), and matching
   * a search when `q` is given. `around` (a record id) starts the page a quarter page before it.
   */
  requestLines(
    bundleId: string,
    reqId: string,
    opts: {
      fromNs?: bigint | null;
      toNs?: bigint | null;
      minSeverity?: Severity;
      lanes?: readonly number[] | null;
      q?: string | null;
      mode?: SearchMode;
      offset: number;
      limit: number;
      around?: number | null;
      budgetMs?: number;
    },
  ): {
    lines: { record: LogRecord; tsNs: bigint | null; linkKind: LinkKind; sig: string | null }[];
    offset: number;
    total: number;
    capped: boolean;
    partial: boolean;
  } {
    const key = this.bundleKey(bundleId);
    const text = opts.q ? searchText(opts.mode ?? 'literal', opts.q) : null;
    const scope: SearchScope = {
      reqId,
      lanes: opts.lanes ?? null,
      component: null,
      node: null,
      minSeverity: opts.minSeverity ? severityRank(opts.minSeverity) : 0,
      fromNs: opts.fromNs ?? null,
      toNs: opts.toNs ?? null,
    };
    const page = this.guardFts(opts.q ?? '', () =>
      this.search.page(key, scope, text, {
        offset: opts.offset,
        limit: opts.limit,
        around: opts.around != null && isRecordId(opts.around) ? ridOf(key, opts.around) : null,
        deadline: performance.now() + (opts.budgetMs ?? DEFAULT_SEARCH_BUDGET_MS),
      }),
    );
    const { lo } = ridRange(key);
    const ids = JSON.stringify(page.hits.map((h) => Number(h.rid - lo)));
    const rows = new Map<number, RecordRow>();
    for (const row of this.db
      .prepare(SEARCH_SQL.rows)
      .safeIntegers(true)
      .all({ bundle: key, ids }) as RecordRow[])
      rows.set(Number(row.id), row);
    const links = new Map<number, { kind: LinkKind; sig: string | null }>();
    for (const l of this.db.prepare(SEARCH_SQL.requestLineLinks).all({ bundle: key, reqId, ids }) as {
      record: number;
      kind: LinkKind;
      sig: string | null;
    }[])
      links.set(l.record, { kind: l.kind, sig: l.sig });
    const lines = [];
    for (const h of page.hits) {
      const id = Number(h.rid - lo);
      const row = rows.get(id);
      const link = links.get(id);
      if (!row || !link) continue;
      lines.push({ record: toLogRecord(bundleId, row), tsNs: row.ts, linkKind: link.kind, sig: link.sig });
    }
    return { lines, offset: page.offset, total: page.total, capped: page.capped, partial: page.partial };
  }

  /** The first and last time among a request's lines (UTC ns), or nulls when none has a time. */
  requestTimeRange(bundleId: string, reqId: string): { lo: bigint | null; hi: bigint | null } {
    return this.db
      .prepare(SQL.timeRangeForRequest)
      .safeIntegers(true)
      .get({ bundle: this.bundleKey(bundleId), reqId }) as { lo: bigint | null; hi: bigint | null };
  }

  /** A bundle's lane numbers and signatures (`link_lanes`; see sql.ts LANE_SIG). */
  laneSignatures(bundleId: string): Map<number, string> {
    return this.linkLanes(this.bundleKey(bundleId));
  }

  /** A request's linked records in (ts, id) order, optionally inside [fromNs, toNs]. */
  requestRecords(
    bundleId: string,
    reqId: string,
    opts: { fromNs?: bigint | null; toNs?: bigint | null; errorsOnly?: boolean } = {},
  ): LinkedRecord[] {
    const rows = this.db
      .prepare(SQL.requestRecords)
      .safeIntegers(true)
      .all({
        bundle: this.bundleKey(bundleId),
        reqId,
        fromNs: opts.fromNs ?? null,
        toNs: opts.toNs ?? null,
        minSeverity: opts.errorsOnly ? severityRank('error') : 0,
      }) as LinkedRecordRow[];
    return rows.map((row) => ({
      ...toLogRecord(bundleId, row),
      tsNs: row.ts,
      linkKind: row.link_kind,
      evidence: row.evidence,
    }));
  }

  requestSpans(bundleId: string, reqId: string): LinkedSpan[] {
    const rows = this.db
      .prepare(SQL.requestSpans)
      .safeIntegers(true)
      .all(this.bundleKey(bundleId), reqId) as (SpanRow & { link_kind: LinkKind; evidence: string })[];
    return rows.map((row) => ({ ...toStoredSpan(row), linkKind: row.link_kind, evidence: row.evidence }));
  }

  getRecord(bundleId: string, id: number): LogRecord | null {
    if (!isRecordId(id)) return null;
    const row = this.db
      .prepare(SQL.recordById)
      .safeIntegers(true)
      .get(ridOf(this.bundleKey(bundleId), id)) as RecordRow | undefined;
    return row ? toLogRecord(bundleId, row) : null;
  }

  /**
   * Up to `n` records either side of `id` in time among the lines of its file (a file window of
   * 3n either side, sorted by time: audit logs are written when calls complete, so file order is
   * not time order), the record itself included, each with the requests it belongs to.
   */
  neighbours(bundleId: string, id: number, n = 5): (LogRecord & { reqIds: string[] })[] {
    if (!isRecordId(id)) return [];
    const key = this.bundleKey(bundleId);
    const row = this.db.prepare(SQL.recordById).safeIntegers(true).get(ridOf(key, id)) as
      RecordRow | undefined;
    if (!row) return [];
    const rows = this.db
      .prepare(SQL.neighbours)
      .safeIntegers(true)
      .all({
        fileId: row.file_id,
        lo: ridOf(key, Math.max(0, id - 3 * n)),
        hi: ridOf(key, id + 3 * n),
      }) as RecordRow[];
    const NONE = -(2n ** 63n);
    rows.sort((a, b) => {
      const d = (a.ts ?? NONE) - (b.ts ?? NONE);
      return d < 0n ? -1 : d > 0n ? 1 : Number(a.id - b.id);
    });
    const at = rows.findIndex((r) => Number(r.id) === id);
    const window = rows.slice(Math.max(0, at - n), at + n + 1);
    const reqIds = new Map<number, string[]>();
    for (const l of this.db
      .prepare<[bigint, string], { record: number; req_id: string }>(SQL.recordLinksMany)
      .all(key, JSON.stringify(window.map((r) => Number(r.id)))))
      reqIds.set(l.record, [...(reqIds.get(l.record) ?? []), l.req_id].sort());
    return window.map((r) => ({ ...toLogRecord(bundleId, r), reqIds: reqIds.get(Number(r.id)) ?? [] }));
  }

  recordLinks(bundleId: string, id: number): Link[] {
    return this.db
      .prepare<[bigint, number], { req_id: string; kind: LinkKind; evidence: string }>(SQL.recordLinks)
      .all(this.bundleKey(bundleId), id)
      .map((r) => ({ reqId: r.req_id, kind: r.kind, evidence: r.evidence }));
  }

  relatedRequests(bundleId: string, id: number): { reqId: string; object: string }[] {
    return this.db
      .prepare<[bigint, number], { req_id: string; object: string }>(SQL.relatedRequests)
      .all(this.bundleKey(bundleId), id)
      .map((r) => ({ reqId: r.req_id, object: r.object }));
  }

  /**
   * Searches a bundle's lines (`query.mode`: `literal`, the default, or `fts`), within a scope
   * (request, component, node, severity, window), matches in time order. Stops after
   * `opts.budgetMs` (default DEFAULT_SEARCH_BUDGET_MS) and says so (`partial`). An FTS syntax error
   * or an advanced query past its limits throws `bad_query`.
   */
  searchRecords(
    bundleId: string,
    query: StoreSearchQuery,
    opts: { budgetMs?: number; lanes?: readonly number[] | null; countAfterPageMs?: number } = {},
  ): SearchResult {
    const key = this.bundleKey(bundleId);
    const mode = query.mode ?? 'literal';
    const empty: SearchResult = {
      hits: [],
      total: 0,
      capped: false,
      partial: false,
      mode,
      offset: query.offset,
      limit: query.limit,
    };
    const text = searchText(mode, query.q);
    if (!text) return empty;
    const page = this.guardFts(query.q, () =>
      this.search.page(key, this.searchScope(query, opts.lanes ?? null), text, {
        offset: query.offset,
        limit: query.limit,
        deadline: performance.now() + (opts.budgetMs ?? DEFAULT_SEARCH_BUDGET_MS),
        countAfterPageMs: opts.countAfterPageMs,
      }),
    );
    return {
      ...empty,
      ...this.toHits(bundleId, key, page.hits, text),
      total: page.total,
      capped: page.capped,
      partial: page.partial,
    };
  }

  /** A search's scope from its query (times checked here: a bad one is `bad_query`). */
  private searchScope(q: StoreSearchScope, lanes: readonly number[] | null): SearchScope {
    return {
      reqId: q.reqId ?? null,
      lanes: q.reqId ? lanes : null,
      component: q.component ?? null,
      node: q.node ?? null,
      minSeverity: q.severity ? severityRank(q.severity) : 0,
      fromNs: q.from ? parseTime(q.from, 'from') : null,
      toNs: q.to ? parseTime(q.to, 'to') : null,
    };
  }

  /** Runs `fn`, turning SQLite's complaints about an FTS query into `bad_query`. */
  private guardFts<T>(q: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (isFtsQueryError(err))
        throw new StoreError('bad_query', `invalid search query: ${err.message}`, { query: q });
      throw err;
    }
  }

  /** Full rows of a page of hits, in the hits' order, with their snippets and requests. */
  private toHits(
    bundleId: string,
    key: bigint,
    page: readonly Hit[],
    text: SearchText,
  ): { hits: SearchResult['hits'] } {
    const { lo } = ridRange(key);
    const ids = page.map((h) => Number(h.rid - lo));
    const json = JSON.stringify(ids);
    const byId = new Map<number, RecordRow>();
    for (const row of this.db
      .prepare(SEARCH_SQL.rows)
      .safeIntegers(true)
      .all({ bundle: key, ids: json }) as RecordRow[])
      byId.set(Number(row.id), row);
    const reqIds = new Map<number, string[]>();
    for (const l of this.db
      .prepare<[bigint, string], { record: number; req_id: string }>(SQL.recordLinksMany)
      .all(key, json)) {
      reqIds.set(l.record, [...(reqIds.get(l.record) ?? []), l.req_id]);
    }
    const ftsSnippets = new Map<number, string>();
    if (text?.mode === 'fts' && ids.length > 0) {
      for (const r of this.db
        .prepare(SEARCH_SQL.ftsSnippets)
        .safeIntegers(true)
        .all({ bundle: key, match: text.match, ids: json }) as {
        rid: bigint;
        snippet: string;
        fields_snippet: string | null;
      }[])
        ftsSnippets.set(Number(r.rid - lo), searchSnippet(r.snippet, r.fields_snippet));
    }
    const hits: SearchResult['hits'] = [];
    for (const id of ids) {
      const row = byId.get(id);
      if (!row) continue;
      let snippet = ftsSnippets.get(id) ?? row.message;
      if (text?.mode === 'literal') snippet = literalHitSnippet(text.needle, row);
      hits.push({ record: toLogRecord(bundleId, row), snippet, reqIds: (reqIds.get(id) ?? []).sort() });
    }
    return { hits };
  }

  /**
   * Record counts per time bucket and severity, for the whole bundle or one request; with `q`, of
   * the lines that search matches (read as `mode` says, within `component`/`node`/`severity`),
   * stopping after `budgetMs` with `partial` set.
   */
  histogram(
    bundleId: string,
    opts: {
      fromNs?: bigint | null;
      toNs?: bigint | null;
      buckets: number;
      reqId?: string | null;
      q?: string | null;
      mode?: SearchMode;
      component?: string | null;
      node?: string | null;
      severity?: Severity | null;
      budgetMs?: number;
    },
  ): Histogram {
    const key = this.bundleKey(bundleId);
    const range = (
      opts.reqId
        ? this.db.prepare(SQL.timeRangeForRequest).safeIntegers(true).get({ bundle: key, reqId: opts.reqId })
        : this.db.prepare(SQL.timeRange).safeIntegers(true).get({ bundle: key })
    ) as { lo: bigint | null; hi: bigint | null };
    const from = opts.fromNs ?? range.lo;
    const to = opts.toNs ?? range.hi;
    if (from === null || to === null || to < from)
      return { partial: false, from: null, to: null, bucketMs: 0, buckets: [] };
    const n = BigInt(opts.buckets);
    const width = (to - from) / n + 1n;
    const empty = (): Record<Severity, number> =>
      Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
    const buckets = Array.from({ length: opts.buckets }, (_, i) => ({
      t: formatNs(from + BigInt(i) * width),
      counts: empty(),
    }));
    const add = (b: number, severity: number, count: number) => {
      const bucket = buckets[b];
      if (bucket) bucket.counts[severityFromRank(severity)] += count;
    };
    let partial = false;
    const text = opts.q ? searchText(opts.mode ?? 'literal', opts.q) : null;
    if (opts.q) {
      const scope: SearchScope = {
        reqId: opts.reqId ?? null,
        lanes: null,
        component: opts.component ?? null,
        node: opts.node ?? null,
        minSeverity: opts.severity ? severityRank(opts.severity) : 0,
        fromNs: from,
        toNs: to,
      };
      const deadline = performance.now() + (opts.budgetMs ?? DEFAULT_SEARCH_BUDGET_MS);
      this.guardFts(opts.q, () => {
        if (!text) return;
        try {
          for (const hit of this.search.hits(key, scope, text, deadline))
            if (hit.ts !== null) add(Number((hit.ts - from) / width), hit.severity, 1);
        } catch (err) {
          if (!(err instanceof SearchTimeout)) throw err;
          partial = true;
        }
      });
    } else {
      const columns = opts.reqId ? this.linkColumns(key, opts.reqId) : null;
      const rows = (
        columns
          ? histogramLinkColumns(columns, from, to, width)
          : opts.reqId
            ? this.db
                .prepare(SQL.histogramForRequest)
                .safeIntegers(true)
                .all({ bundle: key, reqId: opts.reqId, from, to, width })
            : this.db.prepare(SQL.histogram).safeIntegers(true).all({ bundle: key, from, to, width })
      ) as { b: bigint | number; severity: bigint | number; n: bigint | number }[];
      for (const row of rows) add(Number(row.b), Number(row.severity), Number(row.n));
    }
    return { partial, from: formatNs(from), to: formatNs(to), bucketMs: Number(width) / 1e6, buckets };
  }

  // ── appending (live OTLP receiver) ───────────────────────────────────────────────────────────

  /**
   * Appends spans to an existing bundle as one new file (`info.path`), numbering the file and the
   * spans after those already stored, in one transaction. For the live receiver, whose bundle
   * grows batch by batch across server restarts (a BundleWriter numbers from zero). Returns the
   * new file's id.
   */
  appendSpans(bundleId: string, info: FileInfo, spans: readonly ParsedSpan[]): number {
    const key = this.bundleKey(bundleId);
    const insertFile = this.db.prepare(SQL.insertFile);
    const insertSpan = this.db.prepare(SQL.insertSpan);
    return this.db
      .transaction(() => {
        const next = this.db.prepare(APPEND_SQL.nextIds).safeIntegers(true).get(key, key) as {
          file: bigint;
          span: bigint;
        };
        const fileId = Number(next.file);
        insertFile.run(fileParams(key, fileId, info));
        let id = next.span;
        for (const s of spans) {
          insertSpan.run(...spanParams(key, id++, fileId, s));
        }
        return fileId;
      })
      .immediate();
  }

  // ── timeline level of detail (SPEC §7.2) ──────────────────────────────────────────────────────

  private timelineParams(bundleId: string, reqId: string, w: TimelineWindow) {
    return {
      bundle: this.bundleKey(bundleId),
      reqId,
      fromNs: w.fromNs,
      toNs: w.toNs,
      minSeverity: w.errorsOnly ? severityRank('error') : 0,
    };
  }

  /** The window's records whose lane signature is one of `sigs`, narrow, in (ts, id) order. */
  timelineMarks(
    bundleId: string,
    reqId: string,
    w: TimelineWindow,
    sigs: readonly string[],
  ): TimelineMarkRow[] {
    if (sigs.length === 0) return [];
    const lanes = this.linkLanes(this.bundleKey(bundleId));
    const wanted = new Set(sigs);
    const laneIds = [...lanes].filter(([, sig]) => wanted.has(sig)).map(([lane]) => lane);
    if (laneIds.length === 0) return [];
    const rows = this.db
      .prepare(TIMELINE_SQL.marks)
      .safeIntegers(true)
      .all({
        ...this.timelineParams(bundleId, reqId, w),
        lanes: JSON.stringify(laneIds),
        messageChars: TIMELINE_MESSAGE_CHARS,
      }) as {
      id: bigint;
      ts: bigint;
      severity: bigint;
      kind: RecordKind;
      message: string;
      fields: string | null;
      link_kind: LinkKind;
      lane: bigint;
    }[];
    return rows.map((r) => ({
      id: Number(r.id),
      tsNs: r.ts,
      severity: severityFromRank(Number(r.severity)),
      kind: r.kind,
      message: r.message,
      fields: parseJson<Record<string, unknown>>(r.fields),
      linkKind: r.link_kind,
      sig: lanes.get(Number(r.lane)) ?? '',
    }));
  }

  /**
   * Per-bucket aggregates of the window's records, per lane signature (sql.ts LANE_SIG): bucket
   * `index` covers [fromMs + index·bucketMs, …) in ms since `originNs`, clamped to [0, buckets - 1]. One pass over the
   * request's links; the rows are few (signatures × buckets).
   */
  timelineBuckets(
    bundleId: string,
    reqId: string,
    w: TimelineWindow,
    grid: { originNs: bigint; fromMs: number; bucketMs: number; buckets: number },
  ): TimelineBucketRow[] {
    const key = this.bundleKey(bundleId);
    const lanes = this.linkLanes(key);
    const columns = this.linkColumns(key, reqId);
    if (columns && columns.originNs === grid.originNs) {
      const { minSeverity } = this.timelineParams(bundleId, reqId, w);
      return bucketLinkColumns(columns, { fromNs: w.fromNs, toNs: w.toNs, minSeverity }, grid).map((b) => ({
        sig: lanes.get(b.lane) ?? '',
        index: b.index,
        count: b.count,
        worstRank: b.worstRank,
        recordId: b.recordId,
      }));
    }
    const rows = this.db
      .prepare(TIMELINE_SQL.buckets)
      .safeIntegers(true)
      .all({
        ...this.timelineParams(bundleId, reqId, w),
        originNs: grid.originNs,
        fromMs: grid.fromMs,
        bucketMs: grid.bucketMs,
        buckets: grid.buckets,
      }) as { lane: bigint | null; b: bigint; n: bigint; worst: bigint }[];
    const low = (1n << 40n) - 1n;
    return rows.map((r) => ({
      sig: (r.lane === null ? undefined : lanes.get(Number(r.lane))) ?? '',
      index: Number(r.b),
      count: Number(r.n),
      worstRank: Number(r.worst >> 40n),
      recordId: Number(low - (r.worst & low)),
    }));
  }

  /** The window's audit records (API calls) with their fields, at most `limit`, in (ts, id) order. */
  timelineAuditRecords(
    bundleId: string,
    reqId: string,
    w: TimelineWindow,
    limit: number,
  ): { id: number; tsNs: bigint; fields: Record<string, unknown> | null }[] {
    // A lane signature is a JSON array whose first item is the record kind (sql.ts LANE_SIG).
    const auditLanes = [...this.linkLanes(this.bundleKey(bundleId))]
      .filter(([, sig]) => (JSON.parse(sig) as unknown[])[0] === 'audit')
      .map(([lane]) => lane);
    if (auditLanes.length === 0) return [];
    const rows = this.db
      .prepare(TIMELINE_SQL.auditRecords)
      .safeIntegers(true)
      .all({ ...this.timelineParams(bundleId, reqId, w), limit, lanes: JSON.stringify(auditLanes) }) as {
      id: bigint;
      ts: bigint;
      fields: string | null;
      raw: string | null;
    }[];
    return rows.map((r) => ({
      id: Number(r.id),
      tsNs: r.ts,
      fields: recordFields('audit', r.fields, r.raw),
    }));
  }

  /** What a mark's preview needs of a few records, by id. */
  timelinePreviews(
    bundleId: string,
    ids: readonly number[],
  ): Map<number, { kind: RecordKind; message: string; fields: Record<string, unknown> | null }> {
    const out = new Map<
      number,
      { kind: RecordKind; message: string; fields: Record<string, unknown> | null }
    >();
    if (ids.length === 0) return out;
    const rows = this.db
      .prepare(TIMELINE_SQL.previews)
      .safeIntegers(true)
      .all({
        bundle: this.bundleKey(bundleId),
        ids: JSON.stringify(ids.filter(isRecordId)),
        messageChars: TIMELINE_MESSAGE_CHARS,
      }) as { id: bigint; kind: RecordKind; message: string; fields: string | null }[];
    for (const r of rows)
      out.set(Number(r.id), {
        kind: r.kind,
        message: r.message,
        fields: parseJson<Record<string, unknown>>(r.fields),
      });
    return out;
  }
}

/** A request's time window for the timeline queries (ns, inclusive). */
export interface TimelineWindow {
  fromNs: bigint;
  toNs: bigint;
  errorsOnly?: boolean;
}

/** A mark's record as the timeline reads it: no raw text, a message prefix, fields only for log lines. */
export interface TimelineMarkRow {
  id: number;
  tsNs: bigint;
  severity: Severity;
  kind: RecordKind;
  message: string;
  fields: Record<string, unknown> | null;
  linkKind: LinkKind;
  /** The lane signature (sql.ts LANE_SIG). */
  sig: string;
}

export interface TimelineBucketRow {
  sig: string;
  index: number;
  count: number;
  worstRank: number;
  /** The smallest record id among the worst. */
  recordId: number;
}

/**
 * Message characters read for a mark's preview: a one-line preview is cut at 240 characters, so
 * any first line longer than this is cut the same way.
 */
const TIMELINE_MESSAGE_CHARS = 1024;

/** Record ids are below 2^40: a larger one would address another bundle's rowids. */
const isRecordId = (id: number): boolean => Number.isSafeInteger(id) && id >= 0 && id < 2 ** 40;

function parseTime(value: string, name: string): bigint {
  const ns = parseRfc3339Ns(value);
  if (ns === null)
    throw new StoreError('bad_query', `${name}: expected an RFC 3339 time, got ${JSON.stringify(value)}`);
  return ns;
}

/** Opens (creating if needed) the database at `file`, applying migrations. */
export const openStore = (file: string, opts?: StoreOptions): Store => new Store(file, opts);
