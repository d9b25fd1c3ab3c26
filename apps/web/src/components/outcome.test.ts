import { describe, expect, it } from 'vitest';
import type { Target } from '@kubetrail/model';
import { outcomeView } from './outcome';

const target = (over: Partial<Target>): Target => ({
  verb: 'create',
  resource: 'deployments',
  namespace: 'shop',
  name: 'web',
  uid: null,
  operation: 'create-deployment',
  outcome: 'complete',
  stages: [],
  stoppedAt: null,
  ...over,
});

describe('outcomeView', () => {
  it('names the stage a failed request stopped at', () => {
    const v = outcomeView({
      outcome: 'failed',
      code: 201,
      targets: [
        target({}),
        target({
          outcome: 'failed',
          stoppedAt: {
            stage: 'pods-scheduled',
            component: 'kube-scheduler',
            reason: '0/3 nodes',
            recordId: 4,
          },
        }),
      ],
    });
    expect(v).toEqual({ outcome: 'failed', label: 'stopped at Pods scheduled', tone: 'bad' });
  });
  it('labels complete, rejected and incomplete', () => {
    expect(outcomeView({ outcome: 'complete', code: 201, targets: [] }).label).toBe('complete');
    expect(outcomeView({ outcome: 'rejected', code: 403, targets: [] }).label).toBe('rejected (403)');
    expect(outcomeView({ outcome: 'incomplete', code: null, targets: [] }).tone).toBe('warn');
  });
});
