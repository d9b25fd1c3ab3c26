/**
 * Jobs and CronJob runs. `pkg/controller/job` creates the pods through the shared pod control
 * (`SuccessfulCreate` `Created pod: %v`, source `job-controller`), tracks them with the
 * `batch.kubernetes.io/job-tracking` finalizer, removes it once a pod has finished, and records
 * `Completed` `Job completed`. `pkg/controller/cronjob/cronjob_controllerv2.go` creates
 * `<cronjob>-<scheduled time in minutes since the epoch>` (`SuccessfulCreate` `Created job %v`),
 * then `SawCompletedJob` `Saw completed job: %s, status: %v`, and trims the history
 * (`SuccessfulDelete` `Deleted job %v`).
 */
import { rfc3339Sec } from '../clock.ts';
import type { Epoch, InvolvedObject } from '../epoch.ts';
import { create, RES, update } from './kubectl.ts';
import type { OwnerRef, Pod, Workload } from './objects.ts';
import { makeWorkload, podBody, workloadBody } from './objects.ts';
import type { StartOptions } from './workload.ts';
import { kubeletStartsPod, schedulePod } from './workload.ts';

const MS = 1000;

export const jobRef = (w: Workload): InvolvedObject => ({
  kind: 'Job',
  namespace: w.ns,
  name: w.name,
  uid: w.uid,
  apiVersion: 'batch/v1',
});
export const cronJobRef = (w: Workload): InvolvedObject => ({
  kind: 'CronJob',
  namespace: w.ns,
  name: w.name,
  uid: w.uid,
  apiVersion: 'batch/v1',
});

export function jobSpec(w: Workload, completions: number): Record<string, unknown> {
  return {
    parallelism: 1,
    completions,
    backoffLimit: 6,
    selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': w.uid } },
    manualSelector: false,
    completionMode: 'NonIndexed',
    suspend: false,
    podReplacementPolicy: 'TerminatingOrFailed',
  };
}

/** A Job object `w` (restartPolicy Never, no readiness probe). */
export function makeJob(
  ep: Epoch,
  o: { ns: string; name: string; image: string; container: string; createdUs: number },
): Workload {
  const w = makeWorkload(ep.rng, { ...o, replicas: 1, readinessPath: null });
  w.uid = ep.uid(o.createdUs);
  w.restartPolicy = 'Never';
  w.labels = {
    'batch.kubernetes.io/controller-uid': w.uid,
    'batch.kubernetes.io/job-name': w.name,
    'controller-uid': w.uid,
    'job-name': w.name,
  };
  return w;
}

function jobPod(ep: Epoch, w: Workload, t: number): Pod {
  return {
    w,
    name: `${w.name}-${ep.rng.k8s(5)}`,
    uid: ep.uid(t),
    node: null,
    ip: '',
    tokenVolume: `kube-api-access-${ep.rng.k8s(5)}`,
    sandbox: ep.rng.hex(64),
    containerId: '',
    createdUs: t,
    restarts: 0,
    owner: { apiVersion: 'batch/v1', kind: 'Job', name: w.name, uid: w.uid },
    generateName: `${w.name}-`,
    labels: w.labels,
  };
}

export interface JobRun {
  /** When the Job was complete (its status written), null if not before the logs end. */
  doneUs: number | null;
  pod: Pod;
}

/**
 * The job controller runs one pod to completion: create, bind, run for `runsForUs`, remove the
 * tracking finalizer, write `Complete`, record `Completed`.
 */
export function runJob(
  ep: Epoch,
  op: number,
  w: Workload,
  t: number,
  node: string,
  runsForUs: number,
  app: (startedUs: number, p: Pod) => void,
): JobRun {
  const jc = ep.cluster.actors.controller('job-controller');
  const p = jobPod(ep, w, t);
  const body = (rv: string | null, phase: string | null): unknown => {
    const b = podBody(p, rv, phase ? { phase, qosClass: 'BestEffort' } : {}) as {
      metadata: Record<string, unknown>;
    };
    b.metadata.finalizers = ['batch.kubernetes.io/job-tracking'];
    return b;
  };
  const c = create(
    ep,
    op,
    jc,
    RES.pods,
    w.ns,
    p.name,
    t,
    body(null, null),
    body(ep.nextRv(), 'Pending'),
    null,
  );
  p.createdUs = c.doneUs;
  ep.event({
    us: c.doneUs + 300,
    obj: jobRef(w),
    type: 'Normal',
    reason: 'SuccessfulCreate',
    message: `Created pod: ${p.name}`,
    source: 'job-controller',
    op,
  });
  const status = (active: number, ready: number, succeeded: number, at: number, done: boolean): unknown =>
    workloadBody('Job', 'batch/v1', w, ep.nextRv(), jobSpec(w, 1), {
      ...(done
        ? {
            conditions: [
              {
                type: 'Complete',
                status: 'True',
                lastProbeTime: rfc3339Sec(at),
                lastTransitionTime: rfc3339Sec(at),
              },
            ],
            completionTime: rfc3339Sec(at),
          }
        : {}),
      startTime: rfc3339Sec(t),
      ...(active ? { active } : {}),
      ...(succeeded ? { succeeded } : {}),
      terminating: 0,
      ready,
      uncountedTerminatedPods: {},
    });
  update(
    ep,
    op,
    jc,
    RES.jobs,
    w.ns,
    w.name,
    w.uid,
    c.doneUs + ep.rng.int(3_000, 9_999),
    status(1, 0, 0, t, false),
    'status',
  );
  const bound = schedulePod(ep, p, op, c.doneUs + ep.rng.int(2_000, 9_999), node);
  if (bound === null) return { doneUs: null, pod: p };
  const start: StartOptions = { runsForUs, app: (s) => app(s, p) };
  const finished = kubeletStartsPod(ep, p, op, bound, null, start);
  if (finished === null) return { doneUs: null, pod: p };
  // The finished pod is counted, its finalizer removed, the Job completed.
  const f = finished + ep.rng.int(5_000, 30_999);
  ep.api({
    us: f,
    actor: jc,
    verb: 'patch',
    method: 'PATCH',
    uri: `/api/v1/namespaces/${w.ns}/pods/${p.name}`,
    objectRef: { resource: 'pods', namespace: w.ns, name: p.name, apiVersion: 'v1' },
    code: 200,
    requestObject: {
      metadata: { $deleteFromPrimitiveList: { finalizers: ['batch.kubernetes.io/job-tracking'] } },
    },
    responseObject: podBody(p, ep.nextRv(), { phase: 'Succeeded' }),
    op,
  });
  const st = update(
    ep,
    op,
    jc,
    RES.jobs,
    w.ns,
    w.name,
    w.uid,
    f + ep.rng.int(3_000, 9_999),
    status(0, 0, 1, f, true),
    'status',
  );
  ep.event({
    us: st.doneUs + 300,
    obj: jobRef(w),
    type: 'Normal',
    reason: 'Completed',
    message: 'Job completed',
    source: 'job-controller',
    op,
  });
  return { doneUs: st.doneUs + 1 * MS, pod: p };
}

/** `getTimeHashInMinutes`: the scheduled time in minutes since the Unix epoch. */
export const minutesOf = (us: number): number => Math.floor(us / 60_000_000);

/** The cronjob controller creates `<cronjob>-<minutes>` for the schedule time `at`. Returns the Job. */
export function cronJobCreatesJob(
  ep: Epoch,
  op: number,
  cj: Workload,
  at: number,
  image: string,
  container: string,
): { job: Workload; doneUs: number; auditId: string } {
  const cc = ep.cluster.actors.controller('cronjob-controller');
  const name = `${cj.name}-${minutesOf(at)}`;
  const job = makeJob(ep, { ns: cj.ns, name, image, container, createdUs: at });
  const owner: OwnerRef = { apiVersion: 'batch/v1', kind: 'CronJob', name: cj.name, uid: cj.uid };
  const c = create(
    ep,
    op,
    cc,
    RES.jobs,
    cj.ns,
    name,
    at,
    workloadBody('Job', 'batch/v1', job, null, jobSpec(job, 1), null, owner),
    workloadBody('Job', 'batch/v1', job, ep.nextRv(), jobSpec(job, 1), null, owner),
    null,
  );
  ep.event({
    us: c.doneUs + 300,
    obj: cronJobRef(cj),
    type: 'Normal',
    reason: 'SuccessfulCreate',
    message: `Created job ${name}`,
    source: 'cronjob-controller',
    op,
  });
  update(
    ep,
    op,
    cc,
    RES.cronjobs,
    cj.ns,
    cj.name,
    cj.uid,
    c.doneUs + ep.rng.int(2_000, 8_999),
    cronJobBody(ep, cj, {
      active: [{ kind: 'Job', namespace: cj.ns, name, uid: job.uid, apiVersion: 'batch/v1' }],
      lastScheduleTime: rfc3339Sec(at),
    }),
    'status',
  );
  return { job, doneUs: c.doneUs, auditId: c.auditId };
}

export function cronJobBody(ep: Epoch, cj: Workload, status: Record<string, unknown>): unknown {
  return workloadBody(
    'CronJob',
    'batch/v1',
    cj,
    ep.nextRv(),
    {
      schedule: '*/1 * * * *',
      concurrencyPolicy: 'Forbid',
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      jobTemplate: {
        metadata: { creationTimestamp: null },
        spec: { template: { spec: { restartPolicy: 'Never' } } },
      },
    },
    status,
  );
}
