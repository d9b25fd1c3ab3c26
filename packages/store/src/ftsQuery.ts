import { StoreError } from './storeError.ts';

/** Terms (words, phrases) an advanced query may hold: each one is a doclist FTS5 reads. */
export const MAX_FTS_TERMS = 16;
/** Prefix terms (`word*`) an advanced query may hold: each one expands to every matching index term. */
export const MAX_FTS_PREFIXES = 4;
/** Shortest prefix stem: `a*` would expand to a good share of the whole vocabulary. */
export const MIN_FTS_PREFIX_CHARS = 3;

const FTS_SYNTAX = /["()*^:]|\b(AND|OR|NOT|NEAR)\b/;
const OPERATORS = new Set(['AND', 'OR', 'NOT', 'NEAR']);

/**
 * Turns an advanced search (FTS5 syntax: `"a phrase"`, `AND`/`OR`/`NOT`, `NEAR(…)`, `prefix*`,
 * parentheses) into the FTS5 query to run, bounded so that no one query can hold a worker for
 * long: at most MAX_FTS_TERMS terms and MAX_FTS_PREFIXES prefixes of MIN_FTS_PREFIX_CHARS or more
 * characters. Text without FTS syntax is quoted word by word (`web-7d4b9c5f6-abcde` searches as
 * written). Throws `bad_query` naming the limit; a syntax error is SQLite's to report.
 */
export function toFtsQuery(input: string): string {
  const text = input.trim();
  if (!FTS_SYNTAX.test(text))
    return text
      .split(/\s+/)
      .filter((t) => t.length > 0)
      .map((t) => `"${t.replaceAll('"', '""')}"`)
      .join(' ');
  let terms = 0;
  let prefixes = 0;
  // Phrases, then barewords; a `*` right after either makes it a prefix.
  for (const m of text.matchAll(/"((?:[^"]|"")*)"?\s*(\*)?|([^\s"()*^:+]+)\s*(\*)?/g)) {
    const phrase = m[1];
    const word = m[3];
    if (word !== undefined && OPERATORS.has(word)) continue;
    terms++;
    if (m[2] === undefined && m[4] === undefined) continue;
    prefixes++;
    const stem = (phrase ?? word ?? '').trim().split(/\s+/).pop() ?? '';
    if ([...stem].length < MIN_FTS_PREFIX_CHARS)
      throw new StoreError(
        'bad_query',
        `"${stem}*": a prefix needs at least ${MIN_FTS_PREFIX_CHARS} characters before the *`,
        { query: input },
      );
  }
  if (terms > MAX_FTS_TERMS)
    throw new StoreError(
      'bad_query',
      `too many terms (${terms}): an advanced search takes at most ${MAX_FTS_TERMS}`,
      {
        query: input,
      },
    );
  if (prefixes > MAX_FTS_PREFIXES)
    throw new StoreError(
      'bad_query',
      `too many prefixes (${prefixes}): an advanced search takes at most ${MAX_FTS_PREFIXES} words ending in *`,
      { query: input },
    );
  return text;
}
