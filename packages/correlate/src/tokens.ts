/**
 * Whole-token scanning of log text. The per-line cost of correlation is dominated by this, so it
 * walks the string once by char code and reports token *positions*: the consumer decides from
 * length and first character whether a token can name a known object before it pays for a
 * substring and a map lookup. No regex per line, none per known object.
 *
 * A token is a maximal run of `[A-Za-z0-9._-]`: `web` and `web-api` are different tokens, so a
 * lookup of `web` never matches a line about `web-api`. A token directly followed by `/` and
 * another token also yields the pair `a/b` (the span covering both), which is how `shop/web` is
 * told apart from `blog/web`.
 */

const TOKEN_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  TOKEN_CHAR[c] = /[A-Za-z0-9._-]/.test(ch) ? 1 : 0;
}

const DOT = 46;
const SLASH = 47;
const DASH = 45;

/** Receives token positions in `text` (`end` exclusive); `pair` for an `a/b` span. */
export type SpanSink = (text: string, start: number, end: number, pair: boolean, dash: boolean) => void;

export function scanTokens(text: string, emit: SpanSink): void {
  const n = text.length;
  let i = 0;
  let prevStart = -1;
  let prevEnd = -2;
  let prevDash = false;
  while (i < n) {
    const c0 = text.charCodeAt(i);
    if (c0 >= 128 || TOKEN_CHAR[c0] === 0) {
      i++;
      continue;
    }
    const start = i;
    let dash = false;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c >= 128 || TOKEN_CHAR[c] === 0) break;
      if (c === DASH) dash = true;
      i++;
    }
    // Trailing dots are sentence punctuation ("to kind-worker."), not part of a name.
    let end = i;
    while (end > start && text.charCodeAt(end - 1) === DOT) end--;
    if (end === start) continue;
    if (prevEnd === start - 1 && text.charCodeAt(prevEnd) === SLASH)
      emit(text, prevStart, end, true, dash || prevDash);
    emit(text, start, end, false, dash);
    prevStart = start;
    prevEnd = end === i ? i : -2;
    prevDash = dash;
  }
}

/**
 * Scans the string values of structured fields (klog key/values, JSON keys). Objects shaped like a
 * klog `KObj` (`{"name":…, "namespace":…}`, how JSON logging renders object references) also yield
 * their `ns/name` pair through `pairSink`. Depth is bounded: a hostile line must not make this
 * expensive.
 */
export function scanFieldTokens(
  value: unknown,
  emit: SpanSink,
  pairSink: (pair: string) => void,
  depth = 0,
): void {
  if (typeof value === 'string') {
    scanTokens(value, emit);
    return;
  }
  if (depth > 2 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    const n = Math.min(value.length, 64);
    for (let i = 0; i < n; i++) scanFieldTokens(value[i], emit, pairSink, depth + 1);
    return;
  }
  const obj = value as Record<string, unknown>;
  const name = obj['name'];
  const namespace = obj['namespace'];
  if (typeof name === 'string' && typeof namespace === 'string' && namespace !== '')
    pairSink(`${namespace}/${name}`);
  for (const k in obj) scanFieldTokens(obj[k], emit, pairSink, depth + 1);
}

/** Every token of `text` as strings (pairs included), for tests and small callers. */
export function tokensOf(text: string): string[] {
  const out: string[] = [];
  scanTokens(text, (t, s, e) => out.push(t.slice(s, e)));
  return out;
}

/** Container and sandbox ids: 64 lower-case hex characters. */
export function isContainerId(text: string, start = 0, end = text.length): boolean {
  if (end - start !== 64) return false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}
