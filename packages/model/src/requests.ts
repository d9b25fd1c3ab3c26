import { z } from 'zod';
import { Rfc3339NanoSchema } from './time.ts';

export const IdKindSchema = z.enum(['reqID', 'audit', 'trace', 'inferred']);
export type IdKind = z.infer<typeof IdKindSchema>;

/** How a record was joined to a request. */
export const LinkKindSchema = z.enum(['explicit', 'audit', 'trace', 'inferred']);
export type LinkKind = z.infer<typeof LinkKindSchema>;

export const StageStatusSchema = z.enum(['done', 'failed', 'pending', 'skipped']);
export type StageStatus = z.infer<typeof StageStatusSchema>;

export const OutcomeSchema = z.enum(['complete', 'failed', 'rejected', 'incomplete']);
export type Outcome = z.infer<typeof OutcomeSchema>;
/** Worst first: a request's outcome is the worst of its targets'. */
export const OUTCOME_ORDER: readonly Outcome[] = ['rejected', 'failed', 'incomplete', 'complete'];

/**
 * Operation types that have a ladder (`<verb>-<kind>`). Each has one spec file under
 * `packages/correlate/src/operations/`.
 */
export const OperationSchema = z.enum([
  'create-deployment',
  'rollout-deployment',
  'scale-deployment',
  'delete-deployment',
  'create-statefulset',
  'rollout-statefulset',
  'scale-statefulset',
  'delete-statefulset',
  'create-daemonset',
  'rollout-daemonset',
  'delete-daemonset',
  'create-job',
  /** A Job a CronJob created on its schedule. */
  'cronjob-run',
  'create-pod',
  'delete-pod',
  'drain-node',
  'cordon-node',
  'uncordon-node',
  'generic',
]);
export type Operation = z.infer<typeof OperationSchema>;

/** Stable stage ids (API values). */
export const STAGE_IDS = [
  // create Deployment / create Pod
  'api-accepted',
  'replicaset-created',
  'pods-created',
  'pods-scheduled',
  'volumes-ready',
  'images-pulled',
  'containers-started',
  'pods-ready',
  'deployment-available',
  // scale
  'pods-deleted',
  // delete Deployment
  'replicasets-deleted',
  'containers-killed',
  // drain node
  'node-cordoned',
  'pods-evicted',
  'pods-terminated',
  'replacements-scheduled',
  // StatefulSet volume claims, Service endpoints
  'pvcs-bound',
  'endpoints-ready',
  // rollout: the old ReplicaSet's (or revision's) pods scaled down
  'old-pods-deleted',
  // StatefulSet / DaemonSet: every replica (or every eligible node's pod) ready
  'workload-ready',
  // Job / CronJob run
  'job-created',
  'pods-succeeded',
  'job-complete',
  // uncordon
  'node-uncordoned',
] as const;
export const StageIdSchema = z.enum(STAGE_IDS);
export type StageId = z.infer<typeof StageIdSchema>;

export const STAGE_LABELS: Record<StageId, string> = {
  'api-accepted': 'API server accepted',
  'replicaset-created': 'ReplicaSet created',
  'pods-created': 'Pods created',
  'pods-scheduled': 'Pods scheduled',
  'volumes-ready': 'Volumes attached and mounted',
  'images-pulled': 'Images pulled',
  'containers-started': 'Containers started',
  'pods-ready': 'Pods ready',
  'deployment-available': 'Deployment available',
  'pods-deleted': 'Pods deleted',
  'replicasets-deleted': 'ReplicaSets deleted',
  'containers-killed': 'Containers killed',
  'node-cordoned': 'Node cordoned',
  'pods-evicted': 'Pods evicted',
  'pods-terminated': 'Pods terminated',
  'replacements-scheduled': 'Replacements scheduled elsewhere',
  'pvcs-bound': 'Volume claims bound',
  'endpoints-ready': 'Service endpoints ready',
  'old-pods-deleted': 'Old pods scaled down',
  'workload-ready': 'All replicas ready',
  'job-created': 'Job created',
  'pods-succeeded': 'Pods succeeded',
  'job-complete': 'Job complete',
  'node-uncordoned': 'Node uncordoned',
};

export const StageSchema = z.object({
  id: StageIdSchema,
  label: z.string(),
  status: StageStatusSchema,
  at: Rfc3339NanoSchema.nullable(),
  component: z.string().nullable(),
  reason: z.string().nullable(),
  /** Bundle-local record ids (LogRecord.id) that are the evidence. */
  recordIds: z.array(z.number().int().nonnegative()),
});
export type Stage = z.infer<typeof StageSchema>;

export const StoppedAtSchema = z.object({
  stage: StageIdSchema,
  component: z.string().nullable(),
  reason: z.string(),
  recordId: z.number().int().nonnegative().nullable(),
});
export type StoppedAt = z.infer<typeof StoppedAtSchema>;

export const TargetSchema = z.object({
  verb: z.string(),
  resource: z.string(),
  namespace: z.string().nullable(),
  name: z.string(),
  uid: z.string().nullable(),
  operation: OperationSchema,
  outcome: OutcomeSchema,
  stages: z.array(StageSchema),
  stoppedAt: StoppedAtSchema.nullable(),
});
export type Target = z.infer<typeof TargetSchema>;

export const RequestSchema = z.object({
  reqId: z.string(),
  idKind: IdKindSchema,
  auditIds: z.array(z.string()),
  user: z.string().nullable(),
  /** Set when the user acted as someone else (audit impersonatedUser). */
  impersonatedUser: z.string().nullable(),
  userAgent: z.string().nullable(),
  sourceIps: z.array(z.string()),
  startedAt: Rfc3339NanoSchema,
  endedAt: Rfc3339NanoSchema,
  outcome: OutcomeSchema,
  /** HTTP status of the first mutating call, when there is an audit log. */
  code: z.number().int().nullable(),
  targets: z.array(TargetSchema),
  /** Number of records linked to this request. */
  records: z.number().int().nonnegative(),
  /**
   * Activity of the control plane itself (cluster bootstrap, add-ons in kube-system, static pods,
   * controllers' own work): listed apart from users' operations. Never true for a user's request.
   */
  system: z.boolean().default(false),
});
export type Request = z.infer<typeof RequestSchema>;

export const RequestListSchema = z.object({
  requests: z.array(RequestSchema),
  total: z.number().int().nonnegative(),
  /** System requests that match the other filters but were left out (`system=exclude`). */
  systemHidden: z.number().int().nonnegative().default(0),
  offset: z.number().int().nonnegative(),
  limit: z.number().int().positive(),
});
export type RequestList = z.infer<typeof RequestListSchema>;

/** One reason a record belongs to a request. */
export const LinkSchema = z.object({
  reqId: z.string(),
  kind: LinkKindSchema,
  /** Human-readable: which key or object matched, e.g. `audit-ID=5d1…` or `pod shop/web-7d4-abcde`. */
  evidence: z.string(),
});
export type Link = z.infer<typeof LinkSchema>;
