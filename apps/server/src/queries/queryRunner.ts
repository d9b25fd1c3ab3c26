import type { Worker } from 'node:worker_threads';
import { StoreError } from '@kubetrail/store';
import { AppError } from '../http/appError.ts';
import { startWorker } from '../workers/startWorker.ts';
import {
  HTTP_QUERY_BUDGET_MS,
  type QueryArgs,
  type QueryName,
  type QueryResult,
  type QueryRunner,
} from './queries.ts';
import type { QueryReply, QueryRequest, QueryWorkerData, SerializedError } from './query.worker.ts';

export interface WorkerRunnerOptions {
  /** Time budget of each query (ms); it answers with what it found after that. */
  budgetMs?: number;
  /**
   * Extra time a query gets past its budget before its worker is stopped (ms): the budget is
   * checked between lines, and one step of SQLite (expanding a prefix, say) cannot be interrupted.
   */
  graceMs?: number;
  /** Queries waiting for the worker at most; past that a query is refused with 503 busy. */
  maxQueue?: number;
  /** The worker module, as `startWorker` takes it (tests substitute one). */
  worker?: { base: string; name: string };
}

interface Job {
  request: QueryRequest;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

function toError(e: SerializedError): Error {
  if (e.type === 'app') return new AppError(e.status, e.code, e.message, e.details);
  if (e.type === 'store') return new StoreError(e.code, e.message, e.details);
  return new Error(e.message);
}

/**
 * Runs QUERIES in one worker thread with its own connection to `dbFile`, one at a time, in
 * order. The HTTP thread only waits for an answer. A query that overruns its budget by more than
 * `graceMs` has its worker stopped (503 `search_timeout`); the next query gets a new worker.
 */
export function workerRunner(dbFile: string, opts: WorkerRunnerOptions = {}): QueryRunner {
  const budgetMs = opts.budgetMs ?? HTTP_QUERY_BUDGET_MS;
  const graceMs = opts.graceMs ?? 6_000;
  const maxQueue = opts.maxQueue ?? 16;
  const module = opts.worker ?? { base: import.meta.url, name: 'query.worker' };
  let worker: Worker | null = null;
  let current: Job | null = null;
  let watchdog: NodeJS.Timeout | undefined;
  const queue: Job[] = [];
  let nextId = 1;
  let closed = false;

  const settle = (fn: (job: Job) => void) => {
    const job = current;
    current = null;
    clearTimeout(watchdog);
    if (job) fn(job);
    pump();
  };

  const spawn = (): Worker => {
    const data: QueryWorkerData = { dbFile };
    const w = startWorker(module.base, module.name, { workerData: data });
    // A worker waiting for queries must not keep the process alive.
    w.unref();
    w.on('message', (reply: QueryReply) => {
      if (w !== worker || !current || reply.id !== current.request.id) return;
      settle((job) => (reply.ok ? job.resolve(reply.result) : job.reject(toError(reply.error))));
    });
    const gone = (why: string) => {
      if (w !== worker) return;
      worker = null;
      settle((job) => job.reject(new Error(`query worker ${why}`)));
    };
    w.on('error', (err) => gone(`crashed: ${err.message}`));
    w.on('exit', (code) => gone(`exited (${code})`));
    return w;
  };

  const pump = () => {
    if (current || closed) return;
    const job = queue.shift();
    if (!job) return;
    current = job;
    worker ??= spawn();
    watchdog = setTimeout(() => {
      const stuck = worker;
      worker = null;
      void stuck?.terminate();
      settle((j) =>
        j.reject(
          new AppError(
            503,
            'search_timeout',
            `the search took longer than ${Math.round((budgetMs + graceMs) / 1000)} s and was stopped; ` +
              'narrow it (more words, a request, a time window) and try again',
          ),
        ),
      );
    }, budgetMs + graceMs);
    watchdog.unref();
    worker.postMessage(job.request);
  };

  return {
    run<N extends QueryName>(name: N, args: QueryArgs<N>): Promise<QueryResult<N>> {
      if (closed) return Promise.reject(new Error('the query runner is closed'));
      if (queue.length >= maxQueue)
        return Promise.reject(
          new AppError(503, 'busy', 'too many searches are waiting; try again in a few seconds'),
        );
      return new Promise((resolve, reject) => {
        queue.push({
          request: { id: nextId++, name, args, budgetMs },
          resolve: resolve as (v: unknown) => void,
          reject,
        });
        pump();
      });
    },
    async close() {
      closed = true;
      const w = worker;
      worker = null;
      for (const job of queue.splice(0)) job.reject(new Error('the server is stopping'));
      settle((job) => job.reject(new Error('the server is stopping')));
      if (w) await w.terminate();
    },
  };
}
