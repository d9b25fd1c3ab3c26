import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { HistogramSchema, SearchResultSchema } from '@kubetrail/model';
import { apiUrl, fetchJson } from '../api/client';
import { SEARCH_PAGE_SIZE, toApiScope } from './url';
import type { SearchUrlState } from './url';

/** A page of a bundle's matching lines, in time order (disabled for an empty query). */
export function useSearchQuery(bundleId: string, state: SearchUrlState) {
  const params = { ...toApiScope(state), offset: state.offset, limit: SEARCH_PAGE_SIZE };
  return useQuery({
    queryKey: ['search', bundleId, params],
    enabled: state.q.trim().length > 0,
    queryFn: ({ signal }) =>
      fetchJson(apiUrl(`/api/bundles/${encodeURIComponent(bundleId)}/records`, params), SearchResultSchema, {
        signal,
      }),
    placeholderData: keepPreviousData,
  });
}

/** Matching lines per time bucket and severity, in the same scope (the hit histogram). */
export function useHitHistogramQuery(bundleId: string, state: SearchUrlState) {
  const params = { ...toApiScope(state), buckets: 80 };
  return useQuery({
    queryKey: ['hit-histogram', bundleId, params],
    enabled: state.q.trim().length > 0,
    queryFn: ({ signal }) =>
      fetchJson(apiUrl(`/api/bundles/${encodeURIComponent(bundleId)}/histogram`, params), HistogramSchema, {
        signal,
      }),
    placeholderData: keepPreviousData,
  });
}
