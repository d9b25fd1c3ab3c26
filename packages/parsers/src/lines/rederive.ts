import type { FileInfo, ParsedRecord } from '@kubetrail/model';
import { auditFieldsFromRaw, auditSummary } from './auditEvent.ts';
import type { FileEvent } from './events.ts';
import { tryJson } from './events.ts';
import type { YearSource } from './klogTime.ts';
import type { FilePlan, LineMode } from './linePipeline.ts';
import { LinePipeline } from './linePipeline.ts';

/**
 * How a record's message and fields come back from its raw text when it is read (ADR 0041): the
 * store keeps the raw text (in compressed blocks) and, for most records, nothing it can re-derive.
 *
 * - `KEPT` (0): the record's message and fields are stored as they are (state facts that share one
 *   List item's text, table rows read with their header's columns, texts cut at the line limit…).
 * - `LINES` (1): the raw text is the record's physical lines; reading them again in the file's
 *   mode (wrapper, format) gives the same record: log lines of every wrapper and format, `doc`
 *   lines, dmesg lines.
 * - `AUDIT` (2): the raw text is the audit event's stage lines (`fieldsInRaw`): merged again.
 * - `JSON` (3): the raw text is one Kubernetes Event's JSON (a line, a list item, a document item).
 */
export const REDERIVE = { KEPT: 0, LINES: 1, AUDIT: 2, JSON: 3 } as const;
export type Rederive = (typeof REDERIVE)[keyof typeof REDERIVE];

/** What re-deriving needs of a record's file (its `FileInfo`, as stored). */
export type RederiveFile = Pick<FileInfo, 'format' | 'wrapper' | 'component' | 'node' | 'mode'>;

/** Modes whose log and doc records are their own physical lines, parsed one record at a time. */
const LINE_MODES: ReadonlySet<string> = new Set<LineMode>([
  'payload',
  'doc',
  'dmesg',
  'audit',
  'k8s-event',
  'otlp',
]);

/**
 * Which way `record` (from a file read in `file.mode`) can be re-derived from its raw text, or
 * `KEPT` when it cannot. Cheap (no parsing): it is asked once per stored record. Raw text cut at
 * `maxLineChars` is never re-derived (the cut may have removed what the parse saw).
 */
export function rederiveOf(record: ParsedRecord, file: RederiveFile, maxLineChars: number): Rederive {
  if (record.raw.length >= maxLineChars) return REDERIVE.KEPT;
  switch (record.kind) {
    case 'audit':
      return record.fieldsInRaw === true ? REDERIVE.AUDIT : REDERIVE.KEPT;
    case 'event':
      return file.mode === 'k8s-event' ? REDERIVE.JSON : REDERIVE.KEPT;
    case 'log':
      return file.mode != null && LINE_MODES.has(file.mode) && record.lineCount > 0
        ? REDERIVE.LINES
        : REDERIVE.KEPT;
    case 'doc':
      return file.mode === 'doc' && record.message === record.raw ? REDERIVE.LINES : REDERIVE.KEPT;
    case 'state':
      return REDERIVE.KEPT;
  }
}

const NO_YEARS: YearSource = { rule: 'none', year: 0, month: 0 };

/** A line pipeline that parses one record's text in its file's mode (no dating: times are stored). */
function pipelineFor(file: RederiveFile, mode: LineMode, maxLineChars: number): LinePipeline {
  const plan: FilePlan = {
    mode,
    wrapper: file.wrapper,
    format: file.format ?? 'text',
    component: file.component,
    node: file.node,
    timeRule: 'none',
    objectKind: null,
  };
  return new LinePipeline(plan, NO_YEARS, 0, maxLineChars);
}

/**
 * A record's message and fields parsed again from its raw text (see {@link REDERIVE}); null when
 * the text does not give one record (it was not written by this parser for that recipe).
 * `maxLineChars` must be the line limit the record was parsed with (the default's, 1 MiB, for
 * records the store has).
 */
export function rederive(
  raw: string,
  how: Rederive,
  file: RederiveFile,
  maxLineChars: number,
): { message: string; fields: Record<string, unknown> | null } | null {
  switch (how) {
    case REDERIVE.KEPT:
      return null;
    case REDERIVE.AUDIT: {
      const fields = auditFieldsFromRaw(raw);
      return fields === null ? null : { message: auditSummary(fields), fields };
    }
    case REDERIVE.JSON: {
      const j = tryJson(raw);
      if (!j.ok) return null;
      const out: FileEvent[] = [];
      pipelineFor(file, 'k8s-event', maxLineChars).jsonValue(j.value, 1, 1, raw, out);
      return firstRecord(out);
    }
    case REDERIVE.LINES: {
      const mode = (file.mode ?? 'payload') as LineMode;
      const p = pipelineFor(file, mode, maxLineChars);
      const out: FileEvent[] = [];
      p.lines(raw.split('\n'), 1, out);
      p.end(out);
      return firstRecord(out);
    }
  }
}

function firstRecord(
  out: readonly FileEvent[],
): { message: string; fields: Record<string, unknown> | null } | null {
  let found: ParsedRecord | null = null;
  for (const e of out) {
    if (e.type !== 'record') continue;
    if (found !== null) return null;
    found = e.record;
  }
  return found === null ? null : { message: found.message, fields: found.fields };
}
