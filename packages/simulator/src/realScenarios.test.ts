import { createHash } from 'node:crypto';
import { OperationSchema, StageIdSchema } from '@kubetrail/model';
import { describe, expect, it } from 'vitest';
import {
  AUDIT_PATH,
  benchBundle,
  demoBundle,
  EVENTS_PATH,
  generateBundle,
  OP_SCENARIOS,
  REAL_SHAPE_SCENARIOS,
  realShapesBundle,
  renderBundle,
  truthForLine,
  truthLines,
} from './index.ts';
import type { OpTruth, RealShapeScenarioName, RenderedBundle, ScenarioName } from './index.ts';

interface K8sEvent {
  reason: string;
  message: string;
  type: string;
  count?: number;
  firstTimestamp: string | null;
  lastTimestamp: string | null;
  eventTime?: string | null;
  metadata: { name: string; namespace: string; creationTimestamp: string };
  involvedObject: { kind: string; name: string; namespace?: string; uid: string; apiVersion?: string };
  source: { component?: string; host?: string };
}
interface AuditEvent {
  auditID: string;
  stage: string;
  verb: string;
  requestURI: string;
  user: { username: string };
  objectRef?: { resource: string; name?: string; namespace?: string; subresource?: string };
  responseStatus?: { code: number };
  requestObject?: { data?: Record<string, string> };
  stageTimestamp: string;
}

const run = (scenarios: ScenarioName[], seed = 21, noise = 0): RenderedBundle =>
  renderBundle(generateBundle({ seed, scenarios, noise }));
const events = (r: RenderedBundle): K8sEvent[] =>
  (JSON.parse(r.files.get(EVENTS_PATH) ?? '{}') as { items: K8sEvent[] }).items;
const audit = (r: RenderedBundle): AuditEvent[] =>
  (r.files.get(AUDIT_PATH) ?? '')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditEvent);
const done = (r: RenderedBundle): AuditEvent[] => audit(r).filter((e) => e.stage === 'ResponseComplete');
const file = (r: RenderedBundle, suffix: string): string =>
  [...r.files.entries()]
    .filter(([p]) => p.endsWith(suffix))
    .map(([, c]) => c)
    .join('');
const op = (r: RenderedBundle, key: string): OpTruth => {
  const o = r.truth.ops.find((x) => x.key === key);
  if (!o) throw new Error(`no op ${key}: ${r.truth.ops.map((x) => x.key).join(', ')}`);
  return o;
};
/** Event time in ms (core/v1 last timestamp, or the events.k8s.io eventTime). */
const at = (e: K8sEvent): number => Date.parse(e.lastTimestamp ?? e.eventTime ?? '');
const byReason = (r: RenderedBundle, reason: string): K8sEvent[] =>
  events(r).filter((e) => e.reason === reason);
/** The physical lines of the bundle and the op each belongs to. */
function lineOps(r: RenderedBundle): { file: string; text: string; op: string | null }[] {
  const out: { file: string; text: string; op: string | null }[] = [];
  const cache = new Map<string, string[]>();
  for (const l of truthLines(r.truth)) {
    let lines = cache.get(l.file);
    if (!lines) {
      lines = (r.files.get(l.file) ?? '').split('\n');
      cache.set(l.file, lines);
    }
    out.push({ file: l.file, text: lines[l.line - 1] ?? '', op: l.op });
  }
  return out;
}

const VARIANTS: [string, ScenarioName[]][] = [
  ['plain', []],
  ['no-audit', ['no-audit']],
  ['metadata-audit', ['metadata-audit']],
  ['json-logging', ['json-logging']],
  ['real-shape modifiers', ['events-by-name', 'kubelet-events', 'v1-uids']],
  ['events-only', ['events-only']],
  ['no audit, no Events, kcm without events', ['no-audit', 'kcm-no-events', 'no-events-json']],
];

/** The Kivi-shaped file names of a one-window bundle that starts at the default time. */
const KIVI_STAMP = '2024-06-10T11:40:00';
const KIVI_EVENTS = `${KIVI_STAMP}-events.log.txt`;

describe('real-shape scenarios: rendering and truth', () => {
  for (const s of REAL_SHAPE_SCENARIOS) {
    for (const [variant, mods] of VARIANTS) {
      it(`${s} (${variant}): every line has truth, every op a sensible key and verdict`, () => {
        const r = run([s, ...mods], 7, 30);
        // Every physical line of every file has truth.
        let total = 0;
        for (const [path, content] of r.files) {
          const lines = content.split('\n').length - 1;
          expect(r.truth.files.find((f) => f.path === path)?.lines, path).toBe(lines);
          total += lines;
        }
        expect(r.truth.files.map((f) => f.path).sort()).toEqual([...r.files.keys()].sort());
        expect(r.truth.lines).toBe(total);
        const eventsOnly = mods.includes('events-only');
        const noAudit = mods.includes('no-audit') || eventsOnly;
        const noEvents = mods.includes('no-events-json');
        // Well-formed files.
        if (noEvents) expect(r.files.has(EVENTS_PATH)).toBe(false);
        else
          expect(
            () => JSON.parse(r.files.get(eventsOnly ? KIVI_EVENTS : EVENTS_PATH) ?? '') as unknown,
          ).not.toThrow();
        for (const e of audit(r)) expect(e.auditID).toMatch(/^[0-9a-f-]{36}$/);
        if (mods.includes('json-logging')) {
          for (const l of (r.files.get('kind-worker/kubelet.log') ?? '').split('\n').filter(Boolean))
            expect(() => JSON.parse(l.replace(/^.*? kubelet\[\d+\]: /, '')) as unknown, l).not.toThrow();
        }
        // Ops: unique keys, model vocabulary, consistent verdicts.
        const ops = r.truth.ops;
        expect(ops.length).toBeGreaterThan(0);
        expect(new Set(ops.map((o) => o.key)).size).toBe(ops.length);
        const perOp = new Map<string, Set<string>>();
        for (const l of truthLines(r.truth)) {
          if (!l.op) continue;
          const set = perOp.get(l.op) ?? new Set<string>();
          set.add(l.component);
          perOp.set(l.op, set);
        }
        const apiCalls = done(r);
        for (const o of ops) {
          expect(o.scenario).toBe(s);
          // A second operation with the same key (the same command run again) gets ` #2`.
          expect(o.key).toMatch(/^[a-z]+ [a-z]+ ([a-z0-9-]+\/)?[a-z0-9-]+( #\d+)?$/);
          expect(OperationSchema.safeParse(o.operation).success, o.operation).toBe(true);
          expect(o.system, o.key).toBe(s === 'bootstrap');
          if (o.outcome === 'complete') {
            expect([o.stoppedAt, o.reason, o.stoppedComponent], o.key).toEqual([null, null, null]);
          } else {
            expect(StageIdSchema.safeParse(o.stoppedAt).success, o.key).toBe(true);
            expect(o.stoppedComponent, o.key).not.toBeNull();
          }
          expect(Date.parse(o.start)).toBeGreaterThanOrEqual(Date.parse(r.truth.from));
          expect(Date.parse(o.start)).toBeLessThan(Date.parse(r.truth.to));
          // Lines from several components belong to it: a workload operation is visible without
          // audit too. (A Secret's creation is only the API server's: its audit events and httplog.)
          // (Without Event objects, a cordon is the API server's lines alone.)
          const comps = perOp.get(o.key) ?? new Set();
          const least = Math.max(
            1,
            (o.operation === 'generic' ? 2 : 3) - (noAudit ? 1 : 0) - (eventsOnly || noEvents ? 1 : 0),
          );
          expect(comps.size, `${o.key}: ${[...comps].join(',')}`).toBeGreaterThanOrEqual(least);
          if (noAudit) {
            expect(o.auditId).toBeNull();
            expect(comps.has('audit')).toBe(false);
          } else {
            // The audit ID is the op's first mutating call: its verb, resource, name and user.
            const first = apiCalls.find((e) => e.auditID === o.auditId);
            expect(first, o.key).toBeDefined();
            expect([
              first?.verb,
              first?.objectRef?.resource,
              first?.objectRef?.name,
              first?.user.username,
            ]).toEqual([o.verb, o.resource, o.name, o.user]);
            expect(first?.objectRef?.subresource ?? null).toBe(o.subresource);
            expect(first?.responseStatus?.code).toBe(o.code);
          }
        }
        if (noAudit) expect(r.files.has(AUDIT_PATH)).toBe(false);
        if (eventsOnly)
          for (const path of r.files.keys())
            expect(path).toMatch(
              /^2024-06-10T11:40:00-(events|kubelet-kind-[a-z0-9-]+|scheduler)\.log\.txt$/,
            );
      });
    }
  }

  it('is deterministic and leaves the default scenario set alone', () => {
    const a = renderBundle(realShapesBundle(4));
    const b = renderBundle(realShapesBundle(4));
    expect([...a.files.entries()]).toEqual([...b.files.entries()]);
    expect(a.truth).toEqual(b.truth);
    for (const s of REAL_SHAPE_SCENARIOS) expect(OP_SCENARIOS as readonly string[]).not.toContain(s);
    expect(generateBundle().opScenarios).toEqual(OP_SCENARIOS);
  });

  it('writes whole-microsecond times when every real shape is crowded into one window', () => {
    // Times halfway to the window's end used to fall on half microseconds (`…:15.911412.5000Z`).
    for (const seed of [7, 8, 9]) {
      const r = renderBundle(
        generateBundle({ seed, noise: 0, scenarios: ['kcm-no-events', ...REAL_SHAPE_SCENARIOS] }),
      );
      for (const o of r.truth.ops) expect(o.start, o.key).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
      for (const e of audit(r)) expect(e.stageTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    }
  });

  it('writes the kubelet, scheduler and API server at their default verbosity (default-verbosity)', () => {
    const mods: ScenarioName[] = ['no-audit', 'kcm-no-events', 'no-events-json'];
    const loud = run(['rollout', 'image-pull-recovers', ...mods], 7, 30);
    const quiet = run(['rollout', 'image-pull-recovers', ...mods, 'default-verbosity'], 7, 30);
    const all = (r: RenderedBundle): string => [...r.files.values()].join('\n');
    for (const gone of ['"SyncLoop ADD"', '"Successfully bound pod to node"', '] "HTTP"']) {
      expect(all(loud)).toContain(gone);
      expect(all(quiet)).not.toContain(gone);
    }
    // What kind v1.32 logs at -v=0 stays: volume checks, startups, sync errors, the runtime.
    for (const kept of [
      'operationExecutor.VerifyControllerAttachedVolume started',
      '"Observed pod startup duration"',
      '"Error syncing pod, skipping"',
      'RunPodSandbox for &PodSandboxMetadata{',
    ])
      expect(all(quiet)).toContain(kept);
    expect(quiet.files.get('kind-worker/containerd.log')).toBe(loud.files.get('kind-worker/containerd.log'));
    // Every kept line keeps its truth.
    for (const [path, content] of quiet.files)
      expect(quiet.truth.files.find((f) => f.path === path)?.lines, path).toBe(
        content.split('\n').length - 1,
      );
  });

  it('stamps an explicit reqID on every component line of every real-shape operation', () => {
    const r = renderBundle(
      generateBundle({
        seed: 3,
        scenarios: ['rollout', 'statefulset', 'job'],
        noise: 0,
        explicitReqIds: true,
      }),
    );
    let checked = 0;
    for (const l of lineOps(r)) {
      if (
        !l.op ||
        !/(kubelet|containerd)\.log$|kube-(controller-manager|scheduler|apiserver)\/0\.log$/.test(l.file)
      )
        continue;
      const o = op(r, l.op);
      expect(l.text, l.file).toContain(`reqID="${o.reqId ?? ''}"`);
      checked++;
    }
    expect(checked).toBeGreaterThan(300);
  });
});

describe('real-shape scenarios: what each writes', () => {
  it('rollout: a new ReplicaSet scaled up step by step while the old one is scaled down', () => {
    const r = run(['rollout']);
    const o = op(r, 'rollout deployments shop/storefront');
    expect(o).toMatchObject({
      operation: 'rollout-deployment',
      verb: 'patch',
      outcome: 'complete',
      code: 200,
    });
    const patch = done(r).find((e) => e.auditID === o.auditId);
    expect(patch?.requestURI).toBe(
      '/apis/apps/v1/namespaces/shop/deployments/storefront?fieldManager=kubectl-client-side-apply&fieldValidation=Strict',
    );
    const scaling = byReason(r, 'ScalingReplicaSet')
      .sort((x, y) => Date.parse(x.metadata.creationTimestamp) - Date.parse(y.metadata.creationTimestamp))
      .map((e) => e.message.replace(/storefront-[a-z0-9]+/, (m) => (m === scalingNew(r) ? 'NEW' : 'OLD')));
    expect(scaling).toEqual([
      'Scaled up replica set NEW to 1',
      'Scaled down replica set OLD to 2 from 3',
      'Scaled up replica set NEW to 2 from 1',
      'Scaled down replica set OLD to 1 from 2',
      'Scaled up replica set NEW to 3 from 2',
      'Scaled down replica set OLD to 0 from 1',
    ]);
    expect(byReason(r, 'SuccessfulDelete')).toHaveLength(3);
    expect(byReason(r, 'Killing')).toHaveLength(3);
    expect(file(r, 'kube-controller-manager/0.log')).toMatch(
      /"Too many replicas" replicaSet="shop\/storefront-[a-z0-9]+" need=0 deleting=1/,
    );
    expect(r.files.get(AUDIT_PATH)).toContain('has successfully progressed.');
    // Every line belongs to the rollout (no noise in this bundle).
    expect(lineOps(r).filter((l) => l.op === null && l.file !== EVENTS_PATH)).toEqual([]);
  });

  it('rollout-missing-secret: the new pod never starts; the kubelet names the missing Secret', () => {
    const r = run(['rollout-missing-secret', 'kubelet-events']);
    expect(op(r, 'rollout deployments shop/payments')).toMatchObject({
      outcome: 'failed',
      stoppedAt: 'containers-started',
      stoppedComponent: 'kubelet',
      reason: 'secret "pgpassword" not found',
    });
    const failed = byReason(r, 'Failed');
    expect(failed.map((e) => e.message)).toEqual(['Error: secret "pgpassword" not found']);
    expect(failed[0]?.count).toBeGreaterThan(10);
    const kubelet = file(r, 'kubelet.log');
    expect(kubelet).toContain(
      '"Error syncing pod, skipping" err="failed to \\"StartContainer\\" for \\"payments\\" with CreateContainerConfigError: \\"secret \\\\\\"pgpassword\\\\\\" not found\\""',
    );
    expect(kubelet).toContain('"Event occurred" object="shop/payments-');
    expect(byReason(r, 'Started')).toHaveLength(0);
    expect(byReason(r, 'Killing')).toHaveLength(0);
    expect(r.files.get(AUDIT_PATH)).toContain('"reason":"ProgressDeadlineExceeded"');
  });

  it('rollout-secret-recovers: fails for minutes, then the Secret exists and the rollout completes', () => {
    const r = run(['rollout-secret-recovers']);
    const o = op(r, 'rollout deployments billing/ledger');
    const fix = op(r, 'create secrets billing/pgpassword');
    expect(o.outcome).toBe('complete');
    expect(fix).toMatchObject({
      operation: 'generic',
      verb: 'create',
      resource: 'secrets',
      user: 'alice',
      outcome: 'complete',
    });
    const fixedAt = Date.parse(fix.start);
    const failed = byReason(r, 'Failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.count).toBeGreaterThan(5);
    expect(at(failed[0] as K8sEvent)).toBeLessThan(fixedAt);
    const started = byReason(r, 'Started');
    expect(started).toHaveLength(2);
    for (const e of started) expect(at(e)).toBeGreaterThanOrEqual(fixedAt - 1000);
    expect(Date.parse(fix.start) - Date.parse(o.start)).toBeGreaterThan(90_000);
    // The Secret's value is in the audit body, as a RequestResponse policy records it.
    expect(done(r).find((e) => e.auditID === fix.auditId)?.requestObject?.data).toEqual({
      password: 'czNjcjN0LXBhc3N3MHJk',
    });
  });

  it('image-pull-recovers: ErrImagePull and back-off for minutes, then the pull succeeds', () => {
    const r = run(['image-pull-recovers', 'metadata-audit', 'kubelet-events']);
    const o = op(r, 'create deployments shop/inventory');
    expect(o).toMatchObject({ operation: 'create-deployment', outcome: 'complete' });
    const pullFailed = byReason(r, 'Failed').filter((e) => e.message.startsWith('Failed to pull image'));
    expect(pullFailed[0]?.message).toContain('dial tcp 10.96.142.17:5000: connect: connection refused');
    expect(byReason(r, 'BackOff').map((e) => e.message)).toContain(
      'Back-off pulling image "registry.local:5000/shop/inventory:2.1"',
    );
    const pulled = byReason(r, 'Pulled');
    expect(pulled.every((e) => e.message.startsWith('Successfully pulled image'))).toBe(true);
    expect(Math.min(...pulled.map(at)) - Date.parse(o.start)).toBeGreaterThan(120_000);
    expect(byReason(r, 'Started')).toHaveLength(2);
    const kubelet = file(r, 'kubelet.log');
    // Metadata-level audit holds no bodies: the kubelet's own lines carry the failure.
    expect(kubelet).toMatch(
      /"Event occurred" object="shop\/inventory-[a-z0-9]+-[a-z0-9]{5}" fieldPath="spec.containers\{inventory\}" kind="Pod" apiVersion="v1" type="Warning" reason="Failed" message="Failed to pull image/,
    );
    expect(kubelet).toMatch(
      /"Error syncing pod, skipping" err="failed to \\"StartContainer\\" for \\"inventory\\" with ErrImagePull: /,
    );
    expect(file(r, 'containerd.log')).toContain('msg="trying next host" error="failed to do request: Head');
    expect(r.files.get(AUDIT_PATH)).not.toContain('requestObject');
  });

  it('unschedulable-retries: the scheduler retries; one FailedScheduling per pod with a growing series', () => {
    const r = run(['unschedulable-retries']);
    expect(op(r, 'create deployments analytics/spark-driver')).toMatchObject({
      outcome: 'failed',
      stoppedAt: 'pods-scheduled',
      stoppedComponent: 'kube-scheduler',
      reason: 'Insufficient cpu',
    });
    const fs = byReason(r, 'FailedScheduling') as (K8sEvent & { series?: { count: number } })[];
    expect(fs).toHaveLength(2);
    for (const e of fs) {
      expect(e.series?.count).toBeGreaterThan(4);
      expect(e.firstTimestamp).toBeNull();
    }
    const tries = file(r, 'kube-scheduler/0.log')
      .split('\n')
      .filter((l) => l.includes('"Unable to schedule pod; no fit; waiting"'));
    expect(tries.length).toBe(fs.reduce((n, e) => n + (e.series?.count ?? 1), 0));
    expect(byReason(r, 'Scheduled')).toHaveLength(0);
  });

  it('statefulset: ordinal pods in order, each with a claim provisioned by local-path and bound', () => {
    const r = run(['statefulset']);
    expect(op(r, 'create statefulsets data/redis')).toMatchObject({
      operation: 'create-statefulset',
      outcome: 'complete',
    });
    const created = byReason(r, 'SuccessfulCreate').sort(
      (a, b) => at(a) - at(b) || a.message.localeCompare(b.message),
    );
    expect(created.map((e) => e.message)).toEqual([
      'create Claim data-redis-0 Pod redis-0 in StatefulSet redis success',
      'create Pod redis-0 in StatefulSet redis successful',
      'create Claim data-redis-1 Pod redis-1 in StatefulSet redis success',
      'create Pod redis-1 in StatefulSet redis successful',
      'create Claim data-redis-2 Pod redis-2 in StatefulSet redis success',
      'create Pod redis-2 in StatefulSet redis successful',
    ]);
    // OrderedReady: redis-1 is created after redis-0 has started.
    const startedAt = (pod: string): number =>
      at(byReason(r, 'Started').find((e) => e.involvedObject.name === pod) as K8sEvent);
    const createdAt = (pod: string): number =>
      at(created.find((e) => e.message === `create Pod ${pod} in StatefulSet redis successful`) as K8sEvent);
    expect(createdAt('redis-1')).toBeGreaterThanOrEqual(startedAt('redis-0'));
    expect(createdAt('redis-2')).toBeGreaterThanOrEqual(startedAt('redis-1'));
    for (const reason of [
      'WaitForFirstConsumer',
      'ExternalProvisioning',
      'Provisioning',
      'ProvisioningSucceeded',
    ])
      expect(
        byReason(r, reason)
          .map((e) => e.involvedObject.name)
          .sort(),
        reason,
      ).toEqual(['data-redis-0', 'data-redis-1', 'data-redis-2']);
    expect(byReason(r, 'ExternalProvisioning')[0]?.message).toBe(
      "Waiting for a volume to be created either by the external provisioner 'rancher.io/local-path' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.",
    );
    expect(byReason(r, 'Provisioning')[0]?.source.component).toMatch(
      /^rancher\.io\/local-path_local-path-provisioner-/,
    );
    const prov = file(r, 'local-path-provisioner/0.log');
    expect(prov).toContain('provision "data/data-redis-0" class "standard": started');
    expect(prov).toMatch(
      /level=info msg="create the helper pod helper-pod-create-pvc-[0-9a-f-]{36} into local-path-storage"/,
    );
    expect(prov).toMatch(
      /Event\(v1\.ObjectReference\{Kind:"PersistentVolumeClaim", Namespace:"data", Name:"data-redis-0", UID:"[0-9a-f-]{36}", APIVersion:"v1", ResourceVersion:"\d+", FieldPath:""\}\): type: 'Normal' reason: 'ProvisioningSucceeded' Successfully provisioned volume pvc-/,
    );
    // The PV controller binds each claim; the kubelet mounts it as a hostPath volume.
    const binds = done(r).filter(
      (e) =>
        e.user.username.endsWith(':persistent-volume-binder') &&
        e.objectRef?.resource === 'persistentvolumeclaims' &&
        !e.objectRef.subresource,
    );
    expect(binds.map((e) => e.objectRef?.name)).toEqual(['data-redis-0', 'data-redis-1', 'data-redis-2']);
    expect(file(r, 'kubelet.log')).toMatch(
      /MountVolume\.SetUp succeeded for volume \\"pvc-[0-9a-f-]{36}\\" \(UniqueName: \\"kubernetes\.io\/host-path\/[0-9a-f-]{36}-pvc-/,
    );
    // The helper pods run without the scheduler and belong to the StatefulSet's creation.
    expect(
      byReason(r, 'Scheduled')
        .map((e) => e.involvedObject.name)
        .sort(),
    ).toEqual(['redis-0', 'redis-1', 'redis-2']);
    const helper = lineOps(r).filter(
      (l) => l.file.includes('/kubelet.log') && l.text.includes('helper-pod-create-pvc-'),
    );
    expect(helper.length).toBeGreaterThan(10);
    for (const l of helper) expect(l.op).toBe('create statefulsets data/redis');
  });

  it('statefulset-scale: the scale subresource, then only the new ordinal and its claim', () => {
    const r = run(['statefulset-scale']);
    const o = op(r, 'scale statefulsets data/kafka');
    expect(o).toMatchObject({
      operation: 'scale-statefulset',
      verb: 'patch',
      subresource: 'scale',
      outcome: 'complete',
    });
    expect(
      byReason(r, 'SuccessfulCreate')
        .map((e) => e.message)
        .sort(),
    ).toEqual([
      'create Claim data-kafka-2 Pod kafka-2 in StatefulSet kafka success',
      'create Pod kafka-2 in StatefulSet kafka successful',
    ]);
  });

  it('daemonset: one pod per worker, none on the tainted control plane', () => {
    const r = run(['daemonset']);
    expect(op(r, 'create daemonsets monitoring/node-exporter')).toMatchObject({
      operation: 'create-daemonset',
      outcome: 'complete',
    });
    const created = byReason(r, 'SuccessfulCreate');
    expect(created).toHaveLength(2);
    for (const e of created) {
      expect(e.involvedObject.kind).toBe('DaemonSet');
      expect(e.source.component).toBe('daemonset-controller');
      expect(e.message).toMatch(/^Created pod: node-exporter-[a-z0-9]{5}$/);
    }
    expect(
      byReason(r, 'Scheduled')
        .map((e) => e.message.split(' to ')[1])
        .sort(),
    ).toEqual(['kind-worker', 'kind-worker2']);
    expect(r.files.get('kind-control-plane/kubelet.log') ?? '').not.toContain('node-exporter');
  });

  it('job: the pod runs to completion, the Job completes', () => {
    const r = run(['job']);
    expect(op(r, 'create jobs batch/db-migrate')).toMatchObject({
      operation: 'create-job',
      outcome: 'complete',
    });
    expect(byReason(r, 'SuccessfulCreate')[0]).toMatchObject({
      involvedObject: { kind: 'Job', name: 'db-migrate' },
      source: { component: 'job-controller' },
    });
    expect(byReason(r, 'Completed').map((e) => e.message)).toEqual(['Job completed']);
    expect(r.files.get(AUDIT_PATH)).toContain('"phase":"Succeeded"');
    expect(r.files.get(AUDIT_PATH)).toContain(
      '"$deleteFromPrimitiveList":{"finalizers":["batch.kubernetes.io/job-tracking"]}',
    );
    expect(file(r, 'kubelet.log')).toMatch(
      /"SyncLoop \(PLEG\): event for pod" pod="batch\/db-migrate-[a-z0-9]{5}" event=\{"ID":"[0-9a-f-]+","Type":"ContainerDied"/,
    );
    expect(file(r, '/migrate/0.log')).toContain('done: 2 migrations applied');
  });

  it('cronjob-run: the controller creates <cronjob>-<minutes>, the Job completes, history is trimmed', () => {
    const r = run(['cronjob-run']);
    const o = r.truth.ops[0] as OpTruth;
    const minutes = Math.floor(Date.parse(o.start) / 60_000);
    expect(o).toMatchObject({
      key: `create jobs ops/report-${minutes}`,
      operation: 'cronjob-run',
      user: 'system:serviceaccount:kube-system:cronjob-controller',
      outcome: 'complete',
    });
    const cj = events(r).filter((e) => e.involvedObject.kind === 'CronJob');
    expect(cj.map((e) => `${e.reason}: ${e.message}`)).toEqual([
      `SuccessfulCreate: Created job report-${minutes}`,
      `SawCompletedJob: Saw completed job: report-${minutes}, status: Complete`,
      `SuccessfulDelete: Deleted job report-${minutes - 3}`,
    ]);
    expect(byReason(r, 'Completed')).toHaveLength(1);
  });

  it('bare-pod: kubectl run, then a separate kubectl delete', () => {
    const r = run(['bare-pod']);
    const c = op(r, 'create pods default/debug');
    const d = op(r, 'delete pods default/debug');
    expect(c).toMatchObject({ operation: 'create-pod', verb: 'create', resource: 'pods', code: 201 });
    expect(d).toMatchObject({ operation: 'delete-pod', verb: 'delete', resource: 'pods', code: 200 });
    expect(done(r).find((e) => e.auditID === c.auditId)?.requestURI).toBe(
      '/api/v1/namespaces/default/pods?fieldManager=kubectl-run',
    );
    const killing = lineOps(r).filter((l) => l.text.includes('"Killing container with a grace period"'));
    expect(killing.map((l) => l.op)).toEqual(['delete pods default/debug']);
    expect(
      lineOps(r)
        .filter((l) => l.text.includes('"SyncLoop ADD"'))
        .map((l) => l.op),
    ).toEqual(['create pods default/debug']);
  });

  it('cordon-uncordon: two operations; the kubelet reports NodeNotSchedulable, then NodeSchedulable', () => {
    const r = run(['cordon-uncordon']);
    expect(op(r, 'cordon nodes kind-worker')).toMatchObject({
      operation: 'cordon-node',
      verb: 'patch',
      resource: 'nodes',
      namespace: null,
    });
    expect(op(r, 'uncordon nodes kind-worker')).toMatchObject({ operation: 'uncordon-node', verb: 'patch' });
    const node = events(r).filter((e) => e.involvedObject.kind === 'Node');
    expect(node.map((e) => e.message)).toEqual([
      'Node kind-worker status is now: NodeNotSchedulable',
      'Node kind-worker status is now: NodeSchedulable',
    ]);
    for (const e of node) {
      expect(e.metadata.namespace).toBe('default');
      expect(e.involvedObject).toEqual({
        kind: 'Node',
        name: 'kind-worker',
        resourceVersion: expect.any(String) as string,
        uid: 'kind-worker',
      });
      expect(e.source).toEqual({ component: 'kubelet', host: 'kind-worker' });
    }
  });

  it("drain-uncordon: kubectl's wait-for-deletion reads (404 at the end) belong to the drain", () => {
    const r = run(['drain-uncordon']);
    const o = op(r, 'drain nodes kind-worker2');
    expect(o).toMatchObject({ operation: 'drain-node', outcome: 'complete' });
    expect(op(r, 'uncordon nodes kind-worker2').operation).toBe('uncordon-node');
    const lines = (r.files.get(AUDIT_PATH) ?? '').split('\n');
    const gets = lines
      .map((l, i) => ({ l, i }))
      .filter(
        ({ l }) =>
          l.includes('"stage":"ResponseComplete"') &&
          l.includes('"verb":"get"') &&
          l.includes('"resource":"pods"'),
      );
    expect(gets.filter(({ l }) => l.includes('"code":404'))).toHaveLength(2);
    for (const { i } of gets) expect(truthForLine(r.truth, AUDIT_PATH, i + 1)?.op).toBe(o.key);
    expect(byReason(r, 'Scheduled').map((e) => e.message.split(' to ')[1])).toEqual([
      'kind-worker',
      'kind-worker',
    ]);
    expect(
      events(r)
        .filter((e) => e.involvedObject.kind === 'Node')
        .map((e) => e.reason),
    ).toEqual(['NodeNotSchedulable', 'NodeSchedulable']);
  });

  it('deployment-lifecycle: create, rollout and scale to 0 of one Deployment are three operations', () => {
    const r = run(['deployment-lifecycle']);
    expect(r.truth.ops.map((o) => `${o.key} ${o.operation} ${o.user}`)).toEqual([
      'create deployments web/landing create-deployment kubernetes-admin',
      'rollout deployments web/landing rollout-deployment alice',
      'scale deployments web/landing scale-deployment bob',
    ]);
    const scaling = byReason(r, 'ScalingReplicaSet').map((e) => e.message);
    expect(scaling[0]).toMatch(/^Scaled up replica set landing-[a-z0-9]+ to 3$/);
    expect(scaling).toContainEqual(
      expect.stringMatching(/^Scaled down replica set landing-[a-z0-9]+ to 0 from 3$/),
    );
    // Each operation's Killing lines are its own: the rollout's old pods, then the scale's new ones.
    const kills = lineOps(r).filter((l) => l.text.includes('"Killing container with a grace period"'));
    expect(kills.map((l) => l.op).sort()).toEqual([
      ...Array<string>(3).fill('rollout deployments web/landing'),
      ...Array<string>(3).fill('scale deployments web/landing'),
    ]);
  });

  it('bootstrap: add-ons and static pods are system operations; nothing logs before it exists', () => {
    const r = run(['bootstrap'], 21, 120);
    const ops = r.truth.ops;
    expect(ops.map((o) => o.key).sort()).toEqual([
      'create daemonsets kube-system/kindnet',
      'create daemonsets kube-system/kube-proxy',
      'create deployments kube-system/coredns',
      'create deployments local-path-storage/local-path-provisioner',
      'create pods kube-system/etcd-kind-control-plane',
      'create pods kube-system/kube-apiserver-kind-control-plane',
      'create pods kube-system/kube-controller-manager-kind-control-plane',
      'create pods kube-system/kube-scheduler-kind-control-plane',
    ]);
    for (const o of ops) expect(o.system).toBe(true);
    expect(op(r, 'create deployments kube-system/coredns').userAgent).toMatch(/^kubeadm\//);
    expect(op(r, 'create pods kube-system/etcd-kind-control-plane').user).toBe(
      'system:node:kind-control-plane',
    );
    const fs = byReason(r, 'FailedScheduling');
    // Add-on Deployments wait for the control plane to be Ready; DaemonSet pods tolerate it.
    expect(fs.map((e) => e.involvedObject.name.replace(/-[a-z0-9]{5}$/, '')).sort()).toEqual([
      'coredns-7db6d8ff4d',
      'coredns-7db6d8ff4d',
      'local-path-provisioner-988d74bc',
    ]);
    expect(fs[0]?.message).toContain('untolerated taint {node.kubernetes.io/not-ready: }');
    expect(byReason(r, 'SuccessfulCreate').filter((e) => e.involvedObject.kind === 'DaemonSet')).toHaveLength(
      6,
    );
    expect(file(r, 'kubelet.log')).toContain(
      '"SyncLoop ADD" source="file" pods=["kube-system/etcd-kind-control-plane"]',
    );
    // The add-on pods' logs start with their startup lines (the pods the background noise uses).
    const coredns = [...r.files.entries()].filter(
      ([p]) => p.includes('_coredns-') && p.endsWith('/coredns/0.log'),
    );
    expect(coredns).toHaveLength(2);
    for (const [, c] of coredns) expect(c.split('\n')[0]).toMatch(/stdout F \.:53$/);
    const firstNoise = lineOps(r).find((l) => l.op === null && l.file.endsWith('/kube-proxy/0.log'));
    expect(firstNoise?.text).not.toContain('"Using iptables proxy"');
    expect(file(r, '/kube-proxy/0.log').split('\n')[0]).toContain('"Using iptables proxy"');
  });

  it('delete-reapply: apply, delete, apply again — same names, new UIDs, the garbage collector records no Event', () => {
    const r = run(['delete-reapply']);
    expect(r.truth.ops.map((o) => `${o.key} ${o.operation} ${o.outcome} ${o.stoppedAt ?? '-'}`)).toEqual([
      'create deployments default/php-apache create-deployment failed pods-scheduled',
      'delete deployments default/php-apache delete-deployment complete -',
      'create deployments default/php-apache #2 create-deployment failed pods-scheduled',
    ]);
    const [c1, d, c2] = r.truth.ops as [OpTruth, OpTruth, OpTruth];
    for (const c of [c1, c2])
      expect(c).toMatchObject({
        stoppedComponent: 'kube-scheduler',
        reason: "didn't match pod topology spread constraints",
      });
    // The user's DELETE, then the garbage collector's (no preconditions from kubectl).
    const del = done(r).find((e) => e.auditID === d.auditId);
    expect([del?.verb, del?.requestURI, del?.user.username]).toEqual([
      'delete',
      '/apis/apps/v1/namespaces/default/deployments/php-apache',
      'kubernetes-admin',
    ]);
    expect(
      done(r)
        .filter((e) => e.user.username === 'system:serviceaccount:kube-system:generic-garbage-collector')
        .map((e) => e.objectRef?.resource),
    ).toEqual(['replicasets', ...Array<string>(6).fill('pods')]);
    // Same Deployment and ReplicaSet names both times, two UIDs each.
    const scaling = byReason(r, 'ScalingReplicaSet');
    expect(scaling.map((e) => e.message)).toEqual([scaling[0]?.message, scaling[0]?.message]);
    expect(scaling[0]?.message).toMatch(/^Scaled up replica set php-apache-[a-z0-9]+ to 6$/);
    expect(new Set(scaling.map((e) => e.involvedObject.uid)).size).toBe(2);
    const created = byReason(r, 'SuccessfulCreate');
    expect(created).toHaveLength(12);
    expect(new Set(created.map((e) => e.involvedObject.name)).size).toBe(1);
    expect(new Set(created.map((e) => e.involvedObject.uid)).size).toBe(2);
    // One pod of six never fits, each time.
    const misfits = byReason(r, 'FailedScheduling').filter((e) => !e.message.startsWith('skip'));
    expect(misfits).toHaveLength(2);
    for (const e of misfits)
      expect(e.message).toMatch(
        /^0\/3 nodes are available: 1 node\(s\) didn't match pod topology spread constraints \(missing required label\), /,
      );
    // The delete: no `Deleted pod`, the kubelets stop the five running pods, the scheduler skips the sixth.
    expect(byReason(r, 'SuccessfulDelete')).toEqual([]);
    const killing = byReason(r, 'Killing');
    expect(killing.map((e) => e.message)).toEqual(Array<string>(5).fill('Stopping container php-apache'));
    for (const e of killing) {
      expect(at(e)).toBeGreaterThanOrEqual(Math.floor(Date.parse(d.start) / 1000) * 1000);
      expect(at(e)).toBeLessThan(Date.parse(c2.start));
    }
    const skip = byReason(r, 'FailedScheduling').filter((e) => e.message.startsWith('skip'));
    expect(skip.map((e) => e.message)).toEqual([
      `skip schedule deleting pod: default/${misfits[0]?.involvedObject.name ?? ''}`,
    ]);
    const lines = lineOps(r);
    const ownerOf = (text: string): (string | null)[] =>
      lines.filter((l) => l.file === EVENTS_PATH && l.text.includes(text)).map((l) => l.op);
    expect(new Set(ownerOf('"message": "skip schedule deleting pod'))).toEqual(new Set([d.key]));
    expect(new Set(ownerOf('"message": "Stopping container php-apache"'))).toEqual(new Set([d.key]));
    expect(
      lines.filter((l) => l.text.includes('"Killing container with a grace period"')).map((l) => l.op),
    ).toEqual(Array<string>(5).fill(d.key));
  });

  it('taint-reject-loop: a node that refuses every pod of a pinned Deployment, one every ~0.2 s', () => {
    const r = run(['taint-reject-loop']);
    const [taint, create] = r.truth.ops as [OpTruth, OpTruth];
    expect(taint).toMatchObject({
      key: 'taint nodes kind-worker',
      operation: 'generic',
      verb: 'patch',
      resource: 'nodes',
      outcome: 'complete',
    });
    expect(create).toMatchObject({
      key: 'create deployments default/php-pinned',
      outcome: 'failed',
      stoppedAt: 'pods-scheduled',
      stoppedComponent: 'kubelet',
      reason: 'Predicate TaintToleration failed',
    });
    const patch = done(r).find((e) => e.auditID === taint.auditId) as AuditEvent & {
      requestObject?: unknown;
    };
    expect(patch.requestURI).toBe('/api/v1/nodes/kind-worker?fieldManager=kubectl-taint');
    expect(patch.requestObject).toEqual({
      spec: { taints: [{ effect: 'NoExecute', key: 'key1', value: 'value1' }] },
    });
    // In the logs' last ~45 s, as Kivi's collection stopped mid-loop.
    expect(Date.parse(r.truth.to) - Date.parse(taint.start)).toBeLessThan(46_000);
    expect(Date.parse(create.start) - Date.parse(taint.start)).toBeGreaterThan(3_000);
    const podCreates = done(r).filter(
      (e) => e.verb === 'create' && e.objectRef?.resource === 'pods' && !e.objectRef.subresource,
    );
    const pods = podCreates.length;
    expect(pods).toBeGreaterThan(100);
    expect(r.files.get(AUDIT_PATH)).toContain('"nodeName":"kind-worker"');
    // No scheduler involved; each pod refused by the kubelet and marked by the taint eviction controller.
    expect(byReason(r, 'Scheduled')).toEqual([]);
    const refused = byReason(r, 'TaintToleration');
    expect(refused.length).toBeGreaterThanOrEqual(pods - 1);
    for (const e of refused) {
      expect([e.type, e.message, e.source]).toEqual([
        'Warning',
        'Predicate TaintToleration failed',
        { component: 'kubelet', host: 'kind-worker' },
      ]);
    }
    const marked = byReason(r, 'TaintManagerEviction');
    expect(marked.length).toBeGreaterThanOrEqual(pods - 1);
    for (const e of marked) {
      expect(e.message).toBe(`Marking for deletion Pod default/${e.involvedObject.name}`);
      // A reference built from a namespace and name: no UID, no resourceVersion.
      expect(e.involvedObject).toEqual({
        apiVersion: 'v1',
        kind: 'Pod',
        name: e.involvedObject.name,
        namespace: 'default',
      });
      expect(e.source).toEqual({ component: 'taint-eviction-controller' });
    }
    // The recorder's correlator: nine single Events, then one combined; the spam filter stops at 25.
    const createdEvents = byReason(r, 'SuccessfulCreate');
    const single = createdEvents.filter((e) => e.message.startsWith('Created pod: '));
    const combined = createdEvents.filter((e) =>
      e.message.startsWith('(combined from similar events): Created pod: '),
    );
    expect(single.map((e) => e.count)).toEqual(Array<number>(9).fill(1));
    expect(combined.map((e) => e.count)).toEqual([16]);
    const kubelet = file(r, 'kind-worker/kubelet.log');
    expect(
      kubelet.match(
        /"Predicate failed on Pod" pod="default\/php-pinned-[a-z0-9]+-[a-z0-9]{5}" err="Predicate TaintToleration failed"/g,
      )?.length,
    ).toBeGreaterThanOrEqual(pods - 1);
    expect(file(r, 'kube-controller-manager/0.log')).toMatch(
      /taint_eviction\.go:\d+\] "Deleting pod" controller="taint-eviction-controller" pod="default\/php-pinned-/,
    );
    expect(r.files.get('kind-worker2/kubelet.log') ?? '').not.toContain('php-pinned');
  });

  it('events-only: only the Events list, the kubelet journals and the scheduler log, under Kivi names', () => {
    const scenarios: ScenarioName[] = ['delete-reapply', 'taint-reject-loop'];
    const kind = run([...scenarios, 'no-audit'], 21, 30);
    const kivi = run([...scenarios, 'events-only'], 21, 30);
    expect([...kivi.files.keys()].sort()).toEqual(
      [
        KIVI_EVENTS,
        `${KIVI_STAMP}-kubelet-kind-control-plane.log.txt`,
        `${KIVI_STAMP}-kubelet-kind-worker.log.txt`,
        `${KIVI_STAMP}-kubelet-kind-worker2.log.txt`,
        `${KIVI_STAMP}-scheduler.log.txt`,
      ].sort(),
    );
    // The same cluster as the kind export: the kept files hold the same lines.
    expect(kivi.files.get(KIVI_EVENTS)).toBe(kind.files.get(EVENTS_PATH));
    expect(kivi.files.get(`${KIVI_STAMP}-kubelet-kind-worker.log.txt`)).toBe(
      kind.files.get('kind-worker/kubelet.log'),
    );
    const scheduler = kivi.files.get(`${KIVI_STAMP}-scheduler.log.txt`) ?? '';
    expect(scheduler.split('\n')[0]).toMatch(/^I0610 \d\d:\d\d:\d\d\.\d{6} +1 schedule_one\.go:\d+\] /);
    expect(scheduler).toBe(
      file(kind, 'kube-scheduler/0.log')
        .split('\n')
        .map((l) => l.replace(/^\S+ stderr F /, ''))
        .join('\n'),
    );
    // Lines and operations the bundle no longer holds are not in its truth: the taint was an API call only.
    expect(kivi.truth.files.map((f) => f.path).sort()).toEqual([...kivi.files.keys()].sort());
    expect(kivi.truth.ops.map((o) => o.key)).toEqual(
      kind.truth.ops.map((o) => o.key).filter((k) => !k.startsWith('taint')),
    );
    for (const o of kivi.truth.ops) expect(o.auditId).toBeNull();
    const lines = lineOps(kivi);
    for (const o of kivi.truth.ops)
      expect(
        lines.some((l) => l.op === o.key),
        o.key,
      ).toBe(true);
    expect(kivi.truth.files.find((f) => f.path.endsWith('-scheduler.log.txt'))).toMatchObject({
      component: 'kube-scheduler',
      node: null,
    });
  });

  it('kcm-no-events: no "Event occurred", "Finished syncing" per ReplicaSet sync, a start-up resync of what exists', () => {
    const r = run(['rollout', 'delete-reapply', 'no-audit', 'kcm-no-events', 'no-events-json']);
    expect(r.files.has(EVENTS_PATH)).toBe(false);
    expect(r.files.has(AUDIT_PATH)).toBe(false);
    const kcm = lineOps(r).filter((l) => l.file.endsWith('/kube-controller-manager/0.log'));
    const text = (l: { text: string }): string => l.text.replace(/^\S+ stderr F /, '');
    // Default verbosity: the leader election's Event is the only one it logs, nothing above V(0).
    expect(kcm.filter((l) => l.text.includes('"Event occurred"')).map((l) => l.op)).toEqual([null]);
    expect(kcm.find((l) => l.text.includes('reason="LeaderElection"'))).toBeDefined();
    expect(kcm.filter((l) => /"Too (few|many) replicas"/.test(l.text))).toEqual([]);
    // The log starts with the process: caches synced, then every existing ReplicaSet resynced (noise).
    expect(text(kcm[0] ?? { text: '' })).toMatch(/serving\.go:\d+\] Generated self-signed cert in-memory$/);
    const synced = kcm.findIndex((l) => l.text.endsWith('Caches are synced for ReplicaSet'));
    expect(synced).toBeGreaterThan(0);
    const finished = kcm
      .map((l, i) => ({ ...l, i, key: /key="([^"]+)"/.exec(l.text)?.[1] ?? '' }))
      .filter((l) => l.text.includes('"Finished syncing"'));
    for (const l of finished)
      expect(text(l)).toMatch(
        /^I0610 [\d:.]+ +1 replica_set\.go:679\] "Finished syncing" logger="replicaset-controller" kind="ReplicaSet" key="[a-z0-9-]+\/[a-z0-9-]+" duration="[\d.]+(µs|ms)"$/,
      );
    const firstOwned = finished.find((l) => l.op !== null);
    const resync = finished.filter((l) => l.i > synced && firstOwned !== undefined && l.i < firstOwned.i);
    expect(new Set(resync.map((l) => l.key.split('/')[0]))).toEqual(
      new Set(['kube-system', 'local-path-storage', 'shop']),
    );
    for (const l of resync) expect(l.op).toBeNull();
    // Several syncs per ReplicaSet change, each the operation's.
    const [c1, d, c2] = r.truth.ops.filter((o) => o.scenario === 'delete-reapply') as [
      OpTruth,
      OpTruth,
      OpTruth,
    ];
    const php = finished.filter((l) => l.key.startsWith('default/php-apache-'));
    expect(new Set(php.map((l) => l.key)).size).toBe(1);
    for (const o of [c1, d, c2])
      expect(php.filter((l) => l.op === o.key).length, o.key).toBeGreaterThanOrEqual(o === d ? 2 : 6);
    expect(php.every((l) => l.op !== null)).toBe(true);
    expect(
      finished.some(
        (l) => l.key.startsWith('shop/storefront-') && l.op === 'rollout deployments shop/storefront',
      ),
    ).toBe(true);
  });

  it('kcm-no-events with json-logging: the sync lines in component-base JSON', () => {
    const r = run(['delete-reapply', 'kcm-no-events', 'json-logging']);
    const line = file(r, 'kube-controller-manager/0.log')
      .split('\n')
      .map((l) => l.replace(/^\S+ stderr F /, ''))
      .find((l) => l.includes('"Finished syncing"') && l.includes('php-apache'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({
      caller: 'replicaset/replica_set.go:679',
      msg: 'Finished syncing',
      v: 0,
      logger: 'replicaset-controller',
      kind: 'ReplicaSet',
      key: expect.stringMatching(/^default\/php-apache-[a-z0-9]+$/) as string,
    });
  });

  it('events-by-name: listed like kubectl get events (namespace, name), a ReplicaSet before its Deployment', () => {
    const r = run(['deployment-lifecycle', 'image-pull-recovers', 'events-by-name']);
    const items = events(r);
    const keys = items.map((e) => `${e.metadata.namespace}/${e.metadata.name}`);
    expect(keys).toEqual([...keys].sort());
    expect(new Set(keys).size).toBe(keys.length);
    const rs = keys.findIndex((k) => /^web\/landing-[a-z0-9]+\./.test(k));
    const dep = keys.findIndex((k) => /^web\/landing\./.test(k));
    expect(rs).toBeGreaterThanOrEqual(0);
    expect(rs).toBeLessThan(dep);
    // Whole-second times, several events in one second.
    for (const e of items) if (e.lastTimestamp) expect(e.lastTimestamp).toMatch(/:\d\dZ$/);
    const perSecond = new Map<string, number>();
    for (const e of items)
      perSecond.set(e.metadata.creationTimestamp, (perSecond.get(e.metadata.creationTimestamp) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeGreaterThan(3);
  });

  it('v1-uids: object UIDs are time-based v1 UUIDs dating each object', () => {
    const r = run(['deployment-lifecycle', 'v1-uids']);
    const dep = byReason(r, 'ScalingReplicaSet')[0]?.involvedObject.uid ?? '';
    expect(dep).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const time = (uid: string): number => {
      const [low = '', mid = '', hi = ''] = uid.split('-');
      const t = (BigInt(`0x${hi.slice(1)}`) << 48n) | (BigInt(`0x${mid}`) << 32n) | BigInt(`0x${low}`);
      return Number((t - 0x01b21dd213814000n) / 10_000n);
    };
    const created = Date.parse(op(r, 'create deployments web/landing').start);
    expect(Math.abs(time(dep) - created)).toBeLessThan(1000);
    const podUid = byReason(r, 'Scheduled')[0]?.involvedObject.uid ?? '';
    expect(time(podUid)).toBeGreaterThan(time(dep));
  });
});

describe('the real-shapes preset', () => {
  it('settles every operation in its window and never schedules onto a cordoned node', () => {
    const r = renderBundle(realShapesBundle());
    const expected = new Map<string, string>([
      ['rollout deployments shop/payments', 'failed containers-started'],
      ['create deployments analytics/spark-driver', 'failed pods-scheduled'],
      ['create deployments default/php-apache', 'failed pods-scheduled'],
      ['create deployments default/php-apache #2', 'failed pods-scheduled'],
      ['create deployments default/php-pinned', 'failed pods-scheduled'],
    ]);
    for (const o of r.truth.ops)
      expect(`${o.outcome} ${o.stoppedAt ?? ''}`.trim(), o.key).toBe(expected.get(o.key) ?? 'complete');
    expect(new Set(r.truth.ops.map((o) => o.scenario))).toEqual(
      new Set<RealShapeScenarioName>(REAL_SHAPE_SCENARIOS),
    );
    // Cordon windows from the audit log; Scheduled events (not DaemonSet pods) must avoid them.
    const patches = done(r)
      .filter((e) => e.verb === 'patch' && e.objectRef?.resource === 'nodes' && e.user.username === 'alice')
      .map((e) => ({ node: e.objectRef?.name ?? '', at: Date.parse(e.stageTimestamp) }));
    const windows: { node: string; from: number; to: number }[] = [];
    for (const node of new Set(patches.map((p) => p.node))) {
      const mine = patches.filter((p) => p.node === node);
      for (let i = 0; i + 1 < mine.length; i += 2)
        windows.push({ node, from: mine[i]?.at ?? 0, to: mine[i + 1]?.at ?? 0 });
    }
    expect(windows).toHaveLength(2);
    const dsPods = new Set(
      byReason(r, 'SuccessfulCreate')
        .filter((e) => e.involvedObject.kind === 'DaemonSet')
        .map((e) => e.message.slice('Created pod: '.length)),
    );
    for (const e of byReason(r, 'Scheduled')) {
      if (dsPods.has(e.involvedObject.name)) continue;
      const node = e.message.split(' to ')[1];
      const t = Date.parse(e.eventTime ?? '');
      for (const w of windows)
        expect(node === w.node && t >= w.from && t < w.to, `${e.involvedObject.name} on ${node}`).toBe(false);
    }
  });
});

describe('existing output', () => {
  // The default scenarios, the demo and the bench bundle are consumed by other packages' tests:
  // adding shapes must not change a byte of them.
  const digest = (r: RenderedBundle): string => {
    const h = createHash('sha256');
    for (const [p, c] of r.files) h.update(p).update('\0').update(c).update('\0');
    return h.digest('hex').slice(0, 16);
  };
  it('is byte-identical to what it was before the real-shape scenarios', () => {
    expect(digest(renderBundle(generateBundle({ seed: 5 })))).toBe('f499b94839109a9b');
    expect(digest(renderBundle(demoBundle()))).toBe('90b15e2b3c78a52e');
    expect(digest(renderBundle(generateBundle({ seed: 5, scenarios: ['no-audit', ...OP_SCENARIOS] })))).toBe(
      'd041eac6033b278e',
    );
    expect(digest(renderBundle(benchBundle(40_000)))).toBe('cd5a666076bec0eb');
  });
});

/** The new ReplicaSet of the rollout bundle (the one the first ScalingReplicaSet scaled up). */
function scalingNew(r: RenderedBundle): string {
  const first = byReason(r, 'ScalingReplicaSet').find((e) => / to 1$/.test(e.message));
  return /storefront-[a-z0-9]+/.exec(first?.message ?? '')?.[0] ?? '';
}
