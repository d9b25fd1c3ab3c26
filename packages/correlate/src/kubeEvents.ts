import type { StoredRecord } from '@kubetrail/model';
import type { Context } from './context.ts';
import type { ControlPlane } from './controlPlane.ts';
import type { KubeEvent } from './kubeEvent.ts';
import { imageOfLine } from './imagePulls.ts';
import { parsePodName, parseScaling, readKubeEvent } from './kubeEvent.ts';
import type { ObjectNode, Touch } from './objectGraph.ts';
import { chainTouchAt, kindOfKind, touchAt } from './objectGraph.ts';
import type { Op } from './operation.ts';
import { eventFinding, oneLine } from './stageSignals.ts';

const CONTROLLED_POD = /-[a-z0-9]{6,10}-[a-z0-9]{5}$/;

/**
 * Kubernetes Events: the controllers' own account of what they did. They grow the object graph
 * (`Scaled up replica set X`, `Created pod: Y`), carry most ladder evidence, and — without an
 * audit log — are where operations are inferred from.
 */
export class KubeEvents {
  constructor(
    private readonly ctx: Context,
    private readonly cp: ControlPlane,
  ) {}

  onEvent(rec: StoredRecord): void {
    const ev = readKubeEvent(rec);
    if (!ev || rec.ts === null) return;
    const ts = rec.ts;
    const g = this.ctx.graph;
    const kind = kindOfKind(ev.kind);
    const obj = g.ensure(kind, kind === 'node' ? null : ev.namespace, ev.name, ev.uid);
    const component = ev.component ?? rec.component;

    if (kind === 'deployment' && ev.reason === 'ScalingReplicaSet') {
      const sc = parseScaling(ev.message);
      if (!sc) return;
      const isNew = !g.get('replicaset', obj.namespace, sc.rs);
      const rs = g.ensure('replicaset', obj.namespace, sc.rs, null, obj);
      let t = touchAt(obj, ts, this.ctx.skewNs);
      if (!t || t.op.operation === 'drain-node')
        t = { op: this.inferScaling(rec, obj, rs, isNew && !sc.from, sc.up), ts };
      const op = t.op;
      this.cp.adopt(op, rs, ts);
      if (op.operation === 'create-deployment') {
        if (sc.up) op.desired = sc.to;
        this.ctx.signal(
          op,
          null,
          { stage: 'replicaset-created', status: 'done', reason: oneLine(ev.message) },
          rec,
          ts,
          component,
        );
        this.cp.resolvePending('replicaset', obj.namespace, ts, op, rs, true);
      } else if (op.operation === 'scale-deployment') {
        op.desired = sc.to;
        op.scaleDown ??= !sc.up;
        if (sc.from !== null) op.scaleFrom ??= sc.from;
      }
      this.link(rec, op, obj);
      return;
    }

    if (kind === 'replicaset' && (ev.reason === 'SuccessfulCreate' || ev.reason === 'SuccessfulDelete')) {
      const podName = parsePodName(ev.message);
      const t = chainTouchAt(obj, ts, this.ctx.skewNs) ?? this.inferFromReplicaSet(rec, obj, ts);
      if (!podName || !t) return;
      const pod = g.ensure('pod', obj.namespace, podName, null, obj);
      const op = t.op;
      this.cp.adopt(op, pod, ts);
      if (ev.reason === 'SuccessfulCreate') {
        this.ctx.signal(
          op,
          pod,
          { stage: 'pods-created', status: 'done', reason: oneLine(ev.message) },
          rec,
          ts,
          component,
        );
        this.cp.resolvePending('pod', obj.namespace, ts, op, pod, true);
      } else {
        op.pods.add(pod);
        if (pod.deletedAt === null) pod.deletedAt = ts;
        this.ctx.signal(
          op,
          pod,
          { stage: 'pods-deleted', status: 'done', reason: oneLine(ev.message) },
          rec,
          ts,
          component,
        );
      }
      this.link(rec, op, pod);
      return;
    }

    if (kind === 'replicaset' && ev.reason === 'FailedCreate') {
      const t = chainTouchAt(obj, ts, this.ctx.skewNs) ?? this.inferFromReplicaSet(rec, obj, ts);
      if (!t) return;
      this.ctx.signal(
        t.op,
        null,
        { stage: 'pods-created', status: 'failed', reason: oneLine(ev.message) },
        rec,
        ts,
        component,
      );
      this.cp.resolvePending('pod', obj.namespace, ts, t.op, null, false);
      this.link(rec, t.op, obj);
      return;
    }

    if (kind === 'pod' && !obj.owner) g.discoverByName(obj.namespace, obj.name);
    const t =
      touchAt(obj, ts, this.ctx.skewNs) ?? this.viaOwner(obj, ts) ?? this.inferOther(rec, ev, obj, ts);
    if (!t) return;
    if (kind === 'pod' && ev.reason === 'Scheduled') {
      const m = / to (\S+?)\.?$/.exec(ev.message);
      if (m) obj.nodeName = m[1]!;
    }
    if (kind === 'pod' && (ev.reason === 'Pulling' || ev.reason === 'Pulled')) {
      const image = imageOfLine(ev.message) ?? /image "([^"]+)"/.exec(ev.message)?.[1] ?? null;
      const nodeName = obj.nodeName ?? ev.host;
      if (image && nodeName) this.ctx.pulls.note(nodeName, image, ev.firstTs ?? ts, ts, t.op, obj);
    }
    const f = eventFinding(ev);
    if (f) this.ctx.signal(t.op, kind === 'pod' ? obj : null, f, rec, ts, component);
    else if (ev.reason === 'Pulling' || ev.reason === 'Created')
      t.op.progress.set(ev.reason === 'Pulling' ? 'images-pulled' : 'containers-started', {
        ts: ev.firstTs ?? ts,
        reason: `${ev.message} (${obj.name})`,
        recordId: rec.id,
      });
    this.link(rec, t.op, obj);
  }

  private link(rec: StoredRecord, op: Op, obj: ObjectNode): void {
    if (rec.reqId) {
      this.ctx.link(
        rec,
        this.ctx.explicitReq(rec.reqId, rec.ts ?? op.startNs),
        'explicit',
        `reqID=${rec.reqId}`,
      );
      return;
    }
    this.ctx.link(rec, op.req, 'inferred', obj.key);
  }

  /** No audit call claims the Deployment: its controller's first move is the operation. */
  private inferScaling(
    rec: StoredRecord,
    deploy: ObjectNode,
    rs: ObjectNode,
    isNewRs: boolean,
    up: boolean,
  ): Op {
    const ts = rec.ts ?? 0n;
    const otherRs = deploy.children.some((c) => c !== rs && c.kind === 'replicaset');
    if (isNewRs && !otherRs && up) return this.ctx.inferOp('create-deployment', deploy, ts, rec);
    if (!isNewRs || !up) {
      const op = this.ctx.inferOp('scale-deployment', deploy, ts, rec);
      op.scaleDown = !up;
      return op;
    }
    return this.ctx.inferOp('generic', deploy, ts, rec); // a rollout: no ladder yet
  }

  /** A pod whose creation we did not see joins its owner chain's operation on first sight. */
  private viaOwner(obj: ObjectNode, ts: bigint): Touch | null {
    if (!obj.owner || obj.touches.length > 0) return null;
    const t = chainTouchAt(obj.owner, ts, this.ctx.skewNs);
    if (t) this.cp.adopt(t.op, obj, ts);
    return t;
  }

  private inferFromReplicaSet(rec: StoredRecord, rs: ObjectNode, ts: bigint): Touch | null {
    const deploy = rs.owner;
    if (!deploy || deploy.kind !== 'deployment') return null;
    const existing = touchAt(deploy, ts, this.ctx.skewNs);
    if (existing) return existing;
    return { op: this.ctx.inferOp('create-deployment', deploy, ts, rec), ts };
  }

  private inferOther(rec: StoredRecord, ev: KubeEvent, obj: ObjectNode, ts: bigint): Touch | null {
    if (obj.kind === 'node' && ev.reason === 'NodeNotSchedulable')
      return { op: this.ctx.inferOp('drain-node', obj, ts, rec), ts };
    // A pod named like a ReplicaSet's (`<name>-<hash>-<5>`) was made by a controller, not a user.
    if (
      obj.kind === 'pod' &&
      ev.reason === 'Scheduled' &&
      !obj.owner &&
      obj.namespace !== 'kube-system' &&
      !CONTROLLED_POD.test(obj.name)
    ) {
      const discovered = this.ctx.graph.discoverByName(obj.namespace, obj.name);
      if (!discovered || !discovered.owner) return { op: this.ctx.inferOp('create-pod', obj, ts, rec), ts };
    }
    return null;
  }
}
