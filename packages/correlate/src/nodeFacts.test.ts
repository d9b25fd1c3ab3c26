/**
 * A kind ≥ 1.29 export at default verbosity: no audit log, no Event objects, a controller manager
 * that logs no Events (only its start-up ReplicaSet resync), a scheduler that logs no binds, a
 * kubelet with no `SyncLoop ADD`. What is left per pod is containerd's sandbox and container lines
 * and the kubelet's volume, startup and sync-error lines (shapes written after a kind v1.32 bundle,
 * names and ids made up). Operations come from those lines alone (`nodeLine.ts`).
 */
import { describe, expect, it } from 'vitest';
import { formatNs } from '@kubetrail/model';
import { correlate } from './correlate.ts';
import { collectingSink, memorySource } from './memorySource.ts';
import { Story } from './testRecords.ts';

const NODE = 'kind-control-plane';
const CREATED = '2024-06-10 11:35:40 +0000 UTC';

function run(s: Story) {
  const sink = collectingSink();
  const result = correlate(memorySource(s.records), sink);
  return { ...result, byRecord: sink.byRecord };
}

const hex = (seed: string, n: number): string => seed.repeat(Math.ceil(n / seed.length)).slice(0, n);

/** containerd and kubelet lines of one pod brought up on the node, at `t` ms. */
function podUp(
  s: Story,
  t: number,
  o: { ns: string; name: string; uid: string; container: string; image?: string; seed: string },
) {
  const sandbox = hex(o.seed, 64);
  const ctr = hex(`${o.seed}9`, 64);
  s.log(
    t,
    'kubelet',
    `operationExecutor.VerifyControllerAttachedVolume started for volume "kube-api-access-x1"`,
    {
      pod: `${o.ns}/${o.name}`,
    },
    { node: NODE },
  );
  const meta = `&PodSandboxMetadata{Name:${o.name},Uid:${o.uid},Namespace:${o.ns},Attempt:0,}`;
  s.log(t + 5, 'containerd', `RunPodSandbox for ${meta}`, null, { node: NODE });
  s.log(t + 90, 'containerd', `RunPodSandbox for ${meta} returns sandbox id "${sandbox}"`, null, {
    node: NODE,
  });
  if (o.image) {
    s.log(t + 95, 'containerd', `PullImage "${o.image}"`, null, { node: NODE });
    s.log(
      t + 2_000,
      'containerd',
      `Pulled image "${o.image}" with image id "sha256:${hex('ab', 64)}"`,
      null,
      {
        node: NODE,
      },
    );
    s.log(
      t + 2_001,
      'containerd',
      `PullImage "${o.image}" returns image reference "sha256:${hex('ab', 64)}"`,
      null,
      {
        node: NODE,
      },
    );
  }
  s.log(
    t + 2_010,
    'containerd',
    `CreateContainer within sandbox "${sandbox}" for container &ContainerMetadata{Name:${o.container},Attempt:0,}`,
    null,
    { node: NODE },
  );
  s.log(
    t + 2_050,
    'containerd',
    `CreateContainer within sandbox "${sandbox}" for &ContainerMetadata{Name:${o.container},Attempt:0,} returns container id "${ctr}"`,
    null,
    { node: NODE },
  );
  s.log(t + 2_060, 'containerd', `StartContainer for "${ctr}"`, null, { node: NODE });
  s.log(t + 2_150, 'containerd', `StartContainer for "${ctr}" returns successfully`, null, { node: NODE });
  s.log(
    t + 2_200,
    'kubelet',
    'Observed pod startup duration',
    { pod: `${o.ns}/${o.name}`, podStartSLOduration: '2.2', podCreationTimestamp: CREATED },
    { node: NODE },
  );
}

/** The bundle's first minute: the control plane's static pods, kube-proxy, kindnet, coredns, local-path. */
function bootstrap(s: Story): void {
  const statics = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];
  statics.forEach((c, i) =>
    podUp(s, i * 10, {
      ns: 'kube-system',
      name: `${c}-${NODE}`,
      uid: hex(`${i + 1}f`, 32),
      container: c,
      seed: `${i + 1}a`,
    }),
  );
  s.log(9_000, 'kube-controller-manager', 'Caches are synced for ReplicaSet');
  for (const key of [
    'kube-system/coredns-668d6bf9bc',
    'local-path-storage/local-path-provisioner-7dc846544d',
  ])
    s.log(9_100, 'kube-controller-manager', 'Finished syncing', {
      kind: 'ReplicaSet',
      key,
      duration: '200ms',
    });
  podUp(s, 10_000, {
    ns: 'kube-system',
    name: 'kube-proxy-5sj54',
    uid: '3e843632-6ff0-4a3c-b453-fb0485688c7c',
    container: 'kube-proxy',
    seed: 'b1',
  });
  podUp(s, 10_010, {
    ns: 'kube-system',
    name: 'kindnet-2bmbv',
    uid: 'c7b64498-fe28-42d3-8244-e38a0fbc56a4',
    container: 'kindnet-cni',
    seed: 'b2',
  });
  podUp(s, 22_000, {
    ns: 'kube-system',
    name: 'coredns-668d6bf9bc-79t94',
    uid: 'c1ebac98-f89d-4559-9478-2025627dbb6e',
    container: 'coredns',
    seed: 'c1',
  });
  podUp(s, 22_010, {
    ns: 'local-path-storage',
    name: 'local-path-provisioner-7dc846544d-tv2vd',
    uid: 'f30909e5-6876-4b6d-9a03-eae2f8a5090c',
    container: 'local-path-provisioner',
    seed: 'c2',
  });
}

const row = (r: {
  system: boolean;
  targets: {
    operation: string;
    namespace: string | null;
    name: string;
    outcome: string;
    stoppedAt: { stage: string } | null;
  }[];
}): string => {
  const t = r.targets[0]!;
  return `${r.system ? 'system' : 'user'} ${t.operation} ${t.namespace ?? ''}/${t.name} ${t.outcome}@${t.stoppedAt?.stage ?? '-'}`;
};

describe('operations from the lines of the nodes alone (kind ≥ 1.29 at default verbosity)', () => {
  it('lists the bootstrap add-ons and static pods as system operations, and no user operation', () => {
    const s = new Story();
    bootstrap(s);
    const { requests } = run(s);
    expect(requests.map(row).sort()).toEqual(
      [
        `system create-pod kube-system/etcd-${NODE} complete@-`,
        `system create-pod kube-system/kube-apiserver-${NODE} complete@-`,
        `system create-pod kube-system/kube-controller-manager-${NODE} complete@-`,
        `system create-pod kube-system/kube-scheduler-${NODE} complete@-`,
        'system create-daemonset kube-system/kube-proxy complete@-',
        'system create-daemonset kube-system/kindnet complete@-',
        'system create-deployment kube-system/coredns complete@-',
        'system create-deployment local-path-storage/local-path-provisioner complete@-',
      ].sort(),
    );
    // A static pod is never scheduled: its kubelet runs it from a manifest.
    const etcd = requests.find((r) => r.targets[0]!.name === `etcd-${NODE}`)!.targets[0]!;
    expect(etcd.stages.find((x) => x.id === 'pods-scheduled')!.status).toBe('skipped');
  });

  it("reads a user's Deployment that runs, and one whose image pull fails, from containerd and the kubelet", () => {
    const s = new Story();
    bootstrap(s);
    // `kubectl create deployment web --image=nginx:1.27 --replicas=2` five minutes later.
    podUp(s, 300_000, {
      ns: 'default',
      name: 'web-5d9f7c8b6d-k2x7p',
      uid: '0b5e7a8c-1d2e-4f30-9a41-5b6c7d8e9f01',
      container: 'nginx',
      image: 'nginx:1.27',
      seed: 'd1',
    });
    podUp(s, 300_020, {
      ns: 'default',
      name: 'web-5d9f7c8b6d-q4w9z',
      uid: '0b5e7a8c-1d2e-4f30-9a41-5b6c7d8e9f02',
      container: 'nginx',
      seed: 'd2',
    });
    // `kubectl create deployment api --image=ghcr.io/example/api:v9`: the tag does not exist.
    const api = 'api-7b8c9d6f5-m8n2t';
    const meta = `&PodSandboxMetadata{Name:${api},Uid:5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d,Namespace:default,Attempt:0,}`;
    s.log(
      360_000,
      'kubelet',
      'operationExecutor.VerifyControllerAttachedVolume started for volume "kube-api-access-z9"',
      {
        pod: `default/${api}`,
      },
      { node: NODE },
    );
    s.log(360_010, 'containerd', `RunPodSandbox for ${meta}`, null, { node: NODE });
    s.log(360_100, 'containerd', `RunPodSandbox for ${meta} returns sandbox id "${hex('e1', 64)}"`, null, {
      node: NODE,
    });
    s.log(360_110, 'containerd', 'PullImage "ghcr.io/example/api:v9"', null, { node: NODE });
    s.log(
      361_000,
      'containerd',
      'PullImage "ghcr.io/example/api:v9" failed',
      {
        error:
          'rpc error: code = NotFound desc = failed to pull and unpack image "ghcr.io/example/api:v9": not found',
      },
      { node: NODE, severity: 'error' },
    );
    const pullErr = s.log(
      361_010,
      'kubelet',
      'Error syncing pod, skipping',
      {
        err: 'failed to "StartContainer" for "api" with ErrImagePull: "rpc error: code = NotFound desc = failed to pull and unpack image \\"ghcr.io/example/api:v9\\": not found"',
        pod: `default/${api}`,
        podUID: '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d',
      },
      { node: NODE, severity: 'error' },
    );
    s.log(
      375_000,
      'kubelet',
      'Error syncing pod, skipping',
      {
        err: 'failed to "StartContainer" for "api" with ImagePullBackOff: "Back-off pulling image \\"ghcr.io/example/api:v9\\""',
        pod: `default/${api}`,
        podUID: '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d',
      },
      { node: NODE, severity: 'error' },
    );
    const { requests, byRecord } = run(s);
    const user = requests.filter((r) => !r.system);
    expect(user.map(row)).toEqual([
      'user create-deployment default/web complete@-',
      'user create-deployment default/api failed@images-pulled',
    ]);
    expect(user.every((r) => r.idKind === 'inferred' && r.user === null)).toBe(true);
    const web = user[0]!.targets[0]!;
    // Two pods seen; the replica count is not in the bundle, so no "of M" is made up.
    expect(web.stages.find((x) => x.id === 'containers-started')!.reason).toBe(
      '2 pods seen (desired count not in the bundle)',
    );
    const failed = user[1]!.targets[0]!;
    expect(failed.stoppedAt).toMatchObject({
      stage: 'images-pulled',
      component: 'kubelet',
      recordId: pullErr.id,
    });
    expect(failed.stoppedAt!.reason).toMatch(/ErrImagePull: "rpc error: code = NotFound/);
    // The pull lines, which name only the image, join the pod that pulled it.
    const pullLine = s.records.find((r) => r.message === 'PullImage "ghcr.io/example/api:v9"')!;
    expect(byRecord.get(pullLine.id)?.reqId).toBe(user[1]!.reqId);
    const webPull = s.records.find((r) => r.message.startsWith('Pulled image "nginx:1.27"'))!;
    expect(byRecord.get(webPull.id)?.reqId).toBe(user[0]!.reqId);
  });

  it('reads a pod its node only saw failing, and the kubelet printf lines of k8s <= 1.18', () => {
    const s = new Story();
    // An RKE-era kubelet (printf lines): `shop/cart`'s pod crash-loops; `shop/queue`'s pod is
    // only ever seen failing to pull, then backing off: nothing else shows either was created.
    const cart = 'cart-7c9d8f6b5d-x2z4k';
    const cartUid = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
    const sync = (t: number, name: string, uid: string, err: string) =>
      s.log(t, 'kubelet', `Error syncing pod ${uid} ("${name}_shop(${uid})"), skipping: ${err}`, null, {
        node: NODE,
        severity: 'error',
      });
    sync(
      0,
      cart,
      cartUid,
      `failed to "StartContainer" for "cart" with CrashLoopBackOff: "back-off 10s restarting failed container=cart pod=${cart}_shop(${cartUid})"`,
    );
    s.log(
      5_000,
      'kubelet',
      `Readiness probe for "${cart}_shop(${cartUid}):cart" failed (failure): HTTP probe failed with statuscode: 503`,
      null,
      { node: NODE },
    );
    const queue = 'queue-6b7c8d9f5f-zz9kk';
    const queueUid = '7b2c3d4e-0003-4f5a-9b0c-1d2e3f4a5b63';
    s.log(
      60_000,
      'kubelet',
      'operationExecutor.VerifyControllerAttachedVolume started for volume "kube-api-access-q7"',
      { pod: `shop/${queue}` },
      { node: NODE },
    );
    const pullErr = s.log(
      61_000,
      'kubelet',
      'Error syncing pod, skipping',
      {
        err: 'failed to "StartContainer" for "queue" with ErrImagePull: "pull access denied for shop/queue"',
        pod: `shop/${queue}`,
        podUID: queueUid,
      },
      { node: NODE, severity: 'error' },
    );
    s.log(
      90_000,
      'kubelet',
      'Error syncing pod, skipping',
      {
        err: 'failed to "StartContainer" for "queue" with ImagePullBackOff: "Back-off pulling image \\"shop/queue:1.4\\""',
        pod: `shop/${queue}`,
        podUID: queueUid,
      },
      { node: NODE, severity: 'error' },
    );
    const { requests } = run(s);
    expect(requests.map(row)).toEqual([
      'user create-deployment shop/cart failed@pods-ready',
      'user create-deployment shop/queue failed@images-pulled',
    ]);
    // The printf line's error, not its preamble; the operation starts at the pod's first line.
    expect(requests[0]!.targets[0]!.stoppedAt!.reason).toMatch(
      /^failed to "StartContainer" for "cart" with CrashLoopBackOff/,
    );
    expect(requests[1]!.targets[0]!.stoppedAt!.recordId).toBe(pullErr.id);
    expect(requests[1]!.startedAt).toBe(
      formatNs(s.records.find((r) => r.fields?.['pod'] === `shop/${queue}`)!.ts!),
    );
  });

  it('never starts an operation from a kubelet catching up on pods it already ran', () => {
    const s = new Story();
    // A kubelet restarted: it verifies the volumes of a pod created long ago, and reports its
    // startup with its old creation time; no sandbox is made (the old one still runs).
    s.log(
      0,
      'kubelet',
      'operationExecutor.VerifyControllerAttachedVolume started for volume "data"',
      {
        pod: 'shop/web-5d9f7c8b6d-k2x7p',
      },
      { node: NODE },
    );
    s.log(
      2_000,
      'kubelet',
      'Observed pod startup duration',
      { pod: 'shop/web-5d9f7c8b6d-k2x7p', podCreationTimestamp: '2024-06-09 08:00:00 +0000 UTC' },
      { node: NODE },
    );
    expect(run(s).requests).toEqual([]);
  });
});
