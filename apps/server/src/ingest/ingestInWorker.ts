import type { Store } from '@kubetrail/store';
import { IngestInputError, type IngestOptions, type IngestResult } from '@kubetrail/ingest';
import { startWorker } from '../workers/startWorker.ts';
import type { IngestWorkerData, IngestWorkerMessage } from './ingest.worker.ts';

const running = new Set<string>();

/** Bundle ids that workers of this process are ingesting right now. */
export const workerIngestsInFlight = (): string[] => [...running];

/**
 * `ingestPaths` in a worker thread (same options, same result). The database must be a file: the
 * worker opens its own connection. If the worker dies, the bundle is marked failed here.
 */
export function ingestInWorker(
  store: Store,
  paths: string[],
  opts: Omit<IngestOptions, 'onProgress'> = {},
): Promise<IngestResult> {
  const { onBegin, ...rest } = opts;
  const data: IngestWorkerData = { dbFile: store.file, paths, opts: rest };
  return new Promise((resolve, reject) => {
    const worker = startWorker(import.meta.url, 'ingest.worker', { workerData: data });
    let settled = false;
    let begun = false;
    worker.on('message', (m: IngestWorkerMessage) => {
      if (m.type === 'begun') {
        begun = true;
        if (opts.bundleId) running.add(opts.bundleId);
        onBegin?.();
      } else if (m.type === 'done') {
        settled = true;
        resolve(m.result);
      } else {
        settled = true;
        reject(m.input ? new IngestInputError(m.message) : new Error(m.message));
      }
    });
    worker.on('exit', () => {
      if (opts.bundleId) running.delete(opts.bundleId);
    });
    const crashed = (why: string) => {
      if (settled) return;
      settled = true;
      if (begun && opts.bundleId) {
        try {
          store.failBundle(opts.bundleId, `ingest failed: ${why}`);
        } catch {
          // nothing more we can do; recoverDeadIngests() catches it (its lease is gone with the worker)
        }
      }
      reject(new Error(why));
    };
    worker.on('error', (err) => crashed(`ingest worker crashed: ${err.message}`));
    worker.on('exit', (code) =>
      crashed(
        code === 0
          ? 'ingest worker stopped without an answer (it was left waiting on something that never came)'
          : `ingest worker exited (${code})`,
      ),
    );
  });
}
