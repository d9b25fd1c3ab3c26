/**
 * Row types that mirror the tables, and the small `toX()` functions that turn them into API shapes.
 * Integer columns are read with `safeIntegers` where they may exceed 2^53 (nanosecond times), so
 * they arrive as bigint and are narrowed here.
 */
import {
  formatNs,
  severityFromRank,
  type Bundle,
  type BundleStatus,
  type IngestProgress,
  type IngestReport,
  type LineFormat,
  type LinkKind,
  type LogRecord,
  type RecordKind,
  type StoredSpan,
  type Wrapper,
} from '@kubetrail/model';
import { auditFieldsFromRaw } from '@kubetrail/parsers';

export interface BundleRow {
  key: bigint;
  id: string;
  name: string;
  status: BundleStatus;
  created_at: string;
  size_bytes: bigint;
  records: bigint;
  requests: bigint;
  ts_from: bigint | null;
  ts_to: bigint | null;
  progress: string | null;
  report: string | null;
  error: string | null;
  fts_built: bigint;
  fts_upto: bigint | null;
  /** 1: records written with migration 0009's layout (raw text in blocks). */
  layout: bigint;
  /** The running ingest's lease token (migration 0007). */
  lease: string | null;
}

/** What reading a record's text needs: its text columns, where its raw text is, how to re-derive. */
export interface TextRow {
  kind: RecordKind;
  message: string;
  fields: string | null;
  raw: string;
  /** Migration 0009: the block holding the raw text (null: in `raw`, a bundle from before). */
  block: bigint | null;
  pos: bigint | null;
  len: bigint | null;
  /** The parsers' REDERIVE (null or 0: message and fields are in their columns). */
  derive: bigint | null;
  file_mode: string | null;
  file_wrapper: Wrapper;
  file_format: LineFormat | null;
  file_component: string | null;
  file_node: string | null;
}

/** The columns of `files` that `TextRow` reads, for a `records r JOIN files f` statement. */
export const FILE_TEXT_COLUMNS = `f.mode AS file_mode, f.wrapper AS file_wrapper, f.format AS file_format,
  f.component AS file_component, f.node AS file_node`;

export interface RecordRow extends TextRow {
  rid: bigint;
  id: bigint;
  file_id: bigint;
  path: string;
  line: bigint;
  ts: bigint | null;
  severity: bigint;
  format: LineFormat;
  component: string;
  node: string | null;
  caller: string | null;
  req_id: string | null;
  audit_id: string | null;
  trace_id: string | null;
  span_id: string | null;
}

/** A record's text as shown: message, fields and raw line. */
export interface RecordText {
  message: string;
  fields: Record<string, unknown> | null;
  raw: string;
}

export interface LinkedRecordRow extends RecordRow {
  link_kind: LinkKind;
  evidence: string;
}

export const parseJson = <T>(text: string | null): T | null =>
  text === null ? null : (JSON.parse(text) as T);

/**
 * A record's fields: its `fields` column, or for an audit record stored without one, the merged
 * event rebuilt from its raw stage lines (`ParsedRecord.fieldsInRaw`).
 */
export const recordFields = (
  kind: RecordKind,
  fields: string | null,
  raw: string | null,
): Record<string, unknown> | null =>
  fields !== null
    ? (JSON.parse(fields) as Record<string, unknown>)
    : kind === 'audit' && raw !== null
      ? auditFieldsFromRaw(raw)
      : null;

export function toBundle(row: BundleRow): Bundle {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    createdAt: row.created_at,
    sizeBytes: Number(row.size_bytes),
    records: Number(row.records),
    requests: Number(row.requests),
    progress: parseJson<IngestProgress>(row.progress),
    error: row.error,
    timeRange:
      row.ts_from !== null && row.ts_to !== null
        ? { from: formatNs(row.ts_from), to: formatNs(row.ts_to) }
        : null,
  };
}

export const toReport = (row: BundleRow): IngestReport | null => parseJson<IngestReport>(row.report);

export function toLogRecord(bundleId: string, row: RecordRow, text: RecordText): LogRecord {
  return {
    id: Number(row.id),
    bundleId,
    file: row.path,
    line: Number(row.line),
    ts: row.ts === null ? null : formatNs(row.ts),
    severity: severityFromRank(Number(row.severity)),
    kind: row.kind,
    format: row.format,
    component: row.component,
    node: row.node,
    caller: row.caller,
    message: text.message,
    fields: text.fields,
    raw: text.raw,
  };
}

/** A `spans` row. */
export interface SpanRow {
  id: bigint;
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  service: string | null;
  component: string;
  node: string | null;
  start_ns: bigint;
  end_ns: bigint;
  status_code: 'unset' | 'ok' | 'error';
  status_message: string | null;
  attributes: string;
  resource: string;
  events: string;
  audit_id: string | null;
}

export function toStoredSpan(row: SpanRow): StoredSpan {
  const events = JSON.parse(row.events) as {
    name: string;
    ts: string;
    attributes: Record<string, unknown>;
  }[];
  return {
    id: Number(row.id),
    traceId: row.trace_id,
    spanId: row.span_id,
    parentSpanId: row.parent_span_id,
    name: row.name,
    service: row.service,
    component: row.component,
    node: row.node,
    start: row.start_ns,
    end: row.end_ns,
    statusCode: row.status_code,
    statusMessage: row.status_message,
    attributes: JSON.parse(row.attributes) as Record<string, unknown>,
    resource: JSON.parse(row.resource) as Record<string, unknown>,
    events: events.map((e) => ({ name: e.name, ts: BigInt(e.ts), attributes: e.attributes })),
    auditId: row.audit_id,
  };
}
