import { readGoQuoted } from './goQuoted.ts';

/** The correlation ids a line can carry. */
export interface LineIds {
  reqId: string | null;
  auditId: string | null;
  traceId: string | null;
  spanId: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/**
 * Ids from a line's key/values: `reqID` (the request ID proposal), `auditID` / `audit-ID`
 * (httplog), `traceID`/`spanID` (and their camel/snake spellings).
 */
export function idsFromFields(fields: Record<string, unknown> | null): LineIds {
  if (fields === null) return { reqId: null, auditId: null, traceId: null, spanId: null };
  return {
    reqId: str(fields.reqID) ?? str(fields.reqId),
    auditId: str(fields.auditID) ?? str(fields['audit-ID']) ?? str(fields.auditId) ?? str(fields['audit-id']),
    traceId: str(fields.traceID) ?? str(fields.traceId) ?? str(fields.trace_id),
    spanId: str(fields.spanID) ?? str(fields.spanId) ?? str(fields.span_id),
  };
}

/**
 * A `reqID="…"` (or bare `reqID=…`) written into free text, e.g. at the end of a printf-style
 * line. Null when absent.
 */
export function reqIdFromText(text: string): string | null {
  const at = text.lastIndexOf('reqID=');
  if (at === -1) return null;
  if (at > 0) {
    const before = text.charCodeAt(at - 1);
    if (before !== 32 && before !== 9 && before !== 44 && before !== 123 && before !== 40) return null;
  }
  const v = at + 6;
  if (text.charCodeAt(v) === 34) return readGoQuoted(text, v)?.value || null;
  let end = v;
  while (end < text.length && text.charCodeAt(end) > 32 && text.charCodeAt(end) !== 44) end++;
  return end > v ? text.slice(v, end) : null;
}
