import Database from 'better-sqlite3';
import type { RecordKind, RecordsQuery, SearchResult } from '@kubetrail/model';
import { toFtsQuery } from './ftsQuery.ts';
import type { FtsSpill } from './ftsSpill.ts';
import { buildFtsInWorker } from './ftsWorker.ts';
import { highlight, queryPhrases } from './highlight.ts';
import { toLogRecord, type RecordRow } from './rows.ts';
import { ridRange, SQL } from './sql.ts';
import { StoreError } from './storeError.ts';
import { INGEST_BUSY_TIMEOUT_MS, type StoreContext } from './storeContext.ts';

/** Search hits are counted up to this many; the UI shows "10 000+". */
export const SEARCH_COUNT_CAP = 10_000;
/** Records indexed per full-text transaction (migration 0006): ~1 s of write lock each. */
const FTS_STEP = 200_000;

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
function searchSnippet(
  text: { message: string; fields: Record<string, unknown> | null },
  kind: RecordKind,
  phrases: ReturnType<typeof queryPhrases>,
): string {
  const message = highlight(text.message, phrases, 24);
  // The key/values are indexed for log lines only (migration 0005): shown when the match is there.
  if (kind !== 'log' || text.fields === null) return message;
  const fields = highlight(JSON.stringify(text.fields), phrases, 16);
  return fields.includes('\u0002') ? `${message}  ${fields}` : message;
}

/** Full-text search: building a bundle's index, finding and highlighting hits, counting matches over time. */
export class SearchRepository {
  constructor(private readonly ctx: StoreContext) {}

  /** Indexes the spilled text here, in the caller's transaction. */
  indexSpill(key: bigint, spill: FtsSpill): void {
    const insert = this.ctx.db.prepare(SQL.insertFts);
    let rid = ridRange(key).lo;
    for (const [message, logFields] of spill.entries()) insert.run(rid++, message, logFields);
    this.ctx.db.prepare(SQL.setFtsBuilt).run(key);
  }

  /**
   * Builds a bundle's full-text index (after `BundleWriter.finishRecords`) on another connection in
   * a worker thread, so that correlation (`bufferCorrelation`) runs meanwhile; resolves once it is
   * committed. Nothing may write on this store's connection until then: the worker holds the
   * write lock. An in-memory database has no second connection: the index is built here.
   */
  async buildFts(bundleId: string, opts: { step?: number } = {}): Promise<void> {
    const key = this.ctx.bundleKey(bundleId);
    const spill = this.ctx.pendingFts.get(bundleId);
    if (spill === undefined) throw new StoreError('conflict', `bundle ${bundleId} has no records to index`);
    this.ctx.pendingFts.delete(bundleId);
    try {
      if (this.ctx.file === ':memory:' || spill.count === 0) {
        this.ctx.db.transaction(() => this.indexSpill(key, spill)).immediate();
        return;
      }
      await buildFtsInWorker({
        file: this.ctx.file,
        busyTimeoutMs: INGEST_BUSY_TIMEOUT_MS,
        insert: SQL.insertFts,
        progress: SQL.setFtsUpto,
        done: SQL.setFtsBuilt,
        key,
        lo: ridRange(key).lo,
        spill: spill.file,
        step: opts.step ?? FTS_STEP,
      });
    } finally {
      spill.remove();
    }
  }

  /** Full-text search over messages and log lines' key/values, in bundle order. FTS syntax errors throw `bad_query`. */
  searchRecords(bundleId: string, query: RecordsQuery): SearchResult {
    const key = this.ctx.bundleKey(bundleId);
    const match = toFtsQuery(query.q);
    if (match === '') return { hits: [], total: 0, offset: query.offset, limit: query.limit };
    try {
      const rows = this.ctx.db
        .prepare(SQL.search)
        .safeIntegers(true)
        .all({ match, ...ridRange(key), limit: query.limit, offset: query.offset }) as RecordRow[];
      const total = Number(
        (
          this.ctx.db
            .prepare(SQL.searchCount)
            .safeIntegers(true)
            .get({ match, ...ridRange(key), cap: SEARCH_COUNT_CAP }) as {
            n: bigint;
          }
        ).n,
      );
      const ids = rows.map((r) => Number(r.id));
      const reqIds = new Map<number, string[]>();
      for (const l of this.ctx.db
        .prepare<[bigint, string], { record: number; req_id: string }>(SQL.recordLinksMany)
        .all(key, JSON.stringify(ids))) {
        reqIds.set(l.record, [...(reqIds.get(l.record) ?? []), l.req_id]);
      }
      const phrases = queryPhrases(match);
      return {
        hits: rows.map((r) => {
          const text = this.ctx.texts.of(bundleId, key, r);
          return {
            record: toLogRecord(bundleId, r, text),
            snippet: searchSnippet(text, r.kind, phrases),
            reqIds: reqIds.get(Number(r.id)) ?? [],
          };
        }),
        total,
        offset: query.offset,
        limit: query.limit,
      };
    } catch (err) {
      if (isFtsQueryError(err)) {
        throw new StoreError('bad_query', `invalid search query: ${err.message}`, { query: query.q });
      }
      throw err;
    }
  }

  matchHistogram(
    key: bigint,
    match: string,
    p: { from: bigint; to: bigint; width: bigint; reqId: string | null },
  ): { b: bigint; severity: bigint; n: bigint }[] {
    try {
      return this.ctx.db
        .prepare(SQL.histogramOfMatches)
        .safeIntegers(true)
        .all({ ...p, bundle: key, match, ...ridRange(key) }) as { b: bigint; severity: bigint; n: bigint }[];
    } catch (err) {
      if (isFtsQueryError(err))
        throw new StoreError('bad_query', `invalid search query: ${err.message}`, { query: match });
      throw err;
    }
  }
}
