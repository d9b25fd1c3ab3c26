/**
 * Search hits highlighted by the store (the full-text index is contentless, so SQLite's
 * `snippet()` has no text to cut): the query's phrases are found again in the hit's text with the
 * tokenizer's rules (FTS5 `unicode61`: runs of letters and digits, case-folded, diacritics removed)
 * and marked \x02…\x03 as `snippet()` did, in a window of at most `maxTokens` tokens with `…` where
 * text was left out.
 */

/** One phrase of a query: its tokens, and whether its last token is a prefix (`abc*`). */
export interface Phrase {
  tokens: string[];
  prefix: boolean;
}

const TOKEN = /[\p{L}\p{N}\p{Co}]+/gu;
const MARKS = /\p{M}/gu;

const fold = (t: string): string => t.normalize('NFD').replace(MARKS, '').toLowerCase();

interface Token {
  text: string;
  start: number;
  end: number;
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN))
    out.push({ text: fold(m[0]), start: m.index, end: m.index + m[0].length });
  return out;
}

const KEYWORDS = new Set(['AND', 'OR', 'NOT']);

/**
 * The phrases of an FTS5 query (as `toFtsQuery` writes it or a person typed it): quoted strings and
 * bare words, `*` prefixes; operators, column filters and the terms after NOT are left out (they
 * mark nothing).
 */
export function queryPhrases(query: string): Phrase[] {
  const out: Phrase[] = [];
  let skip = false;
  const re = /"((?:[^"]|"")*)"(\*?)|([^\s"()*:^,]+)(\*?)|(\S)/g;
  for (const m of query.matchAll(re)) {
    const quoted = m[1];
    const word = m[3];
    if (word !== undefined && (KEYWORDS.has(word) || /^NEAR$/.test(word))) {
      skip = word === 'NOT';
      continue;
    }
    if (word !== undefined && query[(m.index ?? 0) + m[0].length] === ':') continue; // column filter
    const text = quoted !== undefined ? quoted.replaceAll('""', '"') : word;
    if (text === undefined) continue;
    const prefix = (quoted !== undefined ? m[2] : m[4]) === '*';
    const tokens = tokenize(text).map((t) => t.text);
    if (skip) {
      skip = false;
      continue;
    }
    if (tokens.length > 0) out.push({ tokens, prefix });
  }
  return out;
}

/** Where phrases match in `tokens`: [first token, last token] pairs, merged, in order. */
function matches(tokens: readonly Token[], phrases: readonly Phrase[]): [number, number][] {
  const spans: [number, number][] = [];
  for (const p of phrases) {
    const n = p.tokens.length;
    for (let i = 0; i + n <= tokens.length; i++) {
      let ok = true;
      for (let k = 0; k < n && ok; k++) {
        const want = p.tokens[k]!;
        const have = tokens[i + k]!.text;
        ok = p.prefix && k === n - 1 ? have.startsWith(want) : have === want;
      }
      if (ok) spans.push([i, i + n - 1]);
    }
  }
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: [number, number][] = [];
  for (const s of spans) {
    const last = merged.at(-1);
    if (last !== undefined && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else merged.push([s[0], s[1]]);
  }
  return merged;
}

/** Whether any phrase matches `text`. */
export function hasMatch(text: string, phrases: readonly Phrase[]): boolean {
  return matches(tokenize(text), phrases).length > 0;
}

/**
 * `text` with the phrases' matches marked \x02…\x03, cut to a window of `maxTokens` tokens around
 * the first match (`…` where text was left out); the whole text when it has no more tokens.
 */
export function highlight(text: string, phrases: readonly Phrase[], maxTokens: number): string {
  const tokens = tokenize(text);
  const spans = matches(tokens, phrases);
  let from = 0;
  let to = tokens.length - 1;
  if (tokens.length > maxTokens) {
    const first = spans[0]?.[0] ?? 0;
    from = Math.max(0, Math.min(first - 2, tokens.length - maxTokens));
    to = from + maxTokens - 1;
  }
  const startAt = from === 0 ? 0 : tokens[from]!.start;
  const endAt = to >= tokens.length - 1 ? text.length : tokens[to]!.end;
  let out = from === 0 ? '' : '…';
  let at = startAt;
  for (const [a, b] of spans) {
    if (b < from || a > to) continue;
    const s = tokens[Math.max(a, from)]!.start;
    const e = tokens[Math.min(b, to)]!.end;
    out += `${text.slice(at, s)}\u0002${text.slice(s, e)}\u0003`;
    at = e;
  }
  out += text.slice(at, endAt);
  if (endAt < text.length) out += '…';
  return out;
}
