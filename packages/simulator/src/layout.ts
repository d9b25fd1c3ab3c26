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
