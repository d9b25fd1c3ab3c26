import Database from 'better-sqlite3';
import {
  parseRfc3339Ns,
  severityRank,
  type LinkKind,
  type LogRecord,
  type RecordKind,
  type RecordsQuery,
  type SearchMode,
  type SearchResult,
  type Severity,
} from '@kubetrail/model';
import { toFtsQuery } from './ftsQuery.ts';
import type { FtsSpill } from './ftsSpill.ts';
import { buildFtsInWorker } from './ftsWorker.ts';
import { highlight, queryPhrases } from './highlight.ts';
import { findLiteral, literalSnippet, parseLiteral, type LiteralNeedle } from './literal.ts';
import { RecordSearch, SearchTimeout, type Hit, type SearchScope, type SearchText } from './recordSearch.ts';
import { toLogRecord, type RecordRow, type RecordText } from './rows.ts';
import { isRecordId, ridOf, ridRange, SEARCH_SQL, SQL } from './sql.ts';
import { StoreError } from './storeError.ts';
import { INGEST_BUSY_TIMEOUT_MS, type StoreContext } from './storeContext.ts';

export { SEARCH_COUNT_CAP } from './recordSearch.ts';
/**
 * How long one search may run on this connection by default (ms). The server runs searches on a
 * connection of their own in a worker and gives them less.
 */
export const DEFAULT_SEARCH_BUDGET_MS = 10_000;
/** Records indexed per full-text transaction (migration 0006): ~1 s of write lock each. */
const FTS_STEP = 200_000;

/**
 * An error SQLite raises for a bad full-text query (what the person typed, not our SQL): a syntax
 * error, an unterminated string, an unknown column filter, a lone `*` ("unknown special query").
 */
const isFtsQueryError = (err: unknown): err is Error =>
  err instanceof Database.SqliteError &&
  /fts5|syntax|unterminated|no such column|unknown special query/i.test(err.message);

/** Runs `fn`, turning SQLite's complaints about an FTS query into `bad_query`. */
function guardFts<T>(q: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (isFtsQueryError(err))
      throw new StoreError('bad_query', `invalid search query: ${err.message}`, { query: q });
    throw err;
  }
}

function parseTime(value: string, name: string): bigint {
  const ns = parseRfc3339Ns(value);
  if (ns === null)
    throw new StoreError('bad_query', `${name}: expected an RFC 3339 time, got ${JSON.stringify(value)}`);
  return ns;
}

/**
 * A hit's snippet in advanced (FTS) mode: the message, highlighted where it matched, and the
 * key/values' snippet after it when the match is there (matches marked \x02…\x03, as FTS5's
 * `snippet()` did before the index became contentless).
 */
function searchSnippet(text: RecordText, kind: RecordKind, phrases: ReturnType<typeof queryPhrases>): string {
  const message = highlight(text.message, phrases, 24);
  // The key/values are indexed for log lines only (migration 0005): shown when the match is there.
  if (kind !== 'log' || text.fields === null) return message;
  const fields = highlight(JSON.stringify(text.fields), phrases, 16);
  return fields.includes('\u0002') ? `${message}  ${fields}` : message;
}

/**
 * Where a literal needle matched: the message (highlighted), else the raw line around the match,
 * else the message followed by its key/values with the match highlighted there.
 */
function literalHitSnippet(needle: LiteralNeedle, kind: RecordKind, text: RecordText): string {
  const inMessage = findLiteral(needle, text.message);
  if (inMessage) return literalSnippet(text.message, inMessage);
  const inRaw = findLiteral(needle, text.raw);
  if (inRaw) return literalSnippet(text.raw, inRaw);
  const fields = kind === 'log' && text.fields !== null ? JSON.stringify(text.fields) : null;
  const inFields = fields === null ? null : findLiteral(needle, fields);
  return inFields && fields !== null ? `${text.message}  ${literalSnippet(fields, inFields)}` : text.message;
}

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

/** A search's scope from its query (times checked here: a bad one is `bad_query`). */
function searchScope(q: StoreSearchScope, lanes: readonly number[] | null): SearchScope {
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

/** Search: building a bundle's full-text index, finding and highlighting hits (literal or FTS), counting them over time. */
export class SearchRepository {
  private readonly search: RecordSearch;

  constructor(private readonly ctx: StoreContext) {
    this.search = new RecordSearch(ctx.db, ctx.texts);
  }

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
    const key = this.ctx.bundleKey(bundleId);
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
    const page = guardFts(query.q, () =>
      this.search.page(key, searchScope(query, opts.lanes ?? null), text, {
        offset: query.offset,
        limit: query.limit,
        deadline: performance.now() + (opts.budgetMs ?? DEFAULT_SEARCH_BUDGET_MS),
        countAfterPageMs: opts.countAfterPageMs,
      }),
    );
    return {
      ...empty,
      hits: this.toHits(bundleId, key, page.hits, text),
      total: page.total,
      capped: page.capped,
      partial: page.partial,
    };
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
    const key = this.ctx.bundleKey(bundleId);
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
    const page = guardFts(opts.q ?? '', () =>
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
    for (const row of this.ctx.db
      .prepare(SEARCH_SQL.rows)
      .safeIntegers(true)
      .all({ bundle: key, ids }) as RecordRow[])
      rows.set(Number(row.id), row);
    const links = new Map<number, { kind: LinkKind; sig: string | null }>();
    for (const l of this.ctx.db.prepare(SEARCH_SQL.requestLineLinks).all({ bundle: key, reqId, ids }) as {
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
      lines.push({
        record: toLogRecord(bundleId, row, this.ctx.texts.of(bundleId, key, row)),
        tsNs: row.ts,
        linkKind: link.kind,
        sig: link.sig,
      });
    }
    return { lines, offset: page.offset, total: page.total, capped: page.capped, partial: page.partial };
  }

  /**
   * Adds each line of bundle `key` in `scope` that matches `q` (read as `mode` says) to `add`
   * (time, severity rank), until `budgetMs`; returns whether it stopped early (`partial`).
   */
  countHits(
    key: bigint,
    scope: SearchScope,
    q: string,
    mode: SearchMode,
    budgetMs: number | undefined,
    add: (ts: bigint, severity: number) => void,
  ): boolean {
    const text = searchText(mode, q);
    const deadline = performance.now() + (budgetMs ?? DEFAULT_SEARCH_BUDGET_MS);
    let partial = false;
    guardFts(q, () => {
      if (!text) return;
      try {
        for (const hit of this.search.hits(key, scope, text, deadline))
          if (hit.ts !== null) add(hit.ts, hit.severity);
      } catch (err) {
        if (!(err instanceof SearchTimeout)) throw err;
        partial = true;
      }
    });
    return partial;
  }

  /** Full rows of a page of hits, in the hits' order, with their snippets and requests. */
  private toHits(
    bundleId: string,
    key: bigint,
    page: readonly Hit[],
    text: SearchText,
  ): SearchResult['hits'] {
    const { lo } = ridRange(key);
    const ids = page.map((h) => Number(h.rid - lo));
    const json = JSON.stringify(ids);
    const byId = new Map<number, RecordRow>();
    for (const row of this.ctx.db
      .prepare(SEARCH_SQL.rows)
      .safeIntegers(true)
      .all({ bundle: key, ids: json }) as RecordRow[])
      byId.set(Number(row.id), row);
    const reqIds = new Map<number, string[]>();
    for (const l of this.ctx.db
      .prepare<[bigint, string], { record: number; req_id: string }>(SQL.recordLinksMany)
      .all(key, json)) {
      reqIds.set(l.record, [...(reqIds.get(l.record) ?? []), l.req_id]);
    }
    const phrases = text?.mode === 'fts' ? queryPhrases(text.match) : null;
    const hits: SearchResult['hits'] = [];
    for (const id of ids) {
      const row = byId.get(id);
      if (!row) continue;
      const t = this.ctx.texts.of(bundleId, key, row);
      const snippet =
        text?.mode === 'literal'
          ? literalHitSnippet(text.needle, row.kind, t)
          : phrases !== null
            ? searchSnippet(t, row.kind, phrases)
            : t.message;
      hits.push({
        record: toLogRecord(bundleId, row, t),
        snippet,
        reqIds: (reqIds.get(id) ?? []).sort(),
      });
    }
    return hits;
  }
}
