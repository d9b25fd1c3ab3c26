import type { RecordDetail, RecordsQuery, SearchResult } from '@kubetrail/model';
import { AppError } from '../http/appError.ts';
import type { StoreContext } from '../http/context.ts';
import { requireBundle } from '../bundles/bundles.service.ts';

/** Lines either side of a record in its file, for the detail panel. */
export const NEIGHBOURS = 10;

export function searchRecords(ctx: StoreContext, bundleId: string, q: RecordsQuery): SearchResult {
  requireBundle(ctx, bundleId);
  try {
    return ctx.store.searchRecords(bundleId, q);
  } catch (err) {
    // FTS5 reports some query mistakes (`*` alone: "unknown special query") as plain SQLite errors.
    if (
      err instanceof Error &&
      err.name === 'SqliteError' &&
      /fts5|special query|syntax|malformed MATCH/i.test(err.message)
    )
      throw new AppError(400, 'bad_query', `invalid search query: ${err.message}`, { query: q.q });
    throw err;
  }
}

/** One record with its neighbouring lines, its links (why it belongs) and related requests. */
export function recordDetail(ctx: StoreContext, bundleId: string, recordId: string): RecordDetail {
  requireBundle(ctx, bundleId);
  const id = /^\d{1,15}$/.test(recordId) ? Number(recordId) : null;
  const record = id === null ? null : ctx.store.getRecord(bundleId, id);
  if (id === null || !record) throw AppError.notFound(`record ${recordId}`);
  return {
    record,
    neighbours: ctx.store.neighbours(bundleId, id, NEIGHBOURS),
    links: ctx.store.recordLinks(bundleId, id),
    related: ctx.store.relatedRequests(bundleId, id),
  };
}
