import { z } from 'zod';
import { SeveritySchema } from './severity.ts';
import { RecordKindSchema } from './records.ts';
import { LinkKindSchema, RequestSchema } from './requests.ts';
import { SpanSchema } from './spans.ts';
import { Rfc3339NanoSchema } from './time.ts';

/**
 * A lane of the swimlane timeline. Ids are stable strings such as `client`, `kube-apiserver`,
 * `kube-controller-manager/replicaset-controller`, `kubelet/worker-2`, `containerd/worker-2`,
 * `events`.
 */
export const LaneSchema = z.object({
  id: z.string(),
  label: z.string(),
  component: z.string(),
  node: z.string().nullable(),
  /** Sub-lane name, e.g. the controller within kube-controller-manager. */
  sub: z.string().nullable(),
  count: z.number().int().nonnegative(),
});
export type Lane = z.infer<typeof LaneSchema>;

/** One record drawn as a mark. `t` is milliseconds since the timeline's `origin` (float). */
export const MarkSchema = z.object({
  recordId: z.number().int().nonnegative(),
  lane: z.string(),
  t: z.number(),
  ts: Rfc3339NanoSchema,
  severity: SeveritySchema,
  kind: RecordKindSchema,
  message: z.string(),
  linkKind: LinkKindSchema,
});
export type Mark = z.infer<typeof MarkSchema>;

/** Aggregated marks when a lane holds more than the pixel width can show. */
export const BucketSchema = z.object({
  lane: z.string(),
  t0: z.number(),
  t1: z.number(),
  count: z.number().int().positive(),
  worst: SeveritySchema,
  /** A representative record (the worst, earliest). */
  recordId: z.number().int().nonnegative(),
  message: z.string(),
});
export type Bucket = z.infer<typeof BucketSchema>;

/** An API call (audit event: request received → response complete) drawn as a bar. */
export const ApiCallSchema = z.object({
  recordId: z.number().int().nonnegative(),
  lane: z.string(),
  auditId: z.string(),
  t0: z.number(),
  t1: z.number(),
  verb: z.string(),
  resource: z.string(),
  namespace: z.string().nullable(),
  name: z.string().nullable(),
  user: z.string().nullable(),
  code: z.number().int().nullable(),
});
export type ApiCall = z.infer<typeof ApiCallSchema>;

export const TimelineSpanSchema = SpanSchema.extend({
  lane: z.string(),
  t0: z.number(),
  t1: z.number(),
  depth: z.number().int().nonnegative(),
  critical: z.boolean(),
});
export type TimelineSpan = z.infer<typeof TimelineSpanSchema>;

export const TimelineSchema = z.object({
  request: RequestSchema,
  /** Time zero for every `t`, `t0`, `t1` in this response (RFC 3339 ns). */
  origin: Rfc3339NanoSchema,
  /** The window actually returned (ms since origin). */
  from: z.number(),
  to: z.number(),
  /** Everything the request holds (ms since origin): its lines too, also those after it settled. */
  extent: z.object({ from: z.number(), to: z.number() }),
  /**
   * The operation itself (ms since origin): from its start until its ladder settled (`endedAt`, or
   * its last stage if later). The first view frames this; `extent` stays reachable.
   */
  activity: z.object({ from: z.number(), to: z.number() }).optional(),
  lanes: z.array(LaneSchema),
  marks: z.array(MarkSchema),
  buckets: z.array(BucketSchema),
  apiCalls: z.array(ApiCallSchema),
  spans: z.array(TimelineSpanSchema),
  /** Stage events for the time axis: where each stage completed or failed. */
  stageMarks: z.array(
    z.object({
      stage: z.string(),
      target: z.string(),
      status: z.string(),
      t: z.number(),
      recordId: z.number().int().nullable(),
    }),
  ),
});
export type Timeline = z.infer<typeof TimelineSchema>;
