/**
 * Runs one ingest in a worker thread with its own database connection, so the server's event
 * loop keeps answering while a big bundle is parsed, indexed and correlated (those steps are
 * synchronous SQLite and CPU work). Messages to the parent: `begun`, then `done` or `error`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { INGEST_BUSY_TIMEOUT_MS, openStore } from '@kubetrail/store';
import { ingestPaths, type IngestOptions } from '@kubetrail/ingest';

export interface IngestWorkerData {
  dbFile: string;
  paths: string[];
  opts: Omit<IngestOptions, 'onProgress' | 'onBegin'>;
}

export type IngestWorkerMessage =
  | { type: 'begun' }
  | { type: 'done'; result: Awaited<ReturnType<typeof ingestPaths>> }
  | { type: 'error'; message: string; input: boolean };

const data = workerData as IngestWorkerData;
const port = parentPort;
if (port) {
  // Not the HTTP thread: waiting out another ingest's write lock beats failing this one.
  const store = openStore(data.dbFile, { busyTimeoutMs: INGEST_BUSY_TIMEOUT_MS });
  const send = (m: IngestWorkerMessage) => port.postMessage(m);
  try {
    const result = await ingestPaths(store, data.paths, {
      ...data.opts,
      onBegin: () => send({ type: 'begun' }),
    });
    send({ type: 'done', result });
  } catch (err) {
    send({
      type: 'error',
      message: err instanceof Error ? err.message : String(err),
      input: err instanceof Error && err.name === 'IngestInputError',
    });
  } finally {
    store.close();
  }
}
