import type { Severity } from '@kubetrail/model';
import { readGoQuoted } from './goQuoted.ts';
import { tryJson } from './events.ts';

/** The parts of a klog header line `Lmmdd hh:mm:ss.uuuuuu threadid file:line] message`. */
export interface KlogHeader {
  severity: Severity;
  month: number;
  day: number;
  /** Seconds since local midnight. */
  secondOfDay: number;
  micros: number;
  /** `file.go:123`, or null when the header has none. */
  caller: string | null;
  /** Index in the line where the message starts. */
  messageStart: number;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const dig = (s: string, i: number): number => s.charCodeAt(i) - 48;

function severityOf(c: number): Severity | null {
  switch (c) {
    case 73: // I
      return 'info';
    case 87: // W
      return 'warning';
    case 69: // E
      return 'error';
    case 70: // F
      return 'fatal';
    default:
      return null;
  }
}

/**
 * Parses a klog header without regular expressions (this runs once per line). Accepts 1–9
 * fractional digits (klog writes 6) and any thread-id padding. Null when `line` has no header.
 */
export function parseKlogHeader(line: string): KlogHeader | null {
  if (line.length < 22) return null;
  const severity = severityOf(line.charCodeAt(0));
  if (severity === null) return null;
  if (
    !isDigit(line.charCodeAt(1)) ||
    !isDigit(line.charCodeAt(2)) ||
    !isDigit(line.charCodeAt(3)) ||
    !isDigit(line.charCodeAt(4)) ||
    line.charCodeAt(5) !== 32 ||
    line.charCodeAt(8) !== 58 ||
    line.charCodeAt(11) !== 58 ||
    !isDigit(line.charCodeAt(6)) ||
    !isDigit(line.charCodeAt(7)) ||
    !isDigit(line.charCodeAt(9)) ||
    !isDigit(line.charCodeAt(10)) ||
    !isDigit(line.charCodeAt(12)) ||
    !isDigit(line.charCodeAt(13))
  ) {
    return null;
  }
  const month = dig(line, 1) * 10 + dig(line, 2);
  const day = dig(line, 3) * 10 + dig(line, 4);
  const secondOfDay =
    (dig(line, 6) * 10 + dig(line, 7)) * 3600 +
    (dig(line, 9) * 10 + dig(line, 10)) * 60 +
    dig(line, 12) * 10 +
    dig(line, 13);
  let i = 14;
  let micros = 0;
  if (line.charCodeAt(i) === 46 /* . */) {
    i++;
    let scale = 100_000;
    while (i < line.length && isDigit(line.charCodeAt(i))) {
      if (scale >= 1) micros += dig(line, i) * scale;
      scale /= 10;
      i++;
    }
  }
  if (line.charCodeAt(i) !== 32) return null;
  while (line.charCodeAt(i) === 32) i++;
  // thread id
  const threadStart = i;
  while (isDigit(line.charCodeAt(i))) i++;
  if (i === threadStart) return null;
  if (line.charCodeAt(i) !== 32) return null;
  i++;
  const close = line.indexOf(']', i);
  if (close === -1 || close - i > 256) return null;
  const caller = close > i ? line.slice(i, close) : null;
  let messageStart = close + 1;
  if (line.charCodeAt(messageStart) === 32) messageStart++;
  return { severity, month, day, secondOfDay, micros, caller, messageStart };
}

/** A structured klog message: the quoted message and its key/value pairs. */
export interface KlogStructured {
  msg: string;
  /** Values: strings as written (unquoted), `[…]`/`{…}` JSON when it parses, else the raw text. */
  fields: Record<string, unknown> | null;
}

function skipBracket(s: string, i: number): number {
  // Returns the index just past the bracket group starting at s[i], honouring quoted strings.
  let depth = 0;
  const len = s.length;
  while (i < len) {
    const c = s.charCodeAt(i);
    if (c === 34) {
      const q = readGoQuoted(s, i);
      if (q === null) return len;
      i = q.end;
      continue;
    }
    if (c === 91 || c === 123) depth++;
    else if (c === 93 || c === 125) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return len;
}

/**
 * Parses the key/value pairs of a klog structured message (InfoS/ErrorS): `key="value"`,
 * `key=value`, `key=["a","b"]`, `key={…}` and the multi-line form `key=<` … ` >`.
 * Parsing stops quietly at anything that is not a pair; what was read is kept.
 */
export function parseKlogPairs(s: string, start: number): Record<string, unknown> | null {
  let fields: Record<string, unknown> | null = null;
  let i = start;
  const len = s.length;
  while (i < len) {
    while (i < len && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 10)) i++;
    if (i >= len) break;
    const eq = s.indexOf('=', i);
    if (eq === -1 || eq === i) break;
    const key = s.slice(i, eq);
    if (key.includes(' ') || key.includes('"')) break;
    i = eq + 1;
    const c = s.charCodeAt(i);
    let value: unknown;
    if (c === 34 /* " */) {
      const q = readGoQuoted(s, i);
      if (q === null) break;
      value = q.value;
      i = q.end;
    } else if (c === 60 /* < */ && s.charCodeAt(i + 1) === 10) {
      // klog's multi-line value: lines indented by a tab, closed by a line " >".
      const endMark = s.indexOf('\n >', i + 1);
      const body = endMark === -1 ? s.slice(i + 2) : s.slice(i + 2, endMark);
      value = body
        .split('\n')
        .map((l) => (l.charCodeAt(0) === 9 ? l.slice(1) : l))
        .join('\n');
      i = endMark === -1 ? len : endMark + 3;
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      const end = skipBracket(s, i);
      const text = s.slice(i, end);
      // Bounded like every JSON the parsers read: deeper text stays text.
      const j = tryJson(text);
      value = j.ok ? j.value : text;
      i = end;
    } else {
      let end = i;
      while (end < len && s.charCodeAt(end) !== 32 && s.charCodeAt(end) !== 10) end++;
      value = s.slice(i, end);
      i = end;
    }
    (fields ??= {})[key] = value;
  }
  return fields;
}

/**
 * Splits a klog message (the text after the header, continuation lines joined with `\n`) into
 * its message and fields. A structured message starts with a quoted string; printf text is kept
 * as is with no fields.
 */
export function parseKlogMessage(text: string): KlogStructured {
  if (text.charCodeAt(0) !== 34) return { msg: text, fields: null };
  const q = readGoQuoted(text, 0);
  if (q === null) return { msg: text, fields: null };
  const after = text.charCodeAt(q.end);
  if (q.end < text.length && after !== 32 && after !== 10) return { msg: text, fields: null };
  return { msg: q.value, fields: parseKlogPairs(text, q.end) };
}
