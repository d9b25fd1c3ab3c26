import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { RequestListSchema } from '@kubetrail/model';
import { apiUrl, fetchJson } from '../api/client';
import { toApiQuery } from './url';
import type { RequestsUrlState } from './url';

export function useRequestsQuery(bundleId: string, state: RequestsUrlState) {
  const query = toApiQuery(state);
  return useQuery({
    queryKey: ['requests', bundleId, query],
    queryFn: ({ signal }) =>
      fetchJson(apiUrl(`/api/bundles/${encodeURIComponent(bundleId)}/requests`, query), RequestListSchema, {
        signal,
      }),
    placeholderData: keepPreviousData,
  });
}
