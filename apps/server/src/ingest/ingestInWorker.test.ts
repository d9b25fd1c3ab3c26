import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '@kubetrail/store';
import { tempStore } from '../testing/seedBundle.ts';
import { ingestInWorker } from './ingestInWorker.ts';

const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

describe('ingestInWorker', () => {
  it('runs the same ingest in a worker thread', async () => {
    const { store, dir } = tempStore();
    stores.push(store);
    const pod = join(dir, 'bundle', 'kind-worker/pods/kube-system_kube-proxy-abcde_0000/kube-proxy');
    mkdirSync(pod, { recursive: true });
    writeFileSync(
      join(pod, '0.log'),
      '2024-06-10T11:35:40.244334567Z stderr F I0610 11:35:40.244300       1 server.go:484] "Version info" version="v1.30.0"\n',
    );
    let begun = false;
    const r = await ingestInWorker(store, [join(dir, 'bundle')], {
      name: 'in a worker',
      onBegin: () => (begun = true),
    });
    expect(begun).toBe(true);
    expect(r.status).toBe('ready');
    expect(store.getBundle(r.bundleId)?.name).toBe('in a worker');
  });
});
