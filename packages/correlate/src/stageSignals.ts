import type { StageId } from '@kubetrail/model';
import type { KubeEvent } from './kubeEvent.ts';
import { CONTROLLER_SYNCED } from './recorderLine.ts';

/** What a record says about one stage of one object, before it is routed to an operation. */
export interface StageFinding {
  stage: StageId;
  status: 'done' | 'failed';
  reason: string | null;
}

/** One line, short enough for a table cell: the first line, without the preemption epilogue. */
export function oneLine(s: string): string {
  let line = s.split('\n', 1)[0]!.trim();
  const pre = line.indexOf(' preemption: ');
  if (pre > 0) line = line.slice(0, pre);
  return line.length > 300 ? `${line.slice(0, 297)}…` : line;
}

const done = (stage: StageId, reason: string | null = null): StageFinding => ({
  stage,
  status: 'done',
  reason,
});
const failed = (stage: StageId, reason: string): StageFinding => ({ stage, status: 'failed', reason });

/** Pod and Node Events (kubelet, scheduler, attach-detach controller). */
export function eventFinding(ev: KubeEvent): StageFinding | null {
  const msg = ev.message;
  switch (ev.reason) {
    case 'Scheduled':
      return done('pods-scheduled', oneLine(msg));
    case 'FailedScheduling':
      return failed('pods-scheduled', oneLine(msg));
    case 'SuccessfulMountVolume':
    case 'SuccessfulAttachVolume':
      return done('volumes-ready', oneLine(msg));
    case 'FailedMount':
    case 'FailedAttachVolume':
    case 'FailedMapVolume':
      return failed('volumes-ready', oneLine(msg));
    case 'Pulled':
      return done('images-pulled', oneLine(msg));
    case 'ErrImagePull':
    case 'ImagePullBackOff':
    case 'ErrImageNeverPull':
    case 'InspectFailed':
      return failed('images-pulled', oneLine(msg));
    case 'Started':
      return done('containers-started', oneLine(msg));
    case 'Killing':
      return done('containers-killed', oneLine(msg));
    case 'Unhealthy':
      if (/^(Readiness|Liveness|Startup) probe/.test(msg)) return failed('pods-ready', oneLine(msg));
      return null;
    case 'OOMKilling':
      return failed('pods-ready', oneLine(msg));
    case 'BackOff':
      if (/pulling image/i.test(msg)) return failed('images-pulled', oneLine(msg));
      return failed('pods-ready', oneLine(`CrashLoopBackOff: ${msg}`));
    case 'Failed':
      return failedEventFinding(msg);
    case 'NodeNotSchedulable':
      return done('node-cordoned', oneLine(msg));
    case 'ProgressDeadlineExceeded':
      return failed('deployment-available', oneLine(msg));
    case 'ReplicaSetCreateError':
      return failed('replicaset-created', oneLine(msg));
    default:
      // The node's kubelet refused the pod at admission (`OutOfcpu`, `TaintToleration`,
      // `NodeAffinity`…): it never runs there; the pod ends Failed and its controller makes another.
      if (isAdmissionRejection(ev.reason)) return failed('pods-scheduled', oneLine(msg));
      if (/ProgressDeadlineExceeded|exceeded its progress deadline/.test(msg))
        return failed('deployment-available', oneLine(msg));
      return null;
  }
}

/**
 * What an Event says about a stage, by the kind of object it is about: Jobs complete or fail,
 * claims get provisioned, nodes go (un)schedulable, controllers fail to create; the pod Events
 * (`eventFinding`) for the rest.
 */
export function eventFindingFor(kind: string, ev: KubeEvent): StageFinding | null {
  const msg = oneLine(ev.message);
  switch (`${kind} ${ev.reason}`) {
    case 'job Completed':
      return done('job-complete', msg);
    case 'job BackoffLimitExceeded':
    case 'job DeadlineExceeded':
    case 'job PodFailurePolicy':
      return failed('job-complete', msg);
    case 'cronjob SuccessfulCreate':
      return done('job-created', msg);
    case 'cronjob FailedCreate':
      return failed('job-created', msg);
    case 'persistentvolumeclaim ProvisioningSucceeded':
      return done('pvcs-bound', msg);
    case 'persistentvolumeclaim ProvisioningFailed':
    case 'persistentvolumeclaim FailedBinding':
      return failed('pvcs-bound', msg);
    case 'node NodeNotSchedulable':
      return done('node-cordoned', msg);
    case 'node NodeSchedulable':
      return done('node-uncordoned', msg);
    case 'statefulset FailedCreate':
    case 'daemonset FailedCreate':
    case 'job FailedCreate':
    case 'replicaset FailedCreate':
      return failed('pods-created', msg);
    case `replicaset ${CONTROLLER_SYNCED}`:
      return done('replicaset-created', msg);
    case 'daemonset FailedPlacement':
      return failed('pods-scheduled', msg);
    default:
      return eventFinding(ev);
  }
}

/** kubelet's `Failed` event covers pulls and container creation; the text says which. */
function failedEventFinding(msg: string): StageFinding | null {
  if (/pull|ErrImage|ImagePullBackOff|InvalidImageName/i.test(msg))
    return failed('images-pulled', oneLine(msg));
  if (
    /CreateContainerConfigError|CreateContainerError|RunContainerError|PreStartHookError|failed to (create|start) container/i.test(
      msg,
    )
  )
    return failed('containers-started', oneLine(msg));
  return failed('containers-started', oneLine(msg));
}

type LogRule = {
  test: (text: string) => boolean;
  make: (text: string, fields: Record<string, unknown> | null, err: string | null) => StageFinding | null;
};

const withErr = (text: string, err: string | null): string => (err ? `${text}: ${err}` : text);

/** Log-line rules, first match wins. Wording from kube-scheduler, kubelet, containerd and the controllers. */
/** What the printf form of a failed pod sync says before its error. */
const OLD_SYNC_PREFIX = /^Error syncing pod .*?\), skipping: /;
/** The printf form of a failed probe: its type and what it answered. */
const OLD_PROBE_FAILED = /^(Readiness|Liveness|Startup) probe for "[^"]*" failed \(failure\): (.*)$/s;

const LOG_RULES: LogRule[] = [
  {
    test: (t) => t.includes('Successfully bound pod to node'),
    make: (t) => done('pods-scheduled', oneLine(t)),
  },
  {
    test: (t) => t.includes('Unable to schedule pod') || t.includes('no fit'),
    make: (t, _f, err) => failed('pods-scheduled', oneLine(err ?? t)),
  },
  {
    test: (t) => t.includes('MountVolume.SetUp succeeded') || t.includes('MountVolume.MountDevice succeeded'),
    make: (t) => done('volumes-ready', oneLine(t)),
  },
  {
    test: (t) =>
      t.includes('MountVolume.SetUp failed') ||
      t.includes('Unable to attach or mount volumes') ||
      t.includes('AttachVolume.Attach failed'),
    make: (t, _f, err) => failed('volumes-ready', oneLine(withErr(t, err))),
  },
  {
    test: (t) =>
      /PullImage .*returns image reference|Successfully pulled image|already present on machine/.test(t),
    make: (t) => done('images-pulled', oneLine(t)),
  },
  {
    test: (t) =>
      /PullImage .*failed|Failed to pull image|ErrImagePull|ImagePullBackOff|Back-off pulling image/.test(t),
    make: (t, _f, err) => failed('images-pulled', oneLine(withErr(t, err))),
  },
  {
    // The kubelet's startup tracker: the pod is running with every container started.
    test: (t) =>
      /StartContainer for .* returns successfully/.test(t) || t.includes('Observed pod startup duration'),
    make: (t) => done('containers-started', oneLine(t)),
  },
  {
    // The pod worker's summary of a failed sync: its `err` says which stage failed.
    test: (t) => t.startsWith('Error syncing pod'),
    make: (t, _f, err) => {
      // The printf form (k8s <= 1.18) carries its error after `, skipping: `.
      const e = err ?? t.replace(OLD_SYNC_PREFIX, '');
      if (/ErrImagePull|ImagePullBackOff|ErrImageNeverPull|InvalidImageName/.test(e))
        return failed('images-pulled', oneLine(e));
      if (/CreateContainerConfigError|CreateContainerError|RunContainerError/.test(e))
        return failed('containers-started', oneLine(e));
      if (/CrashLoopBackOff/.test(e)) return failed('pods-ready', oneLine(e));
      return null;
    },
  },
  {
    test: (t) => /CreateContainerConfigError|CreateContainerError|RunContainerError/.test(t),
    make: (t, _f, err) => failed('containers-started', oneLine(err ?? t)),
  },
  {
    test: (t) => t.includes('CrashLoopBackOff') || t.includes('Back-off restarting failed container'),
    make: (t, _f, err) => failed('pods-ready', oneLine(err ?? t)),
  },
  {
    test: (t) => t.includes('SyncLoop (probe)'),
    make: (t, f) =>
      f?.['probe'] === 'readiness' && f['status'] === 'ready' ? done('pods-ready', oneLine(t)) : null,
  },
  {
    // The printf form (k8s <= 1.18): `Readiness probe for "web-…_shop(<uid>):web" failed (failure): …`.
    test: (t) => OLD_PROBE_FAILED.test(t),
    make: (t) => {
      const m = OLD_PROBE_FAILED.exec(t);
      return m ? failed('pods-ready', oneLine(`${m[1]!} probe failed: ${m[2]!}`)) : null;
    },
  },
  {
    test: (t) => t.includes('Probe failed'),
    make: (t, f) => {
      const type = typeof f?.['probeType'] === 'string' ? f['probeType'] : '';
      if (!/Readiness|Liveness|Startup/i.test(type + t)) return null;
      const output = typeof f?.['output'] === 'string' ? f['output'] : null;
      return failed('pods-ready', oneLine(output ? `${type || 'Probe'} probe failed: ${output}` : t));
    },
  },
  {
    test: (t) =>
      t.includes('Killing container with a grace period') ||
      /StopContainer for .* returns successfully/.test(t),
    make: (t) => done('containers-killed', oneLine(t)),
  },
  { test: (t) => t.includes('SyncLoop REMOVE'), make: (t) => done('pods-terminated', oneLine(t)) },
  {
    test: (t) => /ProgressDeadlineExceeded|exceeded its progress deadline/.test(t),
    make: (t) => failed('deployment-available', oneLine(t)),
  },
];

/** Which rule a message matches; cached, since structured messages repeat (bounded for printf text). */
const ruleCache = new Map<string, number>();
const RULE_CACHE_MAX = 20_000;

/**
 * Log lines from the scheduler, kubelet, containerd and the controller manager. Only called for
 * lines that name a known object, and the rule choice is cached per message text.
 */
export function logFinding(text: string, fields: Record<string, unknown> | null): StageFinding | null {
  let idx = ruleCache.get(text);
  if (idx === undefined) {
    idx = LOG_RULES.findIndex((r) => r.test(text));
    if (ruleCache.size < RULE_CACHE_MAX) ruleCache.set(text, idx);
  }
  if (idx < 0) return null;
  const err = typeof fields?.['err'] === 'string' ? fields['err'] : null;
  return LOG_RULES[idx]!.make(text, fields, err);
}

/** Stages a kubelet pod-status update tells, when the audit level kept the body. */
export function podStatusFindings(body: Record<string, unknown> | null): StageFinding[] {
  const status = asObj(body?.['status']);
  if (!status) return [];
  const out: StageFinding[] = [];
  const conditions = status['conditions'];
  if (Array.isArray(conditions)) {
    for (const c of conditions) {
      const o = asObj(c);
      if (o?.['type'] === 'Ready' && o['status'] === 'True')
        out.push(done('pods-ready', 'Ready condition true'));
    }
  }
  const statuses = status['containerStatuses'];
  if (Array.isArray(statuses)) {
    for (const cs of statuses) {
      const waiting = asObj(asObj(asObj(cs)?.['state'])?.['waiting']);
      const reason = typeof waiting?.['reason'] === 'string' ? waiting['reason'] : null;
      if (!reason) continue;
      const msg = typeof waiting?.['message'] === 'string' ? `${reason}: ${waiting['message']}` : reason;
      if (/ErrImagePull|ImagePullBackOff|InvalidImageName|ErrImageNeverPull/.test(reason))
        out.push(failed('images-pulled', oneLine(msg)));
      else if (/CreateContainer|RunContainerError/.test(reason))
        out.push(failed('containers-started', oneLine(msg)));
      else if (reason === 'CrashLoopBackOff') out.push(failed('pods-ready', oneLine(msg)));
    }
  }
  return out;
}

/** Deployment status conditions (Available, Progressing) from a status update body. */
export function deploymentStatusFinding(body: Record<string, unknown> | null): StageFinding | null {
  const status = asObj(body?.['status']);
  const conditions = status?.['conditions'];
  if (!Array.isArray(conditions)) return null;
  let available = false;
  for (const c of conditions) {
    const o = asObj(c);
    if (o?.['type'] === 'Progressing' && o['reason'] === 'ProgressDeadlineExceeded')
      return failed(
        'deployment-available',
        oneLine(typeof o['message'] === 'string' ? o['message'] : 'ProgressDeadlineExceeded'),
      );
    if (o?.['type'] === 'Available' && o['status'] === 'True') available = true;
  }
  const spec = asObj(body?.['spec']);
  const want = typeof spec?.['replicas'] === 'number' ? spec['replicas'] : null;
  const have = typeof status?.['availableReplicas'] === 'number' ? status['availableReplicas'] : 0;
  if (available && (want === null || have >= want))
    return done('deployment-available', 'Available condition true');
  return null;
}

const asObj = (v: unknown): Record<string, unknown> | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

/** Reasons of a kubelet's admission failure (`lifecycle/predicate.go`): the pod is rejected. */
const ADMISSION_RE =
  /^(OutOf[a-z-]+|NodeAffinity|NodeName|TaintToleration|NodeSelectorMismatching|UnexpectedAdmissionError|NodePorts|InvalidNodeInfo|NodeShutdown|PodOSNotSupported|PodOSSelectorNodeLabelDoesNotMatch)$/;

export const isAdmissionRejection = (reason: string): boolean => ADMISSION_RE.test(reason);

/**
 * Events after which a pod is gone or will never run: rejected at admission, evicted, marked for
 * deletion by the taint manager. Such pods no longer count among an operation's pods.
 */
export function endsPod(reason: string): boolean {
  return (
    isAdmissionRejection(reason) ||
    reason === 'Evicted' ||
    reason === 'TaintManagerEviction' ||
    reason === 'Preempted'
  );
}
