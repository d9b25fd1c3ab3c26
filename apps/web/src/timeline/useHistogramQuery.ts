import { useQuery } from '@tanstack/react-query';
import { HistogramSchema } from '@kubetrail/model';
import { apiUrl, fetchJson } from '../api/client';

/** Log volume per time bucket and severity for one request between two RFC 3339 times. */
export function useHistogramQuery(
  bundleId: string,
  reqId: string,
  range: { from: string; to: string } | null,
  buckets = 120,
) {
  const params = { reqId, from: range?.from, to: range?.to, buckets };
  return useQuery({
    queryKey: ['histogram', bundleId, params],
    enabled: range !== null,
    queryFn: ({ signal }) =>
      fetchJson(apiUrl(`/api/bundles/${encodeURIComponent(bundleId)}/histogram`, params), HistogramSchema, {
        signal,
      }),
    staleTime: 5 * 60_000,
  });
}
