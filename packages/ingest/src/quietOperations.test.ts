/**
 * Operations from a bundle that has only what minikube >= 1.33 and kind >= 1.29 keep at default
 * verbosity: no audit log, no Event objects, a controller manager and a scheduler that log nothing
 * per object, a kubelet that logs errors, volume mounts, startup durations and teardown. The
 * fixture (packages/parsers/src/bundle/fixtures/minikube-logs-kubelet-only.txt, written by us in
 * the shape of real `minikube logs` files seen in public repositories) tells this story, as an
 * SRE reads it from the raw lines:
 *
 * - 10:02:11 Deployment shop/cart is created (its pods' podCreationTimestamp); `cart:dev` cannot be
 *   pulled ("pull access denied") until `minikube image load cart:dev` at 10:08 (the Audit table),
 *   then both pods run: the create is complete, after 6 minutes of image-pull failures.
 * - 10:02:40 Deployment shop/queue is created; `shop/queue:1.4` never pulls: failed at
 *   images-pulled, explained by the kubelet's pull error.
 * - 10:15:03 shop/cart rolls out (a new pod-template hash): new pods start, the old ones are torn
 *   down: complete.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Request, Target } from '@kubetrail/model';
import { RequestsQuerySchema } from '@kubetrail/model';
import type { Store } from '@kubetrail/store';
import { ingestPaths } from './ingestPaths.ts';
import { tempStore } from './testing/index.ts';

const FIXTURE = join(
  import.meta.dirname,
  '..',
  '..',
  'parsers',
  'src',
  'bundle',
  'fixtures',
  'minikube-logs-kubelet-only.txt',
);

const stores: Store[] = [];
afterAll(() => {
  for (const s of stores.splice(0)) s.close();
});

interface Op {
  req: Request;
  target: Target;
}

const row = (o: Op): string =>
  `${o.req.startedAt.slice(11, 19)} ${o.target.operation} ${o.target.namespace ?? ''}/${o.target.name} ${o.target.outcome}@${o.target.stoppedAt?.stage ?? '-'}`;

describe('a bundle with kubelet lines only (minikube >= 1.33 / kind >= 1.29 at default verbosity)', () => {
  it('finds the creates, the rollout and the failing pull, with the lines that say so', async () => {
    const t = tempStore();
    stores.push(t.store);
    const r = await ingestPaths(t.store, [FIXTURE]);
    expect(r.status).toBe('ready');
    const ops = t.store
      .listRequests(r.bundleId, RequestsQuerySchema.parse({ limit: 500, sort: 'time', system: 'include' }))
      .requests.flatMap((req) => req.targets.map((target) => ({ req, target })))
      .filter((o) => !o.req.system);
    expect(ops.map(row)).toEqual([
      '10:02:11 create-deployment shop/cart complete@-',
      '10:02:40 create-deployment shop/queue failed@images-pulled',
      '10:15:03 rollout-deployment shop/cart complete@-',
    ]);
    const [cart, queue] = ops;
    // The recovery is told, not hidden: how long the pulls failed, and how often.
    const pulled = cart!.target.stages.find((s) => s.id === 'images-pulled');
    expect(pulled?.reason ?? '').toMatch(/after \d+ min of (ErrImagePull|ImagePullBackOff)/);
    // The failure is the kubelet's own words about the pull.
    expect(queue!.target.stoppedAt?.reason).toMatch(/pull access denied for shop\/queue/);
    const why = t.store.getRecord(r.bundleId, queue!.target.stoppedAt!.recordId!);
    expect(why?.component).toBe('kubelet');
    expect(why?.raw).toContain('queue-6b7c8d9f5f-zz9kk');
    // Where the operation comes from is said: no audit log, no controller lines.
    expect(cart!.target.stages.find((s) => s.id === 'api-accepted')?.reason).toMatch(
      /pods seen on the nodes/,
    );
    // Nothing about the pods was invented: no desired replica count is known from these lines.
    expect(cart!.target.stages.find((s) => s.id === 'containers-started')?.reason).toBe(
      '2 pods seen (desired count not in the bundle)',
    );
    for (const o of ops) expect(o.req.idKind).toBe('inferred');
  });
});
