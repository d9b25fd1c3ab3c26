import { describe, expect, it } from 'vitest';
import { ObjectGraph } from './objectGraph.ts';

/** The owner chain of a pod first seen on node `kind-worker`, as `kind name` from the pod up. */
function chain(name: string, opts: { uid?: string; jobLikely?: boolean; known?: [string, string][] } = {}) {
  const g = new ObjectGraph();
  for (const [kind, n] of opts.known ?? []) g.ensure(kind, 'shop', n);
  const pod = g.ensure('pod', 'shop', name, opts.uid ?? null);
  g.ownersOnNode(pod, 'kind-worker', opts.jobLikely ?? false);
  const out: string[] = [];
  for (let n = pod.owner; n !== null; n = n.owner) out.push(`${n.kind} ${n.name}`);
  return out;
}

describe('owners of a pod seen only on its node, from its name', () => {
  it('reads the naming conventions of controllers and the kubelet', () => {
    expect(chain('web-5d9f7c8b6d-k2x7p')).toEqual(['replicaset web-5d9f7c8b6d', 'deployment web']);
    expect(chain('redis-2')).toEqual(['statefulset redis']);
    expect(chain('report-28633656-x7k2p')).toEqual(['job report-28633656', 'cronjob report']);
    expect(chain('node-exporter-q4w9z')).toEqual(['daemonset node-exporter']);
    expect(chain('db-migrate-q4w9z', { jobLikely: true })).toEqual(['job db-migrate']);
    // A static pod: `<name>-<node>`, or its 32-hex config hash as UID.
    expect(chain('etcd-kind-worker')).toEqual(['node kind-worker']);
    expect(chain('etcd', { uid: 'dd131b44f2cb818f764811cd71cc66de' })).toEqual(['node kind-worker']);
  });

  it('guesses no owner where the name does not say, and never one of another kind by that name', () => {
    expect(chain('debug')).toEqual([]);
    // Vowels: not a generated 5-character suffix.
    expect(chain('web-audio')).toEqual([]);
    // `web` is a known Deployment: `web-bcdfg` is not a DaemonSet called web.
    expect(chain('web-bcdfg', { known: [['deployment', 'web']] })).toEqual([]);
    expect(chain('worker-bcdfg', { known: [['job', 'worker']] })).toEqual(['job worker']);
  });
});
