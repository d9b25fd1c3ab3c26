/**
 * Where the generated files go. The simulator writes a `kind export logs` tree; other collections
 * keep only some of its files, under their own names:
 *
 * - `events-only`: the Kivi k8s-failure-reproduction collections (a `kubectl get events -o json`
 *   dump, `journalctl -u kubelet` per node and the kube-scheduler's log, each a `.log.txt` named
 *   after the collection's end): `<stamp>-events.log.txt`, `<stamp>-kubelet-<node>.log.txt`,
 *   `<stamp>-scheduler.log.txt` (plain klog, no CRI wrapper). No audit log, API server,
 *   controller manager, container runtime or pod logs.
 * - `no-events-json`: no `cluster/events.json` (a bare `kind export logs`, which holds no Events).
 * - `default-verbosity`: the components as kind ≥ 1.29 runs them (`defaultVerbosityKeeps`).
 */
import { EVENTS_PATH } from './epoch.ts';

/** Where one generated file lands, and whether its CRI wrapper is taken off every line. */
export interface Placement {
  path: string;
  component: string;
  node: string | null;
  unwrapCri: boolean;
}

/** Maps a generated file (its kind-layout path, component and node) to the bundle's, or null: not kept. */
export type Layout = (path: string, component: string, node: string | null) => Placement | null;

export const kindLayout: Layout = (path, component, node) => ({ path, component, node, unwrapCri: false });

/** The Kivi collection layout; `stamp` is `YYYY-MM-DDTHH:MM:SS` (the collection's end). */
export function eventsOnlyLayout(stamp: string): Layout {
  return (path, component, node) => {
    if (path === EVENTS_PATH) return { path: `${stamp}-events.log.txt`, component, node, unwrapCri: false };
    if (component === 'kubelet' && node !== null && path === `${node}/kubelet.log`)
      return { path: `${stamp}-kubelet-${node}.log.txt`, component, node, unwrapCri: false };
    if (component === 'kube-scheduler' && path.includes('/pods/kube-system_kube-scheduler-'))
      // Nothing in the file names the node it ran on.
      return { path: `${stamp}-scheduler.log.txt`, component, node: null, unwrapCri: true };
    return null;
  };
}

/** `layout` without the Events list. */
export const withoutEvents =
  (layout: Layout): Layout =>
  (path, component, node) =>
    path === EVENTS_PATH ? null : layout(path, component, node);

/** The component's own line inside a CRI log line (`<RFC3339Nano> stderr F <line>`). */
export const unwrapCri = (line: string): string => line.replace(/^\S+ (?:stdout|stderr) [FP] /, '');

/** `2024-06-10T11:40:00` for µs `us` (UTC): how Kivi's collections stamp their file names. */
export const fileStamp = (us: number): string => new Date(Math.floor(us / 1000)).toISOString().slice(0, 19);

/** `I0610 11:35:04.250499     388 kubelet.go:2434] "SyncLoop ADD" …`: severity and message of a klog line. */
const KLOG_RE = /([IWEF])\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ [^\]\s]+\] (.*)$/;

/** The kubelet's info lines at `-v=0`: what a real kind v1.32 `kubelet.log` holds for its pods. */
const KUBELET_V0 = [
  '"operationExecutor.VerifyControllerAttachedVolume started',
  '"Observed pod startup duration"',
  '"Creating a mirror pod for static pod"',
];

/**
 * Whether a generated line is written when the components run at their default verbosity, as
 * kind ≥ 1.29 runs them (a real kind v1.32 export has none of the rest): the kubelet keeps its
 * warnings and errors (`Error syncing pod`, failed mounts, probes) and, of its info lines, the
 * volume checks and pod startups (no `SyncLoop ADD`, mounts, PLEG events, kills at V(2)); the
 * scheduler logs no binds and no `no fit` (V(2)); the API server no httplog `"HTTP"` lines (V(3)).
 * containerd logs at info and keeps everything; lines of other shapes (JSON logging) are kept.
 */
export function defaultVerbosityKeeps(component: string, line: string): boolean {
  if (component !== 'kubelet' && component !== 'kube-scheduler' && component !== 'kube-apiserver')
    return true;
  const m = KLOG_RE.exec(line);
  if (!m) return true;
  if (m[1] !== 'I') return true;
  const msg = m[2]!;
  if (component === 'kubelet') return KUBELET_V0.some((k) => msg.startsWith(k));
  if (component === 'kube-scheduler')
    return !msg.startsWith('"Successfully bound pod to node"') && !msg.startsWith('"Unable to schedule pod');
  return !msg.startsWith('"HTTP"');
}
