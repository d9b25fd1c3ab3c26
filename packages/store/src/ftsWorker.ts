import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * The full-text index build, run on its own connection in a worker thread so that it overlaps
 * with correlation (which reads through another connection and writes only afterwards), one
 * transaction per `step` records so that no write holds the lock for long (migration 0006). Plain
 * CommonJS evaluated in the worker: it needs only the SQLite driver and three statements.
 */
const DRIVER = createRequire(import.meta.url).resolve('better-sqlite3');

const CODE = `
const { workerData: d, parentPort } = require('node:worker_threads');
const Database = require(d.driver);
const db = new Database(d.file);
try {
  db.pragma('busy_timeout = ' + d.busyTimeoutMs);
  db.pragma('cache_size = -16384');
  const build = db.prepare(d.build);
  const progress = db.prepare(d.progress);
  for (let lo = d.lo; lo <= d.last; lo += d.step) {
    const hi = lo + d.step - 1n < d.last ? lo + d.step - 1n : d.last;
    db.exec('BEGIN IMMEDIATE');
    build.run({ lo, hi });
    progress.run({ key: d.key, upto: hi });
    db.exec('COMMIT');
  }
  db.prepare(d.done).run(d.key);
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
  /** Indexes the records of rowids [@lo, @hi]. */
  build: string;
  /** Records `@upto`, the last rowid indexed, for bundle `@key`. */
  progress: string;
  /** Marks bundle `?` complete. */
  done: string;
  key: bigint;
  /** First and last rowid of the bundle's records. */
  lo: bigint;
  last: bigint;
  /** Rowids per transaction. */
  step: bigint;
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
