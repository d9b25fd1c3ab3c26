import type Database from 'better-sqlite3';
import type { RecordKind } from '@kubetrail/model';
import type { LiteralNeedle } from './literal.ts';
import type { RecordTexts } from './recordTexts.ts';
import type { TextRow } from './rows.ts';
import { ridRange, SEARCH_SQL } from './sql.ts';

type Db = Database.Database;

/** Matching lines are counted up to this many (the UI shows "10 000+"). */
export const SEARCH_COUNT_CAP = 10_000;
/**
 * Once its page is full, a search counts the rest for this long at most (ms): a count that needs
 * every line read (a rare needle whose words are common) must not delay the page it came for.
 */
export const COUNT_AFTER_PAGE_MS = 300;

/**
 * Full-text candidates sorted by time in SQL at most: above this many, lines are walked in time
 * order instead (matches are then frequent enough that a page fills quickly).
 */
const SORT_CANDIDATES_MAX = SEARCH_COUNT_CAP;

/** Where a search looks. Times are UTC ns, inclusive; null means unbounded. */
export interface SearchScope {
  /** Only this request's lines. */
  reqId: string | null;
  /** With `reqId`: only links in these lane numbers (`link_lanes`); null for every lane. */
  lanes: readonly number[] | null;
  component: string | null;
  node: string | null;
  /** Severity rank (SEVERITIES index) a line must reach. */
  minSeverity: number;
  fromNs: bigint | null;
  toNs: bigint | null;
}

/** What to look for: a literal needle, an FTS5 query (advanced mode), or nothing (every line). */
export type SearchText = { mode: 'literal'; needle: LiteralNeedle } | { mode: 'fts'; match: string } | null;

/** A matching line: its rowid, time (null when it has none) and severity rank. */
export interface Hit {
  rid: bigint;
  ts: bigint | null;
  severity: number;
}

/** Thrown (inside SQLite, through the registered functions) when a search's time budget is spent. */
export class SearchTimeout extends Error {
  constructor() {
    super('search time budget spent');
    this.name = 'SearchTimeout';
  }
}

const NO_TS = -(2n ** 63n);
const MAX_TS = 2n ** 63n - 1n;

/** What re-deriving a record's text needs of its file (`TextRow`'s `file_…` columns). */
type FileColumns = Pick<
  TextRow,
  'file_mode' | 'file_wrapper' | 'file_format' | 'file_component' | 'file_node'
>;

/** Letters and digits (what `wordsInRaw` looks for). */
const WORD = /[\p{L}\p{N}]+/gu;
const ASCII = /^[\x20-\x7e]*$/;

/**
 * Runs searches on one connection: registers `kt_hit` and `kt_tick` (sql.ts SEARCH_SQL) and yields
 * matching lines in time order. better-sqlite3 is synchronous, so the needle, bundle and deadline
 * the functions read are those of the one statement running.
 *
 * A line matches when its raw text, its message or (log lines) its key/values hold the needle. Rows
 * written since migration 0009 keep no text: the raw text is read from its block (cached) and,
 * only when it does not hold the needle, message and key/values are parsed again from it
 * (`RecordTexts`) — unless the raw text is one line lacking one of the needle's (ASCII) words, which
 * then cannot be in what is parsed from it either.
 */
export class RecordSearch {
  private needle: LiteralNeedle | null = null;
  /** The needle's words, lower case, when all are ASCII (else null: no shortcut). */
  private words: string[] | null = null;
  private bundle: { id: string; key: bigint } | null = null;
  private files = new Map<number, FileColumns>();
  private deadline = Infinity;

  constructor(
    private readonly db: Db,
    private readonly texts: RecordTexts,
  ) {
    const test = (p: RegExp, s: unknown): boolean => typeof s === 'string' && p.test(s);
    db.function('kt_cached', { deterministic: false }, (block: unknown) =>
      this.bundle !== null && this.texts.blocks.has(this.bundle.id, Number(block)) ? 1 : 0,
    );
    db.function(
      'kt_hit',
      { deterministic: false },
      (
        kind: unknown,
        message: unknown,
        raw: unknown,
        logFields: unknown,
        block: unknown,
        pos: unknown,
        len: unknown,
        derive: unknown,
        fileId: unknown,
        codec: unknown,
        data: unknown,
      ) => {
        this.tick();
        const n = this.needle;
        if (!n) return 1;
        const b = this.bundle;
        const file = this.files.get(Number(fileId));
        if (block === null || b === null || file === undefined) {
          // Text in the row's columns (a bundle written before migration 0009).
          return test(n.pattern, raw) || test(n.pattern, message) || test(n.pattern, logFields) ? 1 : 0;
        }
        if (data instanceof Buffer) this.texts.blocks.put(b.id, Number(block), Number(codec), data);
        const row: TextRow = {
          kind: kind as RecordKind,
          message: message as string,
          fields: logFields as string | null,
          raw: '',
          block: BigInt(block as number),
          pos: BigInt(pos as number),
          len: BigInt(len as number),
          derive: derive === null ? null : BigInt(derive as number),
          ...file,
        };
        const text = this.texts.raw(b.id, b.key, row);
        if (n.pattern.test(text)) return 1;
        if (row.derive === null || row.derive === 0n) {
          // Message and key/values kept in the row.
          return test(n.pattern, message) || test(n.pattern, logFields) ? 1 : 0;
        }
        if (this.words !== null && text.indexOf('\n') === -1) {
          const lower = text.toLowerCase();
          if (this.words.some((w) => !lower.includes(w))) return 0;
        }
        const again = this.texts.of(b.id, b.key, row, text);
        if (n.pattern.test(again.message)) return 1;
        return row.kind === 'log' && again.fields !== null && n.pattern.test(JSON.stringify(again.fields))
          ? 1
          : 0;
      },
    );
    db.function('kt_tick', { deterministic: false }, () => {
      this.tick();
      return 1;
    });
  }

  private tick(): void {
    if (performance.now() > this.deadline) throw new SearchTimeout();
  }

  /**
   * The lines of bundle `key` in `scope` that match `text`, in (time, id) order, lines without a
   * time first. Throws SearchTimeout once `deadline` (a `performance.now()` value) has passed; the
   * caller keeps what it got. Full-text candidates narrow a literal search; when they hold no
   * match (the needle's words are not all indexed: a header, a JSON key, a word cut at its start),
   * every line in scope is checked.
   */
  *hits(key: bigint, scope: SearchScope, text: SearchText, deadline: number): Generator<Hit> {
    const range = ridRange(key);
    const match = text?.mode === 'fts' ? text.match : text?.mode === 'literal' ? text.needle.fts : null;
    const params = {
      bundle: key,
      ...range,
      match,
      reqId: scope.reqId,
      lanes: scope.lanes ? JSON.stringify(scope.lanes) : null,
      component: scope.component,
      node: scope.node,
      minSeverity: scope.minSeverity,
      fromNs: scope.fromNs,
      toNs: scope.toNs,
      fromTs: scope.fromNs ?? NO_TS,
      toTs: scope.toNs ?? MAX_TS,
    };
    this.needle = text?.mode === 'literal' ? text.needle : null;
    this.words = null;
    if (this.needle !== null && ASCII.test(this.needle.text))
      this.words = [...this.needle.text.matchAll(WORD)].map((m) => m[0].toLowerCase());
    const id = this.db.prepare(SEARCH_SQL.bundleIdOfKey).pluck().safeIntegers(true).get(key) as
      string | undefined;
    this.bundle = id === undefined ? null : { id, key };
    // Read now: nothing else can be read while the search's statement runs.
    this.files = new Map();
    for (const f of this.db.prepare(SEARCH_SQL.filesOfBundle).all(key) as (FileColumns & {
      file_id: number;
    })[]) {
      const { file_id: fileId, ...columns } = f;
      this.files.set(fileId, columns);
    }
    this.deadline = deadline;
    const rows = (sql: string): Iterable<Hit> => {
      const stmt = this.db.prepare(sql).safeIntegers(true);
      return (function* () {
        for (const r of stmt.iterate(params) as Iterable<{
          rid: bigint;
          ts: bigint | null;
          severity: bigint;
        }>)
          yield { rid: r.rid, ts: r.ts === NO_TS ? null : r.ts, severity: Number(r.severity) };
      })();
    };
    try {
      if (match !== null) {
        const candidates = Number(
          this.db
            .prepare(SEARCH_SQL.countCandidates)
            .pluck()
            .safeIntegers(true)
            .get({ match, ...range, cap: SORT_CANDIDATES_MAX + 1 }),
        );
        if (candidates <= SORT_CANDIDATES_MAX) {
          let found = false;
          for (const hit of rows(
            text?.mode === 'literal' ? SEARCH_SQL.candidatesLiteral : SEARCH_SQL.candidatesFts,
          )) {
            found = true;
            yield hit;
          }
          if (found || text?.mode === 'fts') return;
        }
      }
      const windowed = scope.fromNs !== null || scope.toNs !== null;
      if (scope.reqId === null) {
        yield* rows(text?.mode === 'fts' ? SEARCH_SQL.walkBundleFts : SEARCH_SQL.walkBundleLiteral);
      } else if (text === null) {
        yield* rows(windowed ? SEARCH_SQL.requestLinesWindow : SEARCH_SQL.requestLines);
      } else if (text.mode === 'fts') {
        yield* rows(windowed ? SEARCH_SQL.walkRequestFtsWindow : SEARCH_SQL.walkRequestFts);
      } else {
        yield* rows(windowed ? SEARCH_SQL.walkRequestLiteralWindow : SEARCH_SQL.walkRequestLiteral);
      }
    } finally {
      this.needle = null;
      this.words = null;
      this.bundle = null;
      this.files = new Map();
      this.deadline = Infinity;
    }
  }

  /**
   * A page of hits (`offset`, `limit`) and how many there are, counted up to `countCap`; stops
   * counting (partial) at the deadline, keeping the page when it is complete. With `around` (a
   * rowid), the page starts a quarter page before that line when it is among the hits.
   */
  page(
    key: bigint,
    scope: SearchScope,
    text: SearchText,
    opts: {
      offset: number;
      limit: number;
      deadline: number;
      countCap?: number;
      around?: bigint | null;
      /** Counting time left once the page is full (ms; default COUNT_AFTER_PAGE_MS). */
      countAfterPageMs?: number;
    },
  ): { hits: Hit[]; offset: number; total: number; capped: boolean; partial: boolean } {
    const around = opts.around ?? null;
    const lead = Math.floor(opts.limit / 4);
    const cap = opts.countCap ?? SEARCH_COUNT_CAP;
    let hits: Hit[] = [];
    /** With `around`: the last `lead` hits before it; then the page starts with them. */
    const before: Hit[] = [];
    let offset = around === null ? opts.offset : -1;
    let total = 0;
    let capped = false;
    let partial = false;
    try {
      for (const hit of this.hits(key, scope, text, opts.deadline)) {
        if (offset < 0) {
          if (hit.rid === around) {
            offset = total - before.length;
            hits = [...before, hit];
          } else {
            before.push(hit);
            if (before.length > lead) before.shift();
          }
        } else if (total >= offset && hits.length < opts.limit) hits.push(hit);
        total++;
        if (hits.length === opts.limit && total === offset + opts.limit)
          this.deadline = Math.min(
            this.deadline,
            performance.now() + (opts.countAfterPageMs ?? COUNT_AFTER_PAGE_MS),
          );
        // One past what is reported is counted, to know that there are more.
        if (offset >= 0 && total > Math.max(cap, offset + opts.limit)) {
          capped = true;
          total--;
          break;
        }
      }
    } catch (err) {
      if (!(err instanceof SearchTimeout)) throw err;
      partial = true;
    }
    // `around` is not among the hits: the page at `offset` instead.
    if (offset < 0) return this.page(key, scope, text, { ...opts, around: null });
    return { hits, offset, total, capped, partial };
  }
}
