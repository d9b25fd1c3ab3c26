/**
 * Which swimlane a record, API call or span belongs to. Pure: no I/O, no framework.
 *
 * Lane ids are stable strings: `client`, `kube-apiserver`, `kube-controller-manager`,
 * `kube-controller-manager/<controller>`, `kube-scheduler`, `kubelet/<node>`, `containerd/<node>`,
 * `<component>` or `<component>/<node>` for anything else, and `events` for Events whose source is
 * unknown.
 */
import { COMPONENTS, type RecordKind } from '@kubetrail/model';

export interface LaneKey {
  id: string;
  label: string;
  component: string;
  node: string | null;
  sub: string | null;
}

const KCM = COMPONENTS.controllerManager;
const RUNTIMES = new Set<string>([COMPONENTS.runtime, 'cri-o', 'crio', 'docker', 'dockerd']);

/** klog caller file → controller name inside kube-controller-manager (the loggers' own names). */
const CONTROLLER_BY_FILE: Record<string, string> = {
  'replica_set.go': 'replicaset-controller',
  'deployment_controller.go': 'deployment-controller',
  'rolling.go': 'deployment-controller',
  'progress.go': 'deployment-controller',
  'garbagecollector.go': 'garbage-collector',
  'graph_builder.go': 'garbage-collector',
  'endpointslice_controller.go': 'endpointslice-controller',
  'endpoints_controller.go': 'endpoints-controller',
  'job_controller.go': 'job-controller',
  'cronjob_controllerv2.go': 'cronjob-controller',
  'daemon_controller.go': 'daemonset-controller',
  'stateful_set.go': 'statefulset-controller',
  'stateful_set_control.go': 'statefulset-controller',
  'node_lifecycle_controller.go': 'node-lifecycle-controller',
  'taint_eviction.go': 'taint-eviction-controller',
  'disruption.go': 'disruption-controller',
  'attach_detach_controller.go': 'attachdetach-controller',
  'pv_controller.go': 'persistentvolume-binder',
  'pv_controller_base.go': 'persistentvolume-binder',
  'namespace_controller.go': 'namespace-controller',
  'resource_quota_controller.go': 'resourcequota-controller',
  'serviceaccounts_controller.go': 'serviceaccount-controller',
  'horizontal.go': 'horizontal-pod-autoscaler',
  'ttlafterfinished_controller.go': 'ttl-after-finished-controller',
};

/** `event.go` "Event occurred" lines of kube-controller-manager: the involved object's kind → controller. */
const CONTROLLER_BY_EVENT_KIND: Record<string, string> = {
  Deployment: 'deployment-controller',
  ReplicaSet: 'replicaset-controller',
  StatefulSet: 'statefulset-controller',
  DaemonSet: 'daemonset-controller',
  Job: 'job-controller',
  CronJob: 'cronjob-controller',
  Node: 'node-lifecycle-controller',
  PersistentVolumeClaim: 'persistentvolume-binder',
  PersistentVolume: 'persistentvolume-binder',
  Endpoints: 'endpoints-controller',
  HorizontalPodAutoscaler: 'horizontal-pod-autoscaler',
};

/** Event sources / service-account names that are controllers of kube-controller-manager. */
const CONTROLLER_ALIASES: Record<string, string> = {
  'generic-garbage-collector': 'garbage-collector',
  'persistentvolume-controller': 'persistentvolume-binder',
  'endpoint-controller': 'endpoints-controller',
  'endpoint-slice-controller': 'endpointslice-controller',
  'node-controller': 'node-lifecycle-controller',
};

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

function lane(component: string, node: string | null, sub: string | null): LaneKey {
  if (sub) return { id: `${component}/${sub}`, label: sub, component, node: null, sub };
  if (node)
    return { id: `${component}/${node}`, label: `${component} · ${node}`, component, node, sub: null };
  return { id: component, label: component, component, node: null, sub: null };
}

export const CLIENT_LANE: LaneKey = {
  id: 'client',
  label: 'client',
  component: 'client',
  node: null,
  sub: null,
};
export const EVENTS_LANE: LaneKey = lane(COMPONENTS.events, null, null);
/**
 * Facts about objects from List files (a pod's condition, a container's waiting reason): not
 * something a component logged, so a lane of their own, last.
 */
export const STATE_LANE: LaneKey = {
  id: 'state',
  label: 'object state',
  component: 'state',
  node: null,
  sub: null,
};

function isControllerName(name: string): boolean {
  return name in CONTROLLER_ALIASES || /-controller$|^garbage-collector$|-binder$/.test(name);
}

function controllerLane(name: string): LaneKey {
  return lane(KCM, null, CONTROLLER_ALIASES[name] ?? name);
}

/** The lane of a component's log line, given where it ran. */
export function componentLane(component: string, node: string | null): LaneKey {
  if (component === KCM || component === COMPONENTS.apiserver || component === COMPONENTS.scheduler)
    return lane(component, null, null);
  if (component === COMPONENTS.kubelet) return lane(component, node, null);
  if (RUNTIMES.has(component)) return lane(component, node, null);
  return lane(component, node, null);
}

function callerFile(caller: string | null): string | null {
  if (!caller) return null;
  const file = caller.split(':')[0] ?? '';
  return file.split('/').pop() ?? null;
}

/** The lane of the component that emitted a Kubernetes Event (core/v1 `source`, events.k8s.io/v1 `reporting*`). */
function eventLane(fields: Record<string, unknown> | null, node: string | null): LaneKey {
  if (!fields) return EVENTS_LANE;
  const source = (fields.source ?? fields.deprecatedSource) as Record<string, unknown> | undefined;
  const comp = str(source?.component) ?? str(fields.reportingController) ?? str(fields.reportingComponent);
  const host = str(source?.host) ?? node;
  if (!comp) return EVENTS_LANE;
  if (comp === 'kubelet') {
    const instance = str(fields.reportingInstance);
    return lane(COMPONENTS.kubelet, host ?? (instance ? instance.replace(/^kubelet-/, '') : null), null);
  }
  if (comp === 'default-scheduler' || comp.includes('scheduler'))
    return lane(COMPONENTS.scheduler, null, null);
  if (isControllerName(comp)) return controllerLane(comp);
  return EVENTS_LANE;
}

/** Who issued an audited API call: the request's own client, or a control-plane component. */
export function apiCallLane(user: string | null): LaneKey {
  if (!user) return CLIENT_LANE;
  const sa = /^system:serviceaccount:kube-system:(.+)$/.exec(user);
  if (sa?.[1] && isControllerName(sa[1])) return controllerLane(sa[1]);
  if (user === 'system:kube-controller-manager') return lane(KCM, null, null);
  if (user === 'system:kube-scheduler') return lane(COMPONENTS.scheduler, null, null);
  const nodeUser = /^system:node:(.+)$/.exec(user);
  if (nodeUser?.[1]) return lane(COMPONENTS.kubelet, nodeUser[1], null);
  if (user === 'system:apiserver') return lane(COMPONENTS.apiserver, null, null);
  return CLIENT_LANE;
}

export interface LaneRecord {
  kind: RecordKind;
  component: string;
  node: string | null;
  caller: string | null;
  fields: Record<string, unknown> | null;
}

/** The lane of one record. */
export function laneForRecord(r: LaneRecord): LaneKey {
  if (r.kind === 'audit') {
    const user = r.fields?.user as Record<string, unknown> | undefined;
    return apiCallLane(str(user?.username));
  }
  if (r.kind === 'event') return eventLane(r.fields, r.node);
  if (r.kind === 'state') return STATE_LANE;
  if (r.component === KCM) {
    const logger = str(r.fields?.logger);
    if (logger && isControllerName(logger)) return controllerLane(logger);
    const file = callerFile(r.caller) ?? '';
    const byFile = CONTROLLER_BY_FILE[file];
    if (byFile) return controllerLane(byFile);
    const byKind = file === 'event.go' ? CONTROLLER_BY_EVENT_KIND[str(r.fields?.kind) ?? ''] : undefined;
    if (byKind) return controllerLane(byKind);
    return lane(KCM, null, null);
  }
  return componentLane(r.component, r.node);
}

function rank(l: LaneKey): number {
  if (l.id === CLIENT_LANE.id) return 0;
  if (l.component === COMPONENTS.apiserver) return 1;
  if (l.component === KCM) return 2;
  if (l.component === COMPONENTS.scheduler) return 3;
  if (l.component === COMPONENTS.kubelet || RUNTIMES.has(l.component)) return 4;
  if (l.id === EVENTS_LANE.id) return 6;
  if (l.id === STATE_LANE.id) return 7;
  return 5;
}

/**
 * Lane order: client, kube-apiserver, kube-controller-manager then its controllers, kube-scheduler,
 * per node the kubelet then its runtime, other components, events.
 */
export function compareLanes(a: LaneKey, b: LaneKey): number {
  const r = rank(a) - rank(b);
  if (r !== 0) return r;
  if (rank(a) === 2 && (a.sub === null) !== (b.sub === null)) return a.sub === null ? -1 : 1;
  if (rank(a) === 4) {
    const n = (a.node ?? '').localeCompare(b.node ?? '');
    if (n !== 0) return n;
    const ak = a.component === COMPONENTS.kubelet ? 0 : 1;
    const bk = b.component === COMPONENTS.kubelet ? 0 : 1;
    if (ak !== bk) return ak - bk;
  }
  return a.id.localeCompare(b.id);
}

/** A lane signature (store `LANE_SIG`: `[kind, component, node, caller, laneFields]`) → its lane. */
export function laneOfSig(sig: string): LaneKey {
  const [kind, component, node, caller, fields] = JSON.parse(sig) as [
    RecordKind,
    string,
    string | null,
    string | null,
    Record<string, unknown> | null,
  ];
  return laneForRecord({ kind, component, node, caller, fields });
}
