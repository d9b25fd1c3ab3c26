import type { Request, RequestList, RequestsQuery } from '@kubetrail/model';
import { AppError } from '../http/appError.ts';
import { timeParam } from '../http/timeParam.ts';
import type { StoreContext } from '../http/context.ts';
import { requireBundle } from '../bundles/bundles.service.ts';

export function listRequests(ctx: StoreContext, bundleId: string, q: RequestsQuery): RequestList {
  requireBundle(ctx, bundleId);
  timeParam(q.from, 'from');
  timeParam(q.to, 'to');
  timeParam(q.since, 'since');
  timeParam(q.until, 'until');
  return ctx.store.listRequests(bundleId, q);
}

export function getRequest(ctx: StoreContext, bundleId: string, reqId: string): Request {
  requireBundle(ctx, bundleId);
  const r = ctx.store.getRequest(bundleId, reqId);
  if (!r) throw AppError.notFound(`request ${reqId}`);
  return r;
}
