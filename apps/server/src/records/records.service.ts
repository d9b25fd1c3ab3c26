import type { RecordDetail, RecordsQuery, SearchResult } from '@kubetrail/model';
import { AppError } from '../http/appError.ts';
import { timeParam } from '../http/timeParam.ts';
import type { StoreContext } from '../http/context.ts';
import { requireBundle } from '../bundles/bundles.service.ts';

/** Lines either side of a record in its file, for the detail panel. */
export const NEIGHBOURS = 10;

/**
 * Searches a bundle's lines (literal by default, FTS syntax with `mode=fts`) within the query's
 * scope, hits in time order. `budgetMs` bounds the time it may take (the result says `partial`).
 */
export function searchRecords(
  ctx: StoreContext,
  bundleId: string,
  q: RecordsQuery,
  budgetMs?: number,
): SearchResult {
  requireBundle(ctx, bundleId);
  timeParam(q.from, 'from');
  timeParam(q.to, 'to');
  return ctx.store.searchRecords(bundleId, q, { budgetMs });
}

/**
 * One record with its neighbouring lines (`context` either side, in time order, with their
 * requests), its links (why it belongs) and related requests.
 */
export function recordDetail(
  ctx: StoreContext,
  bundleId: string,
  recordId: string,
  context = NEIGHBOURS,
): RecordDetail {
  requireBundle(ctx, bundleId);
  const id = /^\d{1,15}$/.test(recordId) ? Number(recordId) : null;
  const record = id === null ? null : ctx.store.getRecord(bundleId, id);
  if (id === null || !record) throw AppError.notFound(`record ${recordId}`);
  return {
    record,
    neighbours: ctx.store.neighbours(bundleId, id, context),
    links: ctx.store.recordLinks(bundleId, id),
    related: ctx.store.relatedRequests(bundleId, id),
  };
}
