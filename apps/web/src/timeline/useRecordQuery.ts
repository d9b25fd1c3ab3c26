import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { RecordDetailSchema } from '@kubetrail/model';
import { apiUrl, fetchJson } from '../api/client';

/**
 * One record with `context` neighbouring lines either side (in time order, with their requests),
 * its links (why it belongs) and related requests.
 */
export function useRecordQuery(bundleId: string, recordId: number | null, context = 10) {
  return useQuery({
    queryKey: ['record', bundleId, recordId, context],
    enabled: recordId !== null,
    queryFn: ({ signal }) =>
      fetchJson(
        apiUrl(`/api/bundles/${encodeURIComponent(bundleId)}/records/${String(recordId)}`, { context }),
        RecordDetailSchema,
        { signal },
      ),
    placeholderData: keepPreviousData,
    staleTime: 5 * 60_000,
  });
}
