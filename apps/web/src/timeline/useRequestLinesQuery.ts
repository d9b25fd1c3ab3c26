import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { RequestLinesSchema } from '@kubetrail/model';
import { apiUrl, fetchJson } from '../api/client';

export interface LinesFilter {
  /** Window in ms since the request's start; null: every line. */
  from: number | null;
  to: number | null;
  errorsOnly: boolean;
  /** Lane ids left out. */
  hidden: readonly string[];
  /** Literal search within the request's lines. */
  q: string;
}

/** A page of a request's lines (the log table): `around` a record, else from `offset`. */
export function useRequestLinesQuery(
  bundleId: string,
  reqId: string,
  filter: LinesFilter,
  page: { offset: number; around: number | null },
  limit = 200,
) {
  const params = {
    from: filter.from ?? undefined,
    to: filter.to ?? undefined,
    errorsOnly: filter.errorsOnly ? 1 : undefined,
    hide: filter.hidden.length ? [...filter.hidden].sort().join(',') : undefined,
    q: filter.q.trim() || undefined,
    offset: page.around === null ? page.offset : undefined,
    around: page.around ?? undefined,
    limit,
  };
  return useQuery({
    queryKey: ['lines', bundleId, reqId, params],
    queryFn: ({ signal }) =>
      fetchJson(
        apiUrl(
          `/api/bundles/${encodeURIComponent(bundleId)}/requests/${encodeURIComponent(reqId)}/lines`,
          params,
        ),
        RequestLinesSchema,
        { signal },
      ),
    placeholderData: keepPreviousData,
    staleTime: 5 * 60_000,
  });
}
