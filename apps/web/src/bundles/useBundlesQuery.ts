import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { BundleDetailSchema, BundleListSchema } from '@kubetrail/model';
import type { Bundle } from '@kubetrail/model';
import { apiUrl, fetchJson, send } from '../api/client';

export const bundleKeys = {
  all: ['bundles'] as const,
  detail: (id: string) => ['bundles', id] as const,
};

const isIngesting = (b: Bundle) => b.status === 'ingesting';

/** All bundles; polls while any is still ingesting. */
export function useBundlesQuery() {
  return useQuery({
    queryKey: bundleKeys.all,
    queryFn: ({ signal }) => fetchJson('/api/bundles', BundleListSchema, { signal }),
    refetchInterval: (q) => (q.state.data?.bundles.some(isIngesting) ? 1000 : false),
  });
}

/** One bundle with progress and report; polls every 500 ms until it is ready or failed. */
export function useBundleQuery(bundleId: string | null) {
  return useQuery({
    queryKey: bundleKeys.detail(bundleId ?? ''),
    enabled: bundleId !== null,
    queryFn: ({ signal }) =>
      fetchJson(apiUrl(`/api/bundles/${encodeURIComponent(bundleId ?? '')}`), BundleDetailSchema, { signal }),
    refetchInterval: (q) => (q.state.data?.status === 'ingesting' ? 500 : false),
    staleTime: 5_000,
  });
}

export function useDeleteBundleMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (bundleId: string) =>
      send(`/api/bundles/${encodeURIComponent(bundleId)}`, { method: 'DELETE' }),
    onSettled: () => qc.invalidateQueries({ queryKey: bundleKeys.all }),
  });
}
