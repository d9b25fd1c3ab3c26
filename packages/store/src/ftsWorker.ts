import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * The full-text index build, run on its own connection in a worker thread so that it overlaps
 * with correlation (which reads through another connection and writes only afterwards). Plain
 * CommonJS evaluated in the worker: it needs only the SQLite driver and two statements.
 */
const DRIVER = createRequire(import.meta.url).resolve('better-sqlite3');

const CODE = `
const { workerData: d, parentPort } = require('node:worker_threads');
const Database = require(d.driver);
const db = new Database(d.file);
try {
  db.pragma('busy_timeout = ' + d.busyTimeoutMs);
  db.pragma('cache_size = -16384');
  db.exec('BEGIN IMMEDIATE');
  db.prepare(d.build).run({ lo: d.lo, hi: d.hi });
  db.prepare(d.done).run(d.key);
  db.exec('COMMIT');
  parentPort.postMessage({ ok: true });
} catch (e) {
  try { if (db.inTransaction) db.exec('ROLLBACK'); } catch {}
  parentPort.postMessage({ ok: false, message: String((e && e.message) || e) });
} finally {
  db.close();
}
`;

export interface FtsJob {
  file: string;
  busyTimeoutMs: number;
  build: string;
  done: string;
  key: bigint;
  lo: bigint;
  hi: bigint;
}

/** Resolves once the worker committed the index; rejects with the reason when it could not. */
export function buildFtsInWorker(job: FtsJob): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(CODE, { eval: true, workerData: { ...job, driver: DRIVER } });
    let settled = false;
    worker.once('message', (m: { ok: boolean; message?: string }) => {
      settled = true;
      if (m.ok) resolve();
      else reject(new Error(`full-text index: ${m.message ?? 'failed'}`));
    });
    worker.once('error', (err) => {
      if (settled) return;
      settled = true;
      reject(new Error(`full-text index worker crashed: ${err.message}`));
    });
    worker.once('exit', (code) => {
      if (settled) return;
      settled = true;
      reject(new Error(`full-text index worker exited (${code})`));
    });
  });
}
