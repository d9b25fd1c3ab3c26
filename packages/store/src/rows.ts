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
  /** The running ingest's lease token (migration 0007). */
  lease: string | null;
}

export interface RecordRow {
  rid: bigint;
  id: bigint;
  file_id: bigint;
  path: string;
  line: bigint;
  ts: bigint | null;
  severity: bigint;
  kind: RecordKind;
  format: LineFormat;
  component: string;
  node: string | null;
  caller: string | null;
  message: string;
  fields: string | null;
  raw: string;
  req_id: string | null;
  audit_id: string | null;
  trace_id: string | null;
  span_id: string | null;
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

export function toLogRecord(bundleId: string, row: RecordRow): LogRecord {
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
    message: row.message,
    fields: recordFields(row.kind, row.fields, row.raw),
    raw: row.raw,
  };
}
