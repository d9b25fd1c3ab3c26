import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { RecordDetailSchema } from '@kubetrail/model';
import { fetchJson } from '../api/client';

/** One record with its neighbouring lines, links (why it belongs) and related requests. */
export function useRecordQuery(bundleId: string, recordId: number | null) {
  return useQuery({
    queryKey: ['record', bundleId, recordId],
    enabled: recordId !== null,
    queryFn: ({ signal }) =>
      fetchJson(
        `/api/bundles/${encodeURIComponent(bundleId)}/records/${String(recordId)}`,
        RecordDetailSchema,
        { signal },
      ),
    placeholderData: keepPreviousData,
    staleTime: 5 * 60_000,
  });
}
