/**
 * Background lines that belong to no user operation: leader-election and node lease renewals,
 * controllers' watches, health probes, kube-proxy syncs, kindnet route checks, etcd compaction,
 * coredns queries, static pod status on the control plane.
 */
import { goDuration, rfc3339Micro } from './clock.ts';
import { CONTROL_PLANE } from './cluster.ts';
import type { Epoch } from './epoch.ts';

type NoiseGen = (ep: Epoch, us: number) => number;

const S = 1_000_000;

function lease(
  ep: Epoch,
  us: number,
  ns: string,
  name: string,
  holder: string,
  actor: ReturnType<Epoch['cluster']['actors']['controller']>,
  timeout: string,
): number {
  const uid = `${name}-lease`;
  ep.api({
    us,
    actor,
    verb: 'update',
    method: 'PUT',
    uri: `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/${name}?timeout=${timeout}`,
    objectRef: {
      resource: 'leases',
      namespace: ns,
      name,
      uid,
      apiGroup: 'coordination.k8s.io',
      apiVersion: 'v1',
      resourceVersion: ep.nextRv(),
    },
    code: 200,
    requestObject: {
      kind: 'Lease',
      apiVersion: 'coordination.k8s.io/v1',
      metadata: { name, namespace: ns },
      spec: {
        holderIdentity: holder,
        leaseDurationSeconds: ns === 'kube-node-lease' ? 40 : 15,
        renewTime: rfc3339Micro(us),
      },
    },
    responseObject: {
      kind: 'Lease',
      apiVersion: 'coordination.k8s.io/v1',
      metadata: { name, namespace: ns, resourceVersion: ep.nextRv() },
      spec: {
        holderIdentity: holder,
        leaseDurationSeconds: ns === 'kube-node-lease' ? 40 : 15,
        renewTime: rfc3339Micro(us),
      },
    },
    op: -1,
  });
  return ep.audit === 'none' ? 1 : 3;
}

const GENERATORS: [number, NoiseGen][] = [
  // Leader election (kube-controller-manager, kube-scheduler) every 2 s in a real cluster.
  [
    5,
    (ep, us) => {
      const a = ep.cluster.actors;
      const which = ep.rng.chance(0.5);
      return lease(
        ep,
        us,
        'kube-system',
        which ? 'kube-controller-manager' : 'kube-scheduler',
        `${CONTROL_PLANE}_${which ? 'a3c2a5b4-5e0d-4d0b-9a43-2f7d1f8f6c11' : '36bc06ed-dc61-4c8f-ac53-92e6d5553659'}`,
        which
          ? a.kcmLeader
          : {
              ...a.scheduler,
              userAgent: a.scheduler.userAgent.replace('/scheduler', '/leader-election'),
              apf: ['leader-election', 'leader-election'],
            },
        '5s',
      );
    },
  ],
  // Node leases every 10 s per node.
  [
    4,
    (ep, us) => {
      const n = ep.rng.pick(ep.cluster.nodes);
      return lease(ep, us, 'kube-node-lease', n.name, n.name, ep.cluster.actors.kubelet(n.name), '10s');
    },
  ],
  // A controller's watch ends (the apiserver logs it when it closes).
  [
    2,
    (ep, us) => {
      const a = ep.cluster.actors;
      const [actor, path] = ep.rng.pick([
        [
          a.scheduler,
          '/api/v1/pods?allowWatchBookmarks=true&fieldSelector=status.phase%21%3DSucceeded%2Cstatus.phase%21%3DFailed',
        ],
        [a.controller('replicaset-controller'), '/apis/apps/v1/replicasets?allowWatchBookmarks=true'],
        [a.controller('deployment-controller'), '/apis/apps/v1/deployments?allowWatchBookmarks=true'],
        [
          a.kubelet(ep.rng.pick(ep.cluster.nodes).name),
          '/api/v1/services?allowWatchBookmarks=true&labelSelector=%21service.kubernetes.io%2Fheadless%2C%21service.kubernetes.io%2Fservice-proxy-name',
        ],
      ] as const);
      const secs = ep.rng.int(300, 599);
      const latencyMs = secs * 1000 + ep.rng.float(0.3, 2);
      const resource = path.includes('/pods')
        ? 'pods'
        : path.includes('replicasets')
          ? 'replicasets'
          : path.includes('deployments')
            ? 'deployments'
            : 'services';
      ep.api({
        us: us - Math.round(latencyMs * 1000),
        actor,
        verb: 'watch',
        method: 'WATCH',
        uri: `${path}&resourceVersion=${ep.nextRv()}&timeout=${goDuration(secs * 1000)}&timeoutSeconds=${secs}&watch=true`,
        objectRef: {
          resource,
          apiVersion: 'v1',
          ...(resource === 'pods' || resource === 'services' ? {} : { apiGroup: 'apps' }),
        },
        code: 200,
        latencyMs,
        op: -1,
        audit: false,
      });
      return 1;
    },
  ],
  // kubelet liveness/readiness probes of the apiserver.
  [
    2,
    (ep, us) => {
      ep.api({
        us,
        actor: {
          username: 'system:anonymous',
          groups: ['system:unauthenticated'],
          userAgent: 'kube-probe/1.30',
          ip: ep.cluster.nodes[0]?.ip ?? '172.18.0.2',
          apf: ['exempt', 'probes'],
          rbac: '',
        },
        verb: 'get',
        method: 'GET',
        uri: ep.rng.pick(['/livez', '/readyz']),
        code: 200,
        latencyMs: ep.rng.float(1, 6),
        op: -1,
        audit: false,
      });
      return 1;
    },
  ],
  // Static pod status on the control plane's kubelet.
  [
    2,
    (ep, us) => {
      const pods = ep.cluster.systemPods.filter(
        (p) => p.node === CONTROL_PLANE && !p.name.startsWith('coredns'),
      );
      let t = us;
      for (const p of pods) {
        ep.kubelet(
          CONTROL_PLANE,
          t,
          {
            sev: 'I',
            caller: 'kubelet/kubelet_getters.go:187',
            msg: 'Pod status updated',
            v: 0,
            kv: [
              ['pod', { kobj: `${p.ns}/${p.name}` }],
              ['status', 'Running'],
            ],
          },
          -1,
        );
        t += ep.rng.int(5, 40);
      }
      return pods.length;
    },
  ],
  // kindnet's route check every 10 s on every node.
  [
    3,
    (ep, us) => {
      const self = ep.rng.pick(ep.cluster.nodes);
      let t = us;
      let lines = 0;
      for (const n of ep.cluster.nodes) {
        ep.component(
          'kindnet',
          self.name,
          t,
          { sev: 'I', caller: 'main.go:223', msg: `Handling node with IPs: map[${n.ip}:{}]`, printf: true },
          -1,
        );
        t += ep.rng.int(5, 30);
        if (n.name === self.name)
          ep.component(
            'kindnet',
            self.name,
            t,
            { sev: 'I', caller: 'main.go:227', msg: 'handling current node', printf: true },
            -1,
          );
        else
          ep.component(
            'kindnet',
            self.name,
            t,
            {
              sev: 'I',
              caller: 'main.go:250',
              msg: `Node ${n.name} has CIDR [${n.podCidrPrefix}0/24] `,
              printf: true,
            },
            -1,
          );
        t += ep.rng.int(5, 30);
        lines += 2;
      }
      return lines;
    },
  ],
  // kube-proxy resync.
  [
    1,
    (ep, us) => {
      const node = ep.rng.pick(ep.cluster.nodes).name;
      const ms = ep.rng.float(15, 80);
      ep.component(
        'kube-proxy',
        node,
        us,
        { sev: 'I', caller: 'iptables/proxier.go:805', msg: 'Syncing iptables rules', v: 2 },
        -1,
      );
      ep.component(
        'kube-proxy',
        node,
        us + Math.round(ms * 600),
        {
          sev: 'I',
          caller: 'iptables/proxier.go:1494',
          msg: 'Reloading service iptables data',
          v: 2,
          kv: [
            ['numServices', 6],
            ['numEndpoints', 9],
            ['numFilterChains', 6],
            ['numFilterRules', 4],
            ['numNATChains', 12],
            ['numNATRules', 27],
          ],
        },
        -1,
      );
      ep.component(
        'kube-proxy',
        node,
        us + Math.round(ms * 1000),
        {
          sev: 'I',
          caller: 'iptables/proxier.go:799',
          msg: 'SyncProxyRules complete',
          v: 2,
          kv: [['elapsed', goDuration(ms)]],
        },
        -1,
      );
      return 3;
    },
  ],
  // coredns query log.
  [
    2,
    (ep, us) => {
      const p = ep.rng.pick(ep.cluster.systemPods.filter((x) => x.component === 'coredns'));
      const name = ep.rng.pick([
        'catalog.shop.svc.cluster.local.',
        'redis.blog.svc.cluster.local.',
        'kubernetes.default.svc.cluster.local.',
        'db.shop.svc.cluster.local.',
      ]);
      const type = ep.rng.pick(['A', 'AAAA']);
      const client = `10.244.${ep.rng.int(1, 2)}.${ep.rng.int(2, 250)}:${ep.rng.int(32768, 60999)}`;
      ep.rawSystem(
        'coredns',
        p.node,
        us,
        `[INFO] ${client} - ${ep.rng.int(1, 65535)} "${type} IN ${name} udp ${name.length + 18} false 512" NOERROR qr,aa,rd ${type === 'A' ? 106 : 152} ${ep.rng.float(0.00005, 0.0004).toFixed(9)}s`,
        -1,
        'stdout',
      );
      return 1;
    },
  ],
  // etcd: compaction and the occasional slow apply.
  [
    1,
    (ep, us) => {
      const rev = 30000 + ep.index * 4000 + ep.rng.int(0, 3999);
      if (ep.rng.chance(0.5)) {
        ep.rawSystem(
          'etcd',
          CONTROL_PLANE,
          us,
          JSON.stringify({
            level: 'info',
            ts: rfc3339Micro(us),
            caller: 'mvcc/index.go:214',
            msg: 'compact tree index',
            revision: rev,
          }),
          -1,
        );
        ep.rawSystem(
          'etcd',
          CONTROL_PLANE,
          us + 3000,
          JSON.stringify({
            level: 'info',
            ts: rfc3339Micro(us + 3000),
            caller: 'mvcc/kvstore_compaction.go:68',
            msg: 'finished scheduled compaction',
            'compact-revision': rev,
            took: goDuration(ep.rng.float(2, 9)),
            hash: ep.rng.int(1e8, 4e9),
            'current-db-size-bytes': 2469888,
            'current-db-size': '2.5 MB',
            'current-db-size-in-use-bytes': 1232896,
            'current-db-size-in-use': '1.2 MB',
          }),
          -1,
        );
        ep.rawSystem(
          'etcd',
          CONTROL_PLANE,
          us + 3500,
          JSON.stringify({
            level: 'info',
            ts: rfc3339Micro(us + 3500),
            caller: 'mvcc/hash.go:137',
            msg: 'storing new hash',
            hash: ep.rng.int(1e8, 4e9),
            revision: rev,
            'compact-revision': rev - 400,
          }),
          -1,
        );
        return 3;
      }
      ep.rawSystem(
        'etcd',
        CONTROL_PLANE,
        us,
        JSON.stringify({
          level: 'warn',
          ts: rfc3339Micro(us),
          caller: 'etcdserver/util.go:170',
          msg: 'apply request took too long',
          took: goDuration(ep.rng.float(100, 180)),
          'expected-duration': '100ms',
          prefix: 'read-only range ',
          request: 'key:"/registry/pods/" range_end:"/registry/pods0" count_only:true ',
          response: `range_response_count:0 size:7`,
        }),
        -1,
      );
      return 1;
    },
  ],
  // Worker kubelets stay mostly quiet; the odd slow housekeeping shows.
  [
    0.3,
    (ep, us) => {
      const n = ep.rng.pick(ep.cluster.nodes).name;
      ep.kubelet(
        n,
        us,
        {
          sev: 'E',
          caller: 'kubelet/kubelet.go:2477',
          msg: 'Housekeeping took longer than expected',
          err: 'housekeeping took too long',
          kv: [
            ['expected', '1s'],
            ['actual', goDuration(Math.round(ep.rng.float(1001, 1600)))],
          ],
        },
        -1,
      );
      return 1;
    },
  ],
];

const TOTAL = GENERATORS.reduce((s, [w]) => s + w, 0);

/**
 * Writes about `perMinute` background lines per minute of the epoch (audit lines included), at
 * uniformly random instants.
 */
export function writeNoise(ep: Epoch, perMinute: number): void {
  if (ep.quietUntilUs >= ep.endUs - 2 * S) return;
  const budget = Math.round((perMinute * (ep.endUs - ep.quietUntilUs)) / (60 * S));
  let written = 0;
  while (written < budget) {
    const us = ep.startUs + Math.floor(ep.rng.next() * (ep.endUs - ep.startUs - 2 * S));
    if (us < ep.quietUntilUs) continue;
    let r = ep.rng.next() * TOTAL;
    for (const [w, gen] of GENERATORS) {
      r -= w;
      if (r <= 0) {
        written += gen(ep, us);
        break;
      }
    }
  }
}
