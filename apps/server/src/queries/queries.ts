import type { HistogramQuery, RecordsQuery, RequestLinesQuery } from '@kubetrail/model';
import type { StoreContext } from '../http/context.ts';
import { histogram } from '../histogram/histogram.service.ts';
import { requestLines } from '../lines/lines.service.ts';
import { searchRecords } from '../records/records.service.ts';

/**
 * The queries whose cost depends on what the user typed (a search, its hit histogram, a request's
 * lines filtered by a search): the server runs them off the HTTP thread, each within a time budget
 * (ms) after which it answers with what it found and says `partial`.
 */
export const QUERIES = {
  search: (ctx: StoreContext, a: { bundleId: string; q: RecordsQuery }, budgetMs: number) =>
    searchRecords(ctx, a.bundleId, a.q, budgetMs),
  histogram: (ctx: StoreContext, a: { bundleId: string; q: HistogramQuery }, budgetMs: number) =>
    histogram(ctx, a.bundleId, a.q, budgetMs),
  lines: (
    ctx: StoreContext,
    a: { bundleId: string; reqId: string; q: RequestLinesQuery },
    budgetMs: number,
  ) => requestLines(ctx, a.bundleId, a.reqId, a.q, budgetMs),
};

export type QueryName = keyof typeof QUERIES;
export type QueryArgs<N extends QueryName> = Parameters<(typeof QUERIES)[N]>[1];
export type QueryResult<N extends QueryName> = ReturnType<(typeof QUERIES)[N]>;

/** Runs QUERIES somewhere (a worker thread, or this thread for an in-memory database). */
export interface QueryRunner {
  run<N extends QueryName>(name: N, args: QueryArgs<N>): Promise<QueryResult<N>>;
  /** Stops the worker, if any; pending queries fail. */
  close(): Promise<void>;
}

/** How long a query from the HTTP API may search before it answers with what it found (ms). */
export const HTTP_QUERY_BUDGET_MS = 4_000;

/** A runner on the caller's own thread and store (an in-memory database has no second connection). */
export function inProcessRunner(ctx: StoreContext, budgetMs = HTTP_QUERY_BUDGET_MS): QueryRunner {
  return {
    run: <N extends QueryName>(name: N, args: QueryArgs<N>) =>
      new Promise<QueryResult<N>>((resolve) => {
        const query = QUERIES[name] as (c: StoreContext, a: QueryArgs<N>, b: number) => QueryResult<N>;
        resolve(query(ctx, args, budgetMs));
      }),
    close: () => Promise.resolve(),
  };
}
