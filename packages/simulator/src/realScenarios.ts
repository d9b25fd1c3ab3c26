/**
 * The real-shape scenarios (`REAL_SHAPE_SCENARIOS`): operations real bundles are full of and the
 * default scenarios lack. Each registers its operations with their expected verdict; a flow that
 * the window cuts short turns its `complete` into `incomplete` (see `settle`), so the truth always
 * describes what the bundle holds.
 */
import type { Operation, StageId } from '@kubetrail/model';
import { rfc3339Sec } from './clock.ts';
import type { Actor } from './cluster.ts';
import { bootstrap } from './flows/bootstrap.ts';
import { daemonPods, daemonSetSpec } from './flows/daemonset.ts';
import { createReplicaSet, rollingUpdate, scaleDown } from './flows/deployment.ts';
import {
  cronJobBody,
  cronJobCreatesJob,
  cronJobRef,
  jobSpec,
  makeJob,
  minutesOf,
  runJob,
} from './flows/job.ts';
import { garbageCollectDeployment, kubectlDeleteDeployment } from './flows/garbageCollector.ts';
import { applyCreate, applyPatch, create, del, RES, scale, update } from './flows/kubectl.ts';
import { evictPods, setUnschedulable } from './flows/node.ts';
import type { Pod, Workload } from './flows/objects.ts';
import { deploymentBody, makeWorkload, podBody, replicaSetBody, workloadBody } from './flows/objects.ts';
import {
  controllerRevision,
  makeStatefulSet,
  orderedPods,
  statefulSetOwner,
  statefulSetSpec,
} from './flows/statefulset.ts';
import { rejectedPodLoop, taintNode } from './flows/taintLoop.ts';
import type { PullError, StartOptions } from './flows/workload.ts';
import {
  condition,
  kubeletKillsPod,
  kubeletRemovesFinishedPod,
  kubeletStartsPod,
  putDeploymentStatus,
  replicaSetCreatesPods,
  schedulePod,
  workloadAvailable,
} from './flows/workload.ts';
import type { RealShapeScenarioName, ScenarioContext } from './scenarios.ts';
import { COMPLETE, existing, kubectlCreateDeployment, n, registerOp, setAudit } from './scenarios.ts';

const MS = 1000;
const S = 1_000_000;

/** What a real-shape operation is, for its truth (the verdict is given separately). */
interface OpHead {
  scenario: RealShapeScenarioName;
  key: string;
  operation: Operation;
  verb: string;
  resource: string;
  subresource?: string;
  namespace: string | null;
  name: string;
  actor: Actor;
  code: number;
  system?: boolean;
}

/** Registers an operation expected to complete. */
function op(c: ScenarioContext, h: OpHead, t0: number): number {
  return registerOp(c, { ...h, subresource: h.subresource ?? null, ...COMPLETE }, t0);
}

/** Registers an operation expected to fail at `stage` (owned by `component`, reason containing `reason`). */
function failingOp(
  c: ScenarioContext,
  h: OpHead,
  t0: number,
  stage: StageId,
  component: string,
  reason: string,
): number {
  return registerOp(
    c,
    {
      ...h,
      subresource: h.subresource ?? null,
      outcome: 'failed',
      stoppedAt: stage,
      reason,
      stoppedComponent: component,
    },
    t0,
  );
}

/**
 * A flow that did not finish before the logs end (only when scenarios are crowded into a short
 * window): its expected `complete` becomes `incomplete` at `stage`.
 */
function settle(
  c: ScenarioContext,
  index: number,
  doneUs: number | null,
  stage: StageId,
  component: string,
): void {
  const o = c.ep.ops[index];
  if (!o || doneUs !== null || o.outcome !== 'complete') return;
  o.outcome = 'incomplete';
  o.stoppedAt = stage;
  o.stoppedComponent = component;
}

/** The next revision of Deployment `old` after `kubectl apply` changed its pod template. */
function nextRevision(c: ScenarioContext, old: Workload, changes: Partial<Workload>, t: number): Workload {
  const ep = c.ep;
  const hash = ep.rng.k8s(ep.rng.int(9, 10));
  return {
    ...old,
    ...changes,
    generation: (old.generation ?? 1) + 1,
    hash,
    rsName: `${old.name}-${hash}`,
    rsUid: ep.uid(t),
    rsCreatedUs: t,
  };
}

/** The strategic-merge patch `kubectl apply` sends for a changed container. */
function templatePatch(w: Workload): unknown {
  const container: Record<string, unknown> = { name: w.container, image: w.image };
  if (w.secretEnv) {
    container.env = w.secretEnv.map((e) => ({
      name: e.name,
      valueFrom: { secretKeyRef: { name: e.secret, key: e.key } },
    }));
  }
  return {
    metadata: {
      annotations: {
        'kubectl.kubernetes.io/last-applied-configuration':
          JSON.stringify({
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { annotations: {}, labels: w.labels, name: w.name, namespace: w.ns },
            spec: {
              replicas: w.replicas,
              selector: { matchLabels: w.labels },
              template: { spec: { containers: [container] } },
            },
          }) + '\n',
      },
    },
    spec: {
      template: {
        spec: { $setElementOrder: { containers: [{ name: w.container }] }, containers: [container] },
      },
    },
  };
}

/** `kubectl apply` of a Deployment whose template changed, and the rolling update it starts. */
function rollout(
  c: ScenarioContext,
  index: number,
  actor: Actor,
  old: Workload,
  oldPods: Pod[],
  changes: Partial<Workload>,
  t0: number,
  start?: (p: Pod) => StartOptions,
): { doneUs: number | null; next: Workload; pods: Pod[] } {
  const ep = c.ep;
  const next = nextRevision(c, old, changes, t0);
  const patch = applyPatch(
    ep,
    index,
    actor,
    RES.deployments,
    old.ns,
    old.name,
    t0,
    templatePatch(next),
    deploymentBody(next, ep.nextRv(), {}),
  );
  setAudit(c, index, patch.auditId);
  const r = rollingUpdate(ep, index, {
    old,
    oldPods,
    next,
    t: patch.doneUs + ep.rng.int(8_000, 20_999),
    pickNode: (us) => pick(c, us),
    ...(start ? { start } : {}),
  });
  return { doneUs: r.doneUs, next, pods: r.newPods };
}

/**
 * `kubectl apply` of a new Deployment with v1.30 wording (`Scaled up replica set %s to %d`), each
 * pod started with `start`. Returns when it is Available (null: not before the logs end).
 */
function createDeployment(
  c: ScenarioContext,
  index: number,
  actor: Actor,
  w: Workload,
  t0: number,
  start: (p: Pod) => StartOptions = () => ({}),
): { doneUs: number | null; pods: Pod[] } {
  const ep = c.ep;
  w.uid = ep.uid(t0);
  const created = kubectlCreateDeployment(c, index, actor, w, t0, null);
  if (created === null) return { doneUs: null, pods: [] };
  w.rsUid = ep.uid(created);
  const rs = createReplicaSet(ep, w, index, created + ep.rng.int(8_000, 20_999), w.replicas);
  putDeploymentStatus(ep, w, index, rs + 2 * MS, {
    observedGeneration: 1,
    replicas: w.replicas,
    updatedReplicas: w.replicas,
    unavailableReplicas: w.replicas,
    conditions: [
      condition(
        'Available',
        'False',
        'MinimumReplicasUnavailable',
        'Deployment does not have minimum availability.',
        rs,
      ),
      condition('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${w.rsName}" is progressing.`, rs),
    ],
  });
  const res = replicaSetCreatesPods(ep, w, index, rs + ep.rng.int(3_000, 10_999), w.replicas, 0);
  let last = 0;
  let ready = 0;
  for (const p of res.pods) {
    const at = p.createdUs + ep.rng.int(2_000, 9_999);
    const bound = schedulePod(ep, p, index, at, pick(c, at));
    const r = bound === null ? null : kubeletStartsPod(ep, p, index, bound, null, start(p));
    if (r !== null) {
      ready++;
      last = Math.max(last, r);
    }
  }
  if (ready < w.replicas) return { doneUs: null, pods: res.pods };
  return { doneUs: workloadAvailable(ep, w, index, last + ep.rng.int(5_000, 40_999), ready), pods: res.pods };
}

/**
 * The first instant from `us` (in 1 s steps, at most a minute later) at which some worker takes
 * new pods: a user applying while every worker is cordoned would see pods Pending for that alone.
 */
function whenSchedulable(c: ScenarioContext, us: number): number {
  const free = (t: number): boolean =>
    workers(c).some((w) => c.ep.schedulable(w, t) && c.ep.schedulable(w, t + 2 * S));
  for (let t = us; t < us + 60 * S; t += S) if (free(t)) return t;
  return us;
}

/** A node the scheduler may use at `us`. */
const pick = (c: ScenarioContext, us: number): string => (c.pickNodeAt ? c.pickNodeAt(us) : c.pickNode());

const workers = (c: ScenarioContext): string[] => c.ep.cluster.workers.map((w) => w.name);

/** A workload container's own first lines (`<name>: …`) in its CRI log. */
const appLines =
  (c: ScenarioContext, index: number, p: Pod, lines: string[]) =>
  (s: number): void => {
    lines.forEach((l, i) =>
      c.ep.cri(
        p.node ?? 'kind-worker',
        `${p.w.ns}_${p.name}_${p.uid}`,
        p.w.container,
        0,
        p.w.container,
        s + (10 + i * 7) * MS,
        'stdout',
        l,
        index,
      ),
    );
  };

function rolloutScenario(c: ScenarioContext, t0: number): void {
  const ep = c.ep;
  const actor = ep.cluster.actors.alice;
  const { w, pods } = existing(c, 'shop', 'storefront', 3, 'nginx:1.25', workers(c));
  const index = op(
    c,
    {
      scenario: 'rollout',
      key: `rollout deployments shop/${w.name}`,
      operation: 'rollout-deployment',
      verb: 'patch',
      resource: 'deployments',
      namespace: 'shop',
      name: w.name,
      actor,
      code: 200,
    },
    t0,
  );
  const r = rollout(c, index, actor, w, pods, { image: 'nginx:1.26' }, t0);
  settle(c, index, r.doneUs, 'pods-ready', 'kubelet');
}

const PGPASSWORD = [{ name: 'PGPASSWORD', secret: 'pgpassword', key: 'password' }];
const SECRET_MISSING = 'secret "pgpassword" not found';

function missingSecret(c: ScenarioContext, t0: number): void {
  const ep = c.ep;
  const actor = ep.cluster.actors.bob;
  const { w, pods } = existing(c, 'shop', 'payments', 2, 'ghcr.io/example/payments:1.8.0', workers(c));
  w.progressDeadlineSeconds = 120;
  const index = failingOp(
    c,
    {
      scenario: 'rollout-missing-secret',
      key: `rollout deployments shop/${w.name}`,
      operation: 'rollout-deployment',
      verb: 'patch',
      resource: 'deployments',
      namespace: 'shop',
      name: w.name,
      actor,
      code: 200,
    },
    t0,
    'containers-started',
    'kubelet',
    SECRET_MISSING,
  );
  rollout(
    c,
    index,
    actor,
    w,
    pods,
    { image: 'ghcr.io/example/payments:1.9.0', secretEnv: PGPASSWORD },
    t0,
    () => ({
      configErrorUntilUs: Number.POSITIVE_INFINITY,
      configError: SECRET_MISSING,
    }),
  );
}

function secretRecovers(c: ScenarioContext, t0: number): void {
  const ep = c.ep;
  const actor = ep.cluster.actors.admin;
  const { w, pods } = existing(c, 'billing', 'ledger', 2, 'ghcr.io/example/ledger:3.2.0', workers(c));
  const index = op(
    c,
    {
      scenario: 'rollout-secret-recovers',
      key: `rollout deployments billing/${w.name}`,
      operation: 'rollout-deployment',
      verb: 'patch',
      resource: 'deployments',
      namespace: 'billing',
      name: w.name,
      actor,
      code: 200,
    },
    t0,
  );
  // Someone notices and creates the Secret a couple of minutes later (never after the window's middle).
  const fixAt = Math.min(
    t0 + ep.rng.int(100, 140) * S,
    t0 + Math.max(20 * S, Math.floor((ep.endUs - t0) / 2)),
  );
  const r = rollout(
    c,
    index,
    actor,
    w,
    pods,
    { image: 'ghcr.io/example/ledger:3.3.0', secretEnv: PGPASSWORD },
    t0,
    () => ({
      configErrorUntilUs: fixAt,
      configError: SECRET_MISSING,
    }),
  );
  settle(c, index, r.doneUs, 'containers-started', 'kubelet');
  const alice = ep.cluster.actors.alice;
  const fix = registerOp(
    c,
    {
      scenario: 'rollout-secret-recovers',
      key: `create secrets billing/pgpassword${ep.suffix}`,
      operation: 'generic',
      verb: 'create',
      resource: 'secrets',
      subresource: null,
      namespace: 'billing',
      name: 'pgpassword',
      actor: alice,
      code: 201,
      ...COMPLETE,
    },
    fixAt,
  );
  const secret = (rv: string | null): unknown => ({
    kind: 'Secret',
    apiVersion: 'v1',
    metadata: {
      name: 'pgpassword',
      namespace: 'billing',
      ...(rv ? { uid: ep.uid(fixAt), resourceVersion: rv } : {}),
      creationTimestamp: null,
    },
    data: { password: 'czNjcjN0LXBhc3N3MHJk' },
    type: 'Opaque',
  });
  const made = create(
    ep,
    fix,
    alice,
    RES.secrets,
    'billing',
    'pgpassword',
    fixAt,
    secret(null),
    secret(ep.nextRv()),
    'kubectl-create&fieldValidation=Strict',
  );
  setAudit(c, fix, made.auditId);
}

function imagePullRecovers(c: ScenarioContext, t0: number): void {
  const ep = c.ep;
  const actor = ep.cluster.actors.alice;
  const name = n(c, 'inventory');
  const image = 'registry.local:5000/shop/inventory:2.1';
  const w = makeWorkload(ep.rng, {
    ns: 'shop',
    name,
    replicas: 2,
    image,
    container: 'inventory',
    readinessPath: null,
    createdUs: t0,
  });
  const index = op(
    c,
    {
      scenario: 'image-pull-recovers',
      key: `create deployments shop/${name}`,
      operation: 'create-deployment',
      verb: 'create',
      resource: 'deployments',
      namespace: 'shop',
      name,
      actor,
      code: 201,
    },
    t0,
  );
  const head = `Head "https://registry.local:5000/v2/shop/inventory/manifests/2.1": dial tcp 10.96.142.17:5000: connect: connection refused`;
  const pullError: PullError = {
    code: 'Unknown',
    inner: `failed to pull and unpack image "${image}": failed to resolve reference "${image}": failed to do request: ${head}`,
    trying: {
      msg: 'trying next host',
      kv: [
        ['error', `failed to do request: ${head}`],
        ['host', 'registry.local:5000'],
      ],
    },
  };
  // The registry answers again a few minutes later (never after the window's middle).
  const upAt = Math.min(
    t0 + ep.rng.int(150, 190) * S,
    t0 + Math.max(20 * S, Math.floor((ep.endUs - t0) / 2)),
  );
  const r = createDeployment(c, index, actor, w, t0, (p) => ({
    pullFailsUntilUs: upAt,
    pullError,
    app: appLines(c, index, p, ['inventory 2.1 starting', 'inventory listening on :8080']),
  }));
  settle(c, index, r.doneUs, 'images-pulled', 'kubelet');
}

/**
 * Pods that never fit: the scheduler retries each one (on cluster events, at least every few tens
 * of seconds here), logging `Unable to schedule pod; no fit; waiting` every time; the
 * events.k8s.io `FailedScheduling` Event grows a `series` instead of repeating.
 */
function unschedulableRetries(c: ScenarioContext, t0: number): void {
  const ep = c.ep;
  const actor = ep.cluster.actors.bob;
  const name = n(c, 'spark-driver');
  const w = makeWorkload(ep.rng, {
    ns: 'analytics',
    name,
    replicas: 2,
    image: 'docker.io/apache/spark:3.5.1',
    container: 'spark',
    cpu: '16',
    readinessPath: null,
    createdUs: t0,
  });
  const nodes = ep.cluster.nodes.length;
  const workerCount = ep.cluster.workers.length;
  const why = `0/${nodes} nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, ${workerCount} Insufficient cpu. preemption: 0/${nodes} nodes are available: 1 Preemption is not helpful for scheduling, ${workerCount} No preemption victims found for incoming pod.`;
  const index = failingOp(
    c,
    {
      scenario: 'unschedulable-retries',
      key: `create deployments analytics/${name}`,
      operation: 'create-deployment',
      verb: 'create',
      resource: 'deployments',
      namespace: 'analytics',
      name,
      actor,
      code: 201,
    },
    t0,
    'pods-scheduled',
    'kube-scheduler',
    'Insufficient cpu',
  );
  w.uid = ep.uid(t0);
  const created = kubectlCreateDeployment(c, index, actor, w, t0, null);
  if (created === null) return;
  w.rsUid = ep.uid(created);
  const rs = createReplicaSet(ep, w, index, created + ep.rng.int(8_000, 20_999), w.replicas);
  const res = replicaSetCreatesPods(ep, w, index, rs + ep.rng.int(3_000, 10_999), w.replicas, 0);
  for (const p of res.pods) {
    let t = p.createdUs + ep.rng.int(2_000, 9_999);
    schedulePod(ep, p, index, t, null, why);
    for (t += ep.rng.int(1, 3) * S; t < ep.endUs; t += ep.rng.int(15, 45) * S) {
      ep.scheduler(
        t,
        {
          sev: 'I',
          caller: 'scheduler/schedule_one.go:1055',
          msg: 'Unable to schedule pod; no fit; waiting',
          v: 2,
          kv: [
            ['pod', { kobj: `${w.ns}/${p.name}` }],
            ['err', why],
          ],
        },
        index,
      );
      ep.event({
        us: t + 400,
        obj: { kind: 'Pod', namespace: w.ns, name: p.name, uid: p.uid, apiVersion: 'v1' },
        type: 'Warning',
        reason: 'FailedScheduling',
        message: why,
        source: 'default-scheduler',
        op: index,
      });
    }
  }
}

function redisApp(c: ScenarioContext, index: number, p: Pod): (s: number) => void {
  return (s) => {
    const d = new Date(Math.floor(s / 1000));
    const stamp = `${d.getUTCDate()} ${d.toUTCString().split(' ')[2] ?? 'Jun'} ${d.getUTCFullYear()} ${d.toISOString().slice(11, 23)}`;
    appLines(c, index, p, [
      `1:C ${stamp} * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo`,
      `1:M ${stamp} * Running mode=standalone, port=6379.`,
      `1:M ${stamp} * Ready to accept connections tcp`,
    ])(s);
  };
}

function statefulSetScenario(c: ScenarioContext, t0: number): void {
  const ep = c.ep;
  const actor = ep.cluster.actors.admin;
  const name = n(c, 'redis');
  const s = makeStatefulSet(ep, {
    ns: 'data',
    name,
    replicas: 3,
    image: 'redis:7.2',
    storage: '1Gi',
    createdUs: t0,
  });
  s.w.container = 'redis';
  const index = op(
    c,
    {
      scenario: 'statefulset',
      key: `create statefulsets data/${name}`,
      operation: 'create-statefulset',
      verb: 'create',
      resource: 'statefulsets',
      namespace: 'data',
      name,
      actor,
      code: 201,
    },
    t0,
  );
  const body = (rv: string | null): unknown =>
    workloadBody('StatefulSet', 'apps/v1', s.w, rv, statefulSetSpec(s, 3), null);
  const made = applyCreate(
    ep,
    index,
    actor,
    RES.statefulsets,
    'data',
    name,
    t0,
    body(null),
    body(ep.nextRv()),
  );
  setAudit(c, index, made.auditId);
  const rev = controllerRevision(
    ep,
    index,
    s.w,
    statefulSetOwner(s.w),
    made.doneUs + ep.rng.int(5_000, 15_999),
  );
  const r = orderedPodsWithApp(c, index, s, 0, 3, rev + ep.rng.int(2_000, 6_999));
  settle(c, index, r, 'workload-ready', 'kubelet');
}

/** `orderedPods` with each ordinal's own startup lines. */
function orderedPodsWithApp(
  c: ScenarioContext,
  index: number,
  s: ReturnType<typeof makeStatefulSet>,
  from: number,
  to: number,
  t: number,
): number | null {
  return orderedPods(
    c.ep,
    index,
    s,
    from,
    to,
    t,
    (us) => pick(c, us),
    (p) => ({ app: redisApp(c, index, p) }),
  ).doneUs;
}

function statefulSetScale(c: ScenarioContext, t0: number): void {
  const ep = c.ep;
  const actor = ep.cluster.actors.bob;
  const name = n(c, 'kafka');
  const s = makeStatefulSet(ep, {
    ns: 'data',
    name,
    replicas: 2,
    image: 'docker.io/bitnami/kafka:3.7',
    storage: '8Gi',
    createdUs: ep.startUs - 7200 * S,
  });
  s.w.container = 'kafka';
  const index = op(
    c,
    {
      scenario: 'statefulset-scale',
      key: `scale statefulsets data/${name}`,
      operation: 'scale-statefulset',
      verb: 'patch',
      resource: 'statefulsets',
      subresource: 'scale',
      namespace: 'data',
      name,
      actor,
      code: 200,
    },
    t0,
  );
  const sc = scale(ep, index, actor, RES.statefulsets, 'data', name, s.w.uid, t0, 2, 3, `app=${name}`);
  setAudit(c, index, sc.auditId);
  s.w.replicas = 3;
  s.w.generation = 2;
  // kafka-0 and kafka-1 exist; the controller adds kafka-2 with its claim.
  const done = orderedPods(
    ep,
    index,
    s,
    2,
    3,
    sc.doneUs + ep.rng.int(8_000, 20_999),
    (us) => pick(c, us),
    (p) => ({
      app: appLines(c, index, p, ['[KafkaServer id=2] started (kafka.server.KafkaServer)']),
    }),
  ).doneUs;
  settle(c, index, done, 'workload-ready', 'kubelet');
}

function daemonSetScenario(c: ScenarioContext, t0: number): void {
  const ep = c.ep;
  const actor = ep.cluster.actors.admin;
  const name = n(c, 'node-exporter');
  const w = makeWorkload(ep.rng, {
    ns: 'monitoring',
    name,
    replicas: 1,
    image: 'quay.io/prometheus/node-exporter:v1.8.1',
    container: 'node-exporter',
    readinessPath: null,
    createdUs: t0,
  });
  w.uid = ep.uid(t0);
  const index = op(
    c,
    {
      scenario: 'daemonset',
      key: `create daemonsets monitoring/${name}`,
      operation: 'create-daemonset',
      verb: 'create',
      resource: 'daemonsets',
      namespace: 'monitoring',
      name,
      actor,
      code: 201,
    },
    t0,
  );
  const body = (rv: string | null): unknown =>
    workloadBody('DaemonSet', 'apps/v1', w, rv, daemonSetSpec(w), null);
  const made = applyCreate(
    ep,
    index,
    actor,
    RES.daemonsets,
    'monitoring',
    name,
    t0,
    body(null),
    body(ep.nextRv()),
  );
  setAudit(c, index, made.auditId);
  const r = daemonPods(ep, index, w, workers(c), made.doneUs + ep.rng.int(5_000, 15_999), (p) => ({
    app: (s) => {
      const ts = new Date(Math.floor(s / 1000) + 12).toISOString();
      appLines(c, index, p, [
        `ts=${ts} caller=node_exporter.go:193 level=info msg="Starting node_exporter" version="(version=1.8.1, branch=HEAD, revision=400c3979931613db930ea035f39ce7b377cdbb5b)"`,
        `ts=${ts} caller=tls_config.go:313 level=info msg="Listening on" address=[::]:9100`,
      ])(s);
    },
  }));
  settle(c, index, r.doneUs, 'workload-ready', 'kubelet');
}

function jobScenario(c: ScenarioContext, t0: number): void {
  const ep = c.ep;
  const actor = ep.cluster.actors.alice;
  const name = n(c, 'db-migrate');
  const w = makeJob(ep, {
    ns: 'batch',
    name,
    image: 'ghcr.io/example/migrate:4.17',
    container: 'migrate',
    createdUs: t0,
  });
  const index = op(
    c,
    {
      scenario: 'job',
      key: `create jobs batch/${name}`,
      operation: 'create-job',
      verb: 'create',
      resource: 'jobs',
      namespace: 'batch',
      name,
      actor,
      code: 201,
    },
    t0,
  );
  const body = (rv: string | null): unknown => workloadBody('Job', 'batch/v1', w, rv, jobSpec(w, 1), null);
  const made = applyCreate(ep, index, actor, RES.jobs, 'batch', name, t0, body(null), body(ep.nextRv()));
  setAudit(c, index, made.auditId);
  const r = runJob(
    ep,
    index,
    w,
    made.doneUs + ep.rng.int(5_000, 15_999),
    pick(c, made.doneUs),
    ep.rng.int(8, 20) * S,
    (s, p) =>
      appLines(c, index, p, [
        'applying migration 0041_add_orders_index',
        'applying migration 0042_backfill_totals',
        'done: 2 migrations applied',
      ])(s),
  );
  settle(c, index, r.doneUs, 'job-complete', 'kube-controller-manager');
}

function cronJobRun(c: ScenarioContext, t0: number): void {
  const ep = c.ep;
  const name = n(c, 'report');
  const cj = makeWorkload(ep.rng, {
    ns: 'ops',
    name,
    replicas: 1,
    image: 'ghcr.io/example/report:1.0',
    container: 'report',
    readinessPath: null,
    createdUs: ep.startUs - 86_400 * S,
  });
  // The controller wakes at the next scheduled minute.
  const at = Math.ceil(t0 / (60 * S)) * 60 * S + ep.rng.int(2_000, 40_999);
  const jobName = `${name}-${minutesOf(at)}`;
  const cc = ep.cluster.actors.controller('cronjob-controller');
  const index = op(
    c,
    {
      scenario: 'cronjob-run',
      key: `create jobs ops/${jobName}`,
      operation: 'cronjob-run',
      verb: 'create',
      resource: 'jobs',
      namespace: 'ops',
      name: jobName,
      actor: cc,
      code: 201,
    },
    at,
  );
  const made = cronJobCreatesJob(ep, index, cj, at, cj.image, 'report');
  setAudit(c, index, made.auditId);
  const r = runJob(
    ep,
    index,
    made.job,
    made.doneUs + ep.rng.int(5_000, 15_999),
    pick(c, made.doneUs),
    ep.rng.int(3, 9) * S,
    (s, p) => appLines(c, index, p, ['report generated: 1284 rows'])(s),
  );
  if (r.doneUs === null) {
    settle(c, index, null, 'job-complete', 'kube-controller-manager');
    return;
  }
  // The controller sees the finished Job and trims the history (3 successful Jobs kept).
  const seen = r.doneUs + ep.rng.int(20_000, 900_999);
  ep.event({
    us: seen,
    obj: cronJobRef(cj),
    type: 'Normal',
    reason: 'SawCompletedJob',
    message: `Saw completed job: ${jobName}, status: Complete`,
    source: 'cronjob-controller',
    op: index,
  });
  const oldest = `${name}-${minutesOf(at) - 3}`;
  const oldJob = makeJob(ep, {
    ns: 'ops',
    name: oldest,
    image: cj.image,
    container: 'report',
    createdUs: at - 180 * S,
  });
  const gone = del(ep, index, cc, RES.jobs, 'ops', oldest, oldJob.uid, seen + 2 * MS, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name: oldest, group: 'batch', kind: 'jobs', uid: oldJob.uid },
  });
  ep.event({
    us: gone.doneUs + 300,
    obj: cronJobRef(cj),
    type: 'Normal',
    reason: 'SuccessfulDelete',
    message: `Deleted job ${oldest}`,
    source: 'cronjob-controller',
    op: index,
  });
  update(
    ep,
    index,
    cc,
    RES.cronjobs,
    'ops',
    name,
    cj.uid,
    gone.doneUs + 3 * MS,
    cronJobBody(ep, cj, { lastScheduleTime: rfc3339Sec(at), lastSuccessfulTime: rfc3339Sec(r.doneUs) }),
    'status',
  );
  // The garbage collector deletes the old Job's finished pod; its kubelet lets it go.
  const oldPod: Pod = {
    w: oldJob,
    name: `${oldest}-${ep.rng.k8s(5)}`,
    uid: ep.uid(at - 180 * S),
    node: c.pickNode(),
    ip: '',
    tokenVolume: `kube-api-access-${ep.rng.k8s(5)}`,
    sandbox: ep.rng.hex(64),
    containerId: ep.rng.hex(64),
    createdUs: at - 180 * S,
    restarts: 0,
    owner: { apiVersion: 'batch/v1', kind: 'Job', name: oldest, uid: oldJob.uid },
    generateName: `${oldest}-`,
    labels: oldJob.labels,
  };
  const gc = ep.cluster.actors.controller('generic-garbage-collector');
  const pd = del(
    ep,
    index,
    gc,
    RES.pods,
    'ops',
    oldPod.name,
    oldPod.uid,
    gone.doneUs + ep.rng.int(20_000, 90_999),
    podBody(oldPod, ep.nextRv(), { phase: 'Succeeded' }),
  );
  kubeletRemovesFinishedPod(ep, oldPod, index, pd.doneUs + ep.rng.int(3_000, 15_999));
}

function barePod(c: ScenarioContext, t0: number): void {
  const ep = c.ep;
  const actor = ep.cluster.actors.bob;
  const name = n(c, 'debug');
  const w = makeWorkload(ep.rng, {
    ns: 'default',
    name,
    replicas: 1,
    image: 'busybox:1.36',
    container: name,
    readinessPath: null,
    createdUs: t0,
  });
  w.restartPolicy = 'Never';
  w.labels = { run: name };
  const p: Pod = {
    w,
    name,
    uid: ep.uid(t0),
    node: null,
    ip: '',
    tokenVolume: `kube-api-access-${ep.rng.k8s(5)}`,
    sandbox: ep.rng.hex(64),
    containerId: '',
    createdUs: t0,
    restarts: 0,
    owner: null,
    generateName: null,
    labels: w.labels,
  };
  const index = op(
    c,
    {
      scenario: 'bare-pod',
      key: `create pods default/${name}`,
      operation: 'create-pod',
      verb: 'create',
      resource: 'pods',
      namespace: 'default',
      name,
      actor,
      code: 201,
    },
    t0,
  );
  const made = create(
    ep,
    index,
    actor,
    RES.pods,
    'default',
    name,
    t0,
    podBody(p, null, {}),
    podBody(p, ep.nextRv(), { phase: 'Pending', qosClass: 'BestEffort' }),
    'kubectl-run',
  );
  setAudit(c, index, made.auditId);
  p.createdUs = made.doneUs;
  const at = made.doneUs + ep.rng.int(2_000, 9_999);
  const bound = schedulePod(ep, p, index, at, pick(c, at));
  const ready = bound === null ? null : kubeletStartsPod(ep, p, index, bound, null, { app: () => undefined });
  settle(c, index, ready, 'pods-ready', 'kubelet');
  if (ready === null) return;
  // `kubectl delete pod debug` a little later: a separate operation.
  const t1 = ready + ep.rng.int(30, 60) * S;
  if (t1 >= ep.endUs) return;
  const index2 = op(
    c,
    {
      scenario: 'bare-pod',
      key: `delete pods default/${name}`,
      operation: 'delete-pod',
      verb: 'delete',
      resource: 'pods',
      namespace: 'default',
      name,
      actor,
      code: 200,
    },
    t1,
  );
  const d = del(
    ep,
    index2,
    actor,
    RES.pods,
    'default',
    name,
    p.uid,
    t1,
    podBody(p, ep.nextRv(), { phase: 'Running' }),
    {},
  );
  setAudit(c, index2, d.auditId);
  const gone = kubeletKillsPod(ep, p, index2, d.doneUs + ep.rng.int(3_000, 15_999));
  settle(c, index2, gone < ep.endUs ? gone : null, 'containers-killed', 'kubelet');
}

/** `kubectl uncordon node` at `t1` by `actor`, ending the cordon `cordoned`. */
function uncordon(
  c: ScenarioContext,
  scenario: RealShapeScenarioName,
  node: string,
  actor: Actor,
  cordoned: number,
  t1: number,
): void {
  const ep = c.ep;
  const i = op(
    c,
    {
      scenario,
      key: `uncordon nodes ${node}${ep.suffix}`,
      operation: 'uncordon-node',
      verb: 'patch',
      resource: 'nodes',
      namespace: null,
      name: node,
      actor,
      code: 200,
    },
    t1,
  );
  const off = setUnschedulable(ep, i, actor, node, t1, false);
  setAudit(c, i, off.auditId);
  ep.uncordon(cordoned, off.doneUs);
  settle(c, i, off.seenUs < ep.endUs ? off.seenUs : null, 'node-uncordoned', 'kubelet');
}

function cordonUncordon(c: ScenarioContext, t0: number): void {
  const ep = c.ep;
  const actor = ep.cluster.actors.alice;
  // Not kind-worker2, which drain-uncordon drains.
  const node = 'kind-worker';
  const i1 = op(
    c,
    {
      scenario: 'cordon-uncordon',
      key: `cordon nodes ${node}${ep.suffix}`,
      operation: 'cordon-node',
      verb: 'patch',
      resource: 'nodes',
      namespace: null,
      name: node,
      actor,
      code: 200,
    },
    t0,
  );
  const on = setUnschedulable(ep, i1, actor, node, t0, true);
  setAudit(c, i1, on.auditId);
  const cordoned = ep.cordon(node, on.doneUs);
  const t1 = on.seenUs + ep.rng.int(20, 40) * S;
  if (t1 >= ep.endUs) return;
  uncordon(c, 'cordon-uncordon', node, actor, cordoned, t1);
}

function drainUncordon(c: ScenarioContext, t0: number): void {
  const ep = c.ep;
  const actor = ep.cluster.actors.alice;
  const node = 'kind-worker2';
  const others = workers(c).filter((x) => x !== node);
  const { w, pods } = existing(c, 'blog', 'search', 2, 'nginx:1.25', [node]);
  const index = op(
    c,
    {
      scenario: 'drain-uncordon',
      key: `drain nodes ${node}${ep.suffix}`,
      operation: 'drain-node',
      verb: 'patch',
      resource: 'nodes',
      namespace: null,
      name: node,
      actor,
      code: 200,
    },
    t0,
  );
  const cordon = setUnschedulable(ep, index, actor, node, t0, true);
  setAudit(c, index, cordon.auditId);
  const cordoned = ep.cordon(node, cordon.doneUs);
  const lastGone = evictPods(ep, index, actor, node, pods, cordon.doneUs + ep.rng.int(4_000, 12_999));
  // The replicaset controller replaces the evicted pods elsewhere.
  const repl = replicaSetCreatesPods(
    ep,
    w,
    index,
    cordon.doneUs + ep.rng.int(200_000, 900_999),
    pods.length,
    0,
  );
  let i = 0;
  let ready = 0;
  for (const p of repl.pods) {
    const bound = schedulePod(
      ep,
      p,
      index,
      p.createdUs + ep.rng.int(2_000, 9_999),
      others[i++ % others.length] ?? 'kind-worker',
      '',
      others.length,
    );
    if (bound !== null && kubeletStartsPod(ep, p, index, bound, null) !== null) ready++;
  }
  settle(
    c,
    index,
    ready === pods.length && lastGone < ep.endUs ? lastGone : null,
    'replacements-scheduled',
    'kube-scheduler',
  );
  const t1 = lastGone + ep.rng.int(30, 50) * S;
  if (t1 >= ep.endUs) return;
  uncordon(c, 'drain-uncordon', node, actor, cordoned, t1);
}

/** One Deployment, three operations: created, rolled out to a new image, scaled to 0. */
function lifecycle(c: ScenarioContext, t0: number): void {
  const ep = c.ep;
  const a = ep.cluster.actors;
  const name = n(c, 'landing');
  const w = makeWorkload(ep.rng, {
    ns: 'web',
    name,
    replicas: 3,
    image: 'nginx:1.25',
    container: 'landing',
    createdUs: t0,
  });
  const i1 = op(
    c,
    {
      scenario: 'deployment-lifecycle',
      key: `create deployments web/${name}`,
      operation: 'create-deployment',
      verb: 'create',
      resource: 'deployments',
      namespace: 'web',
      name,
      actor: a.admin,
      code: 201,
    },
    t0,
  );
  const made = createDeployment(c, i1, a.admin, w, t0);
  settle(c, i1, made.doneUs, 'pods-ready', 'kubelet');
  if (made.doneUs === null) return;
  const t1 = made.doneUs + ep.rng.int(40, 70) * S;
  // A command after the logs end is not in the bundle: it is no operation of its truth.
  if (t1 >= ep.endUs) return;
  const i2 = op(
    c,
    {
      scenario: 'deployment-lifecycle',
      key: `rollout deployments web/${name}`,
      operation: 'rollout-deployment',
      verb: 'patch',
      resource: 'deployments',
      namespace: 'web',
      name,
      actor: a.alice,
      code: 200,
    },
    t1,
  );
  const r = rollout(c, i2, a.alice, w, made.pods, { image: 'nginx:1.26' }, t1);
  settle(c, i2, r.doneUs, 'pods-ready', 'kubelet');
  if (r.doneUs === null) return;
  const t2 = r.doneUs + ep.rng.int(20, 40) * S;
  if (t2 >= ep.endUs) return;
  const i3 = op(
    c,
    {
      scenario: 'deployment-lifecycle',
      key: `scale deployments web/${name}`,
      operation: 'scale-deployment',
      verb: 'patch',
      resource: 'deployments',
      subresource: 'scale',
      namespace: 'web',
      name,
      actor: a.bob,
      code: 200,
    },
    t2,
  );
  const sc = scale(ep, i3, a.bob, RES.deployments, 'web', name, w.uid, t2, 3, 0, `app=${name}`);
  setAudit(c, i3, sc.auditId);
  const done = scaleDown(ep, i3, r.next, r.pods, sc.doneUs + ep.rng.int(8_000, 20_999), 0);
  settle(c, i3, done < ep.endUs ? done : null, 'pods-deleted', 'kubelet');
}

function bootstrapScenario(c: ScenarioContext, t0: number): void {
  const ep = c.ep;
  // A cluster boots once: later windows of a long bundle have nothing to add.
  if (ep.index > 0) return;
  const head = (resource: string, ns: string, name: string, operation: Operation, actor: Actor): OpHead => ({
    scenario: 'bootstrap',
    key: `create ${resource} ${ns}/${name}`,
    operation,
    verb: 'create',
    resource,
    namespace: ns,
    name,
    actor,
    code: 201,
    system: true,
  });
  const end = bootstrap(
    ep,
    {
      staticPod: (p, t) =>
        op(c, head('pods', p.ns, p.name, 'create-pod', ep.cluster.actors.kubelet(p.node)), t),
      deployment: (ns, name, actor, t) => op(c, head('deployments', ns, name, 'create-deployment', actor), t),
      daemonSet: (ns, name, actor, t) => op(c, head('daemonsets', ns, name, 'create-daemonset', actor), t),
      setAudit: (i, id) => setAudit(c, i, id),
    },
    t0,
  );
  ep.quietUntilUs = Math.max(ep.quietUntilUs, end);
}

/** The scheduler's verdict on the pod a topology spread cannot place (Kivi C3's, v1.30 wording). */
function spreadMisfit(c: ScenarioContext): string {
  const nodes = c.ep.cluster.nodes.length;
  const workers = c.ep.cluster.workers.length;
  return `0/${nodes} nodes are available: 1 node(s) didn't match pod topology spread constraints (missing required label), 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, ${workers} node(s) didn't match pod topology spread constraints. preemption: 0/${nodes} nodes are available: 1 Preemption is not helpful for scheduling, ${workers} No preemption victims found for incoming pod.`;
}

/** Apache's first lines in a `registry.k8s.io/hpa-example` container. */
function apacheLines(c: ScenarioContext, index: number, p: Pod): (s: number) => void {
  return (s) => {
    const u = s + 40_000;
    const d = new Date(Math.floor(u / 1000));
    const [wd = 'Mon', dd = '10', mon = 'Jun', yyyy = '2024'] = d.toUTCString().split(/[ ,]+/);
    const stamp = `[${wd} ${mon} ${dd} ${d.toISOString().slice(11, 19)}.${String(u % 1_000_000).padStart(6, '0')} ${yyyy}]`;
    const fqdn = `AH00558: apache2: Could not reliably determine the server's fully qualified domain name, using ${p.ip}. Set the 'ServerName' directive globally to suppress this message`;
    appLines(c, index, p, [
      fqdn,
      fqdn,
      `${stamp} [mpm_prefork:notice] [pid 1] AH00163: Apache/2.4.10 (Debian) PHP/5.6.14 configured -- resuming normal operations`,
      `${stamp} [core:notice] [pid 1] AH00094: Command line: 'apache2 -D FOREGROUND'`,
    ])(s);
  };
}

interface SpreadResult {
  /** When the misfit pod's `FailedScheduling` was recorded (null: not before the logs end). */
  failedUs: number | null;
  running: Pod[];
  pending: Pod[];
}

/**
 * `kubectl apply` of `w` (replicas under topology spread constraints) where one pod never fits:
 * the others run, it stays Pending with `why` and is retried every 5 minutes (the scheduler's
 * flush of unschedulable pods) until `untilUs`. The Deployment is Available (25 % may be
 * unavailable) but never done progressing; past its progress deadline it says so.
 */
function spreadApply(
  c: ScenarioContext,
  index: number,
  actor: Actor,
  w: Workload,
  t0: number,
  why: string,
  untilUs: number,
): SpreadResult | null {
  const ep = c.ep;
  w.uid = ep.uid(t0);
  const created = kubectlCreateDeployment(c, index, actor, w, t0, null);
  if (created === null) return null;
  w.rsUid = ep.uid(created);
  const rs = createReplicaSet(ep, w, index, created + ep.rng.int(8_000, 20_999), w.replicas);
  const progressing = condition(
    'Progressing',
    'True',
    'ReplicaSetUpdated',
    `ReplicaSet "${w.rsName}" is progressing.`,
    rs,
  );
  putDeploymentStatus(ep, w, index, rs + 2 * MS, {
    observedGeneration: 1,
    replicas: w.replicas,
    updatedReplicas: w.replicas,
    unavailableReplicas: w.replicas,
    conditions: [
      condition(
        'Available',
        'False',
        'MinimumReplicasUnavailable',
        'Deployment does not have minimum availability.',
        rs,
      ),
      progressing,
    ],
  });
  const res = replicaSetCreatesPods(ep, w, index, rs + ep.rng.int(3_000, 10_999), w.replicas, 0);
  const misfit = ep.rng.int(0, res.pods.length - 1);
  const out: SpreadResult = { failedUs: null, running: [], pending: [] };
  let last = 0;
  res.pods.forEach((p, i) => {
    const at = p.createdUs + ep.rng.int(2_000, 9_999);
    if (i === misfit) {
      schedulePod(ep, p, index, at, null, why);
      if (at + 400 < ep.endUs) out.failedUs = at + 400;
      out.pending.push(p);
      return;
    }
    const bound = schedulePod(ep, p, index, at, pick(c, at));
    if (bound === null) return;
    out.running.push(p);
    const r = kubeletStartsPod(ep, p, index, bound, null, { app: apacheLines(c, index, p) });
    if (r !== null) last = Math.max(last, r);
  });
  const ready = out.running.length;
  const available = condition(
    'Available',
    'True',
    'MinimumReplicasAvailable',
    'Deployment has minimum availability.',
    last,
  );
  const status = (conditions: unknown[]): Record<string, unknown> => ({
    observedGeneration: 1,
    replicas: w.replicas,
    updatedReplicas: w.replicas,
    readyReplicas: ready,
    availableReplicas: ready,
    unavailableReplicas: w.replicas - ready,
    conditions,
  });
  if (last > 0) {
    const t = last + ep.rng.int(5_000, 40_999);
    const rsc = ep.cluster.actors.controller('replicaset-controller');
    const rsStatus = update(
      ep,
      index,
      rsc,
      RES.replicasets,
      w.ns,
      w.rsName,
      w.rsUid,
      t,
      replicaSetBody(w, ep.nextRv(), w.replicas, {
        replicas: w.replicas,
        fullyLabeledReplicas: w.replicas,
        readyReplicas: ready,
        availableReplicas: ready,
        observedGeneration: 1,
      }),
      'status',
    );
    putDeploymentStatus(
      ep,
      w,
      index,
      rsStatus.doneUs + ep.rng.int(2_000, 10_999),
      status([available, progressing]),
    );
  }
  const end = Math.min(untilUs, ep.endUs);
  for (const p of out.pending) {
    const step = (): number => ep.rng.int(300_000, 305_000) * MS;
    for (let t = (out.failedUs ?? end) + step(); t < end; t += step()) {
      ep.scheduler(
        t,
        {
          sev: 'I',
          caller: 'scheduler/schedule_one.go:1055',
          msg: 'Unable to schedule pod; no fit; waiting',
          v: 2,
          kv: [
            ['pod', { kobj: `${w.ns}/${p.name}` }],
            ['err', why],
          ],
        },
        index,
      );
      ep.event({
        us: t + 400,
        obj: { kind: 'Pod', namespace: w.ns, name: p.name, uid: p.uid, apiVersion: 'v1' },
        type: 'Warning',
        reason: 'FailedScheduling',
        message: why,
        source: 'default-scheduler',
        op: index,
      });
    }
  }
  const deadline = w.createdUs + (w.progressDeadlineSeconds + 1) * S;
  if (last > 0 && deadline < end)
    putDeploymentStatus(
      ep,
      w,
      index,
      deadline,
      status([
        available,
        condition(
          'Progressing',
          'False',
          'ProgressDeadlineExceeded',
          `ReplicaSet "${w.rsName}" has timed out progressing.`,
          deadline,
        ),
      ]),
    );
  return out;
}

/** A create that registered a failure must have recorded it before the logs end. */
function failedBefore(c: ScenarioContext, index: number, failedUs: number | null, stage: StageId): void {
  const o = c.ep.ops[index];
  if (!o || failedUs !== null) return;
  o.outcome = 'incomplete';
  o.stoppedAt = stage;
  o.reason = null;
}

/**
 * Kivi C3: `kubectl apply` of default/php-apache (6 replicas, one never fits the spread), `kubectl
 * delete deploy/php-apache` minutes later, then the same apply again: the same Deployment and
 * ReplicaSet names (same pod template, same hash) with new UIDs. The garbage collector's delete
 * records no `Deleted pod` Events; the kubelets' `Killing` and the scheduler's `skip schedule
 * deleting pod` show it.
 */
function deleteReapply(c: ScenarioContext, t0: number): void {
  const ep = c.ep;
  const actor = ep.cluster.actors.admin;
  const name = n(c, 'php-apache');
  const why = spreadMisfit(c);
  const head = (verb: 'create' | 'delete'): OpHead => ({
    scenario: 'delete-reapply',
    key: `${verb} deployments default/${name}`,
    operation: verb === 'create' ? 'create-deployment' : 'delete-deployment',
    verb,
    resource: 'deployments',
    namespace: 'default',
    name,
    actor,
    code: verb === 'create' ? 201 : 200,
  });
  const misfit = "didn't match pod topology spread constraints";
  const make = (at: number): Workload => {
    const w = makeWorkload(ep.rng, {
      ns: 'default',
      name,
      replicas: 6,
      image: 'registry.k8s.io/hpa-example',
      container: 'php-apache',
      readinessPath: null,
      createdUs: at,
    });
    w.labels = { foo: 'bar' };
    return w;
  };
  t0 = whenSchedulable(c, t0);
  if (t0 >= ep.endUs) return;
  // Minutes apart, but inside the window: the delete a third of the way, the re-apply a fifth later.
  const room = ep.endUs - t0;
  const t1 = t0 + Math.max(20 * S, Math.min(ep.rng.int(150 * S, 200 * S), Math.round(room * 0.35)));
  const w = make(t0);
  const i1 = failingOp(c, head('create'), t0, 'pods-scheduled', 'kube-scheduler', misfit);
  const first = spreadApply(c, i1, actor, w, t0, why, t1);
  if (first === null) return;
  failedBefore(c, i1, first.failedUs, 'pods-scheduled');
  if (t1 >= ep.endUs) return;
  const i2 = op(c, head('delete'), t1);
  const d = kubectlDeleteDeployment(ep, i2, actor, w, t1);
  setAudit(c, i2, d.auditId);
  const gone = garbageCollectDeployment(
    ep,
    i2,
    w,
    first.running,
    first.pending,
    d.doneUs + ep.rng.int(15_000, 60_999),
  );
  settle(c, i2, gone < ep.endUs ? gone : null, 'containers-killed', 'kubelet');
  const t2 = whenSchedulable(
    c,
    gone + Math.max(15 * S, Math.min(ep.rng.int(60 * S, 90 * S), Math.round(room * 0.2))),
  );
  if (t2 >= ep.endUs) return;
  // The same manifest: same names and pod-template hash, new objects.
  const again: Workload = { ...make(t2), hash: w.hash, rsName: w.rsName };
  const i3 = failingOp(c, head('create'), t2, 'pods-scheduled', 'kube-scheduler', misfit);
  const second = spreadApply(c, i3, actor, again, t2, why, ep.endUs);
  if (second !== null) failedBefore(c, i3, second.failedUs, 'pods-scheduled');
}

/**
 * Kivi C7: `kubectl taint nodes kind-worker key1=value1:NoExecute`, then `kubectl apply` of a
 * 1-replica Deployment pinned to that node (`nodeName`). The node refuses every pod; the taint
 * eviction controller deletes it; the ReplicaSet makes another, several a second, until the logs
 * end (the scenario runs in the window's last 40 s, as Kivi's collection stopped mid-loop).
 */
function taintRejectLoop(c: ScenarioContext, t0: number): void {
  const ep = c.ep;
  // Not the admin: delete-reapply's re-apply may come within a second of the taint in a crowded window.
  const actor = ep.cluster.actors.bob;
  const node = 'kind-worker';
  const tTaint = Math.max(t0, ep.endUs - ep.rng.int(38 * S, 45 * S));
  if (tTaint >= ep.endUs - 3 * S) return;
  const i1 = op(
    c,
    {
      scenario: 'taint-reject-loop',
      key: `taint nodes ${node}${ep.suffix}`,
      operation: 'generic',
      verb: 'patch',
      resource: 'nodes',
      namespace: null,
      name: node,
      actor,
      code: 200,
    },
    tTaint,
  );
  const taint = taintNode(ep, i1, actor, node, tTaint, { key: 'key1', value: 'value1', effect: 'NoExecute' });
  setAudit(c, i1, taint.auditId);
  // No pod without a toleration may go there any more.
  ep.cordon(node, taint.doneUs);
  const tApply = taint.doneUs + ep.rng.int(4, 6) * S;
  if (tApply >= ep.endUs - 2 * S) return;
  const name = n(c, 'php-pinned');
  const w = makeWorkload(ep.rng, {
    ns: 'default',
    name,
    replicas: 1,
    image: 'registry.k8s.io/hpa-example',
    container: 'php-apache',
    readinessPath: null,
    createdUs: tApply,
  });
  w.nodeName = node;
  const i2 = failingOp(
    c,
    {
      scenario: 'taint-reject-loop',
      key: `create deployments default/${name}`,
      operation: 'create-deployment',
      verb: 'create',
      resource: 'deployments',
      namespace: 'default',
      name,
      actor,
      code: 201,
    },
    tApply,
    'pods-scheduled',
    'kubelet',
    'Predicate TaintToleration failed',
  );
  w.uid = ep.uid(tApply);
  const created = kubectlCreateDeployment(c, i2, actor, w, tApply, null);
  if (created === null) return;
  w.rsUid = ep.uid(created);
  const rs = createReplicaSet(ep, w, i2, created + ep.rng.int(8_000, 20_999), 1);
  putDeploymentStatus(ep, w, i2, rs + 2 * MS, {
    observedGeneration: 1,
    replicas: 1,
    updatedReplicas: 1,
    unavailableReplicas: 1,
    conditions: [
      condition(
        'Available',
        'False',
        'MinimumReplicasUnavailable',
        'Deployment does not have minimum availability.',
        rs,
      ),
      condition('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${w.rsName}" is progressing.`, rs),
    ],
  });
  const loop = rejectedPodLoop(ep, i2, w, node, rs + ep.rng.int(3_000, 10_999));
  failedBefore(c, i2, loop.firstRejectUs, 'pods-scheduled');
}

/** Runs one real-shape scenario at t0. */
export function runRealScenario(c: ScenarioContext, name: RealShapeScenarioName, t0: number): void {
  switch (name) {
    case 'rollout':
      return rolloutScenario(c, t0);
    case 'rollout-missing-secret':
      return missingSecret(c, t0);
    case 'rollout-secret-recovers':
      return secretRecovers(c, t0);
    case 'image-pull-recovers':
      return imagePullRecovers(c, t0);
    case 'unschedulable-retries':
      return unschedulableRetries(c, t0);
    case 'statefulset':
      return statefulSetScenario(c, t0);
    case 'statefulset-scale':
      return statefulSetScale(c, t0);
    case 'daemonset':
      return daemonSetScenario(c, t0);
    case 'job':
      return jobScenario(c, t0);
    case 'cronjob-run':
      return cronJobRun(c, t0);
    case 'bare-pod':
      return barePod(c, t0);
    case 'cordon-uncordon':
      return cordonUncordon(c, t0);
    case 'drain-uncordon':
      return drainUncordon(c, t0);
    case 'deployment-lifecycle':
      return lifecycle(c, t0);
    case 'bootstrap':
      return bootstrapScenario(c, t0);
    case 'delete-reapply':
      return deleteReapply(c, t0);
    case 'taint-reject-loop':
      return taintRejectLoop(c, t0);
  }
}

/** Bootstrap runs at the window's start; the other scenarios start after it. */
export const BOOTSTRAP_SECONDS = 60;

/**
 * Scenarios that cordon nodes run before the others (at their own start times), so that the
 * others' pods are never scheduled onto a node while it is cordoned.
 */
export const NODE_SCENARIOS: readonly RealShapeScenarioName[] = [
  'cordon-uncordon',
  'drain-uncordon',
  'taint-reject-loop',
];
