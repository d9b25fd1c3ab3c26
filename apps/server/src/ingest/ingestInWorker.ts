import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Store } from '@kubetrail/store';
import { IngestInputError, type IngestOptions, type IngestResult } from './ingest.service.ts';
import type { IngestWorkerData, IngestWorkerMessage } from './ingest.worker.ts';

/**
 * The worker module is TypeScript: a tiny bootstrap loads it through tsx's `tsImport`, which works
 * whether the parent runs under tsx or under vitest. (The ESM build of the API, by path: the
 * `require` resolution finds the CJS one.)
 */
const TSX_API = pathToFileURL(
  createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/index\.cjs$/, 'index.mjs'),
).href;
const WORKER_MODULE = new URL('./ingest.worker.ts', import.meta.url).href;
const BOOTSTRAP = `import(${JSON.stringify(TSX_API)}).then((tsx) => tsx.tsImport(${JSON.stringify(WORKER_MODULE)}, ${JSON.stringify(WORKER_MODULE)}));`;

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
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: data });
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
