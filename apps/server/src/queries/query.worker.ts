/**
 * A worker thread that answers QUERIES (queries.ts) on a connection of its own, one at a time, so
 * that a search never holds the HTTP thread. Messages in: `{ id, name, args, budgetMs }`; out:
 * `{ id, ok: true, result }` or `{ id, ok: false, error }` (errors as plain data: see queryRunner).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openStore, StoreError } from '@kubetrail/store';
import { AppError } from '../http/appError.ts';
import { QUERIES, type QueryName } from './queries.ts';

export interface QueryWorkerData {
  dbFile: string;
}

export interface QueryRequest {
  id: number;
  name: QueryName;
  args: unknown;
  budgetMs: number;
}

export type SerializedError =
  | { type: 'app'; status: number; code: string; message: string; details?: unknown }
  | { type: 'store'; code: StoreError['code']; message: string; details?: unknown }
  | { type: 'other'; message: string };

export type QueryReply =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; error: SerializedError };

const port = parentPort;
if (port) {
  const store = openStore((workerData as QueryWorkerData).dbFile);
  const ctx = { store };
  port.on('message', (m: QueryRequest) => {
    let reply: QueryReply;
    try {
      const query = QUERIES[m.name] as (c: typeof ctx, a: unknown, b: number) => unknown;
      reply = { id: m.id, ok: true, result: query(ctx, m.args, m.budgetMs) };
    } catch (err) {
      const error: SerializedError =
        err instanceof AppError
          ? { type: 'app', status: err.status, code: err.code, message: err.message, details: err.details }
          : err instanceof StoreError
            ? { type: 'store', code: err.code, message: err.message, details: err.details }
            : { type: 'other', message: err instanceof Error ? err.message : String(err) };
      reply = { id: m.id, ok: false, error };
    }
    port.postMessage(reply);
  });
}
