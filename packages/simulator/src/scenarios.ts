/**
 * Scenarios: each writes one or more user operations (with their ground truth) into an epoch.
 * They are composable: every scenario uses its own object names, so any set fits in one bundle.
 */
import type { Operation, Outcome, StageId } from '@kubetrail/model';
import { rfc3339Nano } from './clock.ts';
import type { Actor } from './cluster.ts';
import type { Epoch } from './epoch.ts';
import { rememberReplicaSet } from './flows/controllerManager.ts';
import type { Pod, VolumeClaim, Workload } from './flows/objects.ts';
import { deploymentBody, makePod, makeWorkload, replicaSetBody, podBody } from './flows/objects.ts';
import type { PodFailure } from './flows/workload.ts';
import {
  deploymentCreatesReplicaSet,
  depRef,
  kubeletKillsPod,
  kubeletStartsPod,
  progressDeadlineExceeded,
  replicaSetCreatesPods,
  schedulePod,
  sec,
  workloadAvailable,
} from './flows/workload.ts';

/** Scenarios that write operations. */
export const OP_SCENARIOS = [
  'complete',
  'bad-image',
  'unschedulable',
  'volume-timeout',
  'quota-exceeded',
  'webhook-denied',
  'crash-loop',
  'readiness-failing',
  'concurrency',
  'explicit-reqid',
  'drain-node',
  'scale-deployment',
  'delete-deployment',
  'logs-end-midway',
] as const;

/** Scenarios that change how the whole bundle is written. */
export const MODIFIER_SCENARIOS = ['json-logging', 'metadata-audit', 'no-audit'] as const;

export const SCENARIOS = [...OP_SCENARIOS, ...MODIFIER_SCENARIOS] as const;
export type OpScenarioName = (typeof OP_SCENARIOS)[number];

/**
 * Shapes seen in real bundles (every workload kind, rollouts, failures that recover, bootstrap
 * add-ons, same-object operations). Not in the default set: ask for them by name
 * (`generateBundle({ scenarios: [...REAL_SHAPE_SCENARIOS] })`). See `realScenarios.ts`.
 */
export const REAL_SHAPE_SCENARIOS = [
  'bootstrap',
  'rollout',
  'rollout-missing-secret',
  'rollout-secret-recovers',
  'image-pull-recovers',
  'unschedulable-retries',
  'statefulset',
  'statefulset-scale',
  'daemonset',
  'job',
  'cronjob-run',
  'bare-pod',
  'drain-uncordon',
  'deployment-lifecycle',
  'cordon-uncordon',
  'delete-reapply',
  'taint-reject-loop',
] as const;
export type RealShapeScenarioName = (typeof REAL_SHAPE_SCENARIOS)[number];

/**
 * Modifiers for real-bundle shapes: `events-by-name` lists events.json the way `kubectl get events
 * -o json` does (by namespace and name, not by time); `v1-uids` gives objects of the real-shape
 * scenarios time-based v1 UUIDs (as Kubernetes ≤ 1.1x did); `kubelet-events` makes the kubelets log
 * every Event they record (`"Event occurred"`), as kind's kubelets do; `events-only` keeps only
 * what the Kivi collections hold (the Events list, each kubelet's journal, the scheduler's log: see
 * `layout.ts`); `kcm-no-events` writes the controller manager as v1.29+ runs at default verbosity
 * (no `"Event occurred"`, the ReplicaSet controller's `"Finished syncing"` lines, its start-up
 * resync); `no-events-json` leaves out `cluster/events.json` (a bare kind export);
 * `default-verbosity` drops the lines the kubelet, scheduler and API server write only above their
 * default verbosity (kind ≥ 1.29: no `SyncLoop ADD`, no binds, no httplog; see `layout.ts`).
 */
export const REAL_SHAPE_MODIFIERS = [
  'events-by-name',
  'v1-uids',
  'kubelet-events',
  'events-only',
  'kcm-no-events',
  'no-events-json',
  'default-verbosity',
] as const;

export type ScenarioName =
  (typeof SCENARIOS)[number] | RealShapeScenarioName | (typeof REAL_SHAPE_MODIFIERS)[number];
/** A scenario that writes operations. */
export type RunnableScenarioName = OpScenarioName | RealShapeScenarioName;

export interface ScenarioContext {
  ep: Epoch;
  t0: number;
  /** Stamp `reqID` on every line of every operation (else only the explicit-reqid scenario). */
  explicitAll: boolean;
  /** Round-robin node choice for pods that schedule normally. */
  pickNode(): string;
  /** The same, skipping nodes that are cordoned at `us` (the real-shape scenarios use it). */
  pickNodeAt?(us: number): string;
}

/** What a scenario says about one operation it writes (see `OpTruth`). */
export interface OpDef {
  scenario: string;
  key: string;
  operation: Operation;
  verb: string;
  resource: string;
  subresource?: string | null;
  namespace: string | null;
  name: string;
  actor: Actor;
  outcome: Outcome;
  stoppedAt: StageId | null;
  reason: string | null;
  stoppedComponent: string | null;
  code: number;
  explicit?: boolean;
  /** Control-plane activity (bootstrap add-ons, static pods); default false. */
  system?: boolean;
}

/** The truth of an operation that finished: no stop, no reason. */
export const COMPLETE = {
  outcome: 'complete',
  stoppedAt: null,
  reason: null,
  stoppedComponent: null,
} as const;

/** Adds an operation to the truth (its key made unique in the bundle); returns its index. */
export function registerOp(c: ScenarioContext, d: OpDef, t0: number): number {
  const ops = c.ep.ops;
  const keys = new Set(ops.map((o) => o.key));
  let key = d.key;
  for (let n = 2; keys.has(key); n++) key = `${d.key} #${n}`;
  const index = ops.length;
  ops.push({
    index,
    key,
    scenario: d.scenario,
    operation: d.operation,
    verb: d.verb,
    resource: d.resource,
    subresource: d.subresource ?? null,
    namespace: d.namespace,
    name: d.name,
    user: d.actor.username,
    userAgent: d.actor.userAgent,
    sourceIP: d.actor.ip,
    start: rfc3339Nano(t0, 0),
    auditId: null,
    reqId: d.explicit || c.explicitAll ? c.ep.rng.uuid() : null,
    code: d.code,
    outcome: d.outcome,
    stoppedAt: d.stoppedAt,
    reason: d.reason,
    stoppedComponent: d.stoppedComponent,
    system: d.system ?? false,
  });
  return index;
}

/** Records the audit ID of the operation's first mutating call (none without an audit log). */
export function setAudit(c: ScenarioContext, op: number, auditId: string): void {
  const o = c.ep.ops[op];
  if (o && o.auditId === null && c.ep.audit !== 'none') o.auditId = auditId;
}

/** An object name in this window (`web`, then `web-2` in the second window). */
export const n = (c: ScenarioContext, name: string): string => `${name}${c.ep.suffix}`;

/** `kubectl apply` of a new Deployment: GET (404), then POST. Returns when the create is done, or null if refused. */
export function kubectlCreateDeployment(
  c: ScenarioContext,
  op: number,
  actor: Actor,
  w: Workload,
  t0: number,
  deny: string | null,
): number | null {
  const ep = c.ep;
  const ref = { resource: 'deployments', namespace: w.ns, name: w.name, apiGroup: 'apps', apiVersion: 'v1' };
  const get = ep.api({
    us: t0,
    actor,
    verb: 'get',
    method: 'GET',
    uri: `/apis/apps/v1/namespaces/${w.ns}/deployments/${w.name}`,
    objectRef: ref,
    code: 404,
    failure: {
      message: `deployments.apps "${w.name}" not found`,
      reason: 'NotFound',
      details: { name: w.name, group: 'apps', kind: 'deployments' },
    },
    op,
  });
  const tc = get.doneUs + ep.rng.int(3_000, 9_999);
  w.createdUs = tc;
  const latency = deny ? ep.rng.float(540, 760) : ep.rng.float(6, 14);
  const create = ep.api({
    us: tc,
    actor,
    verb: 'create',
    method: 'POST',
    uri: `/apis/apps/v1/namespaces/${w.ns}/deployments?fieldManager=kubectl-client-side-apply&fieldValidation=Strict`,
    objectRef: ref,
    code: deny ? 400 : 201,
    latencyMs: latency,
    requestObject: deploymentBody(w, null, null),
    ...(deny ? { failure: { message: deny } } : { responseObject: deploymentBody(w, ep.nextRv(), null) }),
    op,
  });
  setAudit(c, op, create.auditId);
  if (deny) {
    // A slow request leaves a utiltrace record: one header line and continuation lines without one.
    const id = ep.rng.int(100_000_000, 2_100_000_000);
    const d = new Date(Math.floor(tc / 1000)).toUTCString().split(' '); // Mon, 10 Jun 2024 11:35:40 GMT
    const hms = (us: number): string => `${new Date(Math.floor(us / 1000)).toISOString().slice(11, 23)}`;
    const total = Math.round(latency);
    const msg =
      `Trace[${id}]: "Create" accept:application/json,audit-id:${create.auditId},client:${actor.ip},api-group:apps,api-version:v1,name:,subresource:,namespace:${w.ns},protocol:HTTP/2.0,resource:deployments,scope:resource,url:/apis/apps/v1/namespaces/${w.ns}/deployments,user-agent:${actor.userAgent},verb:POST (${d[1] ?? ''}-${d[2] ?? ''}-${d[3] ?? ''} ${hms(tc)}) (total time: ${total}ms):\n` +
      `Trace[${id}]: ---"Write to database call failed" len:${1800 + ep.rng.int(0, 600)},err:${deny} ${total - 1}ms (${hms(create.doneUs - 1000)})\n` +
      `Trace[${id}]: [${latency.toFixed(6)}ms] [${latency.toFixed(6)}ms] END`;
    ep.apiserverLog(create.doneUs + 300, { sev: 'I', caller: 'trace/trace.go:236', msg, printf: true }, op);
    return null;
  }
  return create.doneUs;
}

interface DeploySpec {
  scenario: OpScenarioName;
  actor: Actor;
  ns: string;
  name: string;
  replicas: number;
  image: string;
  cpu?: string;
  claim?: VolumeClaim;
  readinessPath?: string | null;
  progressDeadlineSeconds?: number;
  failure?: PodFailure | 'unschedulable' | 'quota' | 'webhook';
  node?: string;
  explicit?: boolean;
  expect: { outcome: Outcome; stoppedAt: StageId | null; reason: string | null; component: string | null };
}

function deployment(c: ScenarioContext, s: DeploySpec, t0: number): void {
  const ep = c.ep;
  const name = n(c, s.name);
  const deny =
    s.failure === 'webhook'
      ? `admission webhook "validate.kyverno.svc-fail" denied the request: \n\nresource Deployment/${s.ns}/${name} was blocked due to the following policies \n\ndisallow-privileged-containers:\n  autogen-privileged-containers: 'validation error: Privileged mode is disallowed. The fields spec.containers[*].securityContext.privileged and spec.initContainers[*].securityContext.privileged must be unset or set to \`false\`. rule autogen-privileged-containers failed at path /spec/template/spec/containers/0/securityContext/privileged/'`
      : null;
  const op = registerOp(
    c,
    {
      scenario: s.scenario,
      key: `create deployments ${s.ns}/${name}`,
      operation: 'create-deployment',
      verb: 'create',
      resource: 'deployments',
      namespace: s.ns,
      name,
      actor: s.actor,
      outcome: s.expect.outcome,
      stoppedAt: s.expect.stoppedAt,
      reason: s.expect.reason,
      stoppedComponent: s.expect.component,
      code: deny ? 400 : 201,
      explicit: s.explicit ?? false,
    },
    t0,
  );
  const w = makeWorkload(ep.rng, {
    ns: s.ns,
    name,
    replicas: s.replicas,
    image: s.image,
    container: s.name.split('-')[0] ?? s.name,
    cpu: s.cpu ?? '100m',
    claim: s.claim ?? null,
    readinessPath: s.readinessPath === undefined ? '/' : s.readinessPath,
    progressDeadlineSeconds: s.progressDeadlineSeconds ?? 600,
    createdUs: t0,
  });
  if (ep.v1Uids) {
    w.uid = ep.uid(t0);
    w.rsUid = ep.uid(t0 + 20_000);
  }
  const created = kubectlCreateDeployment(c, op, s.actor, w, t0, deny);
  if (created === null) return;
  const t = deploymentCreatesReplicaSet(ep, w, op, created + ep.rng.int(8_000, 20_999));
  const quota = s.failure === 'quota' ? { name: 'compute-quota', limit: '1' } : null;
  const res = replicaSetCreatesPods(ep, w, op, t + ep.rng.int(3_000, 10_999), w.replicas, 0, quota);
  const podFailure: PodFailure | null =
    s.failure === 'image' || s.failure === 'volume' || s.failure === 'crash' || s.failure === 'readiness'
      ? s.failure
      : null;
  const nodes = ep.cluster.nodes.length;
  const workers = ep.cluster.workers.length;
  const why = `0/${nodes} nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, ${workers} Insufficient cpu. preemption: 0/${nodes} nodes are available: 1 Preemption is not helpful for scheduling, ${workers} No preemption victims found for incoming pod.`;
  let lastReady = 0;
  let ready = 0;
  for (const p of res.pods) {
    const node = s.failure === 'unschedulable' ? null : (s.node ?? c.pickNode());
    const bound = schedulePod(ep, p, op, p.createdUs + ep.rng.int(2_000, 9_999), node, why);
    if (bound === null) continue;
    const r = kubeletStartsPod(ep, p, op, bound, podFailure);
    if (r !== null) {
      ready++;
      lastReady = Math.max(lastReady, r);
    }
  }
  if (ready === w.replicas && ready > 0)
    workloadAvailable(ep, w, op, lastReady + ep.rng.int(5_000, 60_999), ready);
  else if (w.progressDeadlineSeconds < 300)
    progressDeadlineExceeded(ep, w, op, w.createdUs + (w.progressDeadlineSeconds + 1) * sec);
}

/** A Deployment that existed before the bundle's window, with its pods running. No lines. */
export function existing(
  c: ScenarioContext,
  ns: string,
  name: string,
  replicas: number,
  image: string,
  nodes: string[],
): { w: Workload; pods: Pod[] } {
  const ep = c.ep;
  const w = makeWorkload(ep.rng, {
    ns,
    name: n(c, name),
    replicas,
    image,
    container: name,
    createdUs: ep.startUs - 3600 * sec,
  });
  rememberReplicaSet(ep, w.ns, w.rsName, w.createdUs);
  const pods: Pod[] = [];
  for (let i = 0; i < replicas; i++) {
    const p = makePod(ep.rng, w, w.createdUs);
    p.node = nodes[i % nodes.length] ?? 'kind-worker';
    p.ip = `${ep.cluster.node(p.node).podCidrPrefix}${ep.rng.int(2, 250)}`;
    p.containerId = ep.rng.hex(64);
    pods.push(p);
  }
  return { w, pods };
}

const nodeRef = (name: string) => ({ resource: 'nodes', name, apiVersion: 'v1' });

/** `kubectl drain kind-worker --ignore-daemonsets`, then `kubectl uncordon kind-worker` a little later. */
function drainNode(c: ScenarioContext, t0: number): void {
  const ep = c.ep;
  const actor = ep.cluster.actors.alice;
  const target = 'kind-worker';
  const others = ep.cluster.workers.map((x) => x.name).filter((x) => x !== target);
  const { w, pods } = existing(c, 'blog', 'cache', 2, 'redis:7.2', [target]);
  const op = registerOp(
    c,
    {
      scenario: 'drain-node',
      key: `drain nodes ${target}${ep.suffix}`,
      operation: 'drain-node',
      verb: 'patch',
      resource: 'nodes',
      namespace: null,
      name: target,
      actor,
      ...COMPLETE,
      code: 200,
    },
    t0,
  );
  const get = ep.api({
    us: t0,
    actor,
    verb: 'get',
    method: 'GET',
    uri: `/api/v1/nodes/${target}`,
    objectRef: nodeRef(target),
    code: 200,
    op,
  });
  const cordon = ep.api({
    us: get.doneUs + ep.rng.int(3_000, 8_999),
    actor,
    verb: 'patch',
    method: 'PATCH',
    uri: `/api/v1/nodes/${target}`,
    objectRef: nodeRef(target),
    code: 200,
    requestObject: { spec: { unschedulable: true } },
    responseObject: {
      kind: 'Node',
      apiVersion: 'v1',
      metadata: { name: target, uid: ep.rng.uuid(), resourceVersion: ep.nextRv() },
      spec: { podCIDR: `${ep.cluster.node(target).podCidrPrefix}0/24`, unschedulable: true },
    },
    op,
  });
  setAudit(c, op, cordon.auditId);
  // The node lifecycle controller taints the cordoned node.
  ep.api({
    us: cordon.doneUs + ep.rng.int(20_000, 80_999),
    actor: ep.cluster.actors.controller('node-controller'),
    verb: 'patch',
    method: 'PATCH',
    uri: `/api/v1/nodes/${target}`,
    objectRef: nodeRef(target),
    code: 200,
    requestObject: {
      spec: { taints: [{ effect: 'NoSchedule', key: 'node.kubernetes.io/unschedulable', timeAdded: null }] },
    },
    op,
  });
  const list = ep.api({
    us: cordon.doneUs + ep.rng.int(4_000, 12_999),
    actor,
    verb: 'list',
    method: 'LIST',
    uri: `/api/v1/pods?fieldSelector=spec.nodeName%3D${target}`,
    objectRef: { resource: 'pods', apiVersion: 'v1' },
    code: 200,
    op,
  });
  let t = list.doneUs + ep.rng.int(5_000, 15_999);
  let lastGone = t;
  for (const p of pods) {
    const ev = ep.api({
      us: t,
      actor,
      verb: 'create',
      method: 'POST',
      uri: `/api/v1/namespaces/${w.ns}/pods/${p.name}/eviction`,
      objectRef: {
        resource: 'pods',
        namespace: w.ns,
        name: p.name,
        apiVersion: 'v1',
        subresource: 'eviction',
      },
      code: 201,
      requestObject: {
        kind: 'Eviction',
        apiVersion: 'policy/v1',
        metadata: { name: p.name, namespace: w.ns, creationTimestamp: null },
        deleteOptions: {},
      },
      responseObject: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 },
      op,
    });
    const gone = kubeletKillsPod(ep, p, op, ev.doneUs + ep.rng.int(3_000, 15_999));
    lastGone = Math.max(lastGone, gone);
    // kubectl polls until the pod is gone.
    for (let g = ev.doneUs + 1 * sec; g < gone + 1 * sec; g += 1 * sec) {
      ep.api({
        us: g,
        actor,
        verb: 'get',
        method: 'GET',
        uri: `/api/v1/namespaces/${w.ns}/pods/${p.name}`,
        objectRef: { resource: 'pods', namespace: w.ns, name: p.name, apiVersion: 'v1' },
        code: g < gone ? 200 : 404,
        ...(g < gone
          ? {}
          : {
              failure: {
                message: `pods "${p.name}" not found`,
                reason: 'NotFound',
                details: { name: p.name, kind: 'pods' },
              },
            }),
        op,
      });
    }
    t = ev.doneUs + ep.rng.int(2_000, 6_999);
  }
  // The replicaset controller replaces the evicted pods; they land on the other workers.
  const repl = replicaSetCreatesPods(ep, w, op, t + ep.rng.int(20_000, 60_999), pods.length, 0);
  let i = 0;
  for (const p of repl.pods) {
    const bound = schedulePod(
      ep,
      p,
      op,
      p.createdUs + ep.rng.int(2_000, 9_999),
      others[i++ % others.length] ?? 'kind-worker2',
      '',
      others.length,
    );
    if (bound !== null) kubeletStartsPod(ep, p, op, bound, null);
  }
  // A separate, later operation: uncordon.
  const t2 = lastGone + 40 * sec;
  const op2 = registerOp(
    c,
    {
      scenario: 'drain-node',
      key: `uncordon nodes ${target}${ep.suffix}`,
      operation: 'uncordon-node',
      verb: 'patch',
      resource: 'nodes',
      namespace: null,
      name: target,
      actor,
      ...COMPLETE,
      code: 200,
    },
    t2,
  );
  const get2 = ep.api({
    us: t2,
    actor,
    verb: 'get',
    method: 'GET',
    uri: `/api/v1/nodes/${target}`,
    objectRef: nodeRef(target),
    code: 200,
    op: op2,
  });
  const un = ep.api({
    us: get2.doneUs + ep.rng.int(3_000, 8_999),
    actor,
    verb: 'patch',
    method: 'PATCH',
    uri: `/api/v1/nodes/${target}`,
    objectRef: nodeRef(target),
    code: 200,
    requestObject: { spec: { unschedulable: null } },
    op: op2,
  });
  setAudit(c, op2, un.auditId);
}

/** `kubectl scale deployment catalog --replicas=4` (from 2). */
function scaleDeployment(c: ScenarioContext, t0: number): void {
  const ep = c.ep;
  const actor = ep.cluster.actors.admin;
  const { w } = existing(c, 'shop', 'catalog', 2, 'nginx:1.25', ['kind-worker', 'kind-worker2']);
  const op = registerOp(
    c,
    {
      scenario: 'scale-deployment',
      key: `scale deployments ${w.ns}/${w.name}`,
      operation: 'scale-deployment',
      verb: 'patch',
      resource: 'deployments',
      subresource: 'scale',
      namespace: w.ns,
      name: w.name,
      actor,
      ...COMPLETE,
      code: 200,
    },
    t0,
  );
  // kubectl's resource builder fetches the object, then patches its scale subresource.
  const get = ep.api({
    us: t0,
    actor,
    verb: 'get',
    method: 'GET',
    uri: `/apis/apps/v1/namespaces/${w.ns}/deployments/${w.name}`,
    objectRef: { resource: 'deployments', namespace: w.ns, name: w.name, apiGroup: 'apps', apiVersion: 'v1' },
    code: 200,
    op,
  });
  const scale = ep.api({
    us: get.doneUs + ep.rng.int(3_000, 9_999),
    actor,
    verb: 'patch',
    method: 'PATCH',
    uri: `/apis/apps/v1/namespaces/${w.ns}/deployments/${w.name}/scale`,
    objectRef: {
      resource: 'deployments',
      namespace: w.ns,
      name: w.name,
      apiGroup: 'apps',
      apiVersion: 'v1',
      subresource: 'scale',
    },
    code: 200,
    requestObject: { spec: { replicas: 4 } },
    responseObject: {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: w.name, namespace: w.ns, uid: w.uid, resourceVersion: ep.nextRv() },
      spec: { replicas: 4 },
      status: { replicas: 2, selector: `app=${w.name}` },
    },
    op,
  });
  setAudit(c, op, scale.auditId);
  const from = w.replicas;
  w.replicas = 4;
  const dc = ep.cluster.actors.controller('deployment-controller');
  const up = ep.api({
    us: scale.doneUs + ep.rng.int(8_000, 20_999),
    actor: dc,
    verb: 'update',
    method: 'PUT',
    uri: `/apis/apps/v1/namespaces/${w.ns}/replicasets/${w.rsName}`,
    objectRef: {
      resource: 'replicasets',
      namespace: w.ns,
      name: w.rsName,
      uid: w.rsUid,
      apiGroup: 'apps',
      apiVersion: 'v1',
    },
    code: 200,
    requestObject: replicaSetBody(w, ep.nextRv(), 4, { replicas: from }),
    responseObject: replicaSetBody(w, ep.nextRv(), 4, { replicas: from }),
    op,
  });
  ep.event({
    us: up.doneUs + 300,
    obj: depRef(w),
    type: 'Normal',
    reason: 'ScalingReplicaSet',
    message: `Scaled up replica set ${w.rsName} to 4 from ${from}`,
    source: 'deployment-controller',
    op,
  });
  const res = replicaSetCreatesPods(ep, w, op, up.doneUs + ep.rng.int(3_000, 10_999), 4 - from, from);
  let last = 0;
  let ready = 0;
  for (const p of res.pods) {
    const bound = schedulePod(ep, p, op, p.createdUs + ep.rng.int(2_000, 9_999), c.pickNode());
    if (bound === null) continue;
    const r = kubeletStartsPod(ep, p, op, bound, null);
    if (r !== null) {
      ready++;
      last = Math.max(last, r);
    }
  }
  if (ready === 4 - from) workloadAvailable(ep, w, op, last + ep.rng.int(5_000, 40_999), 4);
}

/** `kubectl delete deployment legacy`: the garbage collector deletes the ReplicaSet and pods. */
function deleteDeployment(c: ScenarioContext, t0: number): void {
  const ep = c.ep;
  const actor = ep.cluster.actors.bob;
  const { w, pods } = existing(c, 'shop', 'legacy', 2, 'nginx:1.24', ['kind-worker', 'kind-worker2']);
  const op = registerOp(
    c,
    {
      scenario: 'delete-deployment',
      key: `delete deployments ${w.ns}/${w.name}`,
      operation: 'delete-deployment',
      verb: 'delete',
      resource: 'deployments',
      namespace: w.ns,
      name: w.name,
      actor,
      ...COMPLETE,
      code: 200,
    },
    t0,
  );
  const del = ep.api({
    us: t0,
    actor,
    verb: 'delete',
    method: 'DELETE',
    uri: `/apis/apps/v1/namespaces/${w.ns}/deployments/${w.name}`,
    objectRef: { resource: 'deployments', namespace: w.ns, name: w.name, apiGroup: 'apps', apiVersion: 'v1' },
    code: 200,
    requestObject: { kind: 'DeleteOptions', apiVersion: 'apps/v1', propagationPolicy: 'Background' },
    responseObject: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name: w.name, group: 'apps', kind: 'deployments', uid: w.uid },
    },
    op,
  });
  setAudit(c, op, del.auditId);
  const gc = ep.cluster.actors.controller('generic-garbage-collector');
  const rsDel = ep.api({
    us: del.doneUs + ep.rng.int(15_000, 60_999),
    actor: gc,
    verb: 'delete',
    method: 'DELETE',
    uri: `/apis/apps/v1/namespaces/${w.ns}/replicasets/${w.rsName}`,
    objectRef: {
      resource: 'replicasets',
      namespace: w.ns,
      name: w.rsName,
      apiGroup: 'apps',
      apiVersion: 'v1',
    },
    code: 200,
    requestObject: {
      kind: 'DeleteOptions',
      apiVersion: 'apps/v1',
      preconditions: { uid: w.rsUid },
      propagationPolicy: 'Background',
    },
    responseObject: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name: w.rsName, group: 'apps', kind: 'replicasets', uid: w.rsUid },
    },
    op,
  });
  let t = rsDel.doneUs + ep.rng.int(15_000, 60_999);
  for (const p of pods) {
    const pd = ep.api({
      us: t,
      actor: gc,
      verb: 'delete',
      method: 'DELETE',
      uri: `/api/v1/namespaces/${w.ns}/pods/${p.name}`,
      objectRef: { resource: 'pods', namespace: w.ns, name: p.name, apiVersion: 'v1' },
      code: 200,
      requestObject: {
        kind: 'DeleteOptions',
        apiVersion: 'v1',
        preconditions: { uid: p.uid },
        propagationPolicy: 'Background',
      },
      responseObject: podBody(p, ep.nextRv(), { phase: 'Running' }),
      op,
    });
    kubeletKillsPod(ep, p, op, pd.doneUs + ep.rng.int(3_000, 15_999));
    t = pd.doneUs + ep.rng.int(2_000, 8_999);
  }
}

const nginx = 'nginx:1.25';

/** Runs one operation scenario at t0. */
export function runScenario(c: ScenarioContext, name: OpScenarioName, t0: number): void {
  const a = c.ep.cluster.actors;
  switch (name) {
    case 'complete':
      return deployment(
        c,
        {
          scenario: name,
          actor: a.admin,
          ns: 'shop',
          name: 'frontend',
          replicas: 3,
          image: nginx,
          expect: { outcome: 'complete', stoppedAt: null, reason: null, component: null },
        },
        t0,
      );
    case 'bad-image':
      return deployment(
        c,
        {
          scenario: name,
          actor: a.alice,
          ns: 'shop',
          name: 'cart',
          replicas: 2,
          image: 'nginx:1.25-nope',
          progressDeadlineSeconds: 120,
          failure: 'image',
          expect: {
            outcome: 'failed',
            stoppedAt: 'images-pulled',
            reason: 'not found',
            component: 'kubelet',
          },
        },
        t0,
      );
    case 'unschedulable':
      return deployment(
        c,
        {
          scenario: name,
          actor: a.bob,
          ns: 'shop',
          name: 'analytics',
          replicas: 2,
          image: nginx,
          cpu: '8',
          failure: 'unschedulable',
          expect: {
            outcome: 'failed',
            stoppedAt: 'pods-scheduled',
            reason: 'Insufficient cpu',
            component: 'kube-scheduler',
          },
        },
        t0,
      );
    case 'volume-timeout':
      return deployment(
        c,
        {
          scenario: name,
          actor: a.admin,
          ns: 'shop',
          name: 'db',
          replicas: 1,
          image: 'postgres:16.3',
          readinessPath: null,
          node: 'kind-worker2',
          claim: {
            volume: 'data',
            claim: 'db-data',
            pv: 'nfs-db-data',
            driver: 'nfs.csi.k8s.io',
            handle: 'nfs-server.storage.svc.cluster.local#exports#db##',
          },
          failure: 'volume',
          expect: {
            outcome: 'failed',
            stoppedAt: 'volumes-ready',
            reason: 'timed out waiting for the condition',
            component: 'kubelet',
          },
        },
        t0,
      );
    case 'quota-exceeded':
      return deployment(
        c,
        {
          scenario: name,
          actor: a.alice,
          ns: 'billing',
          name: 'invoicer',
          replicas: 2,
          image: nginx,
          cpu: '2',
          failure: 'quota',
          expect: {
            outcome: 'failed',
            stoppedAt: 'pods-created',
            reason: 'exceeded quota',
            component: 'kube-controller-manager',
          },
        },
        t0,
      );
    case 'webhook-denied':
      return deployment(
        c,
        {
          scenario: name,
          actor: a.bob,
          ns: 'shop',
          name: 'privileged-app',
          replicas: 1,
          image: nginx,
          failure: 'webhook',
          expect: {
            outcome: 'rejected',
            stoppedAt: 'api-accepted',
            reason: 'denied the request',
            component: 'kube-apiserver',
          },
        },
        t0,
      );
    case 'crash-loop':
      return deployment(
        c,
        {
          scenario: name,
          actor: a.admin,
          ns: 'blog',
          name: 'worker',
          replicas: 1,
          image: 'busybox:1.36',
          readinessPath: null,
          failure: 'crash',
          expect: {
            outcome: 'failed',
            stoppedAt: 'pods-ready',
            reason: 'CrashLoopBackOff',
            component: 'kubelet',
          },
        },
        t0,
      );
    case 'readiness-failing':
      return deployment(
        c,
        {
          scenario: name,
          actor: a.alice,
          ns: 'blog',
          name: 'api',
          replicas: 2,
          image: nginx,
          readinessPath: '/healthz',
          failure: 'readiness',
          expect: {
            outcome: 'failed',
            stoppedAt: 'pods-ready',
            reason: 'Readiness probe failed',
            component: 'kubelet',
          },
        },
        t0,
      );
    case 'concurrency':
      deployment(
        c,
        {
          scenario: name,
          actor: a.alice,
          ns: 'shop',
          name: 'web',
          replicas: 2,
          image: nginx,
          expect: { outcome: 'complete', stoppedAt: null, reason: null, component: null },
        },
        t0,
      );
      deployment(
        c,
        {
          scenario: name,
          actor: a.bob,
          ns: 'shop',
          name: 'web-api',
          replicas: 2,
          image: 'ghcr.io/example/web-api:v2.3.1-rc1',
          failure: 'image',
          expect: {
            outcome: 'failed',
            stoppedAt: 'images-pulled',
            reason: 'not found',
            component: 'kubelet',
          },
        },
        t0 + c.ep.rng.int(90_000, 140_999),
      );
      deployment(
        c,
        {
          scenario: name,
          actor: a.admin,
          ns: 'blog',
          name: 'web',
          replicas: 1,
          image: nginx,
          expect: { outcome: 'complete', stoppedAt: null, reason: null, component: null },
        },
        t0 + c.ep.rng.int(200_000, 290_999),
      );
      return;
    case 'explicit-reqid':
      return deployment(
        c,
        {
          scenario: name,
          actor: a.admin,
          ns: 'shop',
          name: 'checkout',
          replicas: 2,
          image: nginx,
          explicit: true,
          expect: { outcome: 'complete', stoppedAt: null, reason: null, component: null },
        },
        t0,
      );
    case 'drain-node':
      return drainNode(c, t0);
    case 'scale-deployment':
      return scaleDeployment(c, t0);
    case 'delete-deployment':
      return deleteDeployment(c, t0);
    case 'logs-end-midway':
      // Applied two seconds before the logs end: the image pull is still running.
      return deployment(
        c,
        {
          scenario: name,
          actor: a.alice,
          ns: 'shop',
          name: 'reports',
          replicas: 2,
          image: 'ghcr.io/example/reports:1.4.2',
          expect: { outcome: 'incomplete', stoppedAt: 'images-pulled', reason: null, component: 'kubelet' },
        },
        c.ep.endUs - 2_000_000,
      );
  }
}
