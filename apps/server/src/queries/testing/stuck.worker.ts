/** Test double of query.worker.ts: takes a query and never answers (a step SQLite cannot interrupt). */
import { parentPort } from 'node:worker_threads';

parentPort?.on('message', () => {
  for (;;) {
    // busy, as a query stuck inside one SQLite step would be
  }
});
