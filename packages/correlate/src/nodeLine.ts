import type { StoredRecord } from '@kubetrail/model';
import { parseRfc3339Ns } from '@kubetrail/model';
import type { KubeEvent } from './kubeEvent.ts';

/**
 * Reasons of the facts `nodeFacts` makes from the scheduler's, kubelet's and container runtime's
 * own lines (not Kubernetes Event reasons): a pod seen where it runs. A bundle with no audit log,
 * no Event objects and a controller manager that logs no Events (kind ≥ 1.29 at default verbosity)
 * still holds these for every pod.
 */
export const POD_BOUND = 'kubetrail:PodBound';
export const POD_UNSCHEDULABLE = 'kubetrail:PodUnschedulable';
export const POD_ADMITTED = 'kubetrail:PodAdmitted';
export const POD_VOLUMES = 'kubetrail:PodVolumes';
export const POD_SANDBOX = 'kubetrail:PodSandbox';
export const POD_STARTED = 'kubetrail:PodStarted';
export const POD_SYNC_FAILED = 'kubetrail:PodSyncFailed';
/** A sandbox made again (`Attempt:1`…), a startup of a pod created long before: not a new pod. */
export const POD_SANDBOX_AGAIN = 'kubetrail:PodSandboxAgain';
export const POD_RUNNING = 'kubetrail:PodRunning';
/**
 * Not read from a line: a pod its node only ever saw failing (its volumes checked, its sync failing)
 * that nothing else explains by the bundle's end — made by `Inference.finish` from its first
 * sighting. A pod that never starts leaves no other sign of its creation at default verbosity.
 */
export const POD_FAILING = 'kubetrail:PodFailing';

/**
 * The reasons that show a pod was just created: the scheduler places a pod once, the runtime
 * makes its first sandbox (`Attempt:0`) once, the kubelet admits a single new pod from the API,
 * and reports its startup soon after its creation. A kubelet that restarts verifies the volumes of
 * every pod it runs, and pods fail to sync for hours: those lines only join a pod to the operation
 * that holds it.
 */
export const NEW_POD_REASONS: ReadonlySet<string> = new Set([
  POD_BOUND,
  POD_UNSCHEDULABLE,
  POD_ADMITTED,
  POD_SANDBOX,
  POD_STARTED,
  POD_FAILING,
]);

/** Every reason `nodeFact` gives. */
export const NODE_FACT_REASONS: ReadonlySet<string> = new Set([
  ...NEW_POD_REASONS,
  POD_VOLUMES,
  POD_SYNC_FAILED,
  POD_SANDBOX_AGAIN,
  POD_RUNNING,
]);

/** A startup reported this long after the pod's creation is a kubelet catching up, not a new pod. */
const NEW_POD_NS = 10n * 60n * 1_000_000_000n;

/** Components whose lines `nodeFacts` reads (the first pass asks the store for them). */
export const NODE_COMPONENTS: readonly string[] = ['kube-scheduler', 'kubelet', 'containerd'];

/** The kubelet's printf form of a failed sync: its pod's UID, name and namespace. */
const OLD_SYNC_ERROR_RE = /^Error syncing pod ([0-9a-f-]{36}) \("([^"_()]+)_([^"_()]+)\(/;

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * containerd's `RunPodSandbox for &PodSandboxMetadata{Name:web-7d4b9c5f6-abcde,Uid:5f0c…,
 * Namespace:shop,Attempt:0,}` (and its `… returns sandbox id "…"`): the runtime starting a pod.
 */
const SANDBOX_RE = /^RunPod[Ss]andbox for &PodSandboxMetadata\{Name:([^,]+),Uid:([^,]*),Namespace:([^,]+),/;

function podFact(
  rec: StoredRecord,
  reason: string,
  pod: string,
  uid: string | null,
  host: string | null,
  createdNs: bigint | null = null,
): KubeEvent | null {
  const slash = pod.indexOf('/');
  if (slash <= 0 || slash === pod.length - 1) return null;
  const namespace = pod.slice(0, slash);
  const name = pod.slice(slash + 1);
  return {
    reason,
    message: `pod ${namespace}/${name} seen${host !== null ? ` on ${host}` : ''} (${rec.component}: ${rec.message})`,
    type: 'Normal',
    kind: 'Pod',
    namespace,
    name,
    uid,
    component: rec.component,
    host,
    // A startup line names the pod's creation: the operation began then, not when it ran.
    firstTs: createdNs !== null && rec.ts !== null && createdNs < rec.ts ? createdNs : rec.ts,
  };
}

/**
 * What a scheduler, kubelet or container-runtime line says about a pod's existence: the scheduler
 * bound it (`"Successfully bound pod to node" pod="shop/web-…" node="kind-worker"`) or found no
 * node for it (`"Unable to schedule pod; no fit; waiting"`), the kubelet admitted it (`SyncLoop ADD`
 * of one pod from the API or a manifest), verified its volumes, saw it start (`"Observed pod startup
 * duration"`) or failed to sync it (`"Error syncing pod, skipping"`), the runtime started its
 * sandbox. Null for any other line. These facts put the pod in the object graph and may start the
 * operation that made it (the registry's specs decide); the stage evidence in the same lines is
 * read by the log pass, as for any line.
 */
export function nodeFact(rec: StoredRecord): KubeEvent | null {
  const msg = rec.message;
  const f = rec.fields;
  switch (rec.component) {
    case 'kube-scheduler': {
      const pod = str(f?.['pod']);
      if (pod === null) return null;
      if (msg === 'Successfully bound pod to node')
        return podFact(rec, POD_BOUND, pod, null, str(f?.['node']));
      if (msg.startsWith('Unable to schedule pod')) return podFact(rec, POD_UNSCHEDULABLE, pod, null, null);
      return null;
    }
    case 'kubelet': {
      if (msg === 'SyncLoop ADD') {
        // A kubelet (re)starting adds every pod it already runs in one line: those are not new.
        const pods = f?.['pods'];
        const one = Array.isArray(pods) && pods.length === 1 ? str(pods[0]) : str(pods);
        return one !== null && !one.startsWith('[') ? podFact(rec, POD_ADMITTED, one, null, rec.node) : null;
      }
      const pod = str(f?.['pod']);
      if (pod === null) {
        // Before structured logging (k8s <= 1.18): `Error syncing pod <uid> ("web-…_shop(<uid>)"), skipping: …`.
        const old = OLD_SYNC_ERROR_RE.exec(msg);
        return old ? podFact(rec, POD_SYNC_FAILED, `${old[3]!}/${old[2]!}`, old[1]!, rec.node) : null;
      }
      if (msg === 'Observed pod startup duration') {
        // `podCreationTimestamp="2025-03-21 14:51:32 +0000 UTC"`
        const created = str(f?.['podCreationTimestamp']);
        const m = created ? /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?) \+0000 UTC$/.exec(created) : null;
        const at = m ? parseRfc3339Ns(`${m[1]!}T${m[2]!}Z`) : null;
        const fresh = at === null || rec.ts === null || rec.ts - at <= NEW_POD_NS;
        return fresh
          ? podFact(rec, POD_STARTED, pod, null, rec.node, at)
          : podFact(rec, POD_RUNNING, pod, null, rec.node);
      }
      if (msg.startsWith('Error syncing pod'))
        return podFact(rec, POD_SYNC_FAILED, pod, str(f?.['podUID']), rec.node);
      if (msg.startsWith('operationExecutor.VerifyControllerAttachedVolume started'))
        return podFact(rec, POD_VOLUMES, pod, null, rec.node);
      return null;
    }
    case 'containerd': {
      // containerd ≤ 1.5 wrote `RunPodsandbox`.
      if (!msg.startsWith('RunPod')) return null;
      const m = SANDBOX_RE.exec(msg);
      if (!m) return null;
      const first = msg.includes(',Attempt:0,');
      return podFact(
        rec,
        first ? POD_SANDBOX : POD_SANDBOX_AGAIN,
        `${m[3]!}/${m[1]!}`,
        m[2] || null,
        rec.node,
      );
    }
    default:
      return null;
  }
}
