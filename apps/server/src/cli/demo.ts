import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoBundle, writeBundleDir } from '@kubetrail/simulator';
import type { Store } from '@kubetrail/store';
import type { Logger } from '../http/context.ts';
import { ingestPaths } from '@kubetrail/ingest';

/**
 * Writes the simulator's demo bundle to a temp folder and ingests it in the background, so the
 * server answers at once; the bundle shows up as `ingesting` and then `ready`.
 */
export function startDemoIngest(store: Store, log: Logger): Promise<void> {
  const job = (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubetrail-demo-'));
    try {
      const bundleDir = join(dir, 'demo-cluster');
      await writeBundleDir(demoBundle(), bundleDir);
      log.info('ingesting the demo bundle…');
      const r = await ingestPaths(store, [bundleDir], { name: 'demo: kind cluster (simulated)' });
      if (r.status === 'ready')
        log.info(
          `demo bundle ${r.bundleId} ready: ${r.report.totals.records} records, ${r.report.totals.requests} requests`,
        );
      else log.info(`demo bundle failed: ${r.error ?? 'unknown error'}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  })();
  return job.catch((err: unknown) => log.error('demo bundle could not be ingested', err));
}
