import type { StateFields, StoredRecord } from '@kubetrail/model';
import type { Context } from './context.ts';
import type { ObjectNode } from './objectGraph.ts';
import { chainTouchAt, kindOfKind, touch, touchAt } from './objectGraph.ts';
import type { Op } from './operation.ts';
import { specForCreation } from './operations/index.ts';
import type { StageFinding } from './stageSignals.ts';
import { oneLine } from './stageSignals.ts';

/** Waiting and termination reasons, by the stage they fail. */
const PULL_FAILURES =
  /^(ErrImagePull|ImagePullBackOff|ErrImageNeverPull|InvalidImageName|ImageInspectError)$/;
const START_FAILURES =
  /^(CreateContainerConfigError|CreateContainerError|RunContainerError|PreStartHookError|PostStartHookError|ContainerCannotRun)$/;
/** A pod the kubelet refused (OutOfcpu, OutOfmemory, NodeAffinity…): it never ran; it does not count. */
const REJECTED = /^(OutOf\w+|NodeAffinity|NodeLost|UnexpectedAdmissionError|Evicted|Preempting)$/;

/** Namespace-less rows kept until the end (bounded). */
const MAX_UNPLACED = 10_000;

interface Kept {
  rec: StoredRecord;
  f: StateFields;
}

/**
 * Object state from List files (`state` records): who owns whom and since when, and — at the end —
 * what the objects looked like when the bundle was taken. Events expire after an hour, so in a dump
 * taken later the state *is* the evidence: a container `waiting: ImagePullBackOff`,
 * `Progressing=False ProgressDeadlineExceeded`, `restartCount: 41`. Creation times start
 * operations nothing else explains; the end state settles what the logs leave open.
 */
export class ObjectState {
  private readonly facts = new Map<ObjectNode, Kept[]>();
  /** The newest time any state fact carries: "the end of the bundle" for facts with none. */
  private lastNs: bigint | null = null;

  constructor(private readonly ctx: Context) {}

  onState(rec: StoredRecord): void {
    const f = rec.fields as unknown as StateFields | null;
    if (f === null || typeof f !== 'object' || f.object === undefined) return;
    const g = this.ctx.graph;
    const ref = f.object;
    const kind = kindOfKind(ref.kind);
    const ns = kind === 'node' ? null : ref.namespace;
    // A row that names a pod without its namespace (`minikube logs`' container status table):
    // which pod it is is known once every log line has been read.
    if (kind === 'pod' && ns === null && ref.uid === null) {
      if (this.unplaced.length < MAX_UNPLACED) this.unplaced.push({ rec, f });
      return;
    }
    const first = ref.owners[0];
    const owner = first ? g.ensure(kindOfKind(first.kind), ns, first.name, first.uid) : null;
    const obj = g.ensure(kind, ns, ref.name, ref.uid, owner);
    if (kind === 'pod' && rec.node !== null) obj.nodeName ??= rec.node;
    if (rec.ts !== null && (this.lastNs === null || rec.ts > this.lastNs)) this.lastNs = rec.ts;
    let list = this.facts.get(obj);
    if (!list) this.facts.set(obj, (list = []));
    list.push({ rec, f });
    if (f.fact === 'created' && rec.ts !== null) this.created(obj, rec, f);
  }

  /**
   * An object appears: its operation starts here when nothing holds it (a creation the logs no
   * longer show), and a child joins its owner's operation.
   */
  private created(obj: ObjectNode, rec: StoredRecord, f: StateFields): void {
    const ts = rec.ts!;
    const skew = this.ctx.skewNs;
    if (touchAt(obj, ts, skew) !== null) return;
    const revision = f.revision != null ? Number(f.revision) : null;
    const starts = specForCreation(obj, revision);
    if (starts !== null && touchAt(starts.target, ts, skew) === null) {
      const op = this.ctx.inferOp(starts.spec.operation, starts.target, ts, rec);
      if (starts.target !== obj) this.adopt(op, obj, ts);
      return;
    }
    const held = chainTouchAt(obj, ts, skew);
    if (held !== null) this.adopt(held.op, obj, ts);
  }

  private adopt(op: Op, obj: ObjectNode, ts: bigint): void {
    touch(obj, op, ts);
    if (obj.kind === 'replicaset') {
      op.replicaSets.add(obj);
      if (op.operation === 'rollout-deployment') op.newReplicaSet ??= obj;
    } else if (obj.kind === 'pod') op.pods.add(obj);
    else if (obj.kind === 'persistentvolumeclaim') op.claims.add(obj);
    else if (obj.kind === 'job') op.jobs.add(obj);
  }

  private unplaced: Kept[] = [];

  /** The end state: every object's facts go to the operation that last touched it, as evidence. */
  finish(): void {
    const g = this.ctx.graph;
    for (const k of this.unplaced) {
      const name = k.f.object.name;
      const same = g.byToken.get(name)?.filter((n) => n.kind === 'pod' && n.replacedBy === null) ?? [];
      const obj =
        (same.length === 1 ? same[0] : undefined) ??
        g.discoverByName(null, name) ??
        g.ensure('pod', null, name);
      let list = this.facts.get(obj);
      if (!list) this.facts.set(obj, (list = []));
      list.push(k);
    }
    this.unplaced = [];
    for (const [obj, kept] of this.facts) {
      const last = obj.touches.at(-1) ?? (obj.owner ? lastTouch(obj.owner) : null);
      if (!last) continue;
      const op = last.op;
      if (obj.kind === 'pod' && !op.pods.has(obj) && !op.oldPods.has(obj) && op.target !== obj)
        this.adopt(op, obj, last.ts);
      for (const { rec, f } of kept) {
        const finding = findingOf(obj, f);
        if (finding !== null) {
          // A fact with no time of its own is how things stood when the bundle was taken.
          const ts = f.approx === true ? (this.lastNs ?? rec.ts) : rec.ts;
          this.ctx.signal(
            op,
            obj.kind === 'pod' || obj.kind === 'persistentvolumeclaim' ? obj : null,
            finding,
            rec,
            ts,
            rec.component,
          );
        }
        if (obj.kind === 'pod' && f.fact === 'phase' && f.reason != null && REJECTED.test(f.reason)) {
          obj.rejected = true;
          obj.deletedAt ??= rec.ts ?? 0n;
        }
        this.ctx.link(rec, op.req, 'inferred', `${obj.key} (object state)`);
      }
    }
  }
}

function lastTouch(n: ObjectNode): { op: Op; ts: bigint } | null {
  for (let o: ObjectNode | null = n, d = 0; o !== null && d < 4; o = o.owner, d++) {
    const t = o.touches.at(-1);
    if (t) return t;
  }
  return null;
}

const done = (stage: StageFinding['stage'], reason: string | null): StageFinding => ({
  stage,
  status: 'done',
  reason,
});
const failed = (stage: StageFinding['stage'], reason: string): StageFinding => ({
  stage,
  status: 'failed',
  reason,
});

/** What one state fact says about a stage, by the kind of object it is about. */
function findingOf(obj: ObjectNode, f: StateFields): StageFinding | null {
  const why = (r: string | null | undefined, m: string | null | undefined): string =>
    oneLine([r, m].filter((x) => x).join(': '));
  if (f.fact === 'condition') {
    const key = `${obj.kind} ${f.condition ?? ''} ${f.status ?? ''}`;
    switch (key) {
      case 'pod PodScheduled True':
        return done('pods-scheduled', 'PodScheduled condition true');
      case 'pod PodScheduled False':
        return failed('pods-scheduled', why(f.reason, f.message) || 'not scheduled');
      case 'pod Ready True':
      case 'pod ContainersReady True':
        return done('pods-ready', 'Ready condition true');
      case 'deployment Available True':
        return done('deployment-available', 'Available condition true');
      case 'deployment Progressing False':
        return f.reason === 'ProgressDeadlineExceeded'
          ? failed('deployment-available', why(f.reason, f.message))
          : null;
      case 'deployment ReplicaFailure True':
      case 'replicaset ReplicaFailure True':
        return failed('pods-created', why(f.reason, f.message));
      case 'job Complete True':
        return done('job-complete', 'Complete condition true');
      case 'job Failed True':
        return failed('job-complete', why(f.reason, f.message));
      default:
        return null;
    }
  }
  if (f.fact === 'container' && obj.kind === 'pod' && f.previous !== true) {
    switch (f.state) {
      case 'running':
        return done('containers-started', `container ${f.container ?? ''} running`);
      case 'waiting':
        if (f.reason != null && PULL_FAILURES.test(f.reason))
          return failed('images-pulled', why(f.reason, f.message));
        if (f.reason != null && START_FAILURES.test(f.reason))
          return failed('containers-started', why(f.reason, f.message));
        if (f.reason === 'CrashLoopBackOff') return failed('pods-ready', why(f.reason, f.message));
        return null;
      case 'terminated':
        if (f.exitCode === 0 && (f.reason === 'Completed' || f.reason == null))
          return done('pods-succeeded', `container ${f.container ?? ''} completed`);
        return null;
      case 'started':
      case undefined:
        return null;
    }
  }
  if (f.fact === 'status') {
    const c = f.counts ?? {};
    if (obj.kind === 'persistentvolumeclaim' && f.phase === 'Bound') return done('pvcs-bound', 'Bound');
    if (
      (obj.kind === 'statefulset' || obj.kind === 'replicaset') &&
      c['replicas'] != null &&
      c['readyReplicas'] === c['replicas'] &&
      (c['replicas'] ?? 0) > 0
    )
      return done('workload-ready', `${c['readyReplicas']} of ${c['replicas']} replicas ready`);
    if (
      obj.kind === 'daemonset' &&
      c['desiredNumberScheduled'] != null &&
      c['numberReady'] === c['desiredNumberScheduled']
    )
      return done('workload-ready', `${c['numberReady']} of ${c['desiredNumberScheduled']} pods ready`);
    return null;
  }
  if (f.fact === 'cordoned' && obj.kind === 'node') return done('node-cordoned', 'spec.unschedulable');
  return null;
}
