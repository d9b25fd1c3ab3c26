import type { FileInfo, ParseEvent } from '@kubetrail/model';

/** What `parseFile` yields: parse events plus the one leading `info`. */
export type FileEvent = ParseEvent | { type: 'info'; info: FileInfo };

/** What a JSON value is, for messages: `object`, `array`, `string`… */
export const jsonKind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

export const isJsonObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Deepest JSON nesting parsed (objects and arrays). Kubernetes objects nest a few dozen levels;
 * deeper input is hostile or broken, and walking it (serialising, redacting) would exhaust the stack.
 */
export const MAX_JSON_DEPTH = 512;

/**
 * True when `text` nests objects/arrays deeper than `max` (strings honoured; not a validator).
 * String contents, most of a JSON line's bytes, are skipped with `indexOf`: three times faster than
 * looking at every character.
 */
export function jsonDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      let end = text.indexOf('"', i + 1);
      // A quote preceded by an odd number of backslashes is inside the string.
      for (;;) {
        if (end === -1) return false;
        let k = end - 1;
        while (text.charCodeAt(k) === 92) k--;
        if (((end - 1 - k) & 1) === 0) break;
        end = text.indexOf('"', end + 1);
      }
      i = end;
    } else if (c === 123 || c === 91) {
      if (++depth > max) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

/**
 * V8's parse errors quote a piece of the input (`Unexpected token 'b', "bearer abc…" is not valid
 * JSON`): the message goes into the ingest report, where log text (and whatever secret it holds)
 * must not. The position says where.
 */
const withoutQuotedInput = (message: string): string =>
  message.replace(/, ".*" is not valid JSON$/s, ' (not valid JSON)');

/**
 * JSON.parse that returns the error message instead of throwing. Text nesting deeper than
 * {@link MAX_JSON_DEPTH} is refused (an error, never parsed).
 */
export function tryJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  // Nesting deeper than the bound needs at least two characters a level.
  if (text.length > 2 * MAX_JSON_DEPTH && jsonDeeperThan(text, MAX_JSON_DEPTH))
    return { ok: false, error: `JSON nested deeper than ${MAX_JSON_DEPTH} levels: not parsed` };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, error: withoutQuotedInput(e instanceof Error ? e.message : String(e)) };
  }
}
