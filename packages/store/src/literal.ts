/**
 * Literal search: what a person pastes (`pods=["default/db-7d4b9c5f6-abcde"]`, `db-qcbn`, `(`,
 * `E0610 11:35:41.000001 1 kubelet.go:2434] Error syncing pod`) is matched as typed, every word and
 * symbol, case-insensitively, against the line as it was written (its raw text), its message and
 * its key/values.
 *
 * The full-text index only narrows the candidates: it holds the words of messages and key/values,
 * so a needle's words (not its symbols) give an FTS5 query whose matches are then checked against
 * the needle itself. A line's header (wrapper time, klog `E0610 11:35:41.000001 1 kubelet.go:2434]`)
 * is not indexed: a needle that starts with one leaves it out of the index query, and a needle with
 * no indexed word at all is checked line by line (bounded by the caller's time budget).
 */

/** Words of the needle used to narrow candidates, at most (the longest are kept). */
export const MAX_INDEX_WORDS = 16;
/** A needle's last word is matched as a prefix in the index only from this length (cost of expansion). */
export const MIN_PREFIX_CHARS = 3;

export interface LiteralNeedle {
  /** The needle as matched (trimmed, a trailing `*` dropped). */
  text: string;
  /** An FTS5 query that every line containing the needle matches, or null when none is known. */
  fts: string | null;
  /** The needle as a pattern: case-insensitive, any run of white space matching any other. */
  pattern: RegExp;
}

/** Letters and digits: the characters FTS5's unicode61 tokenizer keeps in words. */
const WORD = /[\p{L}\p{N}]+/gu;
const IS_WORD_CHAR = /[\p{L}\p{N}]/u;

/**
 * A line header a pasted line may start with, which the index does not hold: a wrapper time
 * (`2024-06-10T11:35:40.244334567Z stderr F `, `Jun 10 11:35:40 host kubelet[23617]: `) and a klog
 * header (`E0610 11:35:41.000001       1 kubelet.go:2434] `), each part optional, only at the start.
 */
const HEADER = new RegExp(
  [
    '^\\s*',
    // RFC 3339 wrapper time, then a CRI stream and tag
    '(?:\\d{4}-\\d\\d-\\d\\d[T ]\\d\\d:\\d\\d:\\d\\d(?:[.,]\\d+)?(?:Z|[+-]\\d\\d:?\\d\\d)?(?:\\s+|$)(?:(?:stdout|stderr)\\s+[FP]\\s+)?)?',
    // journald short: `Jun 10 11:35:40 host unit[pid]: `
    '(?:[A-Z][a-z]{2}\\s+\\d{1,2}\\s+\\d\\d:\\d\\d:\\d\\d\\s+\\S+\\s+[\\w.@/-]+(?:\\[\\d+\\])?:\\s+)?',
    // klog: `E0610 11:35:41.000001       1 kubelet.go:2434] `
    '(?:[IWEF]\\d{4}(?:\\s+|$))?',
    '(?:\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?(?:\\s+|$)(?:\\d+\\s+)?)?',
    '(?:[\\w.-]+\\.go:\\d+\\](?:\\s+|$))?',
  ].join(''),
);

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The part of a needle after any line header it starts with. */
export function withoutHeader(text: string): string {
  const m = HEADER.exec(text);
  return m ? text.slice(m[0].length) : text;
}

/**
 * Reads a literal needle. Returns null for a needle with nothing to match (empty, or only `*`).
 * `fts` is null when no word of the needle can narrow the search (`(`, `"`, `E0610`, a one- or
 * two-letter word): every line in scope is then checked.
 */
export function parseLiteral(input: string): LiteralNeedle | null {
  const text = input.trim().replace(/\*+$/, '').trimEnd();
  if (text === '') return null;
  // A quote may be escaped where the line is JSON (`{"log":"… pods=[\\"shop/web\\"]"}`, audit
  // events, key/values): `"` also matches `\\"`.
  const pattern = new RegExp(
    text
      .split(/\s+/)
      .map((part) => escapeRegExp(part).replaceAll('"', '\\\\?"'))
      .join('\\s+'),
    'iu',
  );
  const body = withoutHeader(text);
  const words = [...body.matchAll(WORD)].map((m) => ({ word: m[0], end: (m.index ?? 0) + m[0].length }));
  const last = words[words.length - 1];
  // A needle that ends inside a word ("db-qcb") may end inside a longer one: its last word is a
  // prefix. A needle that ends in a symbol ("pods=[") has every word whole.
  const openEnd = last !== undefined && last.end === body.length && IS_WORD_CHAR.test(body.slice(-1));
  const whole = (openEnd ? words.slice(0, -1) : words).map((w) => w.word.toLowerCase());
  const terms = [...new Set(whole)]
    .sort((a, b) => b.length - a.length)
    .slice(0, MAX_INDEX_WORDS)
    .map((w) => `"${w}"`);
  if (openEnd && last.word.length >= MIN_PREFIX_CHARS) terms.push(`"${last.word.toLowerCase()}" *`);
  // A lone short word would match too many index terms as a prefix: check lines instead.
  if (terms.length === 0) return { text, fts: null, pattern };
  return { text, fts: terms.join(' AND '), pattern };
}

/** Where the needle occurs in `text` (UTF-16 offsets), or null. */
export function findLiteral(needle: LiteralNeedle, text: string): { start: number; end: number } | null {
  const m = needle.pattern.exec(text);
  return m ? { start: m.index, end: m.index + m[0].length } : null;
}

/** Characters of context either side of a match in a snippet taken from a long line. */
const SNIPPET_CONTEXT = 120;

/**
 * A one-line snippet of `text` with the match wrapped in \u0002…\u0003 (the API's markers, never
 * HTML): the whole text when short, else the match with context and `…` where cut.
 */
export function literalSnippet(text: string, at: { start: number; end: number }): string {
  const from = Math.max(0, at.start - SNIPPET_CONTEXT);
  const to = Math.min(text.length, at.end + SNIPPET_CONTEXT * 2);
  return (
    (from > 0 ? '…' : '') +
    text.slice(from, at.start) +
    '\u0002' +
    text.slice(at.start, at.end) +
    '\u0003' +
    text.slice(at.end, to) +
    (to < text.length ? '…' : '')
  );
}
