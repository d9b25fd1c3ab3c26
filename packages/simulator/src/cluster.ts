/**
 * The simulated kind cluster: a v1.30.0 node image (`kindest/node:v1.30.0`), one control-plane
 * node and two or three workers on the `kind` docker network (172.18.0.0/16).
 */
import type { Rng } from './rng.ts';

export const K8S_VERSION = 'v1.30.0';
/** git commit of Kubernetes v1.30.0, as it appears in user agents. */
export const K8S_COMMIT = '7c48c2b';
export const CONTROL_PLANE = 'kind-control-plane';

export interface Node {
  name: string;
  ip: string;
  podCidrPrefix: string;
  kubeletPid: number;
  containerdPid: number;
  worker: boolean;
}

/** Who made an API call. */
export interface Actor {
  username: string;
  groups: string[];
  userAgent: string;
  ip: string;
  /** APF priority level / flow schema as httplog reports them. */
  apf: [string, string];
  /** `authorization.k8s.io/reason` audit annotation. */
  rbac: string;
}

export interface SystemPod {
  ns: string;
  name: string;
  uid: string;
  container: string;
  node: string;
  component: string;
}

export interface Cluster {
  nodes: Node[];
  workers: Node[];
  node(name: string): Node;
  /** Control-plane static pods and kube-system daemons, by component. */
  systemPods: SystemPod[];
  /**
   * kind's storage add-on (`local-path-storage/local-path-provisioner-…`, on the control plane). Kept
   * apart from `systemPods`, whose members write background noise.
   */
  localPath: SystemPod;
  /** Node part and clock sequence of time-based (v1) UUIDs, fixed for the apiserver process. */
  uuidNode: string;
  uuidClockSeq: number;
  pod(component: string, node: string): SystemPod;
  actors: {
    admin: Actor;
    alice: Actor;
    bob: Actor;
    controller(sa: string): Actor;
    scheduler: Actor;
    kubelet(node: string): Actor;
    kcmLeader: Actor;
    /** kubeadm applying the bootstrap add-ons with admin.conf. */
    kubeadm: Actor;
    /** A service account outside kube-system (`local-path-storage/local-path-provisioner-service-account`). */
    serviceAccount(ns: string, sa: string): Actor;
  };
}

const ua = (prog: string, suffix = ''): string =>
  `${prog}/${K8S_VERSION} (linux/amd64) kubernetes/${K8S_COMMIT}${suffix}`;

export const KUBECTL_UA = ua('kubectl');

export function makeCluster(rng: Rng, workers: number): Cluster {
  const names = [CONTROL_PLANE, 'kind-worker', 'kind-worker2', 'kind-worker3'].slice(0, 1 + workers);
  const nodes: Node[] = names.map((name, i) => ({
    name,
    ip: `172.18.0.${i + 2}`,
    podCidrPrefix: `10.244.${i}.`,
    kubeletPid: rng.int(180, 760),
    containerdPid: rng.int(96, 140),
    worker: i > 0,
  }));
  const cp = nodes[0];
  if (!cp) throw new Error('no control plane');
  const staticUid = (): string => rng.hex(32);
  const systemPods: SystemPod[] = [
    { component: 'kube-apiserver', name: `kube-apiserver-${CONTROL_PLANE}`, container: 'kube-apiserver' },
    {
      component: 'kube-controller-manager',
      name: `kube-controller-manager-${CONTROL_PLANE}`,
      container: 'kube-controller-manager',
    },
    { component: 'kube-scheduler', name: `kube-scheduler-${CONTROL_PLANE}`, container: 'kube-scheduler' },
    { component: 'etcd', name: `etcd-${CONTROL_PLANE}`, container: 'etcd' },
  ].map((p) => ({ ...p, ns: 'kube-system', uid: staticUid(), node: CONTROL_PLANE }));
  const corednsHash = `7db6d8ff4d`;
  for (let i = 0; i < 2; i++) {
    systemPods.push({
      component: 'coredns',
      ns: 'kube-system',
      name: `coredns-${corednsHash}-${rng.k8s(5)}`,
      uid: rng.uuid(),
      container: 'coredns',
      node: CONTROL_PLANE,
    });
  }
  for (const n of nodes) {
    systemPods.push({
      component: 'kube-proxy',
      ns: 'kube-system',
      name: `kube-proxy-${rng.k8s(5)}`,
      uid: rng.uuid(),
      container: 'kube-proxy',
      node: n.name,
    });
    systemPods.push({
      component: 'kindnet',
      ns: 'kube-system',
      name: `kindnet-${rng.k8s(5)}`,
      uid: rng.uuid(),
      container: 'kindnet-cni',
      node: n.name,
    });
  }
  // Drawn after everything above so that the existing pods keep their names and UIDs.
  const localPath: SystemPod = {
    component: 'local-path-provisioner',
    ns: 'local-path-storage',
    name: `local-path-provisioner-988d74bc-${rng.k8s(5)}`,
    uid: rng.uuid(),
    container: 'local-path-provisioner',
    node: CONTROL_PLANE,
  };
  const uuidNode = rng.hex(12);
  const uuidClockSeq = rng.int(0, 0x3fff);
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const controllers = new Map<string, Actor>();
  const serviceAccounts = new Map<string, Actor>();
  const kubelets = new Map<string, Actor>();
  return {
    nodes,
    workers: nodes.filter((n) => n.worker),
    node(name) {
      const n = byName.get(name);
      if (!n) throw new Error(`unknown node ${name}`);
      return n;
    },
    systemPods,
    localPath,
    uuidNode,
    uuidClockSeq,
    pod(component, node) {
      const p =
        systemPods.find((x) => x.component === component && x.node === node) ??
        (localPath.component === component && localPath.node === node ? localPath : undefined);
      if (!p) throw new Error(`no ${component} pod on ${node}`);
      return p;
    },
    actors: {
      admin: {
        username: 'kubernetes-admin',
        groups: ['kubeadm:cluster-admins', 'system:authenticated'],
        userAgent: KUBECTL_UA,
        ip: '172.18.0.1',
        apf: ['global-default', 'global-default'],
        rbac: 'RBAC: allowed by ClusterRoleBinding "kubeadm:cluster-admins" of ClusterRole "cluster-admin" to Group "kubeadm:cluster-admins"',
      },
      alice: {
        username: 'alice',
        groups: ['sre', 'system:authenticated'],
        userAgent: KUBECTL_UA,
        ip: '10.0.0.7',
        apf: ['global-default', 'global-default'],
        rbac: 'RBAC: allowed by ClusterRoleBinding "sre-admins" of ClusterRole "cluster-admin" to Group "sre"',
      },
      bob: {
        username: 'bob',
        groups: ['developers', 'system:authenticated'],
        userAgent: 'kubectl/v1.29.4 (darwin/arm64) kubernetes/55019c8',
        ip: '10.0.0.12',
        apf: ['global-default', 'global-default'],
        rbac: 'RBAC: allowed by RoleBinding "developers/shop" of ClusterRole "edit" to Group "developers"',
      },
      controller(sa) {
        let a = controllers.get(sa);
        if (!a) {
          const username = `system:serviceaccount:kube-system:${sa}`;
          a = {
            username,
            groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
            userAgent: ua('kube-controller-manager', `/${username}`),
            ip: cp.ip,
            apf: ['workload-high', 'kube-system-service-accounts'],
            rbac: `RBAC: allowed by ClusterRoleBinding "system:controller:${sa}" of ClusterRole "system:controller:${sa}" to ServiceAccount "${sa}/kube-system"`,
          };
          controllers.set(sa, a);
        }
        return a;
      },
      scheduler: {
        username: 'system:kube-scheduler',
        groups: ['system:authenticated'],
        userAgent: ua('kube-scheduler', '/scheduler'),
        ip: cp.ip,
        apf: ['workload-high', 'kube-scheduler'],
        rbac: 'RBAC: allowed by ClusterRoleBinding "system:kube-scheduler" of ClusterRole "system:kube-scheduler" to User "system:kube-scheduler"',
      },
      kubelet(node) {
        let a = kubelets.get(node);
        if (!a) {
          a = {
            username: `system:node:${node}`,
            groups: ['system:nodes', 'system:authenticated'],
            userAgent: ua('kubelet'),
            ip: byName.get(node)?.ip ?? cp.ip,
            apf: ['system', 'system-nodes'],
            rbac: '',
          };
          kubelets.set(node, a);
        }
        return a;
      },
      kcmLeader: {
        username: 'system:kube-controller-manager',
        groups: ['system:authenticated'],
        userAgent: ua('kube-controller-manager', '/leader-election'),
        ip: cp.ip,
        apf: ['leader-election', 'leader-election'],
        rbac: 'RBAC: allowed by ClusterRoleBinding "system:kube-controller-manager" of ClusterRole "system:kube-controller-manager" to User "system:kube-controller-manager"',
      },
      kubeadm: {
        username: 'kubernetes-admin',
        groups: ['kubeadm:cluster-admins', 'system:authenticated'],
        userAgent: ua('kubeadm'),
        ip: cp.ip,
        apf: ['exempt', 'exempt'],
        rbac: 'RBAC: allowed by ClusterRoleBinding "kubeadm:cluster-admins" of ClusterRole "cluster-admin" to Group "kubeadm:cluster-admins"',
      },
      serviceAccount(ns, sa) {
        let a = serviceAccounts.get(`${ns}/${sa}`);
        if (!a) {
          a = {
            username: `system:serviceaccount:${ns}:${sa}`,
            groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
            userAgent: `local-path-provisioner/v0.0.0 (linux/amd64) kubernetes/$Format`,
            ip: '10.244.0.4',
            apf: ['workload-low', 'service-accounts'],
            rbac: `RBAC: allowed by ClusterRoleBinding "local-path-provisioner-bind" of ClusterRole "local-path-provisioner-role" to ServiceAccount "${sa}/${ns}"`,
          };
          serviceAccounts.set(`${ns}/${sa}`, a);
        }
        return a;
      },
    },
  };
}
