/**
 * What kubectl sends for the commands the real-shape scenarios run: `apply` of a new object (GET
 * answered 404, then POST), `apply` of a changed one (GET, then a strategic-merge PATCH), `scale`
 * (GET, then PATCH of the scale subresource), `create`, `run` and `delete`. Every call goes through
 * `Epoch.api`, so it writes its audit events and the apiserver's httplog line.
 */
import type { Actor } from '../cluster.ts';
import type { Epoch, ObjectRef } from '../epoch.ts';

/** An API resource: `{ group: 'apps', resource: 'statefulsets', kind: 'StatefulSet' }`; group '' is core. */
export interface Resource {
  group: string;
  resource: string;
  kind: string;
}

export const RES = {
  pods: { group: '', resource: 'pods', kind: 'Pod' },
  secrets: { group: '', resource: 'secrets', kind: 'Secret' },
  nodes: { group: '', resource: 'nodes', kind: 'Node' },
  pvcs: { group: '', resource: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim' },
  pvs: { group: '', resource: 'persistentvolumes', kind: 'PersistentVolume' },
  deployments: { group: 'apps', resource: 'deployments', kind: 'Deployment' },
  replicasets: { group: 'apps', resource: 'replicasets', kind: 'ReplicaSet' },
  statefulsets: { group: 'apps', resource: 'statefulsets', kind: 'StatefulSet' },
  daemonsets: { group: 'apps', resource: 'daemonsets', kind: 'DaemonSet' },
  jobs: { group: 'batch', resource: 'jobs', kind: 'Job' },
  cronjobs: { group: 'batch', resource: 'cronjobs', kind: 'CronJob' },
} as const satisfies Record<string, Resource>;

/** `/apis/apps/v1/namespaces/shop/deployments[/name][/sub]` (or `/api/v1/...` for the core group). */
export function apiPath(r: Resource, ns: string | null, name?: string, subresource?: string): string {
  const base = r.group ? `/apis/${r.group}/v1` : '/api/v1';
  const scope = ns ? `${base}/namespaces/${ns}/${r.resource}` : `${base}/${r.resource}`;
  return `${scope}${name ? `/${name}` : ''}${subresource ? `/${subresource}` : ''}`;
}

/** The audit `objectRef` of a call on `r`. */
export function objectRef(
  r: Resource,
  ns: string | null,
  name?: string,
  extra: { uid?: string; subresource?: string } = {},
): ObjectRef {
  // The audit log prints objectRef keys in this order.
  return {
    resource: r.resource,
    ...(ns ? { namespace: ns } : {}),
    ...(name ? { name } : {}),
    ...(extra.uid ? { uid: extra.uid } : {}),
    ...(r.group ? { apiGroup: r.group } : {}),
    apiVersion: 'v1',
    ...(extra.subresource ? { subresource: extra.subresource } : {}),
  };
}

const notFound = (r: Resource, name: string) => ({
  message: `${r.resource}${r.group ? `.${r.group}` : ''} "${name}" not found`,
  reason: 'NotFound',
  details: { name, ...(r.group ? { group: r.group } : {}), kind: r.resource },
});

export interface CallResult {
  auditId: string;
  doneUs: number;
}

/** `kubectl apply` of an object that does not exist yet: GET (404), then POST. */
export function applyCreate(
  ep: Epoch,
  op: number,
  actor: Actor,
  r: Resource,
  ns: string | null,
  name: string,
  t0: number,
  request: unknown,
  response: unknown,
): CallResult {
  const get = ep.api({
    us: t0,
    actor,
    verb: 'get',
    method: 'GET',
    uri: apiPath(r, ns, name),
    objectRef: objectRef(r, ns, name),
    code: 404,
    failure: notFound(r, name),
    op,
  });
  return ep.api({
    us: get.doneUs + ep.rng.int(3_000, 9_999),
    actor,
    verb: 'create',
    method: 'POST',
    uri: `${apiPath(r, ns)}?fieldManager=kubectl-client-side-apply&fieldValidation=Strict`,
    objectRef: objectRef(r, ns, name),
    code: 201,
    latencyMs: ep.rng.float(6, 14),
    requestObject: request,
    responseObject: response,
    op,
  });
}

/** `kubectl apply` of a changed object: GET (200), then a strategic-merge PATCH. */
export function applyPatch(
  ep: Epoch,
  op: number,
  actor: Actor,
  r: Resource,
  ns: string | null,
  name: string,
  t0: number,
  patch: unknown,
  response: unknown,
): CallResult {
  const get = ep.api({
    us: t0,
    actor,
    verb: 'get',
    method: 'GET',
    uri: apiPath(r, ns, name),
    objectRef: objectRef(r, ns, name),
    code: 200,
    op,
  });
  return ep.api({
    us: get.doneUs + ep.rng.int(3_000, 9_999),
    actor,
    verb: 'patch',
    method: 'PATCH',
    uri: `${apiPath(r, ns, name)}?fieldManager=kubectl-client-side-apply&fieldValidation=Strict`,
    objectRef: objectRef(r, ns, name),
    code: 200,
    requestObject: patch,
    responseObject: response,
    op,
  });
}

/** `kubectl scale <kind> <name> --replicas=N`: GET the object, PATCH its scale subresource. */
export function scale(
  ep: Epoch,
  op: number,
  actor: Actor,
  r: Resource,
  ns: string,
  name: string,
  uid: string,
  t0: number,
  from: number,
  to: number,
  selector: string,
): CallResult {
  const get = ep.api({
    us: t0,
    actor,
    verb: 'get',
    method: 'GET',
    uri: apiPath(r, ns, name),
    objectRef: objectRef(r, ns, name),
    code: 200,
    op,
  });
  return ep.api({
    us: get.doneUs + ep.rng.int(3_000, 9_999),
    actor,
    verb: 'patch',
    method: 'PATCH',
    uri: apiPath(r, ns, name, 'scale'),
    objectRef: objectRef(r, ns, name, { subresource: 'scale' }),
    code: 200,
    requestObject: { spec: { replicas: to } },
    responseObject: {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name, namespace: ns, uid, resourceVersion: ep.nextRv() },
      spec: { replicas: to },
      status: { replicas: from, selector },
    },
    op,
  });
}

/** A plain POST (`kubectl create …`, `kubectl run`, or a controller's create). */
export function create(
  ep: Epoch,
  op: number,
  actor: Actor,
  r: Resource,
  ns: string | null,
  name: string,
  t: number,
  request: unknown,
  response: unknown,
  fieldManager: string | null,
): CallResult {
  return ep.api({
    us: t,
    actor,
    verb: 'create',
    method: 'POST',
    uri: `${apiPath(r, ns)}${fieldManager ? `?fieldManager=${fieldManager}` : ''}`,
    objectRef: objectRef(r, ns, name),
    code: 201,
    requestObject: request,
    responseObject: response,
    op,
  });
}

/** A GET of one object (200, or 404 when `gone`). */
export function get(
  ep: Epoch,
  op: number,
  actor: Actor,
  r: Resource,
  ns: string | null,
  name: string,
  t: number,
  gone = false,
): CallResult {
  return ep.api({
    us: t,
    actor,
    verb: 'get',
    method: 'GET',
    uri: apiPath(r, ns, name),
    objectRef: objectRef(r, ns, name),
    code: gone ? 404 : 200,
    ...(gone ? { failure: notFound(r, name) } : {}),
    op,
  });
}

/** A PUT of an object or of its status subresource (controllers). */
export function update(
  ep: Epoch,
  op: number,
  actor: Actor,
  r: Resource,
  ns: string | null,
  name: string,
  uid: string,
  t: number,
  body: unknown,
  subresource?: string,
): CallResult {
  return ep.api({
    us: t,
    actor,
    verb: 'update',
    method: 'PUT',
    uri: apiPath(r, ns, name, subresource),
    objectRef: objectRef(r, ns, name, { uid, ...(subresource ? { subresource } : {}) }),
    code: 200,
    ...(subresource ? {} : { requestObject: body }),
    responseObject: body,
    op,
  });
}

/** A DELETE (graceful unless `gracePeriodSeconds` is given), answered with the object or a Status. */
export function del(
  ep: Epoch,
  op: number,
  actor: Actor,
  r: Resource,
  ns: string | null,
  name: string,
  uid: string,
  t: number,
  response: unknown,
  options: Record<string, unknown> = {},
): CallResult {
  return ep.api({
    us: t,
    actor,
    verb: 'delete',
    method: 'DELETE',
    uri: apiPath(r, ns, name),
    objectRef: objectRef(r, ns, name),
    code: 200,
    requestObject: {
      kind: 'DeleteOptions',
      apiVersion: r.group ? `${r.group}/v1` : 'v1',
      preconditions: { uid },
      propagationPolicy: 'Background',
      ...options,
    },
    responseObject: response,
    op,
  });
}
