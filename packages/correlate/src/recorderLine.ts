import type { StoredRecord } from '@kubetrail/model';
import type { KubeEvent } from './kubeEvent.ts';

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const scalar = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '?');

/**
 * `event.go] Event(v1.ObjectReference{Kind:"Endpoints", Namespace:"kube-system", Name:"x", UID:"…",
 * APIVersion:"v1", ResourceVersion:"361", FieldPath:""}): type: 'Normal' reason: 'LeaderElection' …`
 * — the event recorder's printf line before structured logging (≤ 1.20).
 */
const OLD_RECORDER =
  /^Event\(v1\.ObjectReference\{Kind:"([^"]*)", Namespace:"([^"]*)", Name:"([^"]*)", UID:"([^"]*)"[^}]*\}\): type: '(\w+)' reason: '(\w+)' ([\s\S]*)$/;

/**
 * An event recorder's log line as the Event it records: `"Event occurred" object="shop/web"
 * fieldPath="" kind="Deployment" apiVersion="apps/v1" type="Normal" reason="ScalingReplicaSet"
 * message="Scaled up replica set web-7d4 to 3"` (kube-controller-manager, kubelet, scheduler at
 * v1.21+), or the older printf form. Null for any other line. The controller manager logs every
 * Event it records, so a bundle without Event objects (a kind export) still holds them.
 */
export function recorderEvent(rec: StoredRecord): KubeEvent | null {
  const f = rec.fields;
  if (rec.message === 'Event occurred' && f !== null) {
    const object = str(f['object']);
    const kind = str(f['kind']);
    const reason = str(f['reason']);
    if (object === null || kind === null || reason === null) return null;
    const slash = object.indexOf('/');
    return {
      reason,
      message: str(f['message']) ?? '',
      type: str(f['type']),
      kind,
      namespace: slash > 0 ? object.slice(0, slash) : null,
      name: slash > 0 ? object.slice(slash + 1) : object,
      uid: null,
      component: rec.component,
      host: rec.component === 'kubelet' ? rec.node : null,
      firstTs: rec.ts,
    };
  }
  if (!rec.message.startsWith('Event(v1.ObjectReference{')) return null;
  const m = OLD_RECORDER.exec(rec.message);
  if (!m) return null;
  return {
    reason: m[6]!,
    message: m[7]!,
    type: m[5]!,
    kind: m[1]!,
    namespace: m[2] || null,
    name: m[3]!,
    uid: m[4] || null,
    component: rec.component,
    host: rec.component === 'kubelet' ? rec.node : null,
    firstTs: rec.ts,
  };
}

/**
 * The controllers' own progress lines, for bundles whose controller manager records no Events in
 * its log (kind ≥ 1.29, `minikube logs`): `replica_set.go] "Finished syncing" kind="ReplicaSet"
 * key="default/web-7d4b9c5f6"` and `"Too few replicas" replicaSet="default/web-7d4b9c5f6"
 * need=3 creating=3`. The first such line of a ReplicaSet is the first sign of it; `resync` says
 * the line came in the burst every controller makes over all objects when it starts.
 */
export function controllerSyncEvent(rec: StoredRecord, resync: boolean): KubeEvent | null {
  const f = rec.fields;
  if (f === null) return null;
  let key: string | null = null;
  if (rec.message === 'Finished syncing' && f['kind'] === 'ReplicaSet') key = str(f['key']);
  else if (rec.message === 'Too few replicas') key = str(f['replicaSet']);
  if (key === null) return null;
  const slash = key.indexOf('/');
  if (slash <= 0) return null;
  return {
    reason: resync ? CONTROLLER_RESYNCED : CONTROLLER_SYNCED,
    message:
      rec.message === 'Too few replicas'
        ? `Too few replicas: need ${scalar(f['need'])}, creating ${scalar(f['creating'])}`
        : 'ReplicaSet synced by its controller',
    type: 'Normal',
    kind: 'ReplicaSet',
    namespace: key.slice(0, slash),
    name: key.slice(slash + 1),
    uid: null,
    component: rec.component,
    host: null,
    firstTs: rec.ts,
  };
}

/** Reasons of the facts `controllerSyncEvent` makes (not Kubernetes Event reasons). */
export const CONTROLLER_SYNCED = 'kubetrail:ControllerSynced';
export const CONTROLLER_RESYNCED = 'kubetrail:ControllerResynced';

/** `Caches are synced for ReplicaSet`: a controller (re)started and is about to resync everything. */
export const isCacheSyncLine = (rec: StoredRecord): boolean =>
  rec.message.startsWith('Caches are synced for ');
