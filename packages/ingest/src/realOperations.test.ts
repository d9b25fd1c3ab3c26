/**
 * The operations of every licensed real bundle (../shared/corpus/real), stated as an SRE reading
 * the raw files states them: which operations ran, each one's outcome and stop stage, and the line
 * that explains it. None of these bundles has an audit log next to its component logs: the
 * operations come from Events, controller, scheduler and kubelet lines, and object state.
 *
 * The Kivi cases ship the commands that were run with their times (C7's `*-command-*.csv`); the
 * operations found must start inside those commands' windows. C3's README says what was run
 * (`kubectl apply -f deploy.yaml`, repeated, with deletes between), its Events say when.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Request, Target } from '@kubetrail/model';
import { parseRfc3339Ns, RequestsQuerySchema } from '@kubetrail/model';
import type { Store } from '@kubetrail/store';
import { ingestPaths } from './ingestPaths.ts';
import { CORPUS, tempStore } from './testing/index.ts';

const stores: Store[] = [];
afterAll(() => {
  for (const s of stores.splice(0)) s.close();
});

interface Op {
  req: Request;
  target: Target;
}

async function operations(
  rel: string,
): Promise<{ store: Store; bundleId: string; ops: Op[]; notes: string[] }> {
  const t = tempStore();
  stores.push(t.store);
  const r = await ingestPaths(t.store, [join(CORPUS, 'real', rel)]);
  expect(r.status).toBe('ready');
  const list = t.store.listRequests(
    r.bundleId,
    RequestsQuerySchema.parse({ limit: 500, sort: 'time', system: 'include' }),
  );
  const ops = list.requests
    .flatMap((req) => req.targets.map((target) => ({ req, target })))
    .sort((a, b) => (a.req.startedAt < b.req.startedAt ? -1 : a.req.startedAt > b.req.startedAt ? 1 : 0));
  return { store: t.store, bundleId: r.bundleId, ops, notes: r.report.notes };
}

/** `create-deployment default/php-apache failed@pods-scheduled`: what a table row says. */
const row = (o: Op): string =>
  `${o.target.operation} ${o.target.namespace ?? ''}/${o.target.name} ${o.target.outcome}@${o.target.stoppedAt?.stage ?? '-'}`;

/** The raw line a stop reason points at. */
function explaining(store: Store, bundleId: string, o: Op): string {
  const id = o.target.stoppedAt?.recordId;
  expect(id, `${row(o)} names the line that explains it`).toBeTypeOf('number');
  return store.getRecord(bundleId, id!)?.raw ?? '';
}

const user = (ops: Op[]): Op[] => ops.filter((o) => !o.req.system);

describe('operations of the real bundles (../shared/corpus/real)', () => {
  it('Kivi C3: a Deployment applied three times, deleted between, one pod of six never fits the spread', async () => {
    const { store, bundleId, ops } = await operations('kivi-c3-spread-constraint');
    expect(user(ops).map((o) => `${o.req.startedAt.slice(11, 19)} ${row(o)}`)).toEqual([
      '03:18:12 create-deployment default/php-apache failed@pods-scheduled',
      '03:25:41 delete-deployment default/php-apache complete@-',
      '03:28:53 create-deployment default/php-apache failed@pods-scheduled',
      '03:29:47 delete-deployment default/php-apache complete@-',
      '04:09:18 create-deployment default/php-apache failed@pods-scheduled',
    ]);
    for (const o of ops.filter((x) => x.target.outcome === 'failed')) {
      // The scheduler's words, on the stage it owns; one pod of the six.
      expect(o.target.stoppedAt).toMatchObject({ stage: 'pods-scheduled' });
      expect(o.target.stoppedAt!.reason).toMatch(/^1 of 6 pods: 0\/4 nodes are available: .*topology spread/);
      expect(explaining(store, bundleId, o)).toMatch(/didn't match pod topology spread constraints/);
    }
    // The last apply is the one the README's start/end times bracket (04:08:50–04:09:39 UTC).
    const last = ops.at(-1)!;
    const at = parseRfc3339Ns(last.req.startedAt)!;
    expect(
      at >= parseRfc3339Ns('2023-04-24T04:08:50Z')! && at <= parseRfc3339Ns('2023-04-24T04:09:39Z')!,
    ).toBe(true);
    expect(ops.every((o) => o.req.idKind === 'inferred')).toBe(true);
  });

  it('Kivi C7: an apply whose pod its tainted node keeps rejecting, inside the commands file window', async () => {
    const { store, bundleId, ops } = await operations('kivi-c7-taint-loop');
    expect(user(ops).map(row)).toEqual(['create-deployment default/php-apache failed@pods-scheduled']);
    const o = user(ops)[0]!;
    // The kubelet's admission refusal, not a volume warning of a pod already being deleted.
    // A 1-replica Deployment whose pods the node refuses one after another (187 Events say so):
    // how many came and that none is left, never "185 of 187 pods".
    expect(o.target.stoppedAt!.reason).toBe(
      '187 pods created, none left (refused, evicted or deleted): Predicate TaintToleration failed',
    );
    expect(explaining(store, bundleId, o)).toMatch(/Predicate TaintToleration failed/);
    // `kubectl apply -f deploy.yaml` ran 00:24:50–00:24:51 UTC (command-D1.log.csv).
    const csv = readFileSync(
      join(CORPUS, 'real', 'kivi-c7-taint-loop', '2023-08-21T19:24:35-command-D1.log.csv'),
      'utf8',
    );
    const apply = csv
      .split('\n')
      .find((l) => l.startsWith('kubectl apply -f deploy.yaml'))!
      .split(',');
    const from = parseRfc3339Ns(`${apply[3]!}Z`)!;
    const to = parseRfc3339Ns(`${apply[5]!}Z`)! + 2_000_000_000n;
    const at = parseRfc3339Ns(o.req.startedAt)!;
    expect(at >= from && at <= to).toBe(true);
  });

  it('k3d support bundle: k3s add-ons are system; a rollout that completed; a pod in back-off', async () => {
    const { store, bundleId, ops } = await operations(
      'troubleshoot-k3d-support-bundle/support-bundle.tar.gz',
    );
    expect(
      ops
        .filter((o) => o.req.system)
        .map(row)
        .sort(),
    ).toEqual(
      [
        'create-deployment kube-system/coredns complete@-',
        'create-deployment kube-system/local-path-provisioner complete@-',
        'create-deployment kube-system/metrics-server complete@-',
        'create-deployment kube-system/traefik complete@-',
        'create-job kube-system/helm-install-traefik complete@-',
        'create-job kube-system/helm-install-traefik-crd complete@-',
      ].sort(),
    );
    const mine = user(ops);
    expect(mine.map((o) => `${o.req.startedAt.slice(0, 19)} ${o.target.operation} ${o.target.name}`)).toEqual(
      [
        '2022-12-01T13:44:18 create-deployment nginx-deployment',
        '2022-12-01T14:01:21 rollout-deployment nginx-deployment',
        '2022-12-21T16:43:07 create-pod static-hi',
      ],
    );
    // Revision 1's pods are gone (replaced by the rollout): nothing left says how the create ended.
    expect(mine[0]!.target.stoppedAt!.reason).toMatch(
      /no evidence left — rollout deployments at 2022-12-01 14:01:21 UTC took the object over$/,
    );
    // Revision 2's pod is Running and Ready in the state dump: the rollout is complete.
    expect(row(mine[1]!)).toBe('rollout-deployment default/nginx-deployment complete@-');
    // The collector's own pod restarts and backs off (SOURCES.md): failed where the kubelet says so.
    expect(row(mine[2]!)).toBe('create-pod default/static-hi failed@pods-ready');
    expect(explaining(store, bundleId, mine[2]!)).toMatch(/Back-off restarting failed container/);
    // What the container itself said before it was restarted (its log in the bundle).
    expect(mine[2]!.target.stoppedAt!.reason).toBe(
      'CrashLoopBackOff: Back-off restarting failed container — last output of static-hi: hi static!',
    );
  });

  it('vagrant cluster-info dump (2018): add-ons are system; nginx created and running', async () => {
    const { ops } = await operations('vagrant-cluster-info-dump');
    expect(user(ops).map((o) => `${o.req.startedAt.slice(0, 19)} ${row(o)}`)).toEqual([
      '2018-02-24T05:36:54 create-deployment default/nginx complete@-',
    ]);
    expect(
      ops
        .filter((o) => o.req.system)
        .map(row)
        .sort(),
    ).toEqual([
      'create-daemonset kube-system/traefik-ingress-controller complete@-',
      'create-deployment kube-system/coredns complete@-',
      'create-deployment kube-system/kubernetes-dashboard complete@-',
    ]);
  });

  it('microk8s audit log: a node restart seen by the API server is no user operation', async () => {
    const { ops, notes } = await operations('immudb-microk8s-audit');
    expect(user(ops)).toEqual([]);
    // The report says why there is nothing to show, and what the bundle holds.
    expect(notes.join('\n')).toMatch(
      /no user operations found: the bundle has audit log; it has no Kubernetes Events/,
    );
  });
});
