import { COMPONENTS } from '@kubetrail/model';
import type { PathHints } from './types.ts';
import { microk8sHints, supportBundleHints } from './supportBundle.ts';

/** Control-plane static pods are named `<component>-<nodeName>` (kubeadm, kind). */
const STATIC_POD_COMPONENTS = [
  COMPONENTS.apiserver,
  COMPONENTS.controllerManager,
  COMPONENTS.scheduler,
  COMPONENTS.etcd,
  'cloud-controller-manager',
];

/** System DaemonSets and Deployments whose pod names start with the component. */
const SYSTEM_POD_COMPONENTS = [
  COMPONENTS.proxy,
  'coredns',
  'kindnet',
  'local-path-provisioner',
  'metrics-server',
  'calico-node',
  'calico-kube-controllers',
  'cilium-operator',
  'cilium',
  'kube-flannel',
  'konnectivity-agent',
];

/** Files a plain log file name maps to a component (`/var/log/kube-apiserver.log`, kind's `kubelet.log`). */
const FILE_COMPONENTS: Record<string, string> = {
  'kube-apiserver': COMPONENTS.apiserver,
  'kube-controller-manager': COMPONENTS.controllerManager,
  'kube-scheduler': COMPONENTS.scheduler,
  kubelet: COMPONENTS.kubelet,
  'kube-proxy': COMPONENTS.proxy,
  containerd: COMPONENTS.runtime,
  etcd: COMPONENTS.etcd,
  'cloud-controller-manager': 'cloud-controller-manager',
  crio: 'crio',
  docker: 'docker',
};

/** What `kind export logs` writes into each node's folder (besides its copy of /var/log). */
const KIND_NODE_FILES = new Set([
  'kubelet.log',
  'containerd.log',
  'journal.log',
  'inspect.json',
  'images.log',
  'kubernetes-version.txt',
  'serial.log',
  'alternatives.log',
]);
/** What `kind export logs` writes at the top of the export. */
const KIND_ROOT_FILES = new Set([
  'docker-info.txt',
  'kind-version.txt',
  'podman-info.txt',
  'nerdctl-info.txt',
]);

/** `kubectl cluster-info dump` resource lists (`<ns>/<resource>.json`, `nodes.json` at the top). */
const CLUSTER_INFO_OBJECTS = new Set([
  'nodes',
  'pods',
  'services',
  'deployments',
  'replicasets',
  'daemonsets',
  'statefulsets',
  'replicationcontrollers',
  'jobs',
  'cronjobs',
  'configmaps',
  'endpoints',
  'persistentvolumes',
  'persistentvolumeclaims',
]);

const UID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/;
const DNS_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * What a path inside a bundle says about its node, component and content, for the layouts of
 * SPEC §3.1: `kind export logs`, `kubectl cluster-info dump --output-directory`, control-plane
 * `/var/log` copies, OpenTelemetry trace files and journald exports. Anything the path does not say
 * is null, and the line parser sniffs the content.
 *
 * Rotation suffixes are ignored (`kube-apiserver.log.1.gz`, `kubelet.log-20240610`), so a rotated
 * file classifies like the live one. The node comes from a control-plane static pod's name
 * (`kube-apiserver-<node>`) first, else from the folder above the node-level files (kind), above
 * `var/log`, or above `pods/`/`containers/`.
 */
/** Hints that say nothing (a path no layout recognises); a fresh object each call. */
export const noPathHints = (): PathHints => ({
  node: null,
  component: null,
  pod: null,
  container: null,
  content: null,
  layout: null,
});

export function classifyPath(path: string): PathHints {
  const segments = path
    .replace(/\\/g, '/')
    .split('/')
    .filter((s) => s !== '' && s !== '.');
  const fileName = segments.at(-1) ?? '';
  const dirs = segments.slice(0, -1);
  const base = stripRotation(fileName);
  const hints = noPathHints();
  const special = supportBundleHints(dirs, fileName, hints) ?? microk8sHints(dirs, fileName, hints);
  if (special !== null) return special;

  let folderNode: string | null = null;
  const varLog = dirs.findIndex((d, i) => d === 'var' && dirs[i + 1] === 'log');
  if (varLog >= 0) {
    hints.layout = 'var-log';
    folderNode = dirs[varLog - 1] ?? null;
  }

  const podLog = matchPodLog(dirs, base);
  if (podLog) {
    hints.pod = podLog.pod;
    hints.container = podLog.container;
    if (varLog < 0) {
      folderNode = dirs[podLog.anchor - 1] ?? null;
      hints.layout = folderNode ? 'kind' : 'var-log';
    }
    const fromPod = componentOfPod(podLog.pod.namespace, podLog.pod.name, podLog.container);
    hints.component = fromPod.component;
    hints.node = fromPod.node ?? folderNode;
  } else if (varLog < 0 && (KIND_NODE_FILES.has(base) || isComponentLog(base)) && dirs.length > 0) {
    hints.layout = 'kind';
    folderNode = dirs.at(-1) ?? null;
  } else if (varLog < 0 && dirs.includes('kubernetes') && dirs.indexOf('kubernetes') > 0) {
    // kind copies the node's /var/log, so /var/log/kubernetes/… shows up as <node>/kubernetes/….
    hints.layout = 'kind';
    folderNode = dirs[dirs.indexOf('kubernetes') - 1] ?? null;
  } else if (varLog < 0 && KIND_ROOT_FILES.has(base)) {
    hints.layout = 'kind';
  }

  const clusterInfo = podLog || varLog >= 0 ? null : matchClusterInfo(dirs, base);
  if (clusterInfo) {
    hints.layout = 'cluster-info';
    hints.content = clusterInfo.content;
    hints.resource = clusterInfo.resource;
    if (clusterInfo.pod) {
      hints.pod = clusterInfo.pod;
      const fromPod = componentOfPod(clusterInfo.pod.namespace, clusterInfo.pod.name, null);
      hints.component = fromPod.component;
      // A dump has no node folders; only a static pod's name says where it ran.
      hints.node = fromPod.node;
    }
    if (clusterInfo.content === 'events') hints.component = COMPONENTS.events;
    return hints;
  }

  if (!podLog) {
    hints.node = folderNode;
    const stem = base.replace(/\.(log|txt)$/i, '');
    if (Object.hasOwn(FILE_COMPONENTS, stem)) hints.component = FILE_COMPONENTS[stem] ?? null;
  }

  if (hints.component === null) hints.component = componentInName(base);
  const content = contentOf(base, dirs);
  if (content) {
    hints.content = content;
    if (content === 'audit') hints.component = COMPONENTS.audit;
    if (content === 'events') hints.component = COMPONENTS.events;
    if (content === 'journal' || content === 'otlp') hints.component = null;
  }
  return hints;
}

/** Component names people put in the names of the logs they collect (`…-scheduler.log.txt`). */
const NAMED_COMPONENTS: [RegExp, string][] = [
  [/kube-?scheduler|(^|[-_.])scheduler([-_.]|$)/, COMPONENTS.scheduler],
  [/kube-?controller-?manager|controller-manager/, COMPONENTS.controllerManager],
  [/kube-?apiserver|(^|[-_.])apiserver([-_.]|$)/, COMPONENTS.apiserver],
  [/kubelet/, COMPONENTS.kubelet],
  [/kube-?proxy/, COMPONENTS.proxy],
  [/containerd/, COMPONENTS.runtime],
  [/(^|[-_.])etcd([-_.]|$)/, COMPONENTS.etcd],
];

/** The component a log file's name mentions (`2023-04-23T23:09:39-scheduler.log.txt`), or null. */
function componentInName(base: string): string | null {
  const lower = base.toLowerCase();
  if (!/\.(log|txt|out)$/.test(lower) || /audit|event/.test(lower)) return null;
  for (const [re, component] of NAMED_COMPONENTS) if (re.test(lower)) return component;
  return null;
}

/** `kube-apiserver.log`, `kubelet.log`…: a component's own log, which sits in its node's folder. */
function isComponentLog(base: string): boolean {
  const stem = /^(.+)\.log$/.exec(base)?.[1];
  return stem !== undefined && Object.hasOwn(FILE_COMPONENTS, stem);
}

/** Drops `.gz` and a logrotate suffix after `.log`: `.1`, `-20240610`, `.20240610-113540`. */
function stripRotation(fileName: string): string {
  const name = fileName.replace(/\.gz$/i, '');
  return name.replace(/\.log[.-]\d[\d.T:-]*$/i, '.log');
}

interface PodLog {
  pod: { namespace: string; name: string; uid: string | null };
  container: string;
  /** Index in `dirs` of the `pods` or `containers` folder. */
  anchor: number;
}

/**
 * `pods/<ns>_<pod>_<uid>/<container>/<n>.log` (the kubelet's layout) or
 * `containers/<pod>_<ns>_<container>-<containerID>.log` (its symlink farm). Namespaces and pod
 * names are DNS names and cannot contain `_`, so splitting on it is exact.
 */
function matchPodLog(dirs: string[], base: string): PodLog | null {
  const n = dirs.length;
  if (n >= 3 && dirs[n - 3] === 'pods' && /^\d+\.log$/.test(base)) {
    const parts = (dirs[n - 2] ?? '').split('_');
    const container = dirs[n - 1] ?? '';
    if (parts.length === 3 && container) {
      const [namespace = '', name = '', uid = ''] = parts;
      return { pod: { namespace, name, uid: uid || null }, container, anchor: n - 3 };
    }
  }
  if (n >= 1 && dirs[n - 1] === 'containers') {
    const match = /^([^_]+)_([^_]+)_(.+)-([0-9a-f]{64})\.log$/.exec(base);
    if (match) {
      const [, name = '', namespace = '', container = ''] = match;
      return { pod: { namespace, name, uid: null }, container, anchor: n - 1 };
    }
  }
  return null;
}

/** A pod's component, and for control-plane static pods its node (the name's suffix). */
export function componentOfPod(
  namespace: string,
  name: string,
  container: string | null,
): { component: string; node: string | null } {
  if (namespace === 'kube-system') {
    for (const component of STATIC_POD_COMPONENTS) {
      if (name.startsWith(`${component}-`) && name.length > component.length + 1) {
        return { component, node: name.slice(component.length + 1) };
      }
    }
  }
  for (const component of SYSTEM_POD_COMPONENTS) {
    if (name === component || name.startsWith(`${component}-`)) return { component, node: null };
  }
  if (container) return { component: container, node: null };
  return { component: workloadName(name), node: null };
}

/** `nginx-7c5ddbdf54-x8k2p` → `nginx`, `fluentd-9xk2p` → `fluentd`: the owning workload's name. */
function workloadName(podName: string): string {
  const replicaSet = /^(.+)-[a-z0-9]{6,10}-[a-z0-9]{5}$/.exec(podName);
  if (replicaSet?.[1]) return replicaSet[1];
  const daemonSet = /^(.+)-[a-z0-9]{5}$/.exec(podName);
  if (daemonSet?.[1]) return daemonSet[1];
  return podName;
}

type Content = NonNullable<PathHints['content']>;

function matchClusterInfo(
  dirs: string[],
  base: string,
): { content: Content | null; pod: PathHints['pod']; resource: string | null } | null {
  const object = /^([a-z-]+)\.(json|ya?ml)$/.exec(base);
  if (object?.[1] && dirs.length > 0) {
    const resource = object[1].replace(/-/g, '');
    if (resource === 'events') return { content: 'events', pod: null, resource };
    if (CLUSTER_INFO_OBJECTS.has(resource)) return { content: 'k8s-objects', pod: null, resource };
  }
  if (base === 'logs.txt' && dirs.length >= 2) {
    const namespace = dirs.at(-2) ?? '';
    const name = dirs.at(-1) ?? '';
    if (DNS_NAME.test(namespace) && DNS_NAME.test(name) && !UID.test(name)) {
      return { content: null, pod: { namespace, name, uid: null }, resource: null };
    }
  }
  return null;
}

/** The content a file name announces, whatever the layout. */
function contentOf(base: string, dirs: string[]): Content | null {
  const lower = base.toLowerCase();
  const dataFile = /\.(json|jsonl|ndjson)$/.test(lower);
  // "stacktrace" is the one common word that contains "trace" and is not about spans.
  if (dataFile && /trace|otlp|spans/.test(lower.replace(/stacktraces?/g, ''))) return 'otlp';
  if (
    lower === 'journal.log' ||
    lower.endsWith('.journal.json') ||
    /^journal(ctl)?[-_.].*\.(json|log|txt)$/.test(lower)
  ) {
    return 'journal';
  }
  if (/\.(log|json|jsonl|ndjson)$/.test(lower)) {
    if (/(^|[-_.])audit/.test(lower) || (dirs.at(-1) === 'audit' && lower.endsWith('.log'))) return 'audit';
    if (/^(events|[a-z0-9-]+[-_.]events)\.(json|jsonl)$/.test(lower)) return 'events';
  }
  return null;
}
