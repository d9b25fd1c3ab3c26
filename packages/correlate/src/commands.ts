import type { Operation } from '@kubetrail/model';
import type { AuditCall } from './auditCall.ts';
import { callSucceeded } from './auditCall.ts';
import type { Context } from './context.ts';
import type { ObjectNode } from './objectGraph.ts';
import { kindOfResource, touch } from './objectGraph.ts';
import type { Op, Req, Signal } from './operation.ts';
import { addSignal, newOp } from './operation.ts';
import { newReq } from './requests.ts';
import { specForCall } from './operations/index.ts';
import { oneLine } from './stageSignals.ts';
import { isBootstrapAgent, isMutatingVerb } from './users.ts';

const MAX_CALLS = 5000;

/** A client command being assembled from its API calls (one user, agent and IP, < 1 s gaps). */
interface Command {
  req: Req;
  calls: AuditCall[];
}

const asObj = (v: unknown): Record<string, unknown> | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

/**
 * Groups user API calls into requests. Links of a command's own audit events wait until the
 * command closes, because its reqID (the first mutating call's auditID) may come after reads.
 */
export class Commands {
  private readonly open = new Map<string, Command>();

  constructor(private readonly ctx: Context) {}

  onUserCall(call: AuditCall): void {
    // The impersonated identity is part of the client: `--as bob` and `--as alice` are two commands.
    const key = call.reqId
      ? `reqID ${call.reqId}`
      : `${call.user}|${call.impersonatedUser ?? ''}|${call.userAgent ?? ''}|${call.sourceIps[0] ?? ''}${
          isBootstrapAgent(call.userAgent)
            ? `|${call.resource ?? ''}/${call.namespace ?? ''}/${call.name ?? ''}`
            : ''
        }`;
    let cmd = this.open.get(key);
    // A client polling faster than the gap (a watch loop, a CI bot) would make one endless
    // command; cap it so memory stays bounded.
    if (
      cmd &&
      !call.reqId &&
      (call.ts - cmd.req.lastCallNs >= this.ctx.gapNs || cmd.calls.length >= MAX_CALLS)
    ) {
      this.close(cmd);
      cmd = undefined;
    }
    if (!cmd) {
      const existing = call.reqId ? this.ctx.reqById.get(call.reqId) : undefined;
      const req = existing ?? newReq(call.reqId ?? call.auditId, call.reqId ? 'reqID' : 'audit', call.ts);
      req.groupKey = key;
      req.user = call.user || null;
      req.impersonatedUser = call.impersonatedUser;
      req.userAgent = call.userAgent;
      cmd = { req, calls: [] };
      this.open.set(key, cmd);
    }
    const req = cmd.req;
    cmd.calls.push(call);
    if (call.ts > req.lastCallNs) req.lastCallNs = call.ts;
    if (call.ts < req.startNs) req.startNs = call.ts;
    req.auditIds.push(call.auditId);
    for (const ip of call.sourceIps) req.sourceIps.add(ip);
    this.ctx.auditReq.set(call.auditId, req);
    if (!isMutatingVerb(call.verb)) return;
    if (!req.hasMutating) {
      req.hasMutating = true;
      if (req.idKind === 'audit') req.reqId = call.auditId;
      req.code = call.code;
      // Register now: control-plane calls that follow link to this request by its final reqID.
      this.ctx.register(req);
    }
    this.addMutation(req, call, cmd);
  }

  /** Closes every command (end of the audit pass). */
  closeAll(): void {
    for (const cmd of this.open.values()) this.close(cmd);
    this.open.clear();
  }

  private close(cmd: Command): void {
    this.open.delete(cmd.req.groupKey ?? '');
    let req = cmd.req;
    const key = req.groupKey ?? '';
    if (!req.hasMutating) {
      // kubectl waiting for what it just deleted or evicted (`drain`, `delete --wait`): GETs of
      // those objects answered 404 belong to that command, not to a refused request of their own.
      const previous = this.lastMutating.get(key);
      if (previous !== undefined && cmd.calls.every((c) => !c.resource || isWaitRead(c, previous)))
        req = this.follow(cmd, previous.req);
    }
    if (req === cmd.req && !req.hasMutating) {
      // A read-only command (`kubectl get`) makes the cluster do nothing, so by default it is a
      // request only when refused: a 403 is the answer to "who tried what". Its targets are the
      // objects it read; discovery calls have none.
      const mode = this.ctx.readOnly;
      const refused = cmd.calls.some((c) => c.resource && !callSucceeded(c));
      if (mode === 'all' || (mode === 'refused' && refused))
        for (const call of cmd.calls) if (call.resource) this.readTarget(req, call);
      if (req.ops.length === 0) {
        for (const call of cmd.calls) this.ctx.auditReq.delete(call.auditId);
        return;
      }
      const main =
        cmd.calls.find((c) => c.resource && !callSucceeded(c)) ?? cmd.calls.find((c) => c.resource);
      req.code = main?.code ?? null;
      if (main && req.idKind === 'audit') req.reqId = main.auditId;
      this.ctx.register(req);
    }
    if (req.hasMutating && req === cmd.req)
      this.lastMutating.set(key, { req, names: mutatedNames(cmd.calls), endNs: req.lastCallNs });
    for (const call of cmd.calls) {
      this.ctx.sink.link({
        recordId: call.recordId,
        reqId: req.reqId,
        kind: call.reqId ? 'explicit' : 'audit',
        evidence: call.reqId ? `reqID=${call.reqId}` : `auditID=${call.auditId}`,
      });
      this.ctx.countLink(req, call.endTs());
    }
  }

  /** Per client, its last mutating command: what it changed, and when it ended. */
  private readonly lastMutating = new Map<string, FollowTarget>();

  /** A follow-up command's calls join `into` (its audit IDs, its lines). */
  private follow(cmd: Command, into: Req): Req {
    for (const call of cmd.calls) {
      into.auditIds.push(call.auditId);
      this.ctx.auditReq.set(call.auditId, into);
      if (call.ts > into.lastCallNs) into.lastCallNs = call.ts;
    }
    const f = this.lastMutating.get(cmd.req.groupKey ?? '');
    if (f) f.endNs = into.lastCallNs;
    return into;
  }

  private readTarget(req: Req, call: AuditCall): void {
    const resource = call.subresource ? `${call.resource}/${call.subresource}` : (call.resource ?? '');
    const name = call.name ?? '';
    let op = req.ops.find(
      (o) =>
        o.verb === call.verb && o.resource === resource && o.namespace === call.namespace && o.name === name,
    );
    if (!op) {
      op = newOp(req, 'generic', {
        verb: call.verb,
        resource,
        namespace: call.namespace,
        name,
        target: null,
        startNs: call.ts,
        windowNs: 0n,
      });
      op.api = apiSignal(call);
    } else if (op.api?.status === 'done' && !callSucceeded(call)) {
      // One refusal among retries is what the user saw.
      op.api = apiSignal(call);
    }
  }

  private addMutation(req: Req, call: AuditCall, cmd: Command): void {
    const g = this.ctx.graph;
    const ok = callSucceeded(call);
    const res = call.resource ?? '';
    const sub = call.subresource;
    const ns = call.namespace;
    // A create posts to the collection; `kubectl apply` looked the object up by name just before.
    const name =
      call.name ??
      (call.verb === 'create'
        ? (cmd.calls.findLast((c) => c.verb === 'get' && c.resource === res && c.namespace === ns && c.name)
            ?.name ?? '')
        : '');
    const api = apiSignal(call);

    if (res === 'pods' && sub === 'eviction' && call.verb === 'create') {
      // An evicted pod's replacement comes from its ReplicaSet: find it by name when not known.
      const pod = g.get('pod', ns, name) ?? g.discoverByName(ns, name) ?? g.ensure('pod', ns, name);
      if (!pod.owner) g.ownersByConvention(pod);
      let op = req.ops.find((o) => o.operation === 'drain-node' || o.operation === 'cordon-node');
      if (op?.operation === 'cordon-node') {
        op.operation = 'drain-node';
        op.verb = 'drain';
      }
      if (!op) {
        const node = pod.nodeName ? g.ensure('node', null, pod.nodeName) : null;
        op = this.newUserOp(req, 'drain-node', call, 'drain', 'nodes', null, pod.nodeName ?? '', node);
      }
      op.evicted.add(pod);
      addSignal(op, pod, { ...api, stage: 'pods-evicted' });
      if (ok) {
        touch(pod, op, call.ts);
        // The ReplicaSet's reaction (a replacement pod) is part of the drain.
        if (pod.owner) touch(pod.owner, op, call.ts);
      }
      return;
    }
    // `kubectl taint` patches the node's taints, not spec.unschedulable: not a cordon.
    const nodePatch =
      res === 'nodes' && !sub && (call.verb === 'patch' || call.verb === 'update') && !isTaintPatch(call);
    if (nodePatch && isUncordon(call, g.get('node', null, name), req)) {
      const node = g.ensure('node', null, name);
      node.cordoned = false;
      if (!req.ops.some((o) => o.target === node)) {
        const op = this.newUserOp(req, 'uncordon-node', call, 'uncordon', 'nodes', null, name, node);
        op.api = api;
      }
      return;
    }
    if (nodePatch) {
      // A cordon; the drain's evictions that follow in the same command make it a drain.
      const node = g.ensure('node', null, name);
      if (ok) node.cordoned = true;
      let op = req.ops.find((o) => o.operation === 'drain-node' || o.operation === 'cordon-node');
      if (!op) op = this.newUserOp(req, 'cordon-node', call, 'cordon', 'nodes', null, name, node);
      if (!op.target) {
        op.target = node;
        op.name = name;
      }
      op.api ??= api;
      addSignal(op, null, { ...api, stage: 'node-cordoned' });
      if (ok) touch(node, op, call.ts);
      return;
    }

    const existing = req.ops.find(
      (o) =>
        o.namespace === ns && o.name === name && (o.resource === res || o.resource.startsWith(`${res}/`)),
    );
    if (existing) return;

    // The registry says which operation the call starts (operations/); a call no spec claims (a
    // ConfigMap, a body-less patch) is judged on itself — a body-less patch of a workload learns
    // what it was from its controller's first fact (inference).
    const spec = specForCall(call);
    const operation: Operation = spec?.operation ?? 'generic';
    const renamed = spec !== null && (spec.verb === 'scale' || spec.verb === 'rollout');
    const verb = renamed ? spec.verb : call.verb;
    const resource = renamed ? spec.resource : sub ? `${res}/${sub}` : res;
    const body = call.requestObject;
    const kind = kindOfResource(res);
    const target = name ? g.ensure(kind, ns, name, ok ? call.uid : null) : null;
    const op = this.newUserOp(req, operation, call, verb, resource, ns, name, target);
    op.api = api;
    if (ok && !target && spec !== null && call.verb === 'create') this.ctx.addNameless(op);
    if (!ok || !target) return;

    const replicas = asObj(asObj(body)?.['spec'])?.['replicas'];
    if (typeof replicas === 'number') op.desired = replicas;
    else if (operation === 'create-deployment' && body) op.desired = 1;
    if (operation.startsWith('delete-')) {
      // Everything the workload owns now is what its deletion takes down.
      for (const c of target.children) {
        if (c.deletedAt !== null) continue;
        if (c.kind === 'replicaset') {
          op.replicaSets.add(c);
          for (const pod of c.children) if (pod.kind === 'pod' && pod.deletedAt === null) op.pods.add(pod);
        } else if (c.kind === 'pod') op.pods.add(c);
      }
    }
    touch(target, op, call.ts);
  }

  private newUserOp(
    req: Req,
    operation: Operation,
    call: AuditCall,
    verb: string,
    resource: string,
    namespace: string | null,
    name: string,
    target: ObjectNode | null,
  ): Op {
    const op = newOp(req, operation, {
      verb,
      resource,
      namespace,
      name,
      target,
      startNs: call.ts,
      windowNs: this.ctx.windowNs,
    });
    if (target && callSucceeded(call)) touch(target, op, call.ts);
    return op;
  }
}

interface FollowTarget {
  req: Req;
  /** `resource ns/name` of what the command deleted, evicted or changed. */
  names: Set<string>;
  endNs: bigint;
}

/** How long after its command kubectl may still be waiting (drain's default timeout is unbounded; 10 min covers most). */
const FOLLOW_NS = 600_000_000_000n;

const nameKey = (resource: string, ns: string | null, name: string): string =>
  `${resource} ${ns ?? ''}/${name}`;

function mutatedNames(calls: readonly AuditCall[]): Set<string> {
  const out = new Set<string>();
  for (const c of calls)
    if (isMutatingVerb(c.verb) && c.resource && c.name) out.add(nameKey(c.resource, c.namespace, c.name));
  return out;
}

/** A GET (or watch/list) of an object the previous command deleted or evicted, soon after it. */
function isWaitRead(c: AuditCall, f: FollowTarget): boolean {
  if (isMutatingVerb(c.verb) || !c.resource || c.ts - f.endNs > FOLLOW_NS) return false;
  return c.name !== null && f.names.has(nameKey(c.resource, c.namespace, c.name));
}

export function apiSignal(call: AuditCall): Signal {
  const ok = callSucceeded(call);
  return {
    stage: 'api-accepted',
    status: ok ? 'done' : 'failed',
    ts: call.ts,
    component: 'kube-apiserver',
    reason: ok
      ? call.code !== null
        ? `HTTP ${call.code}`
        : null
      : oneLine(call.message ?? `HTTP ${call.code ?? '?'}`),
    recordId: call.recordId,
  };
}

/**
 * `kubectl uncordon` patches the node too. A body says which (spec.unschedulable); without one
 * (Metadata level, httplog), a patch of a node that an earlier request cordoned is its uncordon.
 */
function isTaintPatch(call: AuditCall): boolean {
  if (call.fieldManager === 'kubectl-taint') return true;
  const spec = asObj(call.requestObject?.['spec']);
  return spec !== null && 'taints' in spec && !('unschedulable' in spec);
}

function isUncordon(call: AuditCall, node: ObjectNode | undefined, req: Req): boolean {
  const spec = asObj(call.requestObject?.['spec']);
  if (spec !== null) return spec['unschedulable'] !== true;
  if (!node?.cordoned) return false;
  return !req.ops.some((o) => o.operation === 'drain-node' && o.target === node);
}
