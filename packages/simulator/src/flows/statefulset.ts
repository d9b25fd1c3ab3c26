/**
 * A StatefulSet's ordinal pods and their volume claims, in kind: StorageClass `standard`
 * (`rancher.io/local-path`, `volumeBindingMode: WaitForFirstConsumer`).
 *
 * Wording: `pkg/controller/statefulset/stateful_pod_control.go` records `SuccessfulCreate`
 * `create Claim %s Pod %s in StatefulSet %s success` and `create Pod %s in StatefulSet %s
 * successful`; the PV controller (`persistentvolume-controller`) records `WaitForFirstConsumer`
 * `waiting for first consumer to be created before binding` and `ExternalProvisioning` `Waiting for
 * a volume to be created either by the external provisioner '%s' or manually by the system
 * administrator. If volume creation is delayed, please verify that the provisioner is running and
 * correctly registered.` (real microk8s v1.28 lines); the provisioner (sig-storage-lib-external-
 * provisioner v8 inside local-path-provisioner v0.0.27) logs `provision "%s" class "%s": started`,
 * `… volume "%s" provisioned`, `… succeeded`, `Trying to save persistentvolume "%s"`, records
 * `Provisioning` `External provisioner is provisioning volume for claim "%s"` and
 * `ProvisioningSucceeded` `Successfully provisioned volume %s` (logging each as
 * `Event(v1.ObjectReference{…}): type: 'Normal' reason: '…' …`), and local-path-provisioner's
 * logrus lines `Creating volume %v at %v:%v`, `create the helper pod %s into %s`, `Start of %s
 * logs`, `End of %s logs`, `Volume %v has been %vd on %v:%v`. The helper pod runs on the chosen
 * node (its `nodeName` set by the provisioner, no scheduler).
 */
import { rfc3339Sec } from '../clock.ts';
import { CONTROL_PLANE } from '../cluster.ts';
import type { Epoch, InvolvedObject } from '../epoch.ts';
import { create, get, RES, update } from './kubectl.ts';
import type { OwnerRef, Pod, VolumeClaim, Workload } from './objects.ts';
import { makeWorkload, podBody, workloadBody } from './objects.ts';
import type { StartOptions } from './workload.ts';
import { kubeletRemovesFinishedPod, kubeletStartsPod, schedulePod } from './workload.ts';

const MS = 1000;
const S = 1_000_000;
const PROVISIONER = 'rancher.io/local-path';
const LOCAL_PATH = '/var/local-path-provisioner';

export const setRef = (w: Workload): InvolvedObject => ({
  kind: 'StatefulSet',
  namespace: w.ns,
  name: w.name,
  uid: w.uid,
  apiVersion: 'apps/v1',
});
const setOwner = (w: Workload): OwnerRef => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  name: w.name,
  uid: w.uid,
});

/** A StatefulSet with one volume claim template (`data`) of `storage`. */
export interface StatefulSet {
  w: Workload;
  claimTemplate: string;
  storage: string;
  serviceName: string;
}

export function statefulSetSpec(s: StatefulSet, replicas: number): Record<string, unknown> {
  return {
    replicas,
    selector: { matchLabels: s.w.labels },
    serviceName: s.serviceName,
    volumeClaimTemplates: [
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: s.claimTemplate },
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: s.storage } },
          storageClassName: 'standard',
          volumeMode: 'Filesystem',
        },
      },
    ],
    podManagementPolicy: 'OrderedReady',
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
    revisionHistoryLimit: 10,
    persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
  };
}

/** A StatefulSet object `w` (its `hash` is the controller revision's, `rsName` the revision's name). */
export function makeStatefulSet(
  ep: Epoch,
  o: { ns: string; name: string; replicas: number; image: string; storage: string; createdUs: number },
): StatefulSet {
  const w = makeWorkload(ep.rng, { ...o, readinessPath: null });
  w.uid = ep.uid(o.createdUs);
  w.claim = { volume: 'data', claim: 'data', pv: '', driver: PROVISIONER, handle: '' };
  return { w, claimTemplate: 'data', storage: o.storage, serviceName: o.name };
}

/** The ordinal pod `<set>-<i>` with its claim `<template>-<set>-<i>` (not yet bound). */
export function ordinalPod(ep: Epoch, s: StatefulSet, i: number, createdUs: number): Pod {
  const w = s.w;
  const name = `${w.name}-${i}`;
  const claimName = `${s.claimTemplate}-${name}`;
  const uid = ep.uid(createdUs);
  return {
    w,
    name,
    uid,
    node: null,
    ip: '',
    tokenVolume: `kube-api-access-${ep.rng.k8s(5)}`,
    sandbox: ep.rng.hex(64),
    containerId: '',
    createdUs,
    restarts: 0,
    owner: setOwner(w),
    generateName: null,
    labels: {
      ...w.labels,
      'apps.kubernetes.io/pod-index': String(i),
      'controller-revision-hash': w.rsName,
      'statefulset.kubernetes.io/pod-name': name,
    },
    claim: { volume: 'data', claim: claimName, pv: '', driver: PROVISIONER, handle: '' },
  };
}

const claimRef = (ns: string, claim: VolumeClaim, uid: string): InvolvedObject => ({
  kind: 'PersistentVolumeClaim',
  namespace: ns,
  name: claim.claim,
  uid,
  apiVersion: 'v1',
});

function pvcBody(
  s: StatefulSet,
  p: Pod,
  uid: string | null,
  rv: string | null,
  createdUs: number,
  extra: { node?: string; volume?: string; phase?: string },
): unknown {
  const claim = p.claim;
  const annotations: Record<string, string> = {};
  if (extra.volume) {
    annotations['pv.kubernetes.io/bind-completed'] = 'yes';
    annotations['pv.kubernetes.io/bound-by-controller'] = 'yes';
  }
  if (extra.node) {
    annotations['volume.beta.kubernetes.io/storage-provisioner'] = PROVISIONER;
    annotations['volume.kubernetes.io/selected-node'] = extra.node;
    annotations['volume.kubernetes.io/storage-provisioner'] = PROVISIONER;
  }
  const metadata: Record<string, unknown> = { name: claim?.claim ?? '', namespace: s.w.ns };
  if (uid && rv) {
    metadata.uid = uid;
    metadata.resourceVersion = rv;
    metadata.creationTimestamp = rfc3339Sec(createdUs);
  }
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  metadata.labels = s.w.labels;
  metadata.finalizers = ['kubernetes.io/pvc-protection'];
  return {
    kind: 'PersistentVolumeClaim',
    apiVersion: 'v1',
    metadata,
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: s.storage } },
      storageClassName: 'standard',
      volumeMode: 'Filesystem',
      ...(extra.volume ? { volumeName: extra.volume } : {}),
    },
    status:
      extra.phase === 'Bound'
        ? { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: s.storage } }
        : { phase: 'Pending' },
  };
}

/** logrus v0.11's text format, as local-path-provisioner writes it. */
function logrus(ep: Epoch, us: number, msg: string, op: number): void {
  const time = new Date(Math.floor(us / 1000)).toISOString().slice(0, 19);
  ep.rawSystem(
    'local-path-provisioner',
    CONTROL_PLANE,
    us,
    `time="${time}Z" level=info msg=${JSON.stringify(msg)}`,
    op,
  );
}

function provisionerLog(ep: Epoch, us: number, caller: string, msg: string, op: number): void {
  ep.component('local-path-provisioner', CONTROL_PLANE, us, { sev: 'I', caller, msg, printf: true }, op);
}

/** The provisioner's event recorder: the Event, and its `StartLogging(klog.Infof)` line. */
function provisionerEvent(
  ep: Epoch,
  us: number,
  obj: InvolvedObject,
  reason: string,
  message: string,
  op: number,
): void {
  const lp = ep.cluster.localPath;
  ep.event({
    us,
    obj,
    type: 'Normal',
    reason,
    message,
    source: `${PROVISIONER}_${lp.name}_${lp.uid}`,
    op,
  });
  provisionerLog(
    ep,
    us + 100,
    'record/event.go:298',
    `Event(v1.ObjectReference{Kind:"${obj.kind}", Namespace:"${obj.namespace}", Name:"${obj.name}", UID:"${obj.uid}", APIVersion:"${obj.apiVersion}", ResourceVersion:"${ep.nextRv()}", FieldPath:""}): type: 'Normal' reason: '${reason}' ${message}`,
    op,
  );
}

/**
 * The helper pod `helper-pod-create-pvc-…` on `node`: created by the provisioner with `nodeName`
 * set, run by the kubelet (it exits 0 after `mkdir`), polled, then deleted. Returns when the
 * provisioner has seen it succeed and deleted it.
 */
function helperPod(ep: Epoch, op: number, pv: string, node: string, dir: string, t: number): number {
  const lp = ep.cluster.localPath;
  const sa = ep.cluster.actors.serviceAccount(lp.ns, 'local-path-provisioner-service-account');
  const hw = makeWorkload(ep.rng, {
    ns: lp.ns,
    name: `helper-pod-create-${pv}`,
    replicas: 1,
    image: 'docker.io/kindest/local-path-helper:v20230510-486859a6',
    container: 'helper-pod',
    readinessPath: null,
    createdUs: t,
  });
  hw.restartPolicy = 'Never';
  const p: Pod = {
    w: hw,
    name: hw.name,
    uid: ep.uid(t),
    node,
    ip: `${ep.cluster.node(node).podCidrPrefix}${ep.rng.int(2, 250)}`,
    tokenVolume: `kube-api-access-${ep.rng.k8s(5)}`,
    sandbox: ep.rng.hex(64),
    containerId: '',
    createdUs: t,
    restarts: 0,
    owner: null,
    generateName: null,
    labels: {},
  };
  logrus(ep, t, `create the helper pod ${p.name} into ${lp.ns}`, op);
  const c = create(
    ep,
    op,
    sa,
    RES.pods,
    lp.ns,
    p.name,
    t + 1 * MS,
    podBody(p, null, {}),
    podBody(p, ep.nextRv(), { phase: 'Pending' }),
    null,
  );
  const succeeded = kubeletStartsPod(ep, p, op, c.doneUs, null, {
    runsForUs: ep.rng.int(150_000, 600_000),
    app: () => undefined,
  });
  const end = succeeded ?? ep.endUs;
  // The provisioner polls the helper pod every second until it has succeeded.
  let g = c.doneUs + 1 * S;
  for (; g < end + 1 * S && g < ep.endUs; g += 1 * S) get(ep, op, sa, RES.pods, lp.ns, p.name, g);
  logrus(ep, g + 30 * MS, `Start of ${p.name} logs`, op);
  logrus(ep, g + 32 * MS, `End of ${p.name} logs`, op);
  const gone = ep.api({
    us: g + 35 * MS,
    actor: sa,
    verb: 'delete',
    method: 'DELETE',
    uri: `/api/v1/namespaces/${lp.ns}/pods/${p.name}`,
    objectRef: { resource: 'pods', namespace: lp.ns, name: p.name, apiVersion: 'v1' },
    code: 200,
    requestObject: { kind: 'DeleteOptions', apiVersion: 'v1' },
    responseObject: podBody(p, ep.nextRv(), { phase: 'Succeeded' }),
    op,
  });
  kubeletRemovesFinishedPod(ep, p, op, gone.doneUs + ep.rng.int(3_000, 9_999));
  logrus(ep, gone.doneUs + 1 * MS, `Volume ${pv} has been created on ${node}:${dir}`, op);
  return gone.doneUs + 2 * MS;
}

/**
 * Ordinal `p` of `s`: the controller creates its claim and the pod, the PV controller waits for
 * the first consumer, the scheduler picks `node` and annotates the claim, the provisioner makes
 * the volume (helper pod, PV), the PV controller binds, the scheduler binds the pod, the kubelet
 * mounts the volume and starts it. Returns when the pod is ready (null: not before the logs end).
 */
export function statefulPod(
  ep: Epoch,
  op: number,
  s: StatefulSet,
  p: Pod,
  node: string,
  t: number,
  start: StartOptions = {},
): number | null {
  const w = s.w;
  const claim = p.claim;
  if (!claim) return null;
  const ssc = ep.cluster.actors.controller('statefulset-controller');
  const claimUid = ep.uid(t);
  const pv = `pvc-${claimUid}`;
  claim.pv = pv;
  claim.unique = `kubernetes.io/host-path/${p.uid}-${pv}`;
  const cref = claimRef(w.ns, claim, claimUid);
  // The claim, then the pod.
  const pvc = create(
    ep,
    op,
    ssc,
    RES.pvcs,
    w.ns,
    claim.claim,
    t,
    pvcBody(s, p, null, null, t, {}),
    pvcBody(s, p, claimUid, ep.nextRv(), t, {}),
    null,
  );
  ep.event({
    us: pvc.doneUs + 300,
    obj: setRef(w),
    type: 'Normal',
    reason: 'SuccessfulCreate',
    message: `create Claim ${claim.claim} Pod ${p.name} in StatefulSet ${w.name} success`,
    source: 'statefulset-controller',
    op,
  });
  ep.event({
    us: pvc.doneUs + ep.rng.int(1_000, 4_000),
    obj: cref,
    type: 'Normal',
    reason: 'WaitForFirstConsumer',
    message: 'waiting for first consumer to be created before binding',
    source: 'persistentvolume-controller',
    op,
  });
  p.createdUs = pvc.doneUs + ep.rng.int(2_000, 6_000);
  const pod = create(
    ep,
    op,
    ssc,
    RES.pods,
    w.ns,
    p.name,
    p.createdUs,
    podBody(p, null, {}),
    podBody(p, ep.nextRv(), { phase: 'Pending', qosClass: 'Burstable' }),
    null,
  );
  ep.event({
    us: pod.doneUs + 300,
    obj: setRef(w),
    type: 'Normal',
    reason: 'SuccessfulCreate',
    message: `create Pod ${p.name} in StatefulSet ${w.name} successful`,
    source: 'statefulset-controller',
    op,
  });
  // The scheduler's VolumeBinding plugin picks the node and hands the claim to the provisioner.
  const sched = ep.cluster.actors.scheduler;
  const sel = update(
    ep,
    op,
    sched,
    RES.pvcs,
    w.ns,
    claim.claim,
    claimUid,
    pod.doneUs + ep.rng.int(3_000, 9_999),
    pvcBody(s, p, claimUid, ep.nextRv(), t, { node }),
  );
  const ext = `Waiting for a volume to be created either by the external provisioner '${PROVISIONER}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`;
  for (let k = 0; k < 2; k++) {
    ep.event({
      us: sel.doneUs + 2 * MS + k * 40,
      obj: cref,
      type: 'Normal',
      reason: 'ExternalProvisioning',
      message: ext,
      source: 'persistentvolume-controller',
      op,
    });
  }
  // The provisioner.
  const op0 = `provision "${w.ns}/${claim.claim}" class "standard"`;
  let u = sel.doneUs + ep.rng.int(5_000, 30_999);
  provisionerLog(ep, u, 'controller/controller.go:1337', `${op0}: started`, op);
  provisionerEvent(
    ep,
    u + 1 * MS,
    cref,
    'Provisioning',
    `External provisioner is provisioning volume for claim "${w.ns}/${claim.claim}"`,
    op,
  );
  const dir = `${LOCAL_PATH}/${pv}_${w.ns}_${claim.claim}`;
  logrus(ep, u + 3 * MS, `Creating volume ${pv} at ${node}:${dir}`, op);
  u = helperPod(ep, op, pv, node, dir, u + 5 * MS);
  if (u >= ep.endUs) return null;
  provisionerLog(ep, u, 'controller/controller.go:1442', `${op0}: volume "${pv}" provisioned`, op);
  provisionerLog(ep, u + 200, 'controller/controller.go:1455', `${op0}: succeeded`, op);
  provisionerLog(
    ep,
    u + 300,
    'controller/volume_store.go:212',
    `Trying to save persistentvolume "${pv}"`,
    op,
  );
  const lp = ep.cluster.localPath;
  const sa = ep.cluster.actors.serviceAccount(lp.ns, 'local-path-provisioner-service-account');
  const pvUid = ep.uid(u);
  const pvBody = (phase: string, rv: string | null): unknown => ({
    kind: 'PersistentVolume',
    apiVersion: 'v1',
    metadata: {
      name: pv,
      ...(rv ? { uid: pvUid, resourceVersion: rv, creationTimestamp: rfc3339Sec(u) } : {}),
      annotations: {
        'local.path.provisioner/selected-node': node,
        'pv.kubernetes.io/provisioned-by': PROVISIONER,
      },
      finalizers: ['kubernetes.io/pv-protection'],
    },
    spec: {
      capacity: { storage: s.storage },
      hostPath: { path: dir, type: 'DirectoryOrCreate' },
      accessModes: ['ReadWriteOnce'],
      claimRef: {
        kind: 'PersistentVolumeClaim',
        namespace: w.ns,
        name: claim.claim,
        uid: claimUid,
        apiVersion: 'v1',
      },
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: 'standard',
      volumeMode: 'Filesystem',
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] },
          ],
        },
      },
    },
    status: { phase },
  });
  const saved = create(
    ep,
    op,
    sa,
    RES.pvs,
    null,
    pv,
    u + 1 * MS,
    pvBody('Pending', null),
    pvBody('Pending', ep.nextRv()),
    null,
  );
  provisionerLog(
    ep,
    saved.doneUs + 200,
    'controller/volume_store.go:219',
    `persistentvolume "${pv}" saved`,
    op,
  );
  provisionerEvent(
    ep,
    saved.doneUs + 500,
    cref,
    'ProvisioningSucceeded',
    `Successfully provisioned volume ${pv}`,
    op,
  );
  // The PV controller binds the claim to the volume.
  const binder = ep.cluster.actors.controller('persistent-volume-binder');
  let b = saved.doneUs + ep.rng.int(5_000, 40_999);
  b = update(ep, op, binder, RES.pvs, null, pv, pvUid, b, pvBody('Bound', ep.nextRv()), 'status').doneUs;
  b = update(
    ep,
    op,
    binder,
    RES.pvcs,
    w.ns,
    claim.claim,
    claimUid,
    b + 2 * MS,
    pvcBody(s, p, claimUid, ep.nextRv(), t, { node, volume: pv }),
  ).doneUs;
  b = update(
    ep,
    op,
    binder,
    RES.pvcs,
    w.ns,
    claim.claim,
    claimUid,
    b + 2 * MS,
    pvcBody(s, p, claimUid, ep.nextRv(), t, { node, volume: pv, phase: 'Bound' }),
    'status',
  ).doneUs;
  // The scheduler's PreBind sees the claim bound: the pod is bound to the node.
  const bound = schedulePod(ep, p, op, b + ep.rng.int(50_000, 900_999), node);
  if (bound === null) return null;
  return kubeletStartsPod(ep, p, op, bound, null, start);
}

/** The controller revision the StatefulSet controller records before its first pod. */
export function controllerRevision(ep: Epoch, op: number, w: Workload, owner: OwnerRef, t: number): number {
  const ctl = ep.cluster.actors.controller(
    owner.kind === 'StatefulSet' ? 'statefulset-controller' : 'daemon-set-controller',
  );
  const body = (rv: string | null): unknown => ({
    kind: 'ControllerRevision',
    apiVersion: 'apps/v1',
    metadata: {
      name: w.rsName,
      namespace: w.ns,
      ...(rv ? { uid: ep.uid(t), resourceVersion: rv, creationTimestamp: rfc3339Sec(t) } : {}),
      labels: { ...w.labels, 'controller.kubernetes.io/hash': w.hash },
      ownerReferences: [{ ...owner, controller: true, blockOwnerDeletion: true }],
    },
    revision: 1,
  });
  return ep.api({
    us: t,
    actor: ctl,
    verb: 'create',
    method: 'POST',
    uri: `/apis/apps/v1/namespaces/${w.ns}/controllerrevisions`,
    objectRef: {
      resource: 'controllerrevisions',
      namespace: w.ns,
      name: w.rsName,
      apiGroup: 'apps',
      apiVersion: 'v1',
    },
    code: 201,
    requestObject: body(null),
    responseObject: body(ep.nextRv()),
    op,
  }).doneUs;
}

/** The statefulset controller's status write (`statefulsets/status`). */
export function statefulSetStatus(
  ep: Epoch,
  op: number,
  s: StatefulSet,
  t: number,
  replicas: number,
  ready: number,
): number {
  const w = s.w;
  const body = workloadBody('StatefulSet', 'apps/v1', w, ep.nextRv(), statefulSetSpec(s, w.replicas), {
    observedGeneration: w.generation ?? 1,
    replicas,
    readyReplicas: ready,
    currentReplicas: replicas,
    updatedReplicas: replicas,
    currentRevision: w.rsName,
    updateRevision: w.rsName,
    collisionCount: 0,
    availableReplicas: ready,
  });
  return update(
    ep,
    op,
    ep.cluster.actors.controller('statefulset-controller'),
    RES.statefulsets,
    w.ns,
    w.name,
    w.uid,
    t,
    body,
    'status',
  ).doneUs;
}

/**
 * Ordinals `from`..`to - 1` in order (OrderedReady: each waits for the previous to be Running and
 * Ready), with a status write after each. Returns when the last is ready (null: the logs end first).
 */
export function orderedPods(
  ep: Epoch,
  op: number,
  s: StatefulSet,
  from: number,
  to: number,
  t: number,
  pickNode: (us: number) => string,
  start: (p: Pod) => StartOptions = () => ({}),
): { doneUs: number | null; pods: Pod[] } {
  const pods: Pod[] = [];
  let at = t;
  for (let i = from; i < to; i++) {
    const p = ordinalPod(ep, s, i, at);
    pods.push(p);
    const ready = statefulPod(ep, op, s, p, pickNode(at), at, start(p));
    if (ready === null) return { doneUs: null, pods };
    at = statefulSetStatus(ep, op, s, ready + ep.rng.int(20_000, 200_999), i + 1, i + 1);
    at += ep.rng.int(2_000, 9_999);
  }
  return { doneUs: at, pods };
}

export const statefulSetOwner = setOwner;
