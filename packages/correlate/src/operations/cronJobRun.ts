import { jobLadder } from './createJob.ts';
import type { OperationSpec } from './spec.ts';
import { podFirstSeen } from './spec.ts';

/**
 * A CronJob run: on schedule the CronJob controller creates Job `<cronjob>-<minutes since epoch>`,
 * whose pods run to completion. Starts on the CronJob's `SuccessfulCreate: Created job x` (or the
 * controller's create call); its target is the Job.
 */
export const cronJobRun: OperationSpec = {
  operation: 'cronjob-run',
  kind: 'job',
  verb: 'create',
  resource: 'jobs',
  owns: [
    { kind: 'job', name: '<cronjob>-<scheduled time in minutes since the epoch>' },
    { kind: 'pod', name: '<job>-<5 random>' },
  ],
  stages: [
    'job-created',
    'pods-created',
    'pods-scheduled',
    'volumes-ready',
    'images-pulled',
    'containers-started',
    'pods-succeeded',
    'job-complete',
  ],
  startsOnFact: (f) =>
    (f.obj.kind === 'cronjob' &&
      f.ev.reason === 'SuccessfulCreate' &&
      f.child?.kind === 'job' &&
      f.childNew) ||
    // Seen only on its node: the run's pod (`<cronjob>-<minutes>-<5>`).
    (podFirstSeen(f) && f.root.kind === 'job' && f.root.owner?.kind === 'cronjob'),
  startsOnCreation: (obj) => (obj.kind === 'job' && obj.owner?.kind === 'cronjob' ? obj : null),
  ladder: (op) => jobLadder(op, 'job'),
};
