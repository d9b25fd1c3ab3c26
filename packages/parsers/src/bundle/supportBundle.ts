import { COMPONENTS } from '@kubetrail/model';
import type { PathHints } from './types.ts';

/**
 * Paths of a Replicated troubleshoot support bundle:
 * - `cluster-resources/<resource>/<namespace>.json` and `cluster-resources/<resource>.json`: API
 *   lists (pods, deployments, events, nodes, pvcs, pvs…) → state records and Events;
 * - `cluster-resources/pods/logs/<namespace>/<pod>/<container>[-previous].log`: `kubectl logs`
 *   output (no timestamps of its own);
 * - `all-logs/…`, `<name>.log` at the top: symlinks to those logs;
 * - `version.yaml`, `analysis.json`, `cluster-info/`, `cluster-resources/auth-cani-list/`…: documents.
 * Null when the path is not one of these.
 */
export function supportBundleHints(
  dirs: readonly string[],
  fileName: string,
  base: PathHints,
): PathHints | null {
  const cr = dirs.indexOf('cluster-resources');
  if (cr < 0) return null;
  const h: PathHints = { ...base, layout: 'support-bundle' };
  const rest = dirs.slice(cr + 1);
  const stem = fileName.replace(/\.(json|ya?ml)$/i, '');
  // cluster-resources/pods/logs/<ns>/<pod>/<container>[-previous].log
  if (rest[0] === 'pods' && rest[1] === 'logs' && rest.length === 4 && /\.log$/.test(fileName)) {
    const namespace = rest[2] as string;
    const pod = rest[3] as string;
    const container = fileName.replace(/\.log$/, '').replace(/-previous$/, '');
    h.pod = { namespace, name: pod, uid: null };
    h.container = container;
    h.component = container;
    h.previous = /-previous\.log$/.test(fileName);
    return h;
  }
  const resource = (rest.length === 0 ? stem : (rest[0] as string)).toLowerCase();
  if (resource === 'events') {
    h.content = 'events';
    h.component = COMPONENTS.events;
    h.resource = 'events';
    return h;
  }
  if (/\.json$/i.test(fileName)) {
    h.content = 'k8s-objects';
    h.resource =
      resource === 'pvcs' ? 'persistentvolumeclaims' : resource === 'pvs' ? 'persistentvolumes' : resource;
    return h;
  }
  h.content = 'document';
  return h;
}

/**
 * Paths of a `microk8s inspect` report: `inspection-report/snap.microk8s.daemon-<name>/journal.log`
 * (kubelite holds kubelet, scheduler, controller-manager, apiserver and proxy in one process; its
 * lines split by klog caller), `systemctl.log`, `k8s/cluster-info-dump` (a single-stream dump),
 * `args/`, `sys/`, `network/`: documents.
 */
export function microk8sHints(dirs: readonly string[], fileName: string, base: PathHints): PathHints | null {
  const at = dirs.indexOf('inspection-report');
  if (at < 0) return null;
  const h: PathHints = { ...base, layout: 'microk8s' };
  const sub = dirs[at + 1] ?? '';
  const daemon = /^snap\.microk8s\.daemon-(.+)$/.exec(sub);
  if (daemon) {
    if (fileName === 'journal.log') {
      const name = daemon[1] as string;
      h.content = 'journal';
      h.component = name === 'containerd' ? COMPONENTS.runtime : name === 'kubelite' ? KUBELITE : name;
      return h;
    }
    h.content = 'document';
    return h;
  }
  if (sub === 'k8s') return h;
  h.content = 'document';
  return h;
}

/** The microk8s unit holding every control-plane component; its lines take their caller's component. */
export const KUBELITE = 'kubelite';
