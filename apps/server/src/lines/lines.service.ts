import { nsToMs, parseRfc3339Ns, type RequestLines, type RequestLinesQuery } from '@kubetrail/model';
import { requireBundle } from '../bundles/bundles.service.ts';
import { AppError } from '../http/appError.ts';
import type { StoreContext } from '../http/context.ts';
import { clampNs } from '../http/timeParam.ts';
import { componentLane, laneOfSig } from '../timeline/lanes.ts';
import { msToNs } from '../timeline/timeline.service.ts';

/**
 * A page of one request's lines in time order, each whole (raw text included) with its lane and
 * how it joined: the log table under the timeline and `kubetrail lines`. Takes the timeline's
 * filters (window in ms since the request's start, errors only, hidden lanes) and a search.
 * `budgetMs` bounds a search's time (the page says `partial` when it ran out).
 */
export function requestLines(
  ctx: StoreContext,
  bundleId: string,
  reqId: string,
  q: RequestLinesQuery,
  budgetMs?: number,
): RequestLines {
  requireBundle(ctx, bundleId);
  const { store } = ctx;
  const request = store.getRequest(bundleId, reqId);
  if (!request) throw AppError.notFound(`request ${reqId}`);
  if (q.from !== undefined && q.to !== undefined && q.to < q.from)
    throw AppError.badRequest('`to` must not be before `from`', { from: q.from, to: q.to });
  const origin = parseRfc3339Ns(request.startedAt) ?? 0n;
  const hidden = new Set((q.hide ?? '').split(',').filter(Boolean));
  let lanes: number[] | null = null;
  if (hidden.size > 0) {
    lanes = [];
    for (const [lane, sig] of store.laneSignatures(bundleId))
      if (!hidden.has(laneOfSig(sig).id)) lanes.push(lane);
  }
  const page = store.requestLines(bundleId, reqId, {
    fromNs: q.from !== undefined ? clampNs(origin + msToNs(q.from)) : null,
    toNs: q.to !== undefined ? clampNs(origin + msToNs(q.to)) : null,
    minSeverity: q.errorsOnly === '1' || q.errorsOnly === 'true' ? 'error' : undefined,
    lanes,
    q: q.q || null,
    mode: q.mode,
    offset: q.offset,
    limit: q.limit,
    around: q.around ?? null,
    budgetMs,
  });
  return {
    origin: request.startedAt,
    lines: page.lines.map((l) => ({
      record: l.record,
      lane: (l.sig ? laneOfSig(l.sig) : componentLane(l.record.component, l.record.node)).id,
      linkKind: l.linkKind,
      t: l.tsNs === null ? null : nsToMs(l.tsNs - origin),
    })),
    offset: page.offset,
    limit: q.limit,
    total: page.total,
    capped: page.capped,
    partial: page.partial,
  };
}
