import type { Outcome, Stage, StageId, StoppedAt } from '@kubetrail/model';
import { formatNs, STAGE_LABELS } from '@kubetrail/model';
import type { ObjectNode } from './objectGraph.ts';
import type { Op, Signal } from './operation.ts';
import { stageState } from './operation.ts';

/** The component that owns each stage: where to look when it does not finish. */
export const STAGE_OWNER: Record<StageId, string> = {
  'api-accepted': 'kube-apiserver',
  'replicaset-created': 'kube-controller-manager',
  'pods-created': 'kube-controller-manager',
  'pods-scheduled': 'kube-scheduler',
  'volumes-ready': 'kubelet',
  'images-pulled': 'kubelet',
  'containers-started': 'kubelet',
  'pods-ready': 'kubelet',
  'deployment-available': 'kube-controller-manager',
  'pods-deleted': 'kube-controller-manager',
  'replicasets-deleted': 'kube-controller-manager',
  'containers-killed': 'kubelet',
  'node-cordoned': 'kube-apiserver',
  'pods-evicted': 'kube-apiserver',
  'pods-terminated': 'kubelet',
  'replacements-scheduled': 'kube-scheduler',
  'pvcs-bound': 'kube-controller-manager',
  'endpoints-ready': 'kube-controller-manager',
  'old-pods-deleted': 'kube-controller-manager',
  'workload-ready': 'kube-controller-manager',
  'job-created': 'kube-controller-manager',
  'pods-succeeded': 'kubelet',
  'job-complete': 'kube-controller-manager',
  'node-uncordoned': 'kube-apiserver',
};

/** The stages a pod goes through, in order; later evidence implies the earlier stages happened. */
export const POD_PIPELINE: readonly StageId[] = [
  'pods-created',
  'pods-scheduled',
  'volumes-ready',
  'images-pulled',
  'containers-started',
  'pods-ready',
];

const MAX_EVIDENCE = 20;

export function stage(
  id: StageId,
  status: Stage['status'],
  sig: Signal | null = null,
  extra: { reason?: string | null; recordIds?: number[]; at?: bigint | null } = {},
): Stage {
  const at = extra.at !== undefined ? extra.at : (sig?.ts ?? null);
  return {
    id,
    label: STAGE_LABELS[id],
    status,
    at: at === null ? null : formatNs(at),
    component: sig?.component ?? (status === 'pending' ? null : STAGE_OWNER[id]),
    reason: extra.reason !== undefined ? extra.reason : (sig?.reason ?? null),
    recordIds: extra.recordIds ?? (sig ? [sig.recordId] : []),
  };
}

/** Stage from evidence on the target itself (obj null): done/failed by the latest signal. */
export function targetStage(op: Op, id: StageId): Stage {
  const st = stageState(op, null, id);
  if (!st) return stage(id, 'pending');
  if (st.last.status === 'failed') return stage(id, 'failed', st.failStart ?? st.last);
  return stage(id, 'done', st.firstDone ?? st.last);
}

export function apiStage(op: Op): Stage {
  if (!op.api)
    return stage('api-accepted', 'done', null, {
      reason: op.seenOnNodes
        ? 'inferred from its pods seen on the nodes (no audit log, no controller lines)'
        : 'inferred from controller activity (no audit log)',
    });
  return stage('api-accepted', op.api.status, op.api);
}

/** Per-object verdict of a pod-pipeline stage, with later stages implying earlier ones. */
export function podStageStatus(
  op: Op,
  pod: ObjectNode,
  id: StageId,
  pipeline: readonly StageId[] = POD_PIPELINE,
): { status: 'done' | 'failed' | 'pending'; sig: Signal | null; own: boolean; at?: bigint | null } {
  const st = stageState(op, pod, id);
  let laterDone: Signal | null = null;
  const idx = pipeline.indexOf(id);
  for (let i = idx + 1; idx >= 0 && i < pipeline.length; i++) {
    const later = stageState(op, pod, pipeline[i]!);
    const d = later?.last.status === 'done' ? later.last : (later?.firstDone ?? null);
    if (d && (!laterDone || (d.ts ?? 0n) > (laterDone.ts ?? 0n))) laterDone = d;
    // A failure of a later stage also shows this stage was passed (kubelet pulls only after mounts).
    if (!d && later?.last.status === 'failed' && !laterDone) laterDone = later.last;
  }
  if (st && st.last.status === 'failed') {
    if (!laterDone || (laterDone.ts !== null && st.last.ts !== null && laterDone.ts < st.last.ts))
      return { status: 'failed', sig: st.failStart ?? st.last, own: true };
  }
  if (st?.firstDone) return { status: 'done', sig: st.firstDone, own: true };
  // Done by implication: when the later stage was reached.
  if (laterDone) return { status: 'done', sig: null, own: false, at: laterDone.ts };
  // Readiness is rarely logged: a pod without a readiness probe is Ready once its containers run,
  // and a probe that fails says so (Unhealthy, `Probe failed`). Containers started and no readiness
  // failure is a ready pod, marked as implied.
  if (id === 'pods-ready' && st === undefined) {
    const started = stageState(op, pod, 'containers-started');
    if (started?.last.status === 'done')
      return {
        status: 'done',
        sig: {
          ...started.last,
          stage: 'pods-ready',
          reason: 'implied: containers running, no readiness failure seen',
        },
        own: true,
      };
  }
  return { status: 'pending', sig: null, own: false };
}

/**
 * A pod stage over a set of pods: failed when any pod failed it, done when `expected` pods
 * passed it, else pending. `volumes-ready` with no volume evidence at all reads `skipped`.
 */
export function podsStage(
  op: Op,
  pods: readonly ObjectNode[],
  id: StageId,
  expected: number,
  pipeline: readonly StageId[] = POD_PIPELINE,
  noun = 'pods',
): Stage {
  let doneCount = 0;
  let ownEvidence = false;
  let lastDone: Signal | null = null;
  let lastAt: bigint | null = null;
  /** When the last pod done by implication reached a later stage. */
  let impliedAt: bigint | null = null;
  let failedSig: Signal | null = null;
  let failedCount = 0;
  const ids: number[] = [];
  for (const pod of pods) {
    const r = podStageStatus(op, pod, id, pipeline);
    if (r.status === 'failed') {
      failedCount++;
      if (!failedSig) failedSig = r.sig;
    } else if (r.status === 'done') {
      doneCount++;
      if (!r.own && r.at != null && (impliedAt === null || r.at > impliedAt)) impliedAt = r.at;
      if (r.own && r.sig) {
        ownEvidence = true;
        if (ids.length < MAX_EVIDENCE) ids.push(r.sig.recordId);
        if (r.sig.ts !== null && (lastAt === null || r.sig.ts > lastAt)) {
          lastAt = r.sig.ts;
          lastDone = r.sig;
        }
      }
    }
  }
  if (failedSig) {
    // Every pod gone by the end (a node refusing them in a loop): how many came, not "N of M".
    const allGone = pods.length > 1 && pods.every((p) => p.deletedAt !== null);
    const prefix = allGone
      ? `${pods.length} pods created, none left (refused, evicted or deleted): `
      : pods.length > 1
        ? `${failedCount} of ${pods.length} ${noun}: `
        : '';
    return stage(id, 'failed', failedSig, { reason: `${prefix}${failedSig.reason ?? STAGE_LABELS[id]}` });
  }
  const want = Math.max(expected, 1);
  if (doneCount >= want && pods.length > 0) {
    if (id === 'volumes-ready' && !ownEvidence)
      return stage(id, 'skipped', null, { reason: 'no volumes seen; later stages reached' });
    const retried = recovery(op, pods, id, lastAt ?? impliedAt);
    // Seen on their nodes only: how many pods were wanted is unknown; say how many were seen.
    const count =
      op.seenOnNodes && op.desired === null
        ? `${doneCount} ${noun} seen (desired count not in the bundle)`
        : `${doneCount} of ${want} ${noun}`;
    return stage(id, 'done', lastDone, {
      reason: `${ownEvidence ? count : 'implied by later stages'}${retried}`,
      recordIds: ids,
      at: lastAt,
    });
  }
  return stage(id, 'pending', null, {
    reason: doneCount > 0 ? `${doneCount} of ${want} ${noun}` : null,
    recordIds: ids,
  });
}

/**
 * A stage that failed before it succeeded (image pulls retried until the registry answered, a
 * Secret created later): `, after 7 min of ErrImagePull (12 failures)`; empty when it never failed.
 */
function recovery(op: Op, pods: readonly ObjectNode[], id: StageId, doneAt: bigint | null): string {
  let first: Signal | null = null;
  let fails = 0;
  for (const pod of pods) {
    const st = stageState(op, pod, id);
    if (!st?.firstFail) continue;
    fails += st.failsBeforeDone;
    if (!first || (st.firstFail.ts !== null && first.ts !== null && st.firstFail.ts < first.ts))
      first = st.firstFail;
  }
  if (!first) return '';
  const what = shortFailure(first.reason ?? STAGE_LABELS[id]);
  const times = fails > 1 ? ` (${fails} failures)` : '';
  if (doneAt === null || first.ts === null || doneAt <= first.ts) return `, recovered after ${what}${times}`;
  return `, after ${formatDuration(doneAt - first.ts)} of ${what}${times}`;
}

/** The telling part of a failure: `ErrImagePull`, `CreateContainerConfigError: secret "x" not found`. */
function shortFailure(reason: string): string {
  const m =
    /(ErrImagePull|ImagePullBackOff|CreateContainerConfigError|CreateContainerError|CrashLoopBackOff|FailedScheduling|FailedMount)[^\n]{0,80}/.exec(
      reason,
    );
  const s = m ? m[0] : reason;
  return s.length > 100 ? `${s.slice(0, 99)}…` : s;
}

/** `45 s`, `7 min`, `2 h 5 min`. */
export function formatDuration(ns: bigint): string {
  const s = Number(ns / 1_000_000_000n);
  if (s < 90) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 120) return `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Earlier stages with no evidence are implied done when a later stage was reached. */
export function backfill(stages: Stage[]): void {
  let reached = false;
  for (let i = stages.length - 1; i >= 0; i--) {
    const s = stages[i]!;
    if (s.status === 'done' || s.status === 'failed') {
      reached = true;
      continue;
    }
    if (reached && s.status === 'pending') {
      stages[i] = {
        ...s,
        status: 'done',
        component: STAGE_OWNER[s.id],
        reason: s.reason ?? 'implied by later stages',
      };
    }
  }
}

/** Outcome and stop point of a finished ladder. */
export function verdict(
  stages: Stage[],
  rejected: boolean,
  progress: Op['progress'] = new Map(),
): { outcome: Outcome; stoppedAt: StoppedAt | null } {
  const stop = stages.find((s) => s.status !== 'done' && s.status !== 'skipped');
  if (!stop) return { outcome: 'complete', stoppedAt: null };
  const under = stop.status === 'pending' ? progress.get(stop.id) : undefined;
  if (under && !rejected) {
    // The stage was under way when the logs end: that line is the best explanation there is.
    const since = under.ts !== null ? ` since ${formatNs(under.ts)}` : '';
    return {
      outcome: stages.some((s) => s.status === 'failed') ? 'failed' : 'incomplete',
      stoppedAt: {
        stage: stop.id,
        component: STAGE_OWNER[stop.id],
        reason: `${STAGE_LABELS[stop.id]}: still in progress when the logs end: ${under.reason}${since}`,
        recordId: under.recordId,
      },
    };
  }
  const outcome: Outcome = rejected
    ? 'rejected'
    : stages.some((s) => s.status === 'failed')
      ? 'failed'
      : 'incomplete';
  const reason =
    stop.status === 'failed'
      ? (stop.reason ?? `${STAGE_LABELS[stop.id]} failed`)
      : `${STAGE_LABELS[stop.id]}: no evidence before the logs end${stop.reason ? ` (${stop.reason})` : ''}`;
  return {
    outcome,
    stoppedAt: {
      stage: stop.id,
      component: STAGE_OWNER[stop.id],
      reason,
      recordId: stop.recordIds[0] ?? null,
    },
  };
}

/** Pods of an operation that still count (a pod deleted while a replacement exists does not). */
export function livePods(op: Op): ObjectNode[] {
  const all = [...op.pods];
  const live = all.filter((p) => p.deletedAt === null);
  if (live.length > 0) return live;
  // All gone by the end (a later rollout or delete took them): those that were not refused.
  const kept = all.filter((p) => !p.rejected);
  return kept.length > 0 ? kept : all;
}

/** The stages a pod of a Job goes through: it succeeds instead of staying ready. */
export const JOB_POD_PIPELINE: readonly StageId[] = [
  'pods-created',
  'pods-scheduled',
  'volumes-ready',
  'images-pulled',
  'containers-started',
  'pods-succeeded',
];

/**
 * The pod stages of `ids` over `pods` (expected `expected` of them), with creation failures on
 * the target (FailedCreate: quota, PodSecurity, a webhook) failing `pods-created` unless enough pods
 * came anyway.
 */
export function podStages(
  op: Op,
  pods: readonly ObjectNode[],
  expected: number,
  ids: readonly StageId[],
  pipeline: readonly StageId[] = POD_PIPELINE,
): Stage[] {
  const out: Stage[] = [];
  // Pods that are gone (rejected by their node, evicted, deleted) do not count, but when no live
  // pod got past a stage, their failure is the explanation.
  const gone = [...op.pods].filter((p) => !pods.includes(p) && !op.oldPods.has(p));
  for (const id of ids) {
    let s = podsStage(op, pods, id, expected, pipeline);
    if (s.status === 'pending' && gone.length > 0) {
      const g = podsStage(
        op,
        gone,
        id,
        gone.length,
        pipeline,
        'pods now gone (rejected, evicted or deleted)',
      );
      if (g.status === 'failed') s = g;
    }
    if (id === 'pods-created') {
      const failure = targetStage(op, 'pods-created');
      out.push(s.status !== 'done' && failure.status === 'failed' ? failure : s);
    } else out.push(s);
  }
  return out;
}

/**
 * A stage the controller reports on the target (`deployment-available`, `workload-ready`,
 * `job-complete`): its own evidence, else implied done when `implied` (the last pod stage) is done.
 */
export function settledStage(op: Op, id: StageId, implied: Stage | undefined, why: string): Stage {
  const own = targetStage(op, id);
  if (own.status !== 'pending' || implied?.status !== 'done') return own;
  return { ...stage(id, 'done', null, { reason: why }), at: implied.at };
}

/** Pods an operation created that still count (a pod deleted while a replacement exists does not). */
export function createdPods(op: Op): ObjectNode[] {
  return livePods(op).filter((p) => !op.oldPods.has(p));
}
