/**
 * What the control plane and the nodes do for a Deployment's pods: the deployment and replicaset
 * controllers, the scheduler, the kubelet and containerd. Message texts follow the Kubernetes
 * v1.30 and containerd 1.7 sources (see the package README for the files they come from).
 */
import { goDuration, goTime, rfc3339Sec } from '../clock.ts';
import { CONTROL_PLANE } from '../cluster.ts';
import type { Epoch, InvolvedObject } from '../epoch.ts';
import { kobj } from '../klog.ts';
import { podChanged, replicaSetCreated, replicaSetSynced } from './controllerManager.ts';
import type { Pod, Workload } from './objects.ts';
import { deploymentBody, fullImage, makePod, podBody, replicaSetBody } from './objects.ts';

export type PodFailure = 'image' | 'volume' | 'crash' | 'readiness';

/** How an image registry refuses a pull: the gRPC code and containerd's own lines. */
export interface PullError {
  /** The CRI error's gRPC code (`NotFound`, `Unknown`). */
  code: string;
  /** containerd's error text (after `desc = `). */
  inner: string;
  /** containerd's `trying next host` line: message and key/values. */
  trying: { msg: string; kv: [string, string][] };
}

/**
 * Ways a pod's start differs from the plain one (every option is off by default, and off leaves
 * the output unchanged). Times are µs.
 */
export interface StartOptions {
  /** The image pull fails until this instant; the kubelet's next back-off retry succeeds. */
  pullFailsUntilUs?: number;
  /** How the pull fails meanwhile (default: the tag is not found). */
  pullError?: PullError;
  /**
   * The container's config cannot be built until this instant (`CreateContainerConfigError`, e.g.
   * a missing Secret); the kubelet retries every 10–15 s, then starts it.
   */
  configErrorUntilUs?: number;
  /** The config error's text (`secret "pgpassword" not found`). */
  configError?: string;
  /** The container exits 0 this long after it starts (a Job's pod): the pod Succeeded. */
  runsForUs?: number;
  /** Writes the container's own output from its start time, instead of the default. */
  app?: (startedUs: number) => void;
}

const MS = 1000;
const S = 1_000_000;

export const podRef = (p: Pod): InvolvedObject => ({
  kind: 'Pod',
  namespace: p.w.ns,
  name: p.name,
  uid: p.uid,
  apiVersion: 'v1',
});
export const ctrRef = (p: Pod): InvolvedObject => ({
  ...podRef(p),
  fieldPath: `spec.containers{${p.w.container}}`,
});
export const depRef = (w: Workload): InvolvedObject => ({
  kind: 'Deployment',
  namespace: w.ns,
  name: w.name,
  uid: w.uid,
  apiVersion: 'apps/v1',
});
export const rsRef = (w: Workload): InvolvedObject => ({
  kind: 'ReplicaSet',
  namespace: w.ns,
  name: w.rsName,
  uid: w.rsUid,
  apiVersion: 'apps/v1',
});
export const podKey = (p: Pod): string => `${p.w.ns}/${p.name}`;
/** format.Pod: `name_namespace(uid)`. */
const formatPod = (p: Pod): string => `${p.name}_${p.w.ns}(${p.uid})`;

/** The deployment controller creates the ReplicaSet and records ScalingReplicaSet. Returns the time it is done. */
export function deploymentCreatesReplicaSet(ep: Epoch, w: Workload, op: number, t: number): number {
  const dc = ep.cluster.actors.controller('deployment-controller');
  const rsCreate = ep.api({
    us: t,
    actor: dc,
    verb: 'create',
    method: 'POST',
    uri: `/apis/apps/v1/namespaces/${w.ns}/replicasets`,
    objectRef: {
      resource: 'replicasets',
      namespace: w.ns,
      name: w.rsName,
      apiGroup: 'apps',
      apiVersion: 'v1',
    },
    code: 201,
    requestObject: replicaSetBody(w, null, w.replicas, {}),
    responseObject: replicaSetBody(w, ep.nextRv(), w.replicas, { replicas: 0 }),
    op,
  });
  ep.event({
    us: rsCreate.doneUs + 300,
    obj: depRef(w),
    type: 'Normal',
    reason: 'ScalingReplicaSet',
    message: `Scaled up replica set ${w.rsName} to ${w.replicas} from 0`,
    source: 'deployment-controller',
    op,
  });
  const st = putDeploymentStatus(ep, w, op, rsCreate.doneUs + 2 * MS, {
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
        t,
      ),
      condition('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${w.rsName}" is progressing.`, t),
    ],
  });
  return st.doneUs;
}

/** The deployment controller's PUT of a Deployment's status subresource. */
export function putDeploymentStatus(
  ep: Epoch,
  w: Workload,
  op: number,
  us: number,
  status: Record<string, unknown>,
) {
  return ep.api({
    us,
    actor: ep.cluster.actors.controller('deployment-controller'),
    verb: 'update',
    method: 'PUT',
    uri: `/apis/apps/v1/namespaces/${w.ns}/deployments/${w.name}/status`,
    objectRef: {
      resource: 'deployments',
      namespace: w.ns,
      name: w.name,
      uid: w.uid,
      apiGroup: 'apps',
      apiVersion: 'v1',
      subresource: 'status',
    },
    code: 200,
    responseObject: deploymentBody(w, ep.nextRv(), status),
    op,
  });
}

/** A Deployment status condition as the controller writes it. */
export function condition(
  type: string,
  status: string,
  reason: string,
  message: string,
  us: number,
): Record<string, unknown> {
  const at = rfc3339Sec(us);
  return { type, status, lastUpdateTime: at, lastTransitionTime: at, reason, message };
}

export interface CreatePodsResult {
  pods: Pod[];
  doneUs: number;
}

/**
 * The replicaset controller creates `count` pods. With `quotaCpuLimit` set, every create is refused
 * by the ResourceQuota admission plugin and retried with the controller's rate-limited backoff.
 */
export function replicaSetCreatesPods(
  ep: Epoch,
  w: Workload,
  op: number,
  t: number,
  count: number,
  current: number,
  quota: { name: string; limit: string } | null = null,
): CreatePodsResult {
  const rsc = ep.cluster.actors.controller('replicaset-controller');
  ep.kcm(
    t,
    {
      sev: 'I',
      caller: 'replicaset/replica_set.go:604',
      msg: 'Too few replicas',
      v: 2,
      kv: [
        ['replicaSet', kobj(w.ns, w.rsName)],
        ['need', current + count],
        ['creating', count],
      ],
    },
    op,
  );
  const pods: Pod[] = [];
  let cur = t + 2 * MS;
  if (quota) {
    // Slow start: one create, which fails; the sync is retried with exponential backoff.
    const delays = [0, 5, 15, 35, 75, 155, 315, 635, 1275, 2555, 5115, 10235, 20475, 40955, 81915, 163835];
    for (const d of delays) {
      const at = t + d * MS;
      if (at >= ep.endUs) break;
      const p = makePod(ep.rng, w, at);
      const msg = `pods "${p.name}" is forbidden: exceeded quota: ${quota.name}, requested: limits.cpu=${w.cpu}, used: limits.cpu=0, limited: limits.cpu=${quota.limit}`;
      const r = ep.api({
        us: at,
        actor: rsc,
        verb: 'create',
        method: 'POST',
        uri: `/api/v1/namespaces/${w.ns}/pods`,
        objectRef: { resource: 'pods', namespace: w.ns, apiVersion: 'v1' },
        code: 403,
        requestObject: podBody(p, null, {}),
        failure: { message: msg, reason: 'Forbidden', details: { name: p.name, kind: 'pods' } },
        op,
      });
      ep.event({
        us: r.doneUs + 200,
        obj: rsRef(w),
        type: 'Warning',
        reason: 'FailedCreate',
        message: `Error creating: ${msg}`,
        source: 'replicaset-controller',
        op,
      });
      ep.kcm(
        r.doneUs + 400,
        {
          sev: 'E',
          caller: 'replicaset/replica_set.go:560',
          msg: `sync "${w.ns}/${w.rsName}" failed with ${msg}`,
          printf: true,
        },
        op,
      );
      replicaSetSynced(ep, r.doneUs + 350, w.ns, w.rsName, op, r.doneUs + 350 - at);
    }
    return { pods, doneUs: cur };
  }
  for (let i = 0; i < count; i++) {
    const p = makePod(ep.rng, w, cur);
    if (ep.v1Uids) p.uid = ep.uid(cur);
    const r = ep.api({
      us: cur,
      actor: rsc,
      verb: 'create',
      method: 'POST',
      uri: `/api/v1/namespaces/${w.ns}/pods`,
      objectRef: { resource: 'pods', namespace: w.ns, name: p.name, apiVersion: 'v1' },
      code: 201,
      requestObject: podBody(p, null, {}),
      responseObject: podBody(p, ep.nextRv(), { phase: 'Pending', qosClass: 'Guaranteed' }),
      annotations: { 'pod-security.kubernetes.io/enforce-policy': 'privileged:latest' },
      op,
    });
    p.createdUs = r.doneUs;
    ep.event({
      us: r.doneUs + 300,
      obj: rsRef(w),
      type: 'Normal',
      reason: 'SuccessfulCreate',
      message: `Created pod: ${p.name}`,
      source: 'replicaset-controller',
      op,
    });
    pods.push(p);
    cur = r.doneUs + ep.rng.int(300, 2500);
  }
  replicaSetCreated(ep, w.ns, w.rsName, op, t, cur);
  return { pods, doneUs: cur };
}

/** The scheduler binds the pod to `node`, or (node null) reports it unschedulable with `why`. */
export function schedulePod(
  ep: Epoch,
  p: Pod,
  op: number,
  t: number,
  node: string | null,
  why = '',
  feasible = ep.cluster.workers.length,
): number | null {
  const sched = ep.cluster.actors.scheduler;
  const n = ep.cluster.nodes.length;
  if (!node) {
    ep.scheduler(
      t,
      {
        sev: 'I',
        caller: 'scheduler/schedule_one.go:1055',
        msg: 'Unable to schedule pod; no fit; waiting',
        v: 2,
        kv: [
          ['pod', kobj(p.w.ns, p.name)],
          ['err', why],
        ],
      },
      op,
    );
    ep.event({
      us: t + 400,
      obj: podRef(p),
      type: 'Warning',
      reason: 'FailedScheduling',
      message: why,
      source: 'default-scheduler',
      op,
    });
    ep.api({
      us: t + 1 * MS,
      actor: sched,
      verb: 'patch',
      method: 'PATCH',
      uri: `/api/v1/namespaces/${p.w.ns}/pods/${p.name}/status`,
      objectRef: {
        resource: 'pods',
        namespace: p.w.ns,
        name: p.name,
        apiVersion: 'v1',
        subresource: 'status',
      },
      code: 200,
      requestObject: {
        status: {
          conditions: [
            {
              type: 'PodScheduled',
              status: 'False',
              reason: 'Unschedulable',
              message: why,
              lastProbeTime: null,
              lastTransitionTime: rfc3339Sec(t),
            },
          ],
        },
      },
      responseObject: podBody(p, ep.nextRv(), {
        phase: 'Pending',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: why,
            lastProbeTime: null,
            lastTransitionTime: rfc3339Sec(t),
          },
        ],
        qosClass: 'Guaranteed',
      }),
      op,
    });
    podChanged(ep, p, t + 2 * MS, op);
    return null;
  }
  const bind = ep.api({
    us: t,
    actor: sched,
    verb: 'create',
    method: 'POST',
    uri: `/api/v1/namespaces/${p.w.ns}/pods/${p.name}/binding`,
    objectRef: {
      resource: 'pods',
      namespace: p.w.ns,
      name: p.name,
      apiVersion: 'v1',
      subresource: 'binding',
    },
    code: 201,
    requestObject: {
      kind: 'Binding',
      apiVersion: 'v1',
      metadata: { name: p.name, namespace: p.w.ns, uid: p.uid, creationTimestamp: null },
      target: { kind: 'Node', name: node },
    },
    responseObject: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 },
    op,
  });
  p.node = node;
  p.ip = `${ep.cluster.node(node).podCidrPrefix}${ep.rng.int(2, 250)}`;
  podChanged(ep, p, bind.doneUs, op);
  ep.event({
    us: bind.doneUs + 200,
    obj: podRef(p),
    type: 'Normal',
    reason: 'Scheduled',
    message: `Successfully assigned ${p.w.ns}/${p.name} to ${node}`,
    source: 'default-scheduler',
    action: 'Binding',
    op,
  });
  ep.scheduler(
    bind.doneUs + 150,
    {
      sev: 'I',
      caller: 'scheduler/schedule_one.go:314',
      msg: 'Successfully bound pod to node',
      v: 2,
      kv: [
        ['pod', kobj(p.w.ns, p.name)],
        ['node', node],
        ['evaluatedNodes', n],
        ['feasibleNodes', feasible],
      ],
    },
    op,
  );
  return bind.doneUs;
}

/** The kubelet's status manager patches the pod status. */
export function kubeletPatchStatus(
  ep: Epoch,
  p: Pod,
  op: number,
  t: number,
  status: Record<string, unknown>,
): number {
  const node = p.node ?? CONTROL_PLANE;
  const r = ep.api({
    us: t,
    actor: ep.cluster.actors.kubelet(node),
    verb: 'patch',
    method: 'PATCH',
    uri: `/api/v1/namespaces/${p.w.ns}/pods/${p.name}/status`,
    objectRef: { resource: 'pods', namespace: p.w.ns, name: p.name, apiVersion: 'v1', subresource: 'status' },
    code: 200,
    requestObject: { metadata: { uid: p.uid }, status },
    responseObject: podBody(p, ep.nextRv(), { ...status, hostIP: ep.cluster.node(node).ip, podIP: p.ip }),
    op,
  });
  podChanged(ep, p, r.doneUs, op);
  ep.kubelet(
    node,
    r.doneUs + 300,
    {
      sev: 'I',
      caller: 'kubelet/kubelet.go:2441',
      msg: 'SyncLoop UPDATE',
      v: 2,
      kv: [
        ['source', 'api'],
        ['pods', [kobj(p.w.ns, p.name)]],
      ],
    },
    op,
  );
  return r.doneUs;
}

function volumeLines(
  ep: Epoch,
  p: Pod,
  op: number,
  t: number,
  volume: string,
  unique: string,
  succeed: boolean,
): void {
  const node = p.node ?? CONTROL_PLANE;
  const what = `volume ${JSON.stringify(volume)} (UniqueName: ${JSON.stringify(unique)}) pod ${JSON.stringify(p.name)} (UID: ${JSON.stringify(p.uid)}) `;
  const pod: [string, { kobj: string }] = ['pod', kobj(p.w.ns, p.name)];
  ep.kubelet(
    node,
    t,
    {
      sev: 'I',
      caller: 'reconciler/reconciler_common.go:247',
      msg: `operationExecutor.VerifyControllerAttachedVolume started for ${what}`,
      v: 0,
      kv: [pod],
    },
    op,
  );
  ep.kubelet(
    node,
    t + ep.rng.int(60_000, 110_999),
    {
      sev: 'I',
      caller: 'reconciler/reconciler_common.go:220',
      msg: `operationExecutor.MountVolume started for ${what}`,
      v: 0,
      kv: [pod],
    },
    op,
  );
  if (succeed) {
    ep.kubelet(
      node,
      t + ep.rng.int(120_000, 190_999),
      {
        sev: 'I',
        caller: 'operationexecutor/operation_generator.go:721',
        msg: `MountVolume.SetUp succeeded for ${what}`,
        v: 0,
        kv: [pod],
      },
      op,
    );
  }
}

/** Pod status for a pod whose container is waiting (`ErrImagePull`, `CrashLoopBackOff`…). */
function waitingStatus(
  p: Pod,
  t: number,
  reason: string,
  message: string,
  restarts = 0,
): Record<string, unknown> {
  const at = rfc3339Sec(t);
  return {
    phase: 'Pending',
    conditions: [
      { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: at },
      { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: at },
      {
        type: 'Ready',
        status: 'False',
        lastProbeTime: null,
        lastTransitionTime: at,
        reason: 'ContainersNotReady',
        message: `containers with unready status: [${p.w.container}]`,
      },
      {
        type: 'ContainersReady',
        status: 'False',
        lastProbeTime: null,
        lastTransitionTime: at,
        reason: 'ContainersNotReady',
        message: `containers with unready status: [${p.w.container}]`,
      },
      { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: at },
    ],
    containerStatuses: [
      {
        name: p.w.container,
        state: { waiting: { reason, message } },
        lastState: {},
        ready: false,
        restartCount: restarts,
        image: p.w.image,
        imageID: '',
        started: false,
      },
    ],
  };
}

/**
 * The kubelet on `p.node` starts the pod: volumes, sandbox, image, container, probes. Returns the
 * time the pod became ready, or null when it did not (the failure mode's lines are written).
 */
export function kubeletStartsPod(
  ep: Epoch,
  p: Pod,
  op: number,
  tBound: number,
  failure: PodFailure | null,
  opts: StartOptions = {},
): number | null {
  const node = p.node;
  if (!node) return null;
  const w = p.w;
  const rng = ep.rng;
  const pk: [string, { kobj: string }] = ['pod', kobj(w.ns, p.name)];
  const podDir = `${w.ns}_${p.name}_${p.uid}`;
  let t = tBound + rng.int(5_000, 20_999);
  const syncFrom = t;
  ep.kubelet(
    node,
    t,
    {
      sev: 'I',
      caller: 'kubelet/kubelet.go:2434',
      msg: 'SyncLoop ADD',
      v: 2,
      kv: [
        ['source', 'api'],
        ['pods', [kobj(w.ns, p.name)]],
      ],
    },
    op,
  );
  ep.kubelet(
    node,
    t + 80,
    {
      sev: 'I',
      caller: 'topologymanager/topology_manager.go:215',
      msg: 'Topology Admit Handler',
      v: 0,
      kv: [
        ['podUID', p.uid],
        ['podNamespace', w.ns],
        ['podName', p.name],
      ],
    },
    op,
  );
  t += rng.int(50_000, 80_999);
  volumeLines(ep, p, op, t, p.tokenVolume, `kubernetes.io/projected/${p.uid}-${p.tokenVolume}`, true);
  const claim = p.claim ?? w.claim;
  if (claim) {
    const unique = claim.unique ?? `kubernetes.io/csi/${claim.driver}^${claim.handle}`;
    volumeLines(ep, p, op, t + 2 * MS, claim.pv, unique, failure !== 'volume');
    if (failure === 'volume') {
      volumeTimeout(ep, p, op, t + 100 * MS, unique);
      return null;
    }
  }
  t += rng.int(250_000, 350_999);
  ep.kubelet(
    node,
    t,
    {
      sev: 'I',
      caller: 'util/util.go:30',
      msg: 'No sandbox for pod can be found. Need to start a new one',
      v: 0,
      kv: [pk],
    },
    op,
  );
  const meta = `&PodSandboxMetadata{Name:${p.name},Uid:${p.uid},Namespace:${w.ns},Attempt:0,}`;
  ep.containerd(node, t + 2 * MS, 'info', `RunPodSandbox for ${meta}`, op);
  const sandboxFrom = t + 2 * MS;
  t += rng.int(300_000, 700_999);
  ep.spans?.podSync(node, { namespace: w.ns, name: p.name, uid: p.uid }, syncFrom, sandboxFrom, t, op);
  ep.containerd(
    node,
    t,
    'info',
    `RunPodSandbox for ${meta} returns sandbox id ${JSON.stringify(p.sandbox)}`,
    op,
  );
  kubeletPleg(ep, p, op, t + rng.int(400_000, 900_999), 'ContainerStarted', p.sandbox);
  kubeletPatchStatus(ep, p, op, t + 20 * MS, waitingStatus(p, t, 'ContainerCreating', ''));

  // Image.
  const image = w.image;
  const pullStart = t + 5 * MS;
  // Pulled earlier in this window on this node (or preloaded in the kind node image)?
  const cacheKey = `${node}|${image}`;
  const cachedAt = ep.images.get(cacheKey);
  let present =
    w.image.startsWith('busybox') ||
    w.image.startsWith('registry.k8s.io') ||
    w.image.startsWith('docker.io/kindest/') ||
    (cachedAt !== undefined && cachedAt <= pullStart);
  let pullEnd = pullStart;
  if (failure === 'image') {
    imagePullFails(ep, p, op, pullStart);
    return null;
  }
  // The pull that succeeds: the first one, or the retry after the registry came back.
  let pullFrom = pullStart;
  if (opts.pullFailsUntilUs !== undefined) {
    const next = imagePullFails(ep, p, op, pullStart, opts.pullFailsUntilUs, opts.pullError);
    if (next === null) return null;
    pullFrom = next;
    present = false;
  }
  if (present) {
    ep.event({
      us: pullFrom,
      obj: ctrRef(p),
      type: 'Normal',
      reason: 'Pulled',
      message: `Container image ${JSON.stringify(image)} already present on machine`,
      source: 'kubelet',
      host: node,
      op,
    });
  } else {
    ep.event({
      us: pullFrom,
      obj: ctrRef(p),
      type: 'Normal',
      reason: 'Pulling',
      message: `Pulling image ${JSON.stringify(image)}`,
      source: 'kubelet',
      host: node,
      op,
    });
    ep.containerd(node, pullFrom + 1 * MS, 'info', `PullImage ${JSON.stringify(image)}`, op);
    const secs = rng.float(1.2, 6.5);
    pullEnd = pullFrom + Math.round(secs * S);
    const size = rng.int(20_000_000, 80_000_000);
    const full = fullImage(image);
    const at = full.lastIndexOf(':');
    const imageId = `sha256:${rng.hex(64)}`;
    ep.containerd(
      node,
      pullEnd - 2 * MS,
      'info',
      `Pulled image ${JSON.stringify(image)} with image id "${imageId}", repo tag ${JSON.stringify(full)}, repo digest "${full.slice(0, at)}@sha256:${rng.hex(64)}", size "${size}" in ${goDuration(secs * 1000)}`,
      op,
    );
    ep.containerd(
      node,
      pullEnd - 1 * MS,
      'info',
      `PullImage ${JSON.stringify(image)} returns image reference "${imageId}"`,
      op,
    );
    if (cachedAt === undefined || pullEnd < cachedAt) ep.images.set(cacheKey, pullEnd);
    const d = goDuration(secs * 1000);
    ep.event({
      us: pullEnd,
      obj: ctrRef(p),
      type: 'Normal',
      reason: 'Pulled',
      message: `Successfully pulled image ${JSON.stringify(image)} in ${d} (${d} including waiting). Image size: ${size} bytes.`,
      source: 'kubelet',
      host: node,
      op,
    });
  }
  let startAt = pullEnd + 3 * MS;
  if (opts.configErrorUntilUs !== undefined) {
    const next = configErrorRetries(ep, p, op, startAt, opts.configErrorUntilUs, opts.configError ?? '');
    if (next === null) return null;
    startAt = next;
  }
  const started = startContainer(ep, p, op, startAt, 0);
  t = started;
  if (opts.app) opts.app(started);
  else appStartup(ep, p, op, podDir, started, 0, failure === 'crash');
  ep.kubelet(
    node,
    started + rng.int(5_000, 30_999),
    {
      sev: 'I',
      caller: 'util/pod_startup_latency_tracker.go:104',
      msg: 'Observed pod startup duration',
      v: 0,
      kv: [
        pk,
        ['podStartSLOduration', Number(((started - p.createdUs - (pullEnd - pullStart)) / S).toFixed(9))],
        ['podStartE2EDuration', goDuration((started - p.createdUs) / 1000)],
        ['podCreationTimestamp', goTime(Math.floor(p.createdUs / S) * S).replace('.000000000', '')],
        ['firstStartedPulling', present ? '0001-01-01 00:00:00 +0000 UTC' : goTime(pullStart)],
        ['lastFinishedPulling', present ? '0001-01-01 00:00:00 +0000 UTC' : goTime(pullEnd)],
        ['observedRunningTime', goTime(started + 400 * MS)],
        ['watchObservedRunningTime', goTime(started + 420 * MS)],
      ],
    },
    op,
  );
  if (failure === 'crash') {
    crashLoop(ep, p, op, started, podDir);
    return null;
  }
  if (failure === 'readiness') {
    kubeletPatchStatus(ep, p, op, started + 30 * MS, { phase: 'Running' });
    readinessFails(ep, p, op, started + rng.int(2, 5) * S);
    return null;
  }
  const ready = started + (w.readinessPath ? rng.int(1500_000, 9500_999) : 50 * MS);
  if (w.readinessPath) {
    ep.kubelet(
      node,
      ready,
      {
        sev: 'I',
        caller: 'kubelet/kubelet.go:2546',
        msg: 'SyncLoop (probe)',
        v: 1,
        kv: [['probe', 'readiness'], ['status', 'ready'], pk],
      },
      op,
    );
  }
  kubeletPatchStatus(ep, p, op, ready + 10 * MS, {
    phase: 'Running',
    conditions: [
      { type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339Sec(ready) },
    ],
  });
  if (opts.runsForUs !== undefined) return containerCompletes(ep, p, op, started + opts.runsForUs);
  return ready;
}

/**
 * A container that keeps failing to be created for a config error (`CreateContainerConfigError`:
 * a missing Secret or ConfigMap) from `t0` until `untilUs`: every sync finds the image present,
 * records `Failed` `Error: <message>` and logs `Error syncing pod, skipping`; the pod worker retries
 * after 10–15 s (its back-off period with jitter). Returns when the container can be created, or
 * null if that is after the logs end.
 */
function configErrorRetries(
  ep: Epoch,
  p: Pod,
  op: number,
  t0: number,
  untilUs: number,
  message: string,
): number | null {
  const node = p.node ?? CONTROL_PLANE;
  const w = p.w;
  const pk: [string, { kobj: string }] = ['pod', kobj(w.ns, p.name)];
  let t = t0;
  for (let attempt = 0; t < ep.endUs; attempt++) {
    if (attempt > 0) {
      ep.event({
        us: t,
        obj: ctrRef(p),
        type: 'Normal',
        reason: 'Pulled',
        message: `Container image ${JSON.stringify(w.image)} already present on machine`,
        source: 'kubelet',
        host: node,
        op,
      });
    }
    if (t >= untilUs) return t + 2 * MS;
    ep.event({
      us: t + 1 * MS,
      obj: ctrRef(p),
      type: 'Warning',
      reason: 'Failed',
      message: `Error: ${message}`,
      source: 'kubelet',
      host: node,
      op,
    });
    ep.kubelet(
      node,
      t + 2 * MS,
      {
        sev: 'E',
        caller: 'kubelet/pod_workers.go:1298',
        msg: 'Error syncing pod, skipping',
        err: `failed to "StartContainer" for ${JSON.stringify(w.container)} with CreateContainerConfigError: ${JSON.stringify(message)}`,
        kv: [pk, ['podUID', p.uid]],
      },
      op,
    );
    if (attempt === 0)
      kubeletPatchStatus(ep, p, op, t + 5 * MS, waitingStatus(p, t, 'CreateContainerConfigError', message));
    t += ep.rng.int(10_000_000, 15_999_999);
  }
  return null;
}

/**
 * The container exits 0 (a Job's work is done): containerd reaps the shim, PLEG sees it die, the
 * kubelet reports the pod Succeeded. Returns when the status is written (µs).
 */
function containerCompletes(ep: Epoch, p: Pod, op: number, t: number): number {
  const node = p.node ?? CONTROL_PLANE;
  const cid = p.containerId || ep.rng.hex(64);
  ep.containerd(node, t, 'info', 'shim disconnected', op, [
    ['id', cid],
    ['namespace', 'k8s.io'],
  ]);
  ep.containerd(node, t + 1 * MS, 'warning', 'cleaning up after shim disconnected', op, [
    ['id', cid],
    ['namespace', 'k8s.io'],
  ]);
  ep.containerd(node, t + 3 * MS, 'info', 'cleaning up dead shim', op, [['namespace', 'k8s.io']]);
  const seen = t + ep.rng.int(300_000, 900_999);
  kubeletPleg(ep, p, op, seen, 'ContainerDied', cid);
  const at = rfc3339Sec(t);
  return kubeletPatchStatus(ep, p, op, seen + 20 * MS, {
    phase: 'Succeeded',
    conditions: [
      { type: 'PodReadyToStartContainers', status: 'False', lastProbeTime: null, lastTransitionTime: at },
      {
        type: 'Ready',
        status: 'False',
        lastProbeTime: null,
        lastTransitionTime: at,
        reason: 'PodCompleted',
      },
      {
        type: 'ContainersReady',
        status: 'False',
        lastProbeTime: null,
        lastTransitionTime: at,
        reason: 'PodCompleted',
      },
    ],
    containerStatuses: [
      {
        name: p.w.container,
        state: {
          terminated: {
            exitCode: 0,
            reason: 'Completed',
            startedAt: rfc3339Sec(p.createdUs),
            finishedAt: at,
            containerID: `containerd://${cid}`,
          },
        },
        lastState: {},
        ready: false,
        restartCount: 0,
        image: p.w.image,
        imageID: '',
        started: false,
      },
    ],
  });
}

export function kubeletPleg(
  ep: Epoch,
  p: Pod,
  op: number,
  t: number,
  type: 'ContainerStarted' | 'ContainerDied',
  data: string,
): void {
  ep.kubelet(
    p.node ?? CONTROL_PLANE,
    t,
    {
      sev: 'I',
      caller: 'kubelet/kubelet.go:2473',
      msg: 'SyncLoop (PLEG): event for pod',
      v: 2,
      kv: [
        ['pod', kobj(p.w.ns, p.name)],
        ['event', { json: { ID: p.uid, Type: type, Data: data } }],
      ],
    },
    op,
  );
}

/** containerd creates and starts the container; the kubelet records Created/Started. Returns the start time. */
export function startContainer(ep: Epoch, p: Pod, op: number, t: number, attempt: number): number {
  const node = p.node ?? CONTROL_PLANE;
  const rng = ep.rng;
  const cid = rng.hex(64);
  const meta = `&ContainerMetadata{Name:${p.w.container},Attempt:${attempt},}`;
  ep.containerd(
    node,
    t,
    'info',
    `CreateContainer within sandbox ${JSON.stringify(p.sandbox)} for container ${meta}`,
    op,
  );
  const created = t + rng.int(20_000, 90_999);
  ep.containerd(
    node,
    created,
    'info',
    `CreateContainer within sandbox ${JSON.stringify(p.sandbox)} for ${meta} returns container id ${JSON.stringify(cid)}`,
    op,
  );
  ep.event({
    us: created + 1 * MS,
    obj: ctrRef(p),
    type: 'Normal',
    reason: 'Created',
    message: `Created container ${p.w.container}`,
    source: 'kubelet',
    host: node,
    op,
  });
  ep.containerd(node, created + 2 * MS, 'info', `StartContainer for ${JSON.stringify(cid)}`, op);
  const started = created + rng.int(40_000, 140_999);
  ep.containerd(node, started, 'info', `StartContainer for ${JSON.stringify(cid)} returns successfully`, op);
  ep.event({
    us: started + 1 * MS,
    obj: ctrRef(p),
    type: 'Normal',
    reason: 'Started',
    message: `Started container ${p.w.container}`,
    source: 'kubelet',
    host: node,
    op,
  });
  kubeletPleg(ep, p, op, started + rng.int(300_000, 900_999), 'ContainerStarted', cid);
  p.containerId = cid;
  return started;
}

/** The container's own output in `/var/log/pods/...` (nginx's entrypoint, or a worker that crashes). */
function appStartup(
  ep: Epoch,
  p: Pod,
  op: number,
  podDir: string,
  t: number,
  restart: number,
  crash: boolean,
): void {
  const node = p.node ?? CONTROL_PLANE;
  const out = (dt: number, stream: 'stdout' | 'stderr', text: string): void =>
    ep.cri(node, podDir, p.w.container, restart, p.w.container, t + dt * MS, stream, text, op);
  if (crash) {
    out(12, 'stdout', `starting ${p.w.container} (pid 1)`);
    out(30, 'stdout', 'connecting to redis at redis.blog.svc.cluster.local:6379');
    out(1040, 'stderr', 'dial tcp 10.96.114.23:6379: connect: connection refused');
    out(1041, 'stderr', 'fatal: cannot reach queue backend, exiting');
    return;
  }
  if (!p.w.image.startsWith('nginx')) {
    out(15, 'stdout', `${p.w.container} listening on :80`);
    return;
  }
  const stamp = (dt: number): string => {
    const d = new Date(Math.floor((t + dt * MS) / 1000));
    const iso = d.toISOString();
    return `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)} ${iso.slice(11, 19)}`;
  };
  out(
    5,
    'stdout',
    '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
  );
  out(6, 'stdout', '/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/');
  out(7, 'stdout', '/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh');
  out(
    9,
    'stdout',
    '10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf',
  );
  out(
    12,
    'stdout',
    '10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf',
  );
  out(13, 'stdout', '/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh');
  out(14, 'stdout', '/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh');
  out(16, 'stdout', '/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh');
  out(17, 'stdout', '/docker-entrypoint.sh: Configuration complete; ready for start up');
  out(19, 'stderr', `${stamp(19)} [notice] 1#1: using the "epoll" event method`);
  out(19, 'stderr', `${stamp(19)} [notice] 1#1: nginx/1.25.5`);
  out(19, 'stderr', `${stamp(19)} [notice] 1#1: start worker processes`);
}

/**
 * Image pull fails (by default: the tag is not found): ErrImagePull, then ImagePullBackOff with
 * growing back-off, until the logs end or until `untilUs`. Returns the time of the first attempt
 * at or after `untilUs` (the one that succeeds), or null when that is after the logs end.
 */
function imagePullFails(
  ep: Epoch,
  p: Pod,
  op: number,
  t0: number,
  untilUs = Number.POSITIVE_INFINITY,
  pullError?: PullError,
): number | null {
  const node = p.node ?? CONTROL_PLANE;
  const w = p.w;
  const full = fullImage(w.image);
  const host = full.startsWith('docker.io/') ? 'registry-1.docker.io' : full.slice(0, full.indexOf('/'));
  const inner =
    pullError?.inner ??
    `failed to pull and unpack image ${JSON.stringify(full)}: failed to resolve reference ${JSON.stringify(full)}: ${full}: not found`;
  const rpc = `rpc error: code = ${pullError?.code ?? 'NotFound'} desc = ${inner}`;
  const trying = pullError?.trying ?? {
    msg: 'trying next host - response was http.StatusNotFound',
    kv: [['host', host]] as [string, string][],
  };
  const pk: [string, { kobj: string }] = ['pod', kobj(w.ns, p.name)];
  const podUid: [string, string] = ['podUID', p.uid];
  let t = t0;
  let backoff = 10;
  for (let attempt = 0; t < Math.min(ep.endUs, untilUs); attempt++) {
    ep.event({
      us: t,
      obj: ctrRef(p),
      type: 'Normal',
      reason: 'Pulling',
      message: `Pulling image ${JSON.stringify(w.image)}`,
      source: 'kubelet',
      host: node,
      op,
    });
    ep.containerd(node, t + 1 * MS, 'info', `PullImage ${JSON.stringify(w.image)}`, op);
    const fail = t + ep.rng.int(400_000, 1400_999);
    ep.containerd(node, fail - 3 * MS, 'info', trying.msg, op, trying.kv);
    ep.containerd(node, fail - 1 * MS, 'error', `PullImage ${JSON.stringify(w.image)} failed`, op, [
      ['error', inner],
    ]);
    ep.kubelet(
      node,
      fail,
      {
        sev: 'E',
        caller: 'remote/remote_image.go:180',
        msg: 'PullImage from image service failed',
        err: rpc,
        kv: [['image', w.image]],
      },
      op,
    );
    ep.kubelet(
      node,
      fail + 40,
      {
        sev: 'E',
        caller: 'kuberuntime/kuberuntime_image.go:55',
        msg: 'Failed to pull image',
        err: rpc,
        kv: [['image', w.image]],
      },
      op,
    );
    ep.event({
      us: fail + 1 * MS,
      obj: ctrRef(p),
      type: 'Warning',
      reason: 'Failed',
      message: `Failed to pull image ${JSON.stringify(w.image)}: ${rpc}`,
      source: 'kubelet',
      host: node,
      op,
    });
    ep.event({
      us: fail + 1 * MS,
      obj: ctrRef(p),
      type: 'Warning',
      reason: 'Failed',
      message: 'Error: ErrImagePull',
      source: 'kubelet',
      host: node,
      op,
    });
    ep.kubelet(
      node,
      fail + 2 * MS,
      {
        sev: 'E',
        caller: 'kubelet/pod_workers.go:1298',
        msg: 'Error syncing pod, skipping',
        err: `failed to "StartContainer" for ${JSON.stringify(w.container)} with ErrImagePull: ${JSON.stringify(rpc)}`,
        kv: [pk, podUid],
      },
      op,
    );
    if (attempt === 0)
      kubeletPatchStatus(ep, p, op, fail + 5 * MS, waitingStatus(p, fail, 'ErrImagePull', rpc));
    // Syncs during the back-off report ImagePullBackOff.
    const boMsg = `Back-off pulling image ${JSON.stringify(w.image)}`;
    for (
      let s = fail + ep.rng.int(800_000, 1500_999), k = 0;
      s < fail + backoff * S && k < 3;
      s += ep.rng.int(8, 15) * S, k++
    ) {
      ep.event({
        us: s,
        obj: ctrRef(p),
        type: 'Normal',
        reason: 'BackOff',
        message: boMsg,
        source: 'kubelet',
        host: node,
        op,
      });
      ep.event({
        us: s,
        obj: ctrRef(p),
        type: 'Warning',
        reason: 'Failed',
        message: 'Error: ImagePullBackOff',
        source: 'kubelet',
        host: node,
        op,
      });
      ep.kubelet(
        node,
        s + 1 * MS,
        {
          sev: 'E',
          caller: 'kubelet/pod_workers.go:1298',
          msg: 'Error syncing pod, skipping',
          err: `failed to "StartContainer" for ${JSON.stringify(w.container)} with ImagePullBackOff: ${JSON.stringify(boMsg)}`,
          kv: [pk, podUid],
        },
        op,
      );
      if (attempt === 0 && k === 0)
        kubeletPatchStatus(ep, p, op, s + 4 * MS, waitingStatus(p, s, 'ImagePullBackOff', boMsg));
    }
    t = fail + backoff * S + ep.rng.int(100_000, 900_999);
    backoff = Math.min(backoff * 2, 300);
  }
  return t < ep.endUs ? t : null;
}

/**
 * The CSI NodePublishVolume call never returns (the NFS server is unreachable): the operation
 * fails after its 2 minute deadline, and the kubelet's WaitForAttachAndMount gives up at 2m3s.
 */
function volumeTimeout(ep: Epoch, p: Pod, op: number, t0: number, unique: string): void {
  const node = p.node ?? CONTROL_PLANE;
  const w = p.w;
  const claim = w.claim;
  if (!claim) return;
  const pk: [string, { kobj: string }] = ['pod', kobj(w.ns, p.name)];
  const what = `volume ${JSON.stringify(claim.pv)} (UniqueName: ${JSON.stringify(unique)}) pod ${JSON.stringify(p.name)} (UID: ${JSON.stringify(p.uid)})`;
  const rpc = 'rpc error: code = DeadlineExceeded desc = context deadline exceeded';
  const waitErr = `unmounted volumes=[${claim.volume}], unattached volumes=[], failed to process volumes=[]: timed out waiting for the condition`;
  let opFail = t0 + 120 * S + ep.rng.int(1_000, 40_999);
  let retry = 0.5;
  let syncFail = t0 + 123 * S;
  for (let k = 0; opFail < ep.endUs && k < 6; k++) {
    ep.kubelet(
      node,
      opFail,
      {
        sev: 'E',
        caller: 'nestedpendingoperations/nestedpendingoperations.go:348',
        msg: `Operation for "{volumeName:${unique} podName:${p.uid} nodeName:}" failed. No retries permitted until ${goTime(opFail + retry * S)} m=+${(8000 + (opFail - ep.startUs) / S).toFixed(9)} (durationBeforeRetry ${goDuration(retry * 1000)}). Error: MountVolume.SetUp failed for ${what} : ${rpc}`,
        printf: true,
      },
      op,
    );
    ep.event({
      us: opFail + 1 * MS,
      obj: podRef(p),
      type: 'Warning',
      reason: 'FailedMount',
      message: `MountVolume.SetUp failed for volume ${JSON.stringify(claim.pv)} : ${rpc}`,
      source: 'kubelet',
      host: node,
      op,
    });
    ep.kubelet(
      node,
      opFail + retry * S + 2 * MS,
      {
        sev: 'I',
        caller: 'reconciler/reconciler_common.go:220',
        msg: `operationExecutor.MountVolume started for ${what} `,
        v: 0,
        kv: [pk],
      },
      op,
    );
    opFail += retry * S + 120 * S;
    retry = Math.min(retry * 2, 122);
  }
  for (let k = 0; syncFail < ep.endUs && k < 6; k++) {
    ep.kubelet(
      node,
      syncFail,
      {
        sev: 'E',
        caller: 'kubelet/kubelet.go:1929',
        msg: 'Unable to attach or mount volumes for pod; skipping pod',
        err: waitErr,
        kv: [pk],
      },
      op,
    );
    ep.event({
      us: syncFail + 1 * MS,
      obj: podRef(p),
      type: 'Warning',
      reason: 'FailedMount',
      message: `Unable to attach or mount volumes: ${waitErr}`,
      source: 'kubelet',
      host: node,
      op,
    });
    ep.kubelet(
      node,
      syncFail + 2 * MS,
      {
        sev: 'E',
        caller: 'kubelet/pod_workers.go:1298',
        msg: 'Error syncing pod, skipping',
        err: waitErr,
        kv: [pk, ['podUID', p.uid]],
      },
      op,
    );
    syncFail += 123 * S + ep.rng.int(10_000, 900_999);
  }
}

/** The container exits with status 1 every time: restarts with back-off, CrashLoopBackOff. */
function crashLoop(ep: Epoch, p: Pod, op: number, firstStart: number, podDir: string): void {
  const node = p.node ?? CONTROL_PLANE;
  const w = p.w;
  const pk: [string, { kobj: string }] = ['pod', kobj(w.ns, p.name)];
  let started = firstStart;
  let backoff = 10;
  for (let restart = 0; started < ep.endUs; restart++) {
    const died = started + ep.rng.int(1050_000, 1300_999);
    const cid = p.containerId || ep.rng.hex(64);
    ep.containerd(node, died, 'info', 'shim disconnected', op, [
      ['id', cid],
      ['namespace', 'k8s.io'],
    ]);
    ep.containerd(node, died + 1 * MS, 'warning', 'cleaning up after shim disconnected', op, [
      ['id', cid],
      ['namespace', 'k8s.io'],
    ]);
    ep.containerd(node, died + 3 * MS, 'info', 'cleaning up dead shim', op, [['namespace', 'k8s.io']]);
    kubeletPleg(ep, p, op, died + ep.rng.int(300_000, 900_999), 'ContainerDied', cid);
    const msg = `back-off ${goDuration(backoff * 1000)} restarting failed container=${w.container} pod=${formatPod(p)}`;
    const sync = died + ep.rng.int(1000_000, 1500_999);
    ep.event({
      us: sync,
      obj: ctrRef(p),
      type: 'Warning',
      reason: 'BackOff',
      message: `Back-off restarting failed container ${w.container} in pod ${formatPod(p)}`,
      source: 'kubelet',
      host: node,
      op,
    });
    ep.kubelet(
      node,
      sync + 1 * MS,
      {
        sev: 'E',
        caller: 'kubelet/pod_workers.go:1298',
        msg: 'Error syncing pod, skipping',
        err: `failed to "StartContainer" for ${JSON.stringify(w.container)} with CrashLoopBackOff: ${JSON.stringify(msg)}`,
        kv: [pk, ['podUID', p.uid]],
      },
      op,
    );
    kubeletPatchStatus(
      ep,
      p,
      op,
      sync + 5 * MS,
      waitingStatus(p, sync, 'CrashLoopBackOff', msg, restart + 1),
    );
    const next = died + backoff * S + ep.rng.int(100_000, 900_999);
    if (next >= ep.endUs) break;
    ep.event({
      us: next,
      obj: ctrRef(p),
      type: 'Normal',
      reason: 'Pulled',
      message: `Container image ${JSON.stringify(w.image)} already present on machine`,
      source: 'kubelet',
      host: node,
      op,
    });
    p.restarts = restart + 1;
    started = startContainer(ep, p, op, next + 2 * MS, restart + 1);
    appStartup(ep, p, op, podDir, started, restart + 1, true);
    backoff = Math.min(backoff * 2, 300);
  }
}

/** The readiness probe keeps answering 503: Unhealthy events every period. */
function readinessFails(ep: Epoch, p: Pod, op: number, t0: number): void {
  const node = p.node ?? CONTROL_PLANE;
  const w = p.w;
  for (let t = t0; t < ep.endUs; t += 10 * S + ep.rng.int(-40_000, 40_999)) {
    ep.kubelet(
      node,
      t,
      {
        sev: 'I',
        caller: 'prober/prober.go:107',
        msg: 'Probe failed',
        v: 1,
        kv: [
          ['probeType', 'Readiness'],
          ['pod', kobj(w.ns, p.name)],
          ['podUID', p.uid],
          ['containerName', w.container],
          ['probeResult', 'failure'],
          ['output', 'HTTP probe failed with statuscode: 503'],
        ],
      },
      op,
    );
    ep.event({
      us: t + 1 * MS,
      obj: ctrRef(p),
      type: 'Warning',
      reason: 'Unhealthy',
      message: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
      source: 'kubelet',
      host: node,
      op,
    });
    ep.cri(
      node,
      `${w.ns}_${p.name}_${p.uid}`,
      w.container,
      0,
      w.container,
      t - 2 * MS,
      'stdout',
      `${ep.cluster.node(node).podCidrPrefix}1 - - [${nginxTime(t - 2 * MS)}] "GET ${w.readinessPath ?? '/'} HTTP/1.1" 503 19 "-" "kube-probe/1.30" "-"`,
      op,
    );
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** nginx's `$time_local` (UTC in the container): `10/Jun/2024:11:36:12 +0000`. */
function nginxTime(us: number): string {
  const d = new Date(Math.floor(us / 1000));
  const iso = d.toISOString();
  return `${iso.slice(8, 10)}/${MONTHS[d.getUTCMonth()] ?? 'Jan'}/${iso.slice(0, 4)}:${iso.slice(11, 19)} +0000`;
}

/** The replicaset and deployment controllers observe the ready pods: status updates, Available. */
export function workloadAvailable(ep: Epoch, w: Workload, op: number, t: number, ready: number): number {
  const rsc = ep.cluster.actors.controller('replicaset-controller');
  const rs = ep.api({
    us: t,
    actor: rsc,
    verb: 'update',
    method: 'PUT',
    uri: `/apis/apps/v1/namespaces/${w.ns}/replicasets/${w.rsName}/status`,
    objectRef: {
      resource: 'replicasets',
      namespace: w.ns,
      name: w.rsName,
      uid: w.rsUid,
      apiGroup: 'apps',
      apiVersion: 'v1',
      subresource: 'status',
    },
    code: 200,
    responseObject: replicaSetBody(w, ep.nextRv(), w.replicas, {
      replicas: w.replicas,
      fullyLabeledReplicas: w.replicas,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: 1,
    }),
    op,
  });
  const d = putDeploymentStatus(ep, w, op, rs.doneUs + ep.rng.int(2_000, 10_999), {
    observedGeneration: 1,
    replicas: w.replicas,
    updatedReplicas: w.replicas,
    readyReplicas: ready,
    availableReplicas: ready,
    conditions: [
      condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', t),
      condition(
        'Progressing',
        'True',
        'NewReplicaSetAvailable',
        `ReplicaSet "${w.rsName}" has successfully progressed.`,
        t,
      ),
    ],
  });
  return d.doneUs;
}

/** The deployment controller marks the rollout as timed out (Progressing=False). */
export function progressDeadlineExceeded(ep: Epoch, w: Workload, op: number, t: number): void {
  putDeploymentStatus(ep, w, op, t, {
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
        w.createdUs,
      ),
      condition(
        'Progressing',
        'False',
        'ProgressDeadlineExceeded',
        `ReplicaSet "${w.rsName}" has timed out progressing.`,
        t,
      ),
    ],
  });
}

/**
 * The kubelet stops a pod that the API deleted gracefully: SyncLoop DELETE, Killing, containerd
 * StopContainer/StopPodSandbox, then the final delete with grace period 0. Returns the time the
 * pod object is gone.
 */
export function kubeletKillsPod(ep: Epoch, p: Pod, op: number, t: number): number {
  const node = p.node;
  if (!node) return t;
  const w = p.w;
  const rng = ep.rng;
  const pk: [string, { kobj: string }] = ['pod', kobj(w.ns, p.name)];
  const cid = p.containerId || rng.hex(64);
  ep.kubelet(
    node,
    t,
    {
      sev: 'I',
      caller: 'kubelet/kubelet.go:2450',
      msg: 'SyncLoop DELETE',
      v: 2,
      kv: [
        ['source', 'api'],
        ['pods', [kobj(w.ns, p.name)]],
      ],
    },
    op,
  );
  podChanged(ep, p, t, op);
  const kill = t + rng.int(1_000, 5_999);
  ep.kubelet(
    node,
    kill,
    {
      sev: 'I',
      caller: 'kuberuntime/kuberuntime_container.go:779',
      msg: 'Killing container with a grace period',
      v: 0,
      kv: [
        pk,
        ['podUID', p.uid],
        ['containerName', w.container],
        ['containerID', `containerd://${cid}`],
        ['gracePeriod', 30],
      ],
    },
    op,
  );
  ep.event({
    us: kill + 1 * MS,
    obj: ctrRef(p),
    type: 'Normal',
    reason: 'Killing',
    message: `Stopping container ${w.container}`,
    source: 'kubelet',
    host: node,
    op,
  });
  ep.containerd(
    node,
    kill + 2 * MS,
    'info',
    `StopContainer for ${JSON.stringify(cid)} with timeout 30 (s)`,
    op,
  );
  ep.containerd(
    node,
    kill + 3 * MS,
    'info',
    `Stop container ${JSON.stringify(cid)} with signal ${w.image.startsWith('nginx') ? 'quit' : 'terminated'}`,
    op,
  );
  const stopped = kill + rng.int(80_000, 600_999);
  ep.containerd(node, stopped, 'info', 'shim disconnected', op, [
    ['id', cid],
    ['namespace', 'k8s.io'],
  ]);
  ep.containerd(
    node,
    stopped + 2 * MS,
    'info',
    `StopContainer for ${JSON.stringify(cid)} returns successfully`,
    op,
  );
  ep.containerd(node, stopped + 3 * MS, 'info', `StopPodSandbox for ${JSON.stringify(p.sandbox)}`, op);
  ep.containerd(
    node,
    stopped + 40 * MS,
    'info',
    `TearDown network for sandbox ${JSON.stringify(p.sandbox)} successfully`,
    op,
  );
  ep.containerd(
    node,
    stopped + 45 * MS,
    'info',
    `StopPodSandbox for ${JSON.stringify(p.sandbox)} returns successfully`,
    op,
  );
  kubeletPleg(ep, p, op, stopped + rng.int(300_000, 900_999), 'ContainerDied', cid);
  const gone = ep.api({
    us: stopped + rng.int(900_000, 1500_999),
    actor: ep.cluster.actors.kubelet(node),
    verb: 'delete',
    method: 'DELETE',
    uri: `/api/v1/namespaces/${w.ns}/pods/${p.name}`,
    objectRef: { resource: 'pods', namespace: w.ns, name: p.name, apiVersion: 'v1' },
    code: 200,
    requestObject: {
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      gracePeriodSeconds: 0,
      preconditions: { uid: p.uid },
    },
    responseObject: podBody(p, ep.nextRv(), { phase: 'Succeeded' }),
    op,
  });
  ep.kubelet(
    node,
    gone.doneUs + 1 * MS,
    {
      sev: 'I',
      caller: 'kubelet/kubelet.go:2444',
      msg: 'SyncLoop REMOVE',
      v: 2,
      kv: [
        ['source', 'api'],
        ['pods', [kobj(w.ns, p.name)]],
      ],
    },
    op,
  );
  podChanged(ep, p, gone.doneUs, op);
  return gone.doneUs;
}

/** The kubelet removes a pod whose containers have already exited: sandbox torn down, final delete. */
export function kubeletRemovesFinishedPod(ep: Epoch, p: Pod, op: number, t: number): number {
  const node = p.node ?? CONTROL_PLANE;
  const pods: [string, { kobj: string }[]] = ['pods', [kobj(p.w.ns, p.name)]];
  ep.kubelet(
    node,
    t,
    {
      sev: 'I',
      caller: 'kubelet/kubelet.go:2450',
      msg: 'SyncLoop DELETE',
      v: 2,
      kv: [['source', 'api'], pods],
    },
    op,
  );
  ep.containerd(node, t + 5 * MS, 'info', `StopPodSandbox for ${JSON.stringify(p.sandbox)}`, op);
  ep.containerd(
    node,
    t + 40 * MS,
    'info',
    `TearDown network for sandbox ${JSON.stringify(p.sandbox)} successfully`,
    op,
  );
  ep.containerd(
    node,
    t + 45 * MS,
    'info',
    `StopPodSandbox for ${JSON.stringify(p.sandbox)} returns successfully`,
    op,
  );
  kubeletPleg(ep, p, op, t + ep.rng.int(300_000, 900_999), 'ContainerDied', p.sandbox);
  const gone = ep.api({
    us: t + ep.rng.int(1_000_000, 1_500_999),
    actor: ep.cluster.actors.kubelet(node),
    verb: 'delete',
    method: 'DELETE',
    uri: `/api/v1/namespaces/${p.w.ns}/pods/${p.name}`,
    objectRef: { resource: 'pods', namespace: p.w.ns, name: p.name, apiVersion: 'v1' },
    code: 200,
    requestObject: {
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      gracePeriodSeconds: 0,
      preconditions: { uid: p.uid },
    },
    responseObject: podBody(p, ep.nextRv(), { phase: 'Succeeded' }),
    op,
  });
  ep.kubelet(
    node,
    gone.doneUs + 1 * MS,
    {
      sev: 'I',
      caller: 'kubelet/kubelet.go:2444',
      msg: 'SyncLoop REMOVE',
      v: 2,
      kv: [['source', 'api'], pods],
    },
    op,
  );
  podChanged(ep, p, gone.doneUs, op);
  return gone.doneUs;
}

export const ms = MS;
export const sec = S;
