/**
 * Hand-built StoredRecords for unit tests: a tiny cluster story per test, in the shapes the parsers
 * produce (merged audit events, Event objects, klog key/values).
 */
import type { StoredRecord } from '@kubetrail/model';
import { formatNs } from '@kubetrail/model';

export const T0 = 1_718_019_340_000_000_000n; // 2024-06-10T11:35:40Z
export const ms = (n: number): bigint => T0 + BigInt(Math.round(n * 1_000_000));

export class Story {
  readonly records: StoredRecord[] = [];
  private nextId = 1;

  private readonly files = new Map<string, number>();

  /** One file per component, as in a real bundle. */
  private add(r: Omit<StoredRecord, 'id' | 'fileId'>): StoredRecord {
    let fileId = this.files.get(r.component);
    if (fileId === undefined) this.files.set(r.component, (fileId = this.files.size + 1));
    const rec: StoredRecord = { id: this.nextId++, fileId, ...r };
    this.records.push(rec);
    return rec;
  }

  audit(
    atMs: number,
    e: {
      auditID: string;
      verb: string;
      user: string;
      resource?: string;
      namespace?: string;
      name?: string;
      subresource?: string;
      code?: number;
      message?: string;
      userAgent?: string;
      ip?: string;
      impersonate?: string;
      requestObject?: unknown;
      responseObject?: unknown;
      reqId?: string;
    },
  ): StoredRecord {
    const fields: Record<string, unknown> = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: e.requestObject || e.responseObject ? 'RequestResponse' : 'Metadata',
      auditID: e.auditID,
      stage: 'ResponseComplete',
      requestURI: `/apis/x/${e.resource ?? ''}`,
      verb: e.verb,
      user: { username: e.user, groups: ['system:authenticated'] },
      sourceIPs: [e.ip ?? '10.0.0.7'],
      userAgent: e.userAgent ?? 'kubectl/v1.30.0 (linux/amd64) kubernetes/7c48c2b',
      responseStatus: { metadata: {}, code: e.code ?? 200, ...(e.message ? { message: e.message } : {}) },
      requestReceivedTimestamp: formatNs(ms(atMs)),
      stageTimestamp: formatNs(ms(atMs + 5)),
    };
    if (e.resource) {
      fields['objectRef'] = {
        resource: e.resource,
        ...(e.namespace ? { namespace: e.namespace } : {}),
        ...(e.name ? { name: e.name } : {}),
        ...(e.subresource ? { subresource: e.subresource } : {}),
      };
    }
    if (e.impersonate) fields['impersonatedUser'] = { username: e.impersonate };
    if (e.requestObject) fields['requestObject'] = e.requestObject;
    if (e.responseObject) fields['responseObject'] = e.responseObject;
    return this.add({
      ts: ms(atMs),
      severity: (e.code ?? 200) >= 400 ? 'warning' : 'info',
      kind: 'audit',
      format: 'audit',
      component: 'kube-apiserver',
      node: null,
      caller: null,
      message: `${e.verb} ${e.resource ?? ''} ${e.code ?? 200}`,
      fields,
      reqId: e.reqId ?? null,
      auditId: e.auditID,
      traceId: null,
      spanId: null,
    });
  }

  event(
    atMs: number,
    e: {
      reason: string;
      message: string;
      kind: string;
      namespace?: string;
      name: string;
      type?: string;
      component?: string;
      uid?: string;
    },
  ): StoredRecord {
    return this.add({
      ts: ms(atMs),
      severity: e.type === 'Warning' ? 'warning' : 'info',
      kind: 'event',
      format: 'k8s-event',
      component: 'events',
      node: null,
      caller: null,
      message: `${e.reason}: ${e.message}`,
      fields: {
        reason: e.reason,
        message: e.message,
        type: e.type ?? 'Normal',
        involvedObject: { kind: e.kind, namespace: e.namespace, name: e.name, uid: e.uid },
        source: { component: e.component ?? 'kubelet' },
      },
      reqId: null,
      auditId: null,
      traceId: null,
      spanId: null,
    });
  }

  log(
    atMs: number,
    component: string,
    message: string,
    fields: Record<string, unknown> | null = null,
    extra: { auditId?: string; reqId?: string; node?: string; severity?: StoredRecord['severity'] } = {},
  ): StoredRecord {
    return this.add({
      ts: ms(atMs),
      severity: extra.severity ?? 'info',
      kind: 'log',
      format: 'klog',
      component,
      node: extra.node ?? null,
      // klog lines carry their caller; containerd's logfmt lines do not.
      caller: component === 'containerd' ? null : 'test.go:1',
      message,
      fields,
      reqId: extra.reqId ?? null,
      auditId: extra.auditId ?? null,
      traceId: null,
      spanId: null,
    });
  }
}

export const KCM_RS = 'system:serviceaccount:kube-system:replicaset-controller';
export const KCM_DEPLOY = 'system:serviceaccount:kube-system:deployment-controller';
export const SCHED = 'system:kube-scheduler';
export const node = (n: string): string => `system:node:${n}`;

/**
 * A Deployment's happy path after its create call: ReplicaSet, pods created, scheduled, pulled,
 * started, ready. Returns the record ids per pod for assertions.
 */
export function happyPods(
  s: Story,
  at: number,
  o: { ns: string; deploy: string; hash: string; pods: string[]; nodeName?: string },
): void {
  const rs = `${o.deploy}-${o.hash}`;
  const nodeName = o.nodeName ?? 'kind-worker';
  s.event(at, {
    reason: 'ScalingReplicaSet',
    message: `Scaled up replica set ${rs} to ${o.pods.length}`,
    kind: 'Deployment',
    namespace: o.ns,
    name: o.deploy,
    component: 'deployment-controller',
  });
  let t = at + 10;
  for (const p of o.pods) {
    const pod = `${rs}-${p}`;
    s.event(t, {
      reason: 'SuccessfulCreate',
      message: `Created pod: ${pod}`,
      kind: 'ReplicaSet',
      namespace: o.ns,
      name: rs,
      component: 'replicaset-controller',
    });
    s.log(t + 1, 'kube-scheduler', 'Successfully bound pod to node', {
      pod: `${o.ns}/${pod}`,
      node: nodeName,
      evaluatedNodes: 3,
      feasibleNodes: 3,
    });
    s.event(t + 2, {
      reason: 'Scheduled',
      message: `Successfully assigned ${o.ns}/${pod} to ${nodeName}`,
      kind: 'Pod',
      namespace: o.ns,
      name: pod,
      component: 'default-scheduler',
    });
    s.event(t + 50, {
      reason: 'Pulled',
      message: 'Container image "nginx:1.25" already present on machine',
      kind: 'Pod',
      namespace: o.ns,
      name: pod,
    });
    s.event(t + 60, {
      reason: 'Started',
      message: 'Started container nginx',
      kind: 'Pod',
      namespace: o.ns,
      name: pod,
    });
    s.log(
      t + 900,
      'kubelet',
      'SyncLoop (probe)',
      { probe: 'readiness', status: 'ready', pod: `${o.ns}/${pod}` },
      { node: nodeName },
    );
    t += 5;
  }
}
