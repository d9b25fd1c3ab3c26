import type Database from 'better-sqlite3';
import {
  severityRank,
  type FileInfo,
  type FileReport,
  type ParsedRecord,
  type ParsedSpan,
} from '@kubetrail/model';
import { DEFAULT_LIMITS, REDERIVE, rederiveOf, type Rederive } from '@kubetrail/parsers';
import { FtsSpill } from './ftsSpill.ts';
import { laneSig } from './laneSig.ts';
import { RawBlockWriter } from './rawBlocks.ts';
import { ridOf, SQL } from './sql.ts';

/** Records per write transaction: big enough that commits are rare, small enough to bound the WAL. */
const COMMIT_EVERY = 50_000;
/**
 * A transaction is also committed once it has been open this long (checked as rows arrive): it
 * holds the database's write lock, and other connections (a second ingest, a delete) wait for it.
 */
const COMMIT_AFTER_MS = 500;
/** Page cache of the connection while it bulk-loads a bundle (KiB, as SQLite's negative sizes). */
const BULK_CACHE_SIZE = -16384;

/**
 * Writes one bundle's files, records and spans. Records are numbered in the order they are added
 * (that number is the public record id), so callers must add them in bundle order.
 *
 * Writes go into one open transaction that is committed every ~50 000 records or ~500 ms, and at
 * `finish()`: a commit per small batch cost more than the inserts. The transaction stays open
 * between calls (across the caller's awaits), so anything else written on the same connection
 * meanwhile commits with it. A process killed mid-ingest loses only the
 * uncommitted tail; the bundle row (committed by `beginBundle`) still reads `ingesting` and is
 * marked failed at the next start. Call `finish()` (or `abort()` on failure) so the transaction
 * does not stay open.
 */
export class BundleWriter {
  private nextFileId = 0;
  private nextRecordId = 0;
  private nextSpanId = 0;
  private readonly insertRecord: Database.Statement;
  private readonly insertSpan: Database.Statement;
  private readonly insertFile: Database.Statement;
  private readonly finishFileStmt: Database.Statement;
  private readonly fileComponent = new Map<number, FileInfo>();
  private readonly ridBase: bigint;
  private readonly blocks: RawBlockWriter;
  /** The text the full-text index is built from (the rows no longer hold it). */
  readonly fts = new FtsSpill();
  /** Lane signatures seen so far, numbered from 1 (written to `link_lanes` at the end). */
  private readonly lanes = new Map<string, number>();
  private inTransaction = false;
  private uncommitted = 0;
  private openedAt = 0;
  /** The connection's page cache size before the bulk load (restored by `release`). */
  private readonly cacheSize: number;
  private released = false;

  constructor(
    private readonly db: Database.Database,
    private readonly bundleKey: bigint,
    /** Builds what derives from the records (time order; with `fts`, the full-text index too). */
    private readonly onFinish: (fts: boolean) => void,
  ) {
    this.insertRecord = db.prepare(SQL.insertRecord);
    this.insertSpan = db.prepare(SQL.insertSpan);
    this.insertFile = db.prepare(SQL.insertFile);
    this.finishFileStmt = db.prepare(SQL.finishFile);
    this.ridBase = ridOf(bundleKey, 0);
    const insertBlock = db.prepare(SQL.insertBlock);
    this.blocks = new RawBlockWriter(0, (block, codec, chars, data) => {
      this.begin();
      insertBlock.run(ridOf(bundleKey, block), codec, chars, data);
    });
    db.prepare(SQL.setLayout).run(bundleKey);
    // The bulk load appends in rowid order and reads nothing back: a small page cache is enough,
    // and the default 64 MiB one filled with pages never read again was a third of the peak RSS
    // of a million-line ingest (458 -> 328 MB, bench/RESULTS.md).
    this.cacheSize = Number(db.pragma('cache_size', { simple: true }));
    db.pragma(`cache_size = ${BULK_CACHE_SIZE}`);
  }

  /** Gives the connection its page cache size back. */
  private restoreCache(): void {
    this.db.pragma(`cache_size = ${this.cacheSize}`);
  }

  /** Records written so far. */
  get records(): number {
    return this.nextRecordId;
  }

  get spans(): number {
    return this.nextSpanId;
  }

  private begin(): void {
    if (this.inTransaction) return;
    // IMMEDIATE takes the write lock now, waiting on busy_timeout if another ingest holds it. A
    // deferred BEGIN that reads first fails at once with SQLITE_BUSY when it later upgrades to a
    // write after another connection committed — the "database is locked" concurrent ingests saw.
    this.db.exec('BEGIN IMMEDIATE');
    this.inTransaction = true;
    this.openedAt = performance.now();
  }

  private maybeCommit(added: number): void {
    this.uncommitted += added;
    if (this.uncommitted >= COMMIT_EVERY || performance.now() - this.openedAt >= COMMIT_AFTER_MS)
      this.commit();
  }

  /**
   * Commits what was written so far (the bundle stays `ingesting`), the open text block included:
   * a committed record's text is always there.
   */
  commit(): void {
    if (!this.inTransaction) return;
    this.blocks.flush();
    this.inTransaction = false;
    this.uncommitted = 0;
    this.db.exec('COMMIT');
  }

  /** Rolls back the uncommitted tail after a failure; earlier commits stay until the bundle is deleted. */
  abort(): void {
    this.fts.remove();
    this.release();
    if (!this.inTransaction) return;
    this.inTransaction = false;
    this.uncommitted = 0;
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
  }

  addFile(info: FileInfo): number {
    const fileId = this.nextFileId++;
    this.insertFile.run(fileParams(this.bundleKey, fileId, info));
    this.fileComponent.set(fileId, info);
    return fileId;
  }

  addRecords(fileId: number, records: readonly ParsedRecord[]): void {
    const file = this.fileComponent.get(fileId) ?? null;
    this.addRecordValues(
      fileId,
      records.map((r) => recordValues(r, file)),
    );
  }

  /** Records already turned into values (by {@link recordValues}, maybe in another thread). */
  addRecordValues(fileId: number, rows: readonly RecordValues[]): void {
    if (rows.length === 0) return;
    const info = this.fileComponent.get(fileId);
    const fallbackComponent = info?.component ?? 'unknown';
    const fallbackNode = info?.node ?? null;
    const stmt = this.insertRecord;
    let rid = this.ridBase + BigInt(this.nextRecordId);
    this.begin();
    for (const v of rows) {
      const derived = v[15] !== REDERIVE.KEPT;
      const at = this.blocks.add(v[10]);
      let lane = this.lanes.get(v[16]);
      if (lane === undefined) this.lanes.set(v[16], (lane = this.lanes.size + 1));
      stmt.run(
        rid++,
        fileId,
        v[0],
        v[1],
        v[2],
        v[3],
        v[4],
        v[5] ?? fallbackComponent,
        v[6] ?? fallbackNode,
        v[7],
        derived ? '' : v[8],
        derived ? null : v[9],
        v[11],
        v[12],
        v[13],
        v[14],
        at.block,
        at.pos,
        at.len,
        v[15],
        lane,
      );
      this.fts.add(v[8], v[3] === 'log' ? v[9] : null);
    }
    this.nextRecordId += rows.length;
    this.maybeCommit(rows.length);
  }

  addSpans(fileId: number, spans: readonly ParsedSpan[]): void {
    if (spans.length === 0) return;
    this.begin();
    for (const s of spans) {
      this.insertSpan.run(...spanParams(this.bundleKey, this.nextSpanId++, fileId, s));
    }
    this.maybeCommit(spans.length);
  }

  finishFile(fileId: number, report: FileReport): void {
    this.finishFileStmt.run({
      bundle: this.bundleKey,
      fileId,
      format: report.format,
      wrapper: report.wrapper,
      component: report.component,
      node: report.node,
      bytes: report.bytes,
      lines: report.lines,
      records: report.records,
      skipped: report.skipped,
      timeRule: report.timeRule,
      error: report.error,
    });
  }

  /**
   * Commits, then builds the bundle's time order (`record_times`) and full-text index, deferred to
   * the end: one sorted bulk pass each is cheaper than updating them as rows arrive.
   */
  finish(): void {
    this.finishRecords(true);
    this.release();
  }

  /**
   * `finish` without the full-text index (unless `fts`): the caller builds it with `Store.buildFts`.
   * The connection keeps the bulk load's small page cache until `release()`: what an ingest runs on
   * it next (the time order's sort, correlation's writes, the bundle's counts) would otherwise each
   * fill the 64 MiB one beside correlation's heap — the time order alone took +90 MB of RSS for a
   * million records (bench/RESULTS.md, issue 14).
   */
  finishRecords(fts = false): void {
    this.begin();
    const insertLane = this.db.prepare(SQL.insertLane);
    for (const [sig, lane] of this.lanes) insertLane.run(this.bundleKey, sig, lane);
    this.commit();
    this.fts.close();
    this.onFinish(fts);
    // The page cache is full of the bulk load's pages, which nothing reads again; hand the memory
    // back before correlation and the index build need theirs (peak RSS, SPEC §8).
    this.db.pragma('shrink_memory');
  }

  /** Gives the connection back its page cache size, once the bundle is done (idempotent). */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.db.pragma('shrink_memory');
    this.restoreCache();
  }
}

/**
 * A parsed record as the values its row is written from (after `rid` and `file_id`): primitives
 * only, with `fields` already serialised. `component`/`node` null: the file's. `message` and
 * `fields` are always there (the full-text index and correlation read them); the row keeps them
 * only when `derive` is `KEPT` — otherwise they are parsed again from `raw` when the record is read.
 */
export type RecordValues = [
  line: number,
  ts: bigint | null,
  severityRank: number,
  kind: ParsedRecord['kind'],
  format: ParsedRecord['format'],
  component: string | null,
  node: string | null,
  caller: string | null,
  message: string,
  fields: string | null,
  raw: string,
  reqId: string | null,
  auditId: string | null,
  traceId: string | null,
  spanId: string | null,
  derive: Rederive,
  laneSig: string,
];

/**
 * The one place a parsed record becomes row values. `file`: what the parser said about its file
 * (null: nothing is re-derived, the row keeps its message and fields); `maxLineChars`: the line
 * limit it was parsed with.
 */
export const recordValues = (
  r: ParsedRecord,
  file: FileInfo | null,
  maxLineChars: number = DEFAULT_LIMITS.maxLineBytes,
): RecordValues => [
  r.line,
  r.ts,
  severityRank(r.severity),
  r.kind,
  r.format,
  r.component,
  r.node,
  r.caller,
  r.message,
  // An audit record whose raw lines rebuild its merged event keeps its text once (rows.ts).
  r.fields === null || r.fieldsInRaw === true ? null : JSON.stringify(r.fields),
  r.raw,
  r.reqId,
  r.auditId,
  r.traceId,
  r.spanId,
  file === null ? REDERIVE.KEPT : rederiveOf(r, file, maxLineChars),
  laneSig(
    r.kind,
    r.component ?? file?.component ?? 'unknown',
    r.node ?? file?.node ?? null,
    r.caller,
    r.fields,
  ),
];

/** The `insertFile` parameters of a file (shared with `Store.appendSpans`). */
export const fileParams = (bundle: bigint, fileId: number, info: FileInfo): Record<string, unknown> => ({
  bundle,
  fileId,
  path: info.path,
  format: info.format,
  wrapper: info.wrapper,
  component: info.component,
  node: info.node,
  timeRule: info.timeRule,
  mode: info.mode ?? null,
});

/** The `insertSpan` parameters of a span, in column order (shared with `Store.appendSpans`). */
export const spanParams = (bundle: bigint, id: number | bigint, fileId: number, s: ParsedSpan): unknown[] => [
  bundle,
  id,
  fileId,
  s.traceId,
  s.spanId,
  s.parentSpanId,
  s.name,
  s.service,
  s.component,
  s.node,
  s.start,
  s.end,
  s.statusCode,
  s.statusMessage,
  JSON.stringify(s.attributes),
  JSON.stringify(s.resource),
  JSON.stringify(s.events.map((e) => ({ ...e, ts: e.ts.toString() }))),
  s.auditId,
];
