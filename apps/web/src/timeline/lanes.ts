import type { Lane } from '@kubetrail/model';

/**
 * A lane's label in two lines: what it is (the controller, or the component) and where (its node,
 * or its parent component), e.g. `kubelet` / `kind-worker2`, `replicaset-controller` /
 * `kube-controller-manager`.
 */
export function laneText(lane: Lane | undefined, fallback: string): { main: string; sub: string } {
  if (!lane) return { main: fallback, sub: '' };
  if (lane.sub) return { main: lane.sub, sub: [lane.component, lane.node].filter(Boolean).join(' · ') };
  if (lane.node) return { main: lane.component, sub: lane.node };
  return { main: lane.label || lane.component, sub: '' };
}
