import type { FileInfo, ParseEvent } from '@kubetrail/model';

/** What `parseFile` yields: parse events plus the one leading `info`. */
export type FileEvent = ParseEvent | { type: 'info'; info: FileInfo };

/** What a JSON value is, for messages: `object`, `array`, `string`… */
export const jsonKind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

export const isJsonObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** JSON.parse that returns the error message instead of throwing. */
export function tryJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
