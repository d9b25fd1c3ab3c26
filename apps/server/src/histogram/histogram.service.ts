import type { Histogram, HistogramQuery } from '@kubetrail/model';
import { AppError } from '../http/appError.ts';
import { timeParam } from '../http/timeParam.ts';
import type { StoreContext } from '../http/context.ts';
import { requireBundle } from '../bundles/bundles.service.ts';

/**
 * Record counts per time bucket and severity, for the bundle or one request (`reqId`); with `q`,
 * of the lines that search matches (within `component`, `node`, `severity`), in `budgetMs` at most.
 */
export function histogram(
  ctx: StoreContext,
  bundleId: string,
  q: HistogramQuery,
  budgetMs?: number,
): Histogram {
  requireBundle(ctx, bundleId);
  const fromNs = timeParam(q.from, 'from');
  const toNs = timeParam(q.to, 'to');
  if (fromNs !== null && toNs !== null && toNs < fromNs)
    throw AppError.badRequest('`to` must not be before `from`');
  if (q.reqId && !ctx.store.getRequest(bundleId, q.reqId)) throw AppError.notFound(`request ${q.reqId}`);
  return ctx.store.histogram(bundleId, {
    fromNs,
    toNs,
    buckets: q.buckets,
    reqId: q.reqId ?? null,
    q: q.q ?? null,
    mode: q.mode,
    component: q.component ?? null,
    node: q.node ?? null,
    severity: q.severity ?? null,
    budgetMs,
  });
}
