import type { ParsedRecord, ParsedSpan } from '@kubetrail/model';
import { tryJson } from '../lines/events.ts';
import { mayHoldSecret, redactText, Removed, scrubRemoved } from './credentialText.ts';
import { redactJsonValue } from './redactJson.ts';
import { TextBlocks } from './textBlocks.ts';

/**
 * Records whose raw text is at least this long get their fields walked whatever the text says:
 * the raw text is capped at the line limit, the fields are not (a JSON document's item, a merged
 * audit event), so past the cap the text no longer vouches for them.
 */
const ALWAYS_WALK_CHARS = 64 * 1024;

/**
 * The one place secrets are taken out of what an ingest stores (SPEC §9): every record and span
 * passes here before it is written, whatever its kind or format. One instance per file (pretty
 * printed Secrets read line by line carry state from line to line, see `TextBlocks`).
 *
 * Redacted: Secret objects in any shape (by `kind`, or by the request being about `secrets`:
 * patches and JSON patches, lists, tables, watch events, the last-applied annotation),
 * TokenReview/TokenRequest tokens and any other `token`/`password`-like key, `Authorization`
 * values and Bearer/Basic credentials (any case, any depth, behind JSON escapes), JWTs, and the
 * `data` blocks of Secrets printed as text. Keys are kept, so the shape stays readable.
 *
 * Cost: a record whose raw text cannot hold any of these (one regex pass, see `mayHoldSecret`) is
 * returned untouched; only the others are parsed and walked.
 */
export class RecordRedactor {
  private readonly blocks = new TextBlocks();

  /** Redacts `r` in place (fields, message, raw) and returns it. */
  record(r: ParsedRecord): ParsedRecord {
    const raw = r.raw;
    const walk = mayHoldSecret(raw) || (r.fields !== null && raw.length >= ALWAYS_WALK_CHARS);
    const blocks = r.kind === 'log' && !this.blocks.idle(raw);
    if (!walk && !blocks) return r;
    const removed = new Removed();
    if (blocks) {
      // The message is the raw line (or a part of it): the same blocks, from the same start.
      const forMessage = this.blocks.snapshot();
      r.raw = this.blocks.redact(r.raw, removed);
      r.message = forMessage.redact(r.message, removed);
    }
    if (walk) {
      if (r.fields !== null) redactJsonValue(r.fields, removed);
      r.raw = redactRaw(r.raw, removed);
      r.message = redactText(r.message, removed);
    }
    if (removed.values.size > 0) {
      r.raw = scrubRemoved(r.raw, removed);
      r.message = scrubRemoved(r.message, removed);
    }
    return r;
  }

  /** Free text that quotes the input (a skip reason), with credentials redacted. */
  text(s: string): string {
    const removed = new Removed();
    return scrubRemoved(redactText(s, removed), removed);
  }

  /** Redacts a span in place (attributes, resource, events, name and status message) and returns it. */
  span(s: ParsedSpan): ParsedSpan {
    const removed = new Removed();
    redactJsonValue(s.attributes, removed);
    redactJsonValue(s.resource, removed);
    for (const e of s.events) {
      redactJsonValue(e.attributes, removed);
      e.name = redactText(e.name, removed);
    }
    s.name = redactText(s.name, removed);
    if (s.statusMessage !== null) s.statusMessage = redactText(s.statusMessage, removed);
    return s;
  }
}

/** Redacts the spans of a live OTLP batch (see {@link RecordRedactor.span}). */
export function redactSpans<T extends ParsedSpan>(spans: T[]): T[] {
  const r = new RecordRedactor();
  for (const s of spans) r.span(s);
  return spans;
}

/**
 * A record's raw text, redacted: line by line, a line that is JSON (an audit stage, a component JSON
 * line, a docker json-file line) is parsed, redacted and written again; other lines get the text
 * rules, and the JSON part of a wrapped line (CRI, journald) is redacted as JSON.
 */
function redactRaw(raw: string, removed: Removed): string {
  if (!mayHoldSecret(raw)) return raw;
  if (raw.indexOf('\n') === -1) return redactLine(raw, removed);
  const lines = raw.split('\n');
  let changed = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const out = redactLine(line, removed);
    if (out !== line) {
      lines[i] = out;
      changed = true;
    }
  }
  return changed ? lines.join('\n') : raw;
}

function redactLine(line: string, removed: Removed): string {
  if (!mayHoldSecret(line)) return line;
  const start = line.indexOf('{');
  if (start !== -1) {
    const end = line.lastIndexOf('}');
    const json = end > start ? tryJson(line.slice(start, end + 1)) : null;
    if (json?.ok && typeof json.value === 'object' && json.value !== null) {
      const r = redactJsonValue(json.value, removed);
      const head = redactText(line.slice(0, start), removed);
      const tail = redactText(line.slice(end + 1), removed);
      return r.changed
        ? `${head}${JSON.stringify(r.value)}${tail}`
        : `${head}${line.slice(start, end + 1)}${tail}`;
    }
  }
  return redactText(line, removed);
}
