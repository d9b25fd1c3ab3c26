/**
 * A kind cluster coming up: the control plane's own operations, all `system` in the truth.
 *
 * - The kubelet on the control plane starts the static pods from `/etc/kubernetes/manifests`
 *   (`SyncLoop ADD` source `file`) and, once the API answers, creates their mirror pods.
 * - kubeadm applies its add-ons: the `coredns` Deployment (Pending on `node.kubernetes.io/not-ready`
 *   until the control plane is Ready) and the `kube-proxy` DaemonSet.
 * - kind applies its CNI (`kindnet` DaemonSet) and storage (`local-path-storage`).
 * - The workers join; both DaemonSets put a pod on each.
 * The pods are the cluster's existing kube-system pods (same names and UIDs as the background
 * noise's), so their logs start with their startup lines.
 */
import { CONTROL_PLANE, K8S_VERSION } from '../cluster.ts';
import type { Actor, SystemPod } from '../cluster.ts';
import type { Epoch } from '../epoch.ts';
import { kobj } from '../klog.ts';
import { podChanged } from './controllerManager.ts';
import { createReplicaSet } from './deployment.ts';
import { daemonPod, daemonPodOnNode, daemonSetSpec, daemonSetStatus } from './daemonset.ts';
import { create, RES } from './kubectl.ts';
import type { Pod, Workload } from './objects.ts';
import { deploymentBody, makeWorkload, podBody, workloadBody } from './objects.ts';
import { nodeEventRef } from './node.ts';
import { controllerRevision } from './statefulset.ts';
import { kubeletPleg, kubeletStartsPod, rsRef, schedulePod, workloadAvailable } from './workload.ts';

const MS = 1000;
const S = 1_000_000;

/** The operations bootstrap writes, registered by the caller (the scenario owns the truth). */
export interface BootstrapOps {
  staticPod(p: SystemPod, t: number): number;
  deployment(ns: string, name: string, actor: Actor, t: number): number;
  daemonSet(ns: string, name: string, actor: Actor, t: number): number;
  setAudit(op: number, auditId: string): void;
}

const STATIC_IMAGES: Record<string, string> = {
  etcd: 'registry.k8s.io/etcd:3.5.12-0',
  'kube-apiserver': `registry.k8s.io/kube-apiserver:${K8S_VERSION}`,
  'kube-controller-manager': `registry.k8s.io/kube-controller-manager:${K8S_VERSION}`,
  'kube-scheduler': `registry.k8s.io/kube-scheduler:${K8S_VERSION}`,
};

/** A static pod: started by the kubelet from its manifest, then mirrored in the API. */
function staticPod(ep: Epoch, op: number, sp: SystemPod, t: number, apiUpUs: number): string {
  const node = sp.node;
  const sandbox = ep.rng.hex(64);
  const cid = ep.rng.hex(64);
  const obj = { kind: 'Pod', namespace: sp.ns, name: sp.name, uid: sp.uid, apiVersion: 'v1' };
  const ctr = { ...obj, fieldPath: `spec.containers{${sp.container}}` };
  ep.kubelet(
    node,
    t,
    {
      sev: 'I',
      caller: 'kubelet/kubelet.go:2434',
      msg: 'SyncLoop ADD',
      v: 2,
      kv: [
        ['source', 'file'],
        ['pods', [kobj(sp.ns, sp.name)]],
      ],
    },
    op,
  );
  ep.kubelet(
    node,
    t + 40 * MS,
    {
      sev: 'I',
      caller: 'util/util.go:30',
      msg: 'No sandbox for pod can be found. Need to start a new one',
      v: 0,
      kv: [['pod', kobj(sp.ns, sp.name)]],
    },
    op,
  );
  const meta = `&PodSandboxMetadata{Name:${sp.name},Uid:${sp.uid},Namespace:${sp.ns},Attempt:0,}`;
  ep.containerd(node, t + 42 * MS, 'info', `RunPodSandbox for ${meta}`, op);
  let u = t + ep.rng.int(150_000, 400_999);
  ep.containerd(
    node,
    u,
    'info',
    `RunPodSandbox for ${meta} returns sandbox id ${JSON.stringify(sandbox)}`,
    op,
  );
  const image = STATIC_IMAGES[sp.component] ?? 'registry.k8s.io/pause:3.9';
  ep.event({
    us: u + 2 * MS,
    obj: ctr,
    type: 'Normal',
    reason: 'Pulled',
    message: `Container image ${JSON.stringify(image)} already present on machine`,
    source: 'kubelet',
    host: node,
    op,
  });
  const cmeta = `&ContainerMetadata{Name:${sp.container},Attempt:0,}`;
  ep.containerd(
    node,
    u + 3 * MS,
    'info',
    `CreateContainer within sandbox ${JSON.stringify(sandbox)} for container ${cmeta}`,
    op,
  );
  u += ep.rng.int(20_000, 90_999);
  ep.containerd(
    node,
    u,
    'info',
    `CreateContainer within sandbox ${JSON.stringify(sandbox)} for ${cmeta} returns container id ${JSON.stringify(cid)}`,
    op,
  );
  ep.event({
    us: u + 1 * MS,
    obj: ctr,
    type: 'Normal',
    reason: 'Created',
    message: `Created container ${sp.container}`,
    source: 'kubelet',
    host: node,
    op,
  });
  ep.containerd(node, u + 2 * MS, 'info', `StartContainer for ${JSON.stringify(cid)}`, op);
  u += ep.rng.int(40_000, 140_999);
  ep.containerd(node, u, 'info', `StartContainer for ${JSON.stringify(cid)} returns successfully`, op);
  ep.event({
    us: u + 1 * MS,
    obj: ctr,
    type: 'Normal',
    reason: 'Started',
    message: `Started container ${sp.container}`,
    source: 'kubelet',
    host: node,
    op,
  });
  const w = makeWorkload(ep.rng, {
    ns: sp.ns,
    name: sp.name,
    replicas: 1,
    image,
    container: sp.container,
    readinessPath: null,
    createdUs: t,
  });
  const p: Pod = {
    w,
    name: sp.name,
    uid: sp.uid,
    node,
    ip: ep.cluster.node(node).ip,
    tokenVolume: '',
    sandbox,
    containerId: cid,
    createdUs: t,
    restarts: 0,
    owner: null,
    generateName: null,
    labels: { component: sp.component, tier: 'control-plane' },
  };
  kubeletPleg(ep, p, op, u + ep.rng.int(300_000, 900_999), 'ContainerStarted', cid);
  // The mirror pod, once the API server answers.
  const mirror = create(
    ep,
    op,
    ep.cluster.actors.kubelet(node),
    RES.pods,
    sp.ns,
    sp.name,
    Math.max(apiUpUs, u) + ep.rng.int(50_000, 900_999),
    podBody(p, null, {}),
    podBody(p, ep.nextRv(), { phase: 'Running' }),
    null,
  );
  return mirror.auditId;
}

const why = (nodes: number): string =>
  `0/${nodes} nodes are available: ${nodes} node(s) had untolerated taint {node.kubernetes.io/not-ready: }. preemption: 0/${nodes} nodes are available: ${nodes} Preemption is not helpful for scheduling.`;

/** An add-on's pod, from the cluster's pod list. */
function addonPod(ep: Epoch, w: Workload, sp: SystemPod, t: number): Pod {
  return {
    w,
    name: sp.name,
    uid: sp.uid,
    node: null,
    ip: '',
    tokenVolume: `kube-api-access-${ep.rng.k8s(5)}`,
    sandbox: ep.rng.hex(64),
    containerId: '',
    createdUs: t,
    restarts: 0,
  };
}

/** A Deployment add-on: created, its ReplicaSet and pods created, pods Pending until `readyNodeUs`, then running on `node`. */
function addonDeployment(
  ep: Epoch,
  op: number,
  actor: Actor,
  o: { ns: string; name: string; image: string; container: string; readinessPath: string | null },
  pods: SystemPod[],
  t: number,
  readyNodeUs: number,
  app: (p: Pod, sp: SystemPod, at: number) => void,
): { auditId: string } {
  const w = makeWorkload(ep.rng, { ...o, replicas: pods.length, createdUs: t });
  const first = pods[0]?.name ?? `${o.name}-0000000000-xxxxx`;
  w.hash = first.slice(o.name.length + 1, first.lastIndexOf('-'));
  w.rsName = `${o.name}-${w.hash}`;
  const c = create(
    ep,
    op,
    actor,
    RES.deployments,
    o.ns,
    o.name,
    t,
    deploymentBody(w, null, null),
    deploymentBody(w, ep.nextRv(), null),
    null,
  );
  const rsAt = createReplicaSet(ep, w, op, c.doneUs + ep.rng.int(8_000, 20_999), pods.length);
  const rsc = ep.cluster.actors.controller('replicaset-controller');
  let at = rsAt + ep.rng.int(3_000, 10_999);
  ep.kcm(
    at,
    {
      sev: 'I',
      caller: 'replicaset/replica_set.go:604',
      msg: 'Too few replicas',
      v: 2,
      kv: [
        ['replicaSet', kobj(w.ns, w.rsName)],
        ['need', pods.length],
        ['creating', pods.length],
      ],
    },
    op,
  );
  let lastReady = 0;
  let ready = 0;
  for (const sp of pods) {
    const p = addonPod(ep, w, sp, at);
    const r = create(
      ep,
      op,
      rsc,
      RES.pods,
      w.ns,
      p.name,
      at,
      podBody(p, null, {}),
      podBody(p, ep.nextRv(), { phase: 'Pending', qosClass: 'Burstable' }),
      null,
    );
    p.createdUs = r.doneUs;
    podChanged(ep, p, r.doneUs, op);
    ep.event({
      us: r.doneUs + 300,
      obj: rsRef(w),
      type: 'Normal',
      reason: 'SuccessfulCreate',
      message: `Created pod: ${p.name}`,
      source: 'replicaset-controller',
      op,
    });
    if (r.doneUs + 5 * MS < readyNodeUs)
      schedulePod(ep, p, op, r.doneUs + ep.rng.int(2_000, 9_999), null, why(1));
    const bound = schedulePod(
      ep,
      p,
      op,
      Math.max(readyNodeUs, r.doneUs) + ep.rng.int(100_000, 900_999),
      sp.node,
      '',
      1,
    );
    if (bound !== null) {
      const rd = kubeletStartsPod(ep, p, op, bound, null, { app: (s) => app(p, sp, s) });
      if (rd !== null) {
        ready++;
        lastReady = Math.max(lastReady, rd);
      }
    }
    at = r.doneUs + ep.rng.int(300, 2_500);
  }
  if (ready === pods.length) workloadAvailable(ep, w, op, lastReady + ep.rng.int(5_000, 40_999), ready);
  return { auditId: c.auditId };
}

/** A DaemonSet add-on: a pod on each node as it registers (`joinUs` per node). */
function addonDaemonSet(
  ep: Epoch,
  op: number,
  actor: Actor,
  o: { ns: string; name: string; image: string; container: string },
  pods: SystemPod[],
  t: number,
  joinUs: (node: string) => number,
  app: (p: Pod, sp: SystemPod, at: number) => void,
): { auditId: string } {
  const w = makeWorkload(ep.rng, { ...o, replicas: pods.length, readinessPath: null, createdUs: t });
  w.labels = { app: o.name };
  const c = create(
    ep,
    op,
    actor,
    RES.daemonsets,
    o.ns,
    o.name,
    t,
    workloadBody('DaemonSet', 'apps/v1', w, null, daemonSetSpec(w), null),
    workloadBody('DaemonSet', 'apps/v1', w, ep.nextRv(), daemonSetSpec(w), null),
    null,
  );
  controllerRevision(
    ep,
    op,
    w,
    { apiVersion: 'apps/v1', kind: 'DaemonSet', name: w.name, uid: w.uid },
    c.doneUs + ep.rng.int(5_000, 15_999),
  );
  let last = 0;
  let ready = 0;
  for (const sp of pods) {
    const at = Math.max(c.doneUs, joinUs(sp.node)) + ep.rng.int(20_000, 90_999);
    const p = daemonPod(ep, w, at, { name: sp.name, uid: sp.uid });
    const rd = daemonPodOnNode(ep, op, p, sp.node, at, { app: (s) => app(p, sp, s) });
    if (rd !== null) {
      ready++;
      last = Math.max(last, rd);
    }
  }
  if (ready === pods.length)
    daemonSetStatus(ep, op, w, last + ep.rng.int(200_000, 1_500_999), pods.length, ready);
  return { auditId: c.auditId };
}

/**
 * The whole bootstrap from `t`. Returns when the last add-on pod is running (background noise
 * starts then).
 */
export function bootstrap(ep: Epoch, ops: BootstrapOps, t: number): number {
  const cluster = ep.cluster;
  const apiUp = t + 4 * S + ep.rng.int(0, 900_000);
  // The controller manager takes its lease once the API answers.
  ep.kcmStartedUs = apiUp;
  let end = apiUp;
  for (const sp of cluster.systemPods.filter((p) => p.component in STATIC_IMAGES)) {
    const at = t + ep.rng.int(0, 300_000);
    const op = ops.staticPod(sp, at);
    ops.setAudit(op, staticPod(ep, op, sp, at, apiUp));
  }
  // The nodes register; each kubelet reports NodeReady once its CNI is up.
  const joins = new Map<string, number>();
  cluster.nodes.forEach((n, i) =>
    joins.set(n.name, i === 0 ? apiUp + 1 * S : apiUp + (14 + 2 * i) * S + ep.rng.int(0, 900_000)),
  );
  const joinUs = (node: string): number => joins.get(node) ?? apiUp;
  const readyUs = (node: string): number =>
    joinUs(node) + (node === CONTROL_PLANE ? 9 : 8) * S + ep.rng.int(0, 900_000);
  for (const n of cluster.nodes) {
    ep.event({
      us: joinUs(n.name) + 500 * MS,
      obj: { ...nodeEventRef(n.name), apiVersion: 'v1' },
      type: 'Normal',
      reason: 'RegisteredNode',
      message: `Node ${n.name} event: Registered Node ${n.name} in Controller`,
      source: 'node-controller',
      op: -1,
    });
    ep.event({
      us: readyUs(n.name),
      obj: nodeEventRef(n.name),
      type: 'Normal',
      reason: 'NodeReady',
      message: `Node ${n.name} status is now: NodeReady`,
      source: 'kubelet',
      host: n.name,
      op: -1,
    });
  }
  const cpReady = readyUs(CONTROL_PLANE);
  const kubeadm = cluster.actors.kubeadm;
  // kubectl on the control-plane node, with admin.conf.
  const kindApply: Actor = { ...cluster.actors.admin, ip: cluster.node(CONTROL_PLANE).ip };
  const pods = (component: string): SystemPod[] =>
    cluster.systemPods.filter((p) => p.component === component);

  // kubeadm: CoreDNS, then kube-proxy.
  const tDns = apiUp + 2 * S + ep.rng.int(0, 500_000);
  const dnsOp = ops.deployment('kube-system', 'coredns', kubeadm, tDns);
  const dns = addonDeployment(
    ep,
    dnsOp,
    kubeadm,
    {
      ns: 'kube-system',
      name: 'coredns',
      image: 'registry.k8s.io/coredns/coredns:v1.11.1',
      container: 'coredns',
      readinessPath: '/ready',
    },
    pods('coredns'),
    tDns,
    cpReady,
    (p, _sp, s) => {
      const dir = `${p.w.ns}_${p.name}_${p.uid}`;
      const lines = [
        '.:53',
        '[INFO] plugin/reload: Running configuration SHA512 = 591cf328cccc12bc490481273e738df59329c62c0b729d94e8b61db9961c2fa5f046dd37f1cf888b953814040d180f52594972691cd6ff41be96639138a43908',
        'CoreDNS-1.11.1',
        'linux/amd64, go1.21.9, ae2bbc2',
      ];
      lines.forEach((l, i) =>
        ep.cri(p.node ?? CONTROL_PLANE, dir, 'coredns', 0, 'coredns', s + (5 + i) * MS, 'stdout', l, dnsOp),
      );
    },
  );
  ops.setAudit(dnsOp, dns.auditId);
  end = Math.max(end, cpReady + 20 * S);

  const tProxy = tDns + ep.rng.int(200_000, 600_000);
  const proxyOp = ops.daemonSet('kube-system', 'kube-proxy', kubeadm, tProxy);
  const proxy = addonDaemonSet(
    ep,
    proxyOp,
    kubeadm,
    {
      ns: 'kube-system',
      name: 'kube-proxy',
      image: `registry.k8s.io/kube-proxy:${K8S_VERSION}`,
      container: 'kube-proxy',
    },
    pods('kube-proxy'),
    tProxy,
    joinUs,
    (p, sp, s) => {
      const node = sp.node;
      const ip = cluster.node(node).ip;
      ep.component(
        'kube-proxy',
        node,
        s + 20 * MS,
        { sev: 'I', caller: 'app/server_linux.go:69', msg: 'Using iptables proxy', v: 0 },
        proxyOp,
      );
      ep.component(
        'kube-proxy',
        node,
        s + 60 * MS,
        {
          sev: 'I',
          caller: 'app/server.go:1062',
          msg: 'Successfully retrieved node IP(s)',
          v: 0,
          kv: [['IPs', [ip]]],
        },
        proxyOp,
      );
      ep.component(
        'kube-proxy',
        node,
        s + 75 * MS,
        { sev: 'I', caller: 'app/server_linux.go:165', msg: 'Using iptables Proxier', v: 0 },
        proxyOp,
      );
      ep.component(
        'kube-proxy',
        node,
        s + 80 * MS,
        { sev: 'I', caller: 'app/server.go:872', msg: 'Version info', v: 0, kv: [['version', K8S_VERSION]] },
        proxyOp,
      );
      ep.component(
        'kube-proxy',
        node,
        s + 90 * MS,
        { sev: 'I', caller: 'config/config.go:192', msg: 'Starting service config controller', v: 0 },
        proxyOp,
      );
      void p;
    },
  );
  ops.setAudit(proxyOp, proxy.auditId);

  // kind: the CNI, then storage.
  const tCni = tProxy + 2 * S + ep.rng.int(0, 900_000);
  const cniOp = ops.daemonSet('kube-system', 'kindnet', kindApply, tCni);
  const cni = addonDaemonSet(
    ep,
    cniOp,
    kindApply,
    {
      ns: 'kube-system',
      name: 'kindnet',
      image: 'docker.io/kindest/kindnetd:v20240513-cd2ac642',
      container: 'kindnet-cni',
    },
    pods('kindnet'),
    tCni,
    joinUs,
    (_p, sp, s) => {
      const node = sp.node;
      ep.component(
        'kindnet',
        node,
        s + 30 * MS,
        {
          sev: 'I',
          caller: 'main.go:102',
          msg: `connected to apiserver: https://${CONTROL_PLANE}:6443`,
          printf: true,
        },
        cniOp,
      );
      ep.component(
        'kindnet',
        node,
        s + 32 * MS,
        { sev: 'I', caller: 'main.go:148', msg: `hostIP = ${cluster.node(node).ip}`, printf: true },
        cniOp,
      );
      ep.component(
        'kindnet',
        node,
        s + 33 * MS,
        { sev: 'I', caller: 'main.go:149', msg: `podIP = ${cluster.node(node).ip}`, printf: true },
        cniOp,
      );
      ep.component(
        'kindnet',
        node,
        s + 40 * MS,
        { sev: 'I', caller: 'main.go:158', msg: 'setting mtu 1500 for CNI ', printf: true },
        cniOp,
      );
    },
  );
  ops.setAudit(cniOp, cni.auditId);

  const tStorage = tCni + ep.rng.int(1_000_000, 3_000_000);
  const lp = cluster.localPath;
  const storageOp = ops.deployment(lp.ns, 'local-path-provisioner', kindApply, tStorage);
  const storage = addonDeployment(
    ep,
    storageOp,
    kindApply,
    {
      ns: lp.ns,
      name: 'local-path-provisioner',
      image: 'docker.io/kindest/local-path-provisioner:v20240513-b9bba138',
      container: 'local-path-provisioner',
      readinessPath: null,
    },
    [lp],
    tStorage,
    cpReady,
    (_p, _sp, s) => {
      const id = `${lp.name}_${ep.rng.uuid()}`;
      ep.component(
        'local-path-provisioner',
        CONTROL_PLANE,
        s + 20 * MS,
        {
          sev: 'I',
          caller: 'leaderelection/leaderelection.go:250',
          msg: `attempting to acquire leader lease local-path-storage/rancher.io-local-path...`,
          printf: true,
        },
        storageOp,
      );
      ep.component(
        'local-path-provisioner',
        CONTROL_PLANE,
        s + 35 * MS,
        {
          sev: 'I',
          caller: 'leaderelection/leaderelection.go:260',
          msg: 'successfully acquired lease local-path-storage/rancher.io-local-path',
          printf: true,
        },
        storageOp,
      );
      ep.component(
        'local-path-provisioner',
        CONTROL_PLANE,
        s + 36 * MS,
        {
          sev: 'I',
          caller: 'controller/controller.go:811',
          msg: `Starting provisioner controller rancher.io/local-path_${id}!`,
          printf: true,
        },
        storageOp,
      );
      ep.component(
        'local-path-provisioner',
        CONTROL_PLANE,
        s + 140 * MS,
        {
          sev: 'I',
          caller: 'controller/controller.go:860',
          msg: `Started provisioner controller rancher.io/local-path_${id}!`,
          printf: true,
        },
        storageOp,
      );
    },
  );
  ops.setAudit(storageOp, storage.auditId);
  for (const n of cluster.nodes) end = Math.max(end, readyUs(n.name) + 10 * S);
  return end;
}
