import Database from 'better-sqlite3';
import {
  severityFromRank,
  type CorrelationSource,
  type FileInfo,
  type Link,
  type LinkKind,
  type LogRecord,
  type ParsedSpan,
  type RecordFilter,
  type RecordKind,
  type Severity,
  type StoredRecord,
  type StoredSpan,
} from '@kubetrail/model';
import { BundleWriter, fileParams, spanParams } from './bundleWriter.ts';
import { BlockCache } from './rawBlocks.ts';
import { RecordTexts } from './recordTexts.ts';
import {
  recordFields,
  toLogRecord,
  type RecordRow,
  type TextRow,
  type SpanRow,
  toStoredSpan,
} from './rows.ts';
import { APPEND_SQL, isRecordId, ridOf, ridRange, SQL } from './sql.ts';
import type { SearchRepository } from './searchRepository.ts';
import type { StoreContext } from './storeContext.ts';

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
  block: bigint | null,
  pos: bigint | null,
  len: bigint | null,
  derive: bigint | null,
  fileMode: string | null,
  fileWrapper: TextRow['file_wrapper'],
  fileFormat: TextRow['file_format'],
  fileComponent: string | null,
  fileNode: string | null,
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
  readonly message: string = '';
  readonly reqId: string | null;
  readonly auditId: string | null;
  readonly traceId: string | null;
  readonly spanId: string | null;
  private fieldsText: string | null;
  private auditRaw: string | null;
  private parsed: Record<string, unknown> | null | undefined;

  /**
   * `row`: the columns of `SQL.correlationRecords…`, in order, as better-sqlite3 returns them raw;
   * `text`: reads the text of a record stored in a block (migration 0009).
   */
  constructor(
    row: CorrelationRow,
    text: (row: TextRow) => { message: string; fields: Record<string, unknown> | null },
  ) {
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
    if (row[16] !== null) {
      const t = text({
        kind: row[4],
        message: row[9],
        fields: row[10],
        raw: '',
        block: row[16],
        pos: row[17],
        len: row[18],
        derive: row[19],
        file_mode: row[20],
        file_wrapper: row[21],
        file_format: row[22],
        file_component: row[23],
        file_node: row[24],
      });
      this.message = t.message;
      this.parsed = t.fields;
    }
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

/** Records: writing a bundle's, reading one or a page with its text, the record-side of correlation. */
export class RecordRepository {
  constructor(
    private readonly ctx: StoreContext,
    private readonly search: SearchRepository,
  ) {}

  /** A writer for a bundle that `beginBundle` started. */
  createWriter(bundleId: string): BundleWriter {
    const key = this.ctx.bundleKey(bundleId);
    const writer: BundleWriter = new BundleWriter(this.ctx.db, key, (fts) => {
      this.ctx.db
        .transaction(() => {
          this.ctx.db.prepare(SQL.buildTimes).run({ key, ...ridRange(key) });
          if (fts) this.search.indexSpill(key, writer.fts);
        })
        .immediate();
      if (fts) writer.fts.remove();
      else this.ctx.pendingFts.set(bundleId, writer.fts);
    });
    return writer;
  }

  getRecord(bundleId: string, id: number): LogRecord | null {
    if (!isRecordId(id)) return null;
    const key = this.ctx.bundleKey(bundleId);
    const row = this.ctx.db.prepare(SQL.recordById).safeIntegers(true).get(ridOf(key, id)) as
      RecordRow | undefined;
    return row ? toLogRecord(bundleId, row, this.ctx.texts.of(bundleId, key, row)) : null;
  }

  /**
   * Every record of a bundle with its text, in id order (streamed: for checks and exports that
   * read a whole bundle, not for pages).
   */
  *bundleRecords(bundleId: string): Generator<LogRecord & { tsNs: bigint | null }> {
    const key = this.ctx.bundleKey(bundleId);
    const rows = this.ctx.db
      .prepare(SQL.bundleRecords)
      .safeIntegers(true)
      .iterate(ridRange(key)) as Iterable<RecordRow>;
    for (const r of rows)
      yield { ...toLogRecord(bundleId, r, this.ctx.texts.of(bundleId, key, r)), tsNs: r.ts };
  }

  /**
   * Up to `n` records either side of `id` in time among the lines of its file (a file window of
   * 3n either side, sorted by time: audit logs are written when calls complete, so file order is
   * not time order), the record itself included, each with the requests it belongs to.
   */
  neighbours(bundleId: string, id: number, n = 5): (LogRecord & { reqIds: string[] })[] {
    if (!isRecordId(id)) return [];
    const key = this.ctx.bundleKey(bundleId);
    const row = this.ctx.db.prepare(SQL.recordById).safeIntegers(true).get(ridOf(key, id)) as
      RecordRow | undefined;
    if (!row) return [];
    const rows = this.ctx.db
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
    for (const l of this.ctx.db
      .prepare<[bigint, string], { record: number; req_id: string }>(SQL.recordLinksMany)
      .all(key, JSON.stringify(window.map((r) => Number(r.id)))))
      reqIds.set(l.record, [...(reqIds.get(l.record) ?? []), l.req_id].sort());
    return window.map((r) => ({
      ...toLogRecord(bundleId, r, this.ctx.texts.of(bundleId, key, r)),
      reqIds: reqIds.get(Number(r.id)) ?? [],
    }));
  }

  recordLinks(bundleId: string, id: number): Link[] {
    return this.ctx.db
      .prepare<[bigint, number], { req_id: string; kind: LinkKind; evidence: string }>(SQL.recordLinks)
      .all(this.ctx.bundleKey(bundleId), id)
      .map((r) => ({ reqId: r.req_id, kind: r.kind, evidence: r.evidence }));
  }

  relatedRequests(bundleId: string, id: number): { reqId: string; object: string }[] {
    return this.ctx.db
      .prepare<[bigint, number], { req_id: string; object: string }>(SQL.relatedRequests)
      .all(this.ctx.bundleKey(bundleId), id)
      .map((r) => ({ reqId: r.req_id, object: r.object }));
  }

  /**
   * Read access for correlate. It reads through its own connection so that links can be written
   * on the main one while an iterator is open.
   */
  correlationSource(bundleId: string): CorrelationSource & { close(): void } {
    const key = this.ctx.bundleKey(bundleId);
    const reader = new Database(this.ctx.file, { readonly: true });
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
    const blockStmt = reader.prepare(SQL.block);
    const texts = new RecordTexts(
      new BlockCache((k, n) => blockStmt.get(ridOf(k, n)) as { codec: number; data: Buffer } | undefined),
    );
    const text = (row: TextRow) => texts.of(bundleId, key, row);
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
        for (const row of rows) yield new LazyStoredRecord(row, text);
      },
      *spans(): Iterable<StoredSpan> {
        for (const row of spansStmt.iterate(key) as Iterable<SpanRow>) yield toStoredSpan(row);
      },
      close: () => reader.close(),
    };
  }

  /** A bundle's spans in (start, id) order, as correlation reads them (on this connection). */
  *correlationSpans(bundleId: string): Generator<StoredSpan> {
    const key = this.ctx.bundleKey(bundleId);
    for (const row of this.ctx.db
      .prepare(SQL.correlationSpans)
      .safeIntegers(true)
      .iterate(key) as Iterable<SpanRow>)
      yield toStoredSpan(row);
  }

  /**
   * Appends spans to an existing bundle as one new file (`info.path`), numbering the file and the
   * spans after those already stored, in one transaction. For the live receiver, whose bundle
   * grows batch by batch across server restarts (a BundleWriter numbers from zero). Returns the
   * new file's id.
   */
  appendSpans(bundleId: string, info: FileInfo, spans: readonly ParsedSpan[]): number {
    const key = this.ctx.bundleKey(bundleId);
    const insertFile = this.ctx.db.prepare(SQL.insertFile);
    const insertSpan = this.ctx.db.prepare(SQL.insertSpan);
    return this.ctx.db
      .transaction(() => {
        const next = this.ctx.db.prepare(APPEND_SQL.nextIds).safeIntegers(true).get(key, key) as {
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
}
