import type { Stage } from '@kubetrail/model';
import type { Op } from '../operation.ts';
import {
  apiStage,
  backfill,
  createdPods,
  JOB_POD_PIPELINE,
  podStages,
  settledStage,
  stage,
  targetStage,
} from '../stages.ts';
import type { OperationSpec } from './spec.ts';
import { otherPodsSeen, podFirstSeen } from './spec.ts';

const POD_STAGES = JOB_POD_PIPELINE;

/** Job ladders: its pods run to completion, the Job complete (`job-created` first for a CronJob run). */
export function jobLadder(op: Op, created: 'api' | 'job'): Stage[] {
  const pods = createdPods(op);
  const expected = op.desired ?? Math.max(pods.length, 1);
  const stages: Stage[] = [];
  if (created === 'api') stages.push(apiStage(op));
  else {
    const c = targetStage(op, 'job-created');
    stages.push(c.status === 'pending' && op.target !== null ? stage('job-created', 'done') : c);
  }
  stages.push(...podStages(op, pods, expected, POD_STAGES, POD_STAGES));
  stages.push(settledStage(op, 'job-complete', stages.at(-1), 'implied by its pods succeeding'));
  backfill(stages);
  return stages;
}

/**
 * create Job: pods `<job>-<5 random>` run to completion (completions), the Job `Complete`. Without
 * an audit log it starts when the Job controller creates the first pod of a Job no CronJob owns.
 */
export const createJob: OperationSpec = {
  operation: 'create-job',
  kind: 'job',
  verb: 'create',
  resource: 'jobs',
  owns: [{ kind: 'pod', name: '<job>-<5 random>' }],
  stages: ['api-accepted', ...POD_STAGES, 'job-complete'],
  startsOnCall: (c) =>
    c.resource === 'jobs' &&
    !c.subresource &&
    (c.verb === 'create' || (c.verb === 'patch' && c.code === 201)),
  startsOnFact: (f) =>
    (f.ev.reason === 'SuccessfulCreate' &&
      f.child?.kind === 'pod' &&
      f.childNew &&
      f.root.owner?.kind !== 'cronjob' &&
      !f.root.children.some((c) => c !== f.child && c.kind === 'pod')) ||
    // Seen only on its node: its first pod.
    (podFirstSeen(f) &&
      f.root.kind === 'job' &&
      f.root.owner?.kind !== 'cronjob' &&
      !otherPodsSeen(f.root, f.obj)),
  startsOnCreation: (obj) => (obj.kind === 'job' && obj.owner?.kind !== 'cronjob' ? obj : null),
  ladder: (op) => jobLadder(op, 'api'),
};
