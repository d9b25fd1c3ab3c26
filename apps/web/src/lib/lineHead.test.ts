import { describe, expect, it } from 'vitest';
import { lineHeadLength } from './lineHead';

const rest = (raw: string) => raw.slice(lineHeadLength(raw));

describe('lineHeadLength', () => {
  it('skips a journald prefix and the klog header, keeping the caller', () => {
    expect(
      rest(
        'Oct 14 10:02:11 minikube kubelet[2477]: I1014 10:02:11.601233    2477 reconciler_common.go:251] "operationExecutor…"',
      ),
    ).toBe('reconciler_common.go:251] "operationExecutor…"');
  });

  it('skips a CRI prefix before a klog header', () => {
    expect(
      rest(
        '2024-06-10T11:35:40.244334567Z stderr F E0610 11:35:40.244334       1 replica_set.go:560] "Too few replicas"',
      ),
    ).toBe('replica_set.go:560] "Too few replicas"');
  });

  it('skips a journald prefix before other text, and leaves lines with no head alone', () => {
    expect(
      rest('Mar 21 14:51:45 kind-control-plane containerd[178]: time="2025-03-21T14:51:45Z" level=info'),
    ).toBe('time="2025-03-21T14:51:45Z" level=info');
    for (const raw of ['{"kind":"Event","apiVersion":"audit.k8s.io/v1"}', 'plain text', ''])
      expect(rest(raw)).toBe(raw);
    // A line that only looks like a head somewhere in its middle keeps it.
    expect(lineHeadLength('text then I1014 10:02:11.601233    2477 x.go:1] y')).toBe(0);
  });
});
