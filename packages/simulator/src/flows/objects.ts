/**
 * The simulated API objects (Deployments, ReplicaSets, Pods) and their JSON bodies as audit
 * `requestObject`/`responseObject` carry them at level RequestResponse.
 */
import { rfc3339Sec } from '../clock.ts';
import type { Rng } from '../rng.ts';

export interface VolumeClaim {
  /** Pod volume name (`data`). */
  volume: string;
  claim: string;
  pv: string;
  /** CSI driver and volume handle of the PV. */
  driver: string;
  handle: string;
  /** The kubelet's unique volume name; default `kubernetes.io/csi/<driver>^<handle>`. */
  unique?: string;
}

/** A controller owner reference (`metadata.ownerReferences[0]`). */
export interface OwnerRef {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

/** An environment variable taken from a Secret (`env[].valueFrom.secretKeyRef`). */
export interface SecretEnv {
  name: string;
  secret: string;
  key: string;
}

export interface Workload {
  ns: string;
  name: string;
  uid: string;
  replicas: number;
  container: string;
  image: string;
  /** CPU request (and limit) per pod, e.g. `8` or `2`. */
  cpu: string;
  claim: VolumeClaim | null;
  readinessPath: string | null;
  progressDeadlineSeconds: number;
  hash: string;
  rsName: string;
  rsUid: string;
  labels: Record<string, string>;
  createdUs: number;
  /** metadata.generation and the revision annotation (default 1). */
  generation?: number;
  /** When the current ReplicaSet was created (default `createdUs`). */
  rsCreatedUs?: number;
  /** Environment from Secrets in the pod template. */
  secretEnv?: SecretEnv[];
  /** Pod restartPolicy (default Always; Job pods Never). */
  restartPolicy?: 'Always' | 'Never' | 'OnFailure';
  /** `spec.nodeName` in the pod template: the pods skip the scheduler and go to this node. */
  nodeName?: string;
}

export interface Pod {
  w: Workload;
  name: string;
  uid: string;
  node: string | null;
  ip: string;
  tokenVolume: string;
  sandbox: string;
  /** The running container's ID ('' before it starts). */
  containerId: string;
  createdUs: number;
  restarts: number;
  /** Controlling owner; default the workload's ReplicaSet, null for a bare pod. */
  owner?: OwnerRef | null;
  /** metadata.generateName; default `<replicaset>-`, null when the creator names the pod. */
  generateName?: string | null;
  /** Labels; default the workload's plus its pod-template-hash. */
  labels?: Record<string, string>;
  /** This pod's own claim (a StatefulSet's `<template>-<set>-<ordinal>`); default the workload's. */
  claim?: VolumeClaim;
}

export function makeWorkload(
  rng: Rng,
  o: {
    ns: string;
    name: string;
    replicas: number;
    image: string;
    container?: string;
    cpu?: string;
    claim?: VolumeClaim | null;
    readinessPath?: string | null;
    progressDeadlineSeconds?: number;
    createdUs: number;
  },
): Workload {
  const hash = rng.k8s(rng.int(9, 10));
  return {
    ns: o.ns,
    name: o.name,
    uid: rng.uuid(),
    replicas: o.replicas,
    container: o.container ?? o.name.split('-')[0] ?? o.name,
    image: o.image,
    cpu: o.cpu ?? '100m',
    claim: o.claim ?? null,
    readinessPath: o.readinessPath === undefined ? '/' : o.readinessPath,
    progressDeadlineSeconds: o.progressDeadlineSeconds ?? 600,
    hash,
    rsName: `${o.name}-${hash}`,
    rsUid: rng.uuid(),
    labels: { app: o.name },
    createdUs: o.createdUs,
  };
}

export function makePod(rng: Rng, w: Workload, createdUs: number): Pod {
  return {
    w,
    name: `${w.rsName}-${rng.k8s(5)}`,
    uid: rng.uuid(),
    node: null,
    ip: '',
    tokenVolume: `kube-api-access-${rng.k8s(5)}`,
    sandbox: rng.hex(64),
    containerId: '',
    createdUs,
    restarts: 0,
  };
}

/** `docker.io/library/nginx:1.25` for `nginx:1.25`, as containerd names references. */
export function fullImage(image: string): string {
  const slash = image.indexOf('/');
  const first = slash < 0 ? '' : image.slice(0, slash);
  if (first.includes('.') || first.includes(':')) return image;
  return slash < 0 ? `docker.io/library/${image}` : `docker.io/${image}`;
}

/** The pod template of `w` (`spec.template`), with or without the pod-template-hash label. */
export function podTemplate(w: Workload, withHash: boolean): Record<string, unknown> {
  const container: Record<string, unknown> = {
    name: w.container,
    image: w.image,
    resources: { limits: { cpu: w.cpu }, requests: { cpu: w.cpu } },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: 'IfNotPresent',
  };
  if (w.readinessPath) {
    container.readinessProbe = {
      httpGet: { path: w.readinessPath, port: 80, scheme: 'HTTP' },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    };
  }
  if (w.claim) container.volumeMounts = [{ name: w.claim.volume, mountPath: '/var/lib/data' }];
  if (w.secretEnv) {
    container.env = w.secretEnv.map((e) => ({
      name: e.name,
      valueFrom: { secretKeyRef: { name: e.secret, key: e.key } },
    }));
  }
  const spec: Record<string, unknown> = {
    containers: [container],
    restartPolicy: w.restartPolicy ?? 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    securityContext: {},
    schedulerName: 'default-scheduler',
  };
  if (w.nodeName) spec.nodeName = w.nodeName;
  if (w.claim) spec.volumes = [{ name: w.claim.volume, persistentVolumeClaim: { claimName: w.claim.claim } }];
  return {
    metadata: {
      creationTimestamp: null,
      labels: withHash ? { ...w.labels, 'pod-template-hash': w.hash } : w.labels,
    },
    spec,
  };
}

export function deploymentBody(
  w: Workload,
  rv: string | null,
  status: Record<string, unknown> | null,
): unknown {
  const metadata: Record<string, unknown> = { name: w.name, namespace: w.ns };
  if (rv) {
    metadata.uid = w.uid;
    metadata.resourceVersion = rv;
    metadata.generation = w.generation ?? 1;
    metadata.creationTimestamp = rfc3339Sec(w.createdUs);
  }
  metadata.labels = w.labels;
  metadata.annotations = {
    'kubectl.kubernetes.io/last-applied-configuration':
      JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { annotations: {}, labels: w.labels, name: w.name, namespace: w.ns },
        spec: { replicas: w.replicas, selector: { matchLabels: w.labels } },
      }) + '\n',
    ...(rv && status ? { 'deployment.kubernetes.io/revision': String(w.generation ?? 1) } : {}),
  };
  return {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata,
    spec: {
      replicas: w.replicas,
      selector: { matchLabels: w.labels },
      template: podTemplate(w, false),
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: w.progressDeadlineSeconds,
    },
    status: status ?? {},
  };
}

export function replicaSetBody(
  w: Workload,
  rv: string | null,
  replicas: number,
  status: Record<string, unknown>,
): unknown {
  const metadata: Record<string, unknown> = {
    name: w.rsName,
    namespace: w.ns,
  };
  if (rv) {
    metadata.uid = w.rsUid;
    metadata.resourceVersion = rv;
    metadata.generation = 1;
    metadata.creationTimestamp = rfc3339Sec(w.rsCreatedUs ?? w.createdUs);
  }
  metadata.labels = { ...w.labels, 'pod-template-hash': w.hash };
  metadata.annotations = {
    'deployment.kubernetes.io/desired-replicas': String(w.replicas),
    'deployment.kubernetes.io/max-replicas': String(w.replicas + Math.ceil(w.replicas / 4)),
    'deployment.kubernetes.io/revision': String(w.generation ?? 1),
  };
  metadata.ownerReferences = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: w.name,
      uid: w.uid,
      controller: true,
      blockOwnerDeletion: true,
    },
  ];
  return {
    kind: 'ReplicaSet',
    apiVersion: 'apps/v1',
    metadata,
    spec: {
      replicas,
      selector: { matchLabels: { ...w.labels, 'pod-template-hash': w.hash } },
      template: podTemplate(w, true),
    },
    status,
  };
}

export function podBody(p: Pod, rv: string | null, status: Record<string, unknown>): unknown {
  const w = p.w;
  const metadata: Record<string, unknown> = { name: p.name };
  const generateName = p.generateName === undefined ? `${w.rsName}-` : p.generateName;
  if (generateName !== null) metadata.generateName = generateName;
  metadata.namespace = w.ns;
  if (rv) {
    metadata.uid = p.uid;
    metadata.resourceVersion = rv;
    metadata.creationTimestamp = rfc3339Sec(p.createdUs);
  }
  metadata.labels = p.labels ?? { ...w.labels, 'pod-template-hash': w.hash };
  const owner =
    p.owner === undefined
      ? { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: w.rsName, uid: w.rsUid }
      : p.owner;
  if (owner) metadata.ownerReferences = [{ ...owner, controller: true, blockOwnerDeletion: true }];
  const tpl = podTemplate(w, true);
  const spec = { ...(tpl.spec as Record<string, unknown>) };
  if (p.claim) spec.volumes = [{ name: p.claim.volume, persistentVolumeClaim: { claimName: p.claim.claim } }];
  const tokenVol = {
    name: p.tokenVolume,
    projected: {
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        {
          downwardAPI: {
            items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
          },
        },
      ],
      defaultMode: 420,
    },
  };
  spec.volumes = [...((spec.volumes as unknown[] | undefined) ?? []), tokenVol];
  spec.serviceAccountName = 'default';
  spec.serviceAccount = 'default';
  if (p.node) spec.nodeName = p.node;
  return { kind: 'Pod', apiVersion: 'v1', metadata, spec, status };
}

/**
 * A workload object other than a Deployment (StatefulSet, DaemonSet, Job, CronJob) as the audit log
 * carries it: `spec` is the kind's own, the pod template comes from `w`.
 */
export function workloadBody(
  kind: string,
  apiVersion: string,
  w: Workload,
  rv: string | null,
  spec: Record<string, unknown>,
  status: Record<string, unknown> | null,
  owner: OwnerRef | null = null,
): unknown {
  const metadata: Record<string, unknown> = { name: w.name, namespace: w.ns };
  if (rv) {
    metadata.uid = w.uid;
    metadata.resourceVersion = rv;
    metadata.generation = w.generation ?? 1;
    metadata.creationTimestamp = rfc3339Sec(w.createdUs);
  }
  metadata.labels = w.labels;
  if (owner) metadata.ownerReferences = [{ ...owner, controller: true, blockOwnerDeletion: true }];
  else {
    metadata.annotations = {
      'kubectl.kubernetes.io/last-applied-configuration':
        JSON.stringify({ apiVersion, kind, metadata: { annotations: {}, name: w.name, namespace: w.ns } }) +
        '\n',
    };
  }
  // A CronJob's template sits in its jobTemplate.
  const full = 'jobTemplate' in spec ? spec : { ...spec, template: podTemplate(w, false) };
  return { kind, apiVersion, metadata, spec: full, status: status ?? {} };
}
