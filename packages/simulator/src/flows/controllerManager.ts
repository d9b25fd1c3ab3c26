/**
 * What kube-controller-manager v1.29+ logs at its default verbosity (the `kcm-no-events`
 * modifier), where it logs none of the Events it records: the ReplicaSet controller's
 * `replica_set.go:679] "Finished syncing" logger="replicaset-controller" kind="ReplicaSet"
 * key="ns/name" duration="…"` after every sync (a ReplicaSet or one of its pods changed), and, when
 * the process starts, its controllers' `Caches are synced for …` followed by a resync of every
 * existing ReplicaSet. Lines as in kind v1.32's and minikube's (v1.31) controller-manager logs.
 * Every function writes nothing (and draws no random number) unless the modifier is on.
 */
import { K8S_VERSION } from '../cluster.ts';
import type { Epoch } from '../epoch.ts';
import type { Pod } from './objects.ts';

const MS = 1000;

/** Go's `time.Duration` String() for a duration in nanoseconds (`32.916µs`, `13.534917ms`). */
export function goDurationNs(ns: number): string {
  const trim = (v: string): string => v.replace(/0+$/, '').replace(/\.$/, '');
  if (ns < 1000) return `${ns}ns`;
  if (ns < 1_000_000) return `${trim((ns / 1000).toFixed(3))}µs`;
  if (ns < 1_000_000_000) return `${trim((ns / 1_000_000).toFixed(6))}ms`;
  return `${trim((ns / 1_000_000_000).toFixed(9))}s`;
}

/**
 * One sync of ReplicaSet `ns/name` ending at `us`. `busyUs` is how long it worked (creating or
 * deleting pods, updating the status); default a sync that found nothing to do (tens of µs).
 */
export function replicaSetSynced(
  ep: Epoch,
  us: number,
  ns: string,
  name: string,
  op: number,
  busyUs?: number,
): void {
  if (!ep.kcmNoEvents) return;
  const ns_ = busyUs === undefined ? ep.rng.int(18_000, 160_000) : busyUs * 1000 + ep.rng.int(0, 999);
  ep.kcm(
    us,
    {
      sev: 'I',
      caller: 'replicaset/replica_set.go:679',
      msg: 'Finished syncing',
      v: 0,
      kv: [
        ['logger', 'replicaset-controller'],
        ['kind', 'ReplicaSet'],
        ['key', `${ns}/${name}`],
        ['duration', goDurationNs(ns_)],
      ],
    },
    op,
  );
}

/** The ReplicaSet that controls `p`, or null (a bare pod, a StatefulSet's, a DaemonSet's, a Job's). */
export function replicaSetOf(p: Pod): string | null {
  if (p.owner === undefined) return p.w.rsName;
  return p.owner?.kind === 'ReplicaSet' ? p.owner.name : null;
}

/**
 * A pod changed (bound, its status patched, deleted): its ReplicaSet's controller syncs once or
 * twice (the second updates the status), a few milliseconds later.
 */
export function podChanged(ep: Epoch, p: Pod, us: number, op: number): void {
  if (!ep.kcmNoEvents) return;
  const rs = replicaSetOf(p);
  if (rs === null) return;
  const t = us + ep.rng.int(1 * MS, 6 * MS);
  replicaSetSynced(ep, t, p.w.ns, rs, op);
}

/**
 * The ReplicaSet controller created (or failed to create) pods from `fromUs` to `toUs`: the sync
 * that did it, then the quick ones its own pod events cause.
 */
export function replicaSetCreated(
  ep: Epoch,
  ns: string,
  name: string,
  op: number,
  fromUs: number,
  toUs: number,
): void {
  if (!ep.kcmNoEvents) return;
  replicaSetSynced(ep, toUs, ns, name, op, Math.max(1, toUs - fromUs));
  let t = toUs + ep.rng.int(200, 4_000);
  for (let i = ep.rng.int(1, 3); i > 0; i--) {
    replicaSetSynced(ep, t, ns, name, op);
    t += ep.rng.int(50, 6_000);
  }
}

/** A ReplicaSet known before the window (an `existing` Deployment's), for the start-up resync. */
export function rememberReplicaSet(ep: Epoch, ns: string, name: string, createdUs: number): void {
  if (ep.kcmNoEvents) ep.replicaSets.push({ ns, name, createdUs });
}

/**
 * kube-controller-manager starts at `at` (noise, `op` -1): leader election, its controllers
 * waiting for their caches, `Caches are synced for ReplicaSet`, then a resync of every ReplicaSet
 * that exists (`replicaSets`, each one or two `Finished syncing` within a second). The leader
 * election Event is the one "Event occurred" such a controller manager logs.
 */
export function controllerManagerStarts(
  ep: Epoch,
  at: number,
  replicaSets: readonly { ns: string; name: string }[],
): void {
  if (!ep.kcmNoEvents) return;
  const rng = ep.rng;
  const line = (us: number, caller: string, msg: string, kv?: [string, string][]): void =>
    ep.kcm(us, kv ? { sev: 'I', caller, msg, v: 0, kv } : { sev: 'I', caller, msg, printf: true }, -1);
  let t = at;
  line(t, 'options/serving.go:380', 'Generated self-signed cert in-memory');
  t += rng.int(100_000, 250_000);
  line(t, 'app/controllermanager.go:189', 'Starting', [['version', K8S_VERSION]]);
  line(t + 30, 'app/controllermanager.go:191', 'Golang settings', [
    ['GOGC', ''],
    ['GOMAXPROCS', ''],
    ['GOTRACEBACK', ''],
  ]);
  line(t + 1_500, 'dynamiccertificates/secure_serving.go:213', 'Serving securely on 127.0.0.1:10257');
  line(
    t + 1_700,
    'leaderelection/leaderelection.go:250',
    'attempting to acquire leader lease kube-system/kube-controller-manager...',
  );
  t += rng.int(200_000, 800_000);
  line(
    t,
    'leaderelection/leaderelection.go:260',
    'successfully acquired lease kube-system/kube-controller-manager',
  );
  ep.kcm(
    t + 200,
    {
      sev: 'I',
      caller: 'record/event.go:389',
      msg: 'Event occurred',
      v: 0,
      kv: [
        ['object', { kobj: 'kube-system/kube-controller-manager' }],
        ['fieldPath', ''],
        ['kind', 'Lease'],
        ['apiVersion', 'coordination.k8s.io/v1'],
        ['type', 'Normal'],
        ['reason', 'LeaderElection'],
        ['message', `kind-control-plane_${rng.uuid()} became leader`],
      ],
    },
    -1,
  );
  // [controller, its "Starting controller" line (caller and keys) or null, the cache it waits for]
  const controllers: [string, [string, [string, string][]] | null, string][] = [
    [
      'deployment-controller',
      [
        'deployment/deployment_controller.go:168',
        [
          ['logger', 'deployment-controller'],
          ['controller', 'deployment'],
        ],
      ],
      'deployment',
    ],
    [
      'replicaset-controller',
      [
        'replicaset/replica_set.go:214',
        [
          ['logger', 'replicaset-controller'],
          ['name', 'replicaset'],
        ],
      ],
      'ReplicaSet',
    ],
    ['garbage-collector-controller', null, 'garbage collector'],
    ['statefulset-controller', null, 'stateful set'],
    ['daemonset-controller', null, 'daemon sets'],
    ['job-controller', null, 'job'],
  ];
  t += rng.int(200_000, 600_000);
  for (const [name, starting, cache] of controllers) {
    line(t, 'app/controllermanager.go:761', 'Started controller', [['controller', name]]);
    if (starting) line(t + 40, starting[0], 'Starting controller', starting[1]);
    line(t + 60, 'cache/shared_informer.go:313', `Waiting for caches to sync for ${cache}`);
    t += rng.int(10_000, 60_000);
  }
  t += rng.int(100_000, 400_000);
  for (const [, , cache] of controllers) {
    line(t, 'cache/shared_informer.go:320', `Caches are synced for ${cache}`);
    t += rng.int(100, 3_000);
  }
  line(
    t + 50,
    'garbagecollector/garbagecollector.go:157',
    'All resource monitors have synced. Proceeding to collect garbage',
    [['logger', 'garbage-collector-controller']],
  );
  // The resync: every ReplicaSet the informer listed is queued once.
  t += rng.int(50_000, 300_000);
  for (const rs of replicaSets) {
    replicaSetSynced(ep, t, rs.ns, rs.name, -1, rng.int(2_000, 230_000));
    if (rng.chance(0.5)) replicaSetSynced(ep, t + rng.int(100, 12_000), rs.ns, rs.name, -1);
    t += rng.int(50, 3_000);
  }
}
