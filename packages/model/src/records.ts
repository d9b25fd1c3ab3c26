import { z } from 'zod';
import { SeveritySchema } from './severity.ts';
import { Rfc3339NanoSchema } from './time.ts';

/**
 * What a record is: a log line, a merged audit event, a Kubernetes Event, a `state` fact about an
 * object taken from a List file (a pod's condition, a container's waiting reason, a creation time),
 * or a line of a `doc`ument that is no log (`describe nodes`, a configuration file, an unknown JSON
 * document): searchable, never on a timeline, never counted as a log line.
 */
export const RecordKindSchema = z.enum(['log', 'audit', 'event', 'state', 'doc']);
export type RecordKind = z.infer<typeof RecordKindSchema>;

/**
 * The line format a record was parsed from (after unwrapping CRI/docker/journald).
 * `text` is an unstructured line we kept verbatim (e.g. an application's stdout).
 */
export const LineFormatSchema = z.enum([
  'klog',
  'klog-json',
  'logfmt',
  'audit',
  'k8s-event',
  'otlp',
  'text',
  /** etcd ≤ 3.4 capnslog: `2021-04-07 22:18:17.231702 W | etcdserver: …`. */
  'capnslog',
  /** Go's default logger prefix: `2021/04/07 22:18:17 message`. */
  'golog',
  /** A Kubernetes object from a List file (pods.json, deployments.json…): state records. */
  'k8s-object',
  /** A row of a text table: `minikube logs`' Audit table, its container status table. */
  'table',
]);
export type LineFormat = z.infer<typeof LineFormatSchema>;

/** The wrapper around a line, if any. */
export const WrapperSchema = z.enum(['none', 'cri', 'docker', 'journald', 'journald-json']);
export type Wrapper = z.infer<typeof WrapperSchema>;

/** Well-known component names. Others (coredns, etcd, an app container) are free strings. */
export const COMPONENTS = {
  apiserver: 'kube-apiserver',
  controllerManager: 'kube-controller-manager',
  scheduler: 'kube-scheduler',
  kubelet: 'kubelet',
  runtime: 'containerd',
  proxy: 'kube-proxy',
  etcd: 'etcd',
  audit: 'audit',
  events: 'events',
} as const;

/** How a record's timestamp was obtained (recorded per file in the ingest report). */
export const TimeRuleSchema = z.enum([
  'full', // the line carries a full date (RFC 3339, audit, JSON ts, journald json)
  'wrapper', // klog time with the date/year of its CRI/docker/journald wrapper
  'file', // year-less times with the year (and zone) shown by full dates in the same file
  'bundle', // klog time with the year taken from the bundle's other sources
  'mtime', // klog time with the year of the file's (archive member's) mtime
  'flag', // klog time with the year/zone given by --year/--tz
  'approx', // lines with no time of their own, placed at the line before's (or their container's start)
  'none', // no timestamp could be determined
]);
export type TimeRule = z.infer<typeof TimeRuleSchema>;

/** A record as the API returns it. `id` is the bundle-local sequence number (stable per content). */
export const LogRecordSchema = z.object({
  id: z.number().int().nonnegative(),
  bundleId: z.string(),
  file: z.string(),
  line: z.number().int().positive(),
  ts: Rfc3339NanoSchema.nullable(),
  severity: SeveritySchema,
  kind: RecordKindSchema,
  format: LineFormatSchema,
  component: z.string(),
  node: z.string().nullable(),
  caller: z.string().nullable(),
  message: z.string(),
  fields: z.record(z.string(), z.unknown()).nullable(),
  raw: z.string(),
});
export type LogRecord = z.infer<typeof LogRecordSchema>;
