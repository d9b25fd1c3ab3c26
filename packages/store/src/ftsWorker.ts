import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * The full-text index build, run on its own connection in a worker thread so that it overlaps
 * with correlation (which reads through another connection and writes only afterwards), one
 * transaction per `step` records so that no write holds the lock for long (migration 0006). The
 * text comes from the bundle writer's spill file (ftsSpill.ts: one entry per record, in record
 * order, in the format `decodeEntry` reads). Plain CommonJS evaluated in the worker: it needs only
 * the SQLite driver and three statements.
 */
const DRIVER = createRequire(import.meta.url).resolve('better-sqlite3');

const CODE = `
const { workerData: d, parentPort } = require('node:worker_threads');
const { openSync, readSync, closeSync } = require('node:fs');
const { StringDecoder } = require('node:string_decoder');
const Database = require(d.driver);
const db = new Database(d.file);
let fd = -1;
try {
  db.pragma('busy_timeout = ' + d.busyTimeoutMs);
  db.pragma('cache_size = -4096');
  const insert = db.prepare(d.insert);
  const progress = db.prepare(d.progress);
  fd = openSync(d.spill, 'r');
  const buf = Buffer.alloc(d.chunkBytes);
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let rid = d.lo;
  let inStep = 0;
  const commit = () => {
    if (!db.inTransaction) return;
    progress.run({ key: d.key, upto: rid - 1n });
    db.exec('COMMIT');
    inStep = 0;
  };
  for (;;) {
    const n = readSync(fd, buf, 0, buf.length, null);
    if (n === 0) break;
    const entries = (rest + decoder.write(buf.subarray(0, n))).split('\\u0000');
    rest = entries.pop();
    for (const entry of entries) {
      if (!db.inTransaction) db.exec('BEGIN IMMEDIATE');
      // ftsSpill.ts decodeEntry: \\x04 + JSON, or message \\x01 logFields (\\x03: null).
      let message, fields;
      if (entry.charCodeAt(0) === 4) [message, fields] = JSON.parse(entry.slice(1));
      else {
        const at = entry.indexOf('\\u0001');
        message = entry.slice(0, at);
        fields = entry.slice(at + 1);
        if (fields === '\\u0003') fields = null;
      }
      insert.run(rid, message, fields);
      rid++;
      if (++inStep >= d.step) commit();
    }
  }
  commit();
  db.prepare(d.done).run(d.key);
  parentPort.postMessage({ ok: true });
} catch (e) {
  try { if (db.inTransaction) db.exec('ROLLBACK'); } catch {}
  parentPort.postMessage({ ok: false, message: String((e && e.message) || e) });
} finally {
  if (fd >= 0) closeSync(fd);
  db.close();
}
`;

export interface FtsJob {
  file: string;
  busyTimeoutMs: number;
  /** Inserts one record's index entry: rowid, message, log fields. */
  insert: string;
  /** Records `@upto`, the last rowid indexed, for bundle `@key`. */
  progress: string;
  /** Marks bundle `?` complete. */
  done: string;
  key: bigint;
  /** Rowid of the bundle's first record. */
  lo: bigint;
  /** The spill file (ftsSpill.ts), in record order from `lo`. */
  spill: string;
  /** Records per transaction. */
  step: number;
}

/**
 * Bytes of the spill read (and split into entries) at a time. With 1 MiB the strings of a chunk
 * outlived a young-generation collection and the worker's heap grew to 43-66 MB beside
 * correlation, the ingest's peak; with 64 KiB they die young and it stays at 13-14 MB
 * (bench/RESULTS.md, issue 14).
 */
const CHUNK_BYTES = 64 * 1024;
/**
 * The worker's young generation (V8's default is 3 × 16 MiB semi-spaces' worth): a chunk's garbage
 * is far smaller, and the rest of that space would be RSS beside correlation's.
 */
const YOUNG_GENERATION_MB = 8;

/** Resolves once the worker committed the index; rejects with the reason when it could not. */
export function buildFtsInWorker(job: FtsJob): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(CODE, {
      eval: true,
      workerData: { ...job, driver: DRIVER, chunkBytes: CHUNK_BYTES },
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
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
