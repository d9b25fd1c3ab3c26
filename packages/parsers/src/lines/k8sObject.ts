import type { ObjectRef, ParsedRecord, Severity, StateFact } from '@kubetrail/model';
import { COMPONENTS } from '@kubetrail/model';
import { rfc3339Ns } from './timestamp.ts';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Kinds whose List items are read into state records beyond their identity. */
const RESOURCE_KINDS: Record<string, string> = {
  pods: 'Pod',
  deployments: 'Deployment',
  replicasets: 'ReplicaSet',
  statefulsets: 'StatefulSet',
  daemonsets: 'DaemonSet',
  jobs: 'Job',
  cronjobs: 'CronJob',
  nodes: 'Node',
  persistentvolumeclaims: 'PersistentVolumeClaim',
  pvcs: 'PersistentVolumeClaim',
  persistentvolumes: 'PersistentVolume',
  pvs: 'PersistentVolume',
  services: 'Service',
  endpoints: 'Endpoints',
  replicationcontrollers: 'ReplicationController',
  'replication-controllers': 'ReplicationController',
  namespaces: 'Namespace',
  configmaps: 'ConfigMap',
  ingresses: 'Ingress',
  ingress: 'Ingress',
};

/** The kind a List file's resource name stands for (`pods` → `Pod`), or null. */
export function kindOfResource(resource: string | null): string | null {
  if (resource === null) return null;
  return RESOURCE_KINDS[resource.toLowerCase()] ?? null;
}

/** `/api/v1/namespaces/ns/pods/name` → `Pod` (old dumps' items carry no kind). */
function kindOfSelfLink(link: string | null): string | null {
  if (link === null) return null;
  const parts = link.split('/');
  return kindOfResource(parts.at(-2) ?? null);
}

/** True when `v` looks like a Kubernetes object (has `metadata.name`) — any kind. */
export function isK8sObject(v: Json): boolean {
  return (
    isObj(v.metadata) &&
    typeof v.metadata.name === 'string' &&
    (isObj(v.spec) || isObj(v.status) || typeof v.kind === 'string')
  );
}

/** Waiting and termination reasons that mean a container is failing. */
const FAILING =
  /^(ErrImagePull|ImagePullBackOff|ErrImageNeverPull|InvalidImageName|CrashLoopBackOff|CreateContainerConfigError|CreateContainerError|RunContainerError|PreStartHookError|PostStartHookError|OOMKilled|ContainerCannotRun|Error|DeadlineExceeded|BackoffLimitExceeded|ProgressDeadlineExceeded|Unschedulable|FailedCreate|FailedScheduling|Evicted)$/;

/** Which component reports a fact: the one an SRE looks at for it. */
function ownerOf(kind: string, fact: StateFact['fact'], condition: string | null): string {
  if (fact === 'created') return COMPONENTS.apiserver;
  if (kind === 'Pod') {
    if (condition === 'PodScheduled') return COMPONENTS.scheduler;
    return COMPONENTS.kubelet;
  }
  if (kind === 'Node') return COMPONENTS.kubelet;
  return COMPONENTS.controllerManager;
}

interface Ctx {
  ref: ObjectRef;
  line: number;
  lineCount: number;
  raw: string;
  node: string | null;
  out: ParsedRecord[];
}

function push(
  c: Ctx,
  ts: bigint | null,
  severity: Severity,
  fact: StateFact,
  message: string,
  raw: string | null,
): void {
  const first = c.out.length === 0;
  c.out.push({
    line: c.line,
    lineCount: first ? c.lineCount : 0,
    ts,
    severity,
    kind: 'state',
    format: 'k8s-object',
    component: ownerOf(c.ref.kind, fact.fact, fact.condition ?? null),
    node: c.node,
    caller: null,
    message,
    fields: { object: c.ref, ...fact },
    raw: first ? c.raw : (raw ?? message),
    reqId: null,
    auditId: null,
    traceId: null,
    spanId: null,
  });
}

const label = (ref: ObjectRef): string =>
  ref.namespace === null ? `${ref.kind} ${ref.name}` : `${ref.kind} ${ref.namespace}/${ref.name}`;

const ts = (v: unknown): bigint | null => {
  const s = str(v);
  return s === null ? null : rfc3339Ns(s);
};

/**
 * One Kubernetes object (an item of a List file: pods.json, a support bundle's
 * `cluster-resources/deployments/<ns>.json`, a dump's DeploymentList) as `state` records: its
 * identity and creation (`created`, at `creationTimestamp`), and one timestamped fact per
 * condition (`lastTransitionTime`), container state (`startedAt`, `finishedAt`, waiting reasons,
 * restart counts) and status summary. `kindHint` names the kind when the item carries none (old
 * dumps). Facts without a time of their own (a container still waiting) take the time the object
 * last changed and say so (`approx`). The first record spans the item's lines; the others span none.
 */
export function k8sObjectRecords(
  o: Json,
  kindHint: string | null,
  line: number,
  lineCount: number,
  raw: string,
): ParsedRecord[] {
  const md = isObj(o.metadata) ? o.metadata : {};
  const kind = str(o.kind) ?? kindHint ?? kindOfSelfLink(str(md.selfLink)) ?? 'Object';
  const spec = isObj(o.spec) ? o.spec : {};
  const status = isObj(o.status) ? o.status : {};
  const ref: ObjectRef = {
    kind,
    namespace: str(md.namespace),
    name: str(md.name) ?? '?',
    uid: str(md.uid),
    owners: arr(md.ownerReferences)
      .filter(isObj)
      .map((r) => ({ kind: str(r.kind) ?? '?', name: str(r.name) ?? '?', uid: str(r.uid) }))
      .filter((r) => r.name !== '?'),
  };
  const labels = isObj(md.labels) ? md.labels : {};
  const hash = str(labels['pod-template-hash']) ?? str(labels['controller-revision-hash']);
  if (hash !== null) ref.templateHash = hash;
  const node = kind === 'Pod' ? str(spec.nodeName) : kind === 'Node' ? ref.name : null;
  const c: Ctx = { ref, line, lineCount, raw, node, out: [] };
  const created = ts(md.creationTimestamp);

  // Identity and creation.
  const owner = ref.owners[0];
  const extra: string[] = [];
  if (owner) extra.push(`owner ${owner.kind} ${owner.name}`);
  if (node !== null && kind === 'Pod') extra.push(`node ${node}`);
  const rev = isObj(md.annotations) ? str(md.annotations['deployment.kubernetes.io/revision']) : null;
  if (rev !== null) extra.push(`revision ${rev}`);
  const desired = num(spec.replicas);
  if (desired !== null) extra.push(`${desired} replicas desired`);
  const deleting = ts(md.deletionTimestamp);
  push(
    c,
    created,
    'info',
    { fact: 'created', replicas: desired, revision: rev },
    `${label(ref)} created${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`,
    null,
  );
  if (deleting !== null) push(c, deleting, 'info', { fact: 'deleting' }, `${label(ref)} being deleted`, null);

  // Conditions.
  let lastChange = created;
  for (const cond of arr(status.conditions)) {
    if (!isObj(cond)) continue;
    const type = str(cond.type);
    const st = str(cond.status);
    if (type === null || st === null) continue;
    const at = ts(cond.lastTransitionTime) ?? ts(cond.lastUpdateTime) ?? ts(cond.lastProbeTime);
    if (at !== null && (lastChange === null || at > lastChange)) lastChange = at;
    const reason = str(cond.reason);
    const msg = str(cond.message);
    const bad =
      (reason !== null && FAILING.test(reason)) ||
      (st === 'False' && (type === 'Ready' || type === 'Available' || type === 'PodScheduled')) ||
      (st === 'True' && type === 'Failed') ||
      (kind === 'Node' && type !== 'Ready' && st === 'True');
    push(
      c,
      at,
      bad ? 'warning' : 'info',
      { fact: 'condition', condition: type, status: st, reason, message: msg },
      `${label(ref)} condition ${type}=${st}${reason !== null ? ` ${reason}` : ''}${msg !== null ? `: ${msg}` : ''}`,
      JSON.stringify(cond),
    );
  }

  if (kind === 'Pod') podFacts(c, status, lastChange);
  else if (kind === 'Node') nodeFacts(c, spec);
  else workloadFacts(c, kind, spec, status, lastChange);
  return c.out;
}

function podFacts(c: Ctx, status: Json, lastChange: bigint | null): void {
  const ref = c.ref;
  const phase = str(status.phase);
  const podReason = str(status.reason);
  if (podReason !== null)
    push(
      c,
      lastChange,
      FAILING.test(podReason) ? 'error' : 'warning',
      { fact: 'phase', phase, reason: podReason, message: str(status.message), approx: true },
      `${label(ref)} ${phase ?? 'phase ?'}: ${podReason}${str(status.message) !== null ? `: ${str(status.message)}` : ''}`,
      null,
    );
  for (const key of ['initContainerStatuses', 'containerStatuses'] as const) {
    for (const cs of arr(status[key])) {
      if (!isObj(cs)) continue;
      const name = str(cs.name) ?? '?';
      const restarts = num(cs.restartCount) ?? 0;
      const image = str(cs.image);
      const what = `${label(ref)} ${key === 'initContainerStatuses' ? 'init container' : 'container'} ${name}`;
      const state = isObj(cs.state) ? cs.state : {};
      const last = isObj(cs.lastState) ? cs.lastState : {};
      const common = { container: name, restarts, image, ready: cs.ready === true };
      const restartText = restarts > 0 ? ` (restarts ${restarts})` : '';
      if (isObj(state.waiting)) {
        const reason = str(state.waiting.reason) ?? 'Waiting';
        const msg = str(state.waiting.message);
        push(
          c,
          lastChange,
          FAILING.test(reason) ? 'error' : 'info',
          { fact: 'container', state: 'waiting', reason, message: msg, approx: true, ...common },
          `${what} waiting: ${reason}${msg !== null ? `: ${msg}` : ''}${restartText}`,
          JSON.stringify(cs),
        );
      }
      // `kubectl logs` shows the running (or last terminated) run; when the container waits to
      // restart, that is the run `lastState` describes, and `--previous` the one before it.
      const waiting = isObj(state.waiting) && !isObj(state.running) && !isObj(state.terminated);
      if (isObj(state.running)) {
        push(
          c,
          ts(state.running.startedAt),
          'info',
          { fact: 'container', state: 'running', logRun: 'current', ...common },
          `${what} running${restartText}`,
          JSON.stringify(cs),
        );
      }
      for (const [t, which] of [
        [state.terminated, 'terminated'],
        [last.terminated, 'last-terminated'],
      ] as const) {
        if (!isObj(t)) continue;
        const reason = str(t.reason) ?? 'Terminated';
        const code = num(t.exitCode);
        const msg = str(t.message);
        const failed = (code !== null && code !== 0) || FAILING.test(reason);
        if (which === 'last-terminated' || isObj(state.terminated)) {
          const run = which === 'last-terminated' ? (waiting ? 'current' : 'previous') : 'current';
          push(
            c,
            ts(t.startedAt),
            'info',
            {
              fact: 'container',
              state: 'started',
              previous: which === 'last-terminated',
              logRun: run,
              ...common,
            },
            `${what} ${which === 'last-terminated' ? 'previous run ' : ''}started`,
            null,
          );
        }
        push(
          c,
          ts(t.finishedAt),
          failed ? 'error' : 'info',
          {
            fact: 'container',
            state: 'terminated',
            previous: which === 'last-terminated',
            reason,
            exitCode: code,
            message: msg,
            ...common,
          },
          `${what} ${which === 'last-terminated' ? 'previous run ' : ''}terminated: ${reason}${code !== null ? ` (exit code ${code})` : ''}${msg !== null ? `: ${msg}` : ''}${restartText}`,
          JSON.stringify(t),
        );
      }
    }
  }
}

function nodeFacts(c: Ctx, spec: Json): void {
  if (spec.unschedulable === true)
    push(c, null, 'warning', { fact: 'cordoned' }, `${label(c.ref)} is cordoned (unschedulable)`, null);
  for (const t of arr(spec.taints)) {
    if (!isObj(t)) continue;
    const key = str(t.key) ?? '?';
    const effect = str(t.effect) ?? '';
    push(
      c,
      ts(t.timeAdded),
      'info',
      { fact: 'taint', key, value: str(t.value), effect },
      `${label(c.ref)} taint ${key}${str(t.value) !== null ? `=${str(t.value)}` : ''}:${effect}`,
      JSON.stringify(t),
    );
  }
}

/** Replica counts and phases of workloads, claims, volumes, jobs: one summary fact. */
function workloadFacts(c: Ctx, kind: string, spec: Json, status: Json, lastChange: bigint | null): void {
  const ref = c.ref;
  const parts: string[] = [];
  const counts: Record<string, number | null> = {};
  for (const k of [
    'replicas',
    'readyReplicas',
    'availableReplicas',
    'updatedReplicas',
    'unavailableReplicas',
    'currentNumberScheduled',
    'desiredNumberScheduled',
    'numberReady',
    'numberAvailable',
    'numberMisscheduled',
    'active',
    'succeeded',
    'failed',
  ]) {
    const v = num(status[k]);
    if (v !== null) {
      counts[k] = v;
      parts.push(`${k} ${v}`);
    }
  }
  const phase = str(status.phase);
  if (phase !== null) parts.push(`phase ${phase}`);
  const start = ts(status.startTime);
  const done = ts(status.completionTime);
  if (kind === 'Job' && start !== null)
    push(c, start, 'info', { fact: 'status', started: true }, `${label(ref)} started`, null);
  if (kind === 'Job' && done !== null)
    push(c, done, 'info', { fact: 'status', completed: true }, `${label(ref)} completed`, null);
  const lastSchedule = ts(status.lastScheduleTime);
  if (kind === 'CronJob' && lastSchedule !== null)
    push(c, lastSchedule, 'info', { fact: 'status', scheduled: true }, `${label(ref)} last scheduled`, null);
  const claimRef = isObj(spec.claimRef) ? spec.claimRef : null;
  if (claimRef !== null) parts.push(`claim ${str(claimRef.namespace) ?? ''}/${str(claimRef.name) ?? ''}`);
  const volumeName = str(spec.volumeName);
  if (volumeName !== null) parts.push(`volume ${volumeName}`);
  if (parts.length === 0) return;
  push(
    c,
    lastChange,
    phase === 'Pending' || phase === 'Failed' || phase === 'Lost' ? 'warning' : 'info',
    { fact: 'status', phase, counts, approx: true },
    `${label(ref)} status: ${parts.join(', ')}`,
    JSON.stringify(status),
  );
}
