import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { SearchResultSchema } from '@kubetrail/model';
import { apiUrl, fetchJson } from '../api/client';
import { SEARCH_PAGE_SIZE } from './url';

/** Full-text search over a bundle's lines (disabled for an empty query). */
export function useSearchQuery(bundleId: string, q: string, offset: number) {
  const params = { q, offset, limit: SEARCH_PAGE_SIZE };
  return useQuery({
    queryKey: ['search', bundleId, params],
    enabled: q.trim().length > 0,
    queryFn: ({ signal }) =>
      fetchJson(apiUrl(`/api/bundles/${encodeURIComponent(bundleId)}/records`, params), SearchResultSchema, {
        signal,
      }),
    placeholderData: keepPreviousData,
  });
}
