/**
 * Contracts between the server-side packages (parsers → store → correlate). Times are UTC
 * nanoseconds in `bigint`. These never cross the HTTP API; the zod schemas do.
 */
import type { Severity } from './severity.ts';
import type { LineFormat, RecordKind, TimeRule, Wrapper } from './records.ts';
import type { LinkKind, Request } from './requests.ts';

/** One record as a parser produces it. */
export interface ParsedRecord {
  /** 1-based physical line where the record starts (for JSON documents: the line of the item). */
  line: number;
  /** Physical lines consumed (continuation lines, CRI partials, multi-line JSON). */
  lineCount: number;
  /** UTC nanoseconds, or null when none could be determined. */
  ts: bigint | null;
  severity: Severity;
  kind: RecordKind;
  format: LineFormat;
  /** Per-line component when the line says (journald unit, klog caller); else the file's. */
  component: string | null;
  /** Per-line node when the line says (journald host); else the file's. */
  node: string | null;
  /** klog/JSON caller `file.go:123`. */
  caller: string | null;
  /** The message proper, without header/wrapper. For audit: a one-line summary. */
  message: string;
  /**
   * Structured data: klog key/values, JSON keys other than ts/msg/caller/v, the merged audit event
   * (secrets redacted), the Kubernetes Event object. Values are JSON-safe.
   */
  fields: Record<string, unknown> | null;
  /** The original text (wrapper included), CRLF stripped, capped at the configured line limit. */
  raw: string;
  /**
   * Set on audit records whose `fields` can be rebuilt from `raw` (parsers' `auditFieldsFromRaw`):
   * the store then keeps only `raw`.
   */
  fieldsInRaw?: boolean;
  /** Explicit request id from the proposal's `reqID` key. */
  reqId: string | null;
  /** Audit id: the audit event's `auditID`, or an httplog line's `audit-ID=` / JSON `auditID`. */
  auditId: string | null;
  traceId: string | null;
  spanId: string | null;
}

/** A line (or file) that was not turned into a record, and why. */
export interface ParseSkip {
  line: number | null;
  reason: string;
}

export interface ParsedSpanEvent {
  name: string;
  ts: bigint;
  attributes: Record<string, unknown>;
}

/** One OpenTelemetry span as a parser produces it (IDs lowercase hex). */
export interface ParsedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  service: string | null;
  component: string;
  node: string | null;
  start: bigint;
  end: bigint;
  statusCode: 'unset' | 'ok' | 'error';
  statusMessage: string | null;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  events: ParsedSpanEvent[];
  /** `audit-id` attribute when present (apiserver spans). */
  auditId: string | null;
}

/** What a parser emits, in file order. */
export type ParseEvent =
  | { type: 'record'; record: ParsedRecord }
  | { type: 'span'; span: ParsedSpan }
  | { type: 'skip'; skip: ParseSkip }
  /**
   * Physical lines/bytes consumed so far in this file (for progress and the report); `approximated`:
   * records so far whose line had no time of its own.
   */
  | { type: 'progress'; lines: number; bytes: number; approximated?: number };

/** What the parser decided about a file as a whole. */
export interface FileInfo {
  path: string;
  format: LineFormat | null;
  wrapper: Wrapper;
  component: string | null;
  node: string | null;
  timeRule: TimeRule;
  /** What decided the file's dates, for the report. */
  timeEvidence?: string | null;
  /**
   * How the parser read the file's lines (the parsers' `LineMode`: `payload`, `audit`, `doc`…):
   * what a record's message and fields are parsed again with, from its raw text, when it is read.
   */
  mode?: string | null;
}

/** A stored record, as correlate reads it. `id` is the bundle-local sequence number. */
export interface StoredRecord {
  id: number;
  fileId: number;
  ts: bigint | null;
  severity: Severity;
  kind: RecordKind;
  format: LineFormat;
  component: string;
  node: string | null;
  caller: string | null;
  message: string;
  fields: Record<string, unknown> | null;
  reqId: string | null;
  auditId: string | null;
  traceId: string | null;
  spanId: string | null;
}

/** A stored span, as correlate reads it. `id` is the bundle-local span number. */
export interface StoredSpan extends ParsedSpan {
  id: number;
}

/** Which records a correlation pass reads. */
export interface RecordFilter {
  kinds?: readonly RecordKind[];
  /**
   * With `kinds` including `log`: only the log lines of these components (others of the listed
   * kinds are all read). The controller manager's lines are a small share of a bundle.
   */
  logComponents?: readonly string[];
}

/** Read access to one bundle's stored data, for correlation. Iterators are in (ts, id) order. */
export interface CorrelationSource {
  records(filter?: RecordFilter): Iterable<StoredRecord>;
  spans(): Iterable<StoredSpan>;
}

export interface RecordLink {
  recordId: number;
  reqId: string;
  kind: LinkKind;
  evidence: string;
}

export interface SpanLink {
  spanId: number;
  reqId: string;
  kind: LinkKind;
  evidence: string;
}

/** Where correlation writes its links (the store batches them). */
export interface CorrelationSink {
  link(link: RecordLink): void;
  spanLink(link: SpanLink): void;
  /**
   * Every link written so far (and later) with request id `from` belongs to `to`: a request whose
   * lines turned out to carry an explicit reqID takes that id. Optional for sinks that write as
   * they go; correlation then leaves ids as they were.
   */
  rename?(from: string, to: string): void;
}

/** The outcome of a correlation pass: the requests (API shape). Links went to the sink. */
export interface CorrelationResult {
  requests: Request[];
  /** Object references per request, for "other requests that touch the same object". */
  objects: { reqId: string; object: string }[];
}

/** Which object a `state` record is about (from its List item's metadata). */
export interface ObjectRef {
  kind: string;
  namespace: string | null;
  name: string;
  uid: string | null;
  owners: { kind: string; name: string; uid: string | null }[];
  /** `pod-template-hash` (or `controller-revision-hash`) label, when present. */
  templateHash?: string;
}

/**
 * One fact of a `state` record (its `fields`, beside `object`): the object's creation, a condition
 * with its transition time, a container state, a node's taint, a status summary. `approx` marks a
 * fact with no time of its own, whose record time is when the object last changed.
 */
export interface StateFact {
  fact: 'created' | 'deleting' | 'condition' | 'phase' | 'container' | 'cordoned' | 'taint' | 'status';
  condition?: string;
  status?: string;
  reason?: string | null;
  message?: string | null;
  phase?: string | null;
  container?: string;
  state?: 'waiting' | 'running' | 'started' | 'terminated';
  restarts?: number;
  image?: string | null;
  ready?: boolean;
  exitCode?: number | null;
  /** The container's previous run (`lastState`). */
  previous?: boolean;
  /**
   * For a `started`/`running` fact: which `kubectl logs` run of the container started then —
   * `current` (plain `kubectl logs`: the running container, or the last one when it is waiting to
   * restart) or `previous` (`--previous`).
   */
  logRun?: 'current' | 'previous' | null;
  replicas?: number | null;
  revision?: string | null;
  counts?: Record<string, number | null>;
  key?: string;
  value?: string | null;
  effect?: string;
  started?: boolean;
  completed?: boolean;
  scheduled?: boolean;
  approx?: boolean;
}

/** The `fields` of a `state` record. */
export interface StateFields extends StateFact {
  object: ObjectRef;
}
