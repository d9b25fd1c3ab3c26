import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { apiUrl } from '../api/client';
import { loadTimeline } from './loadTimeline';
import type { FetchWindow } from './viewport';

/**
 * The timeline for a window (null: the server's default, the whole request) at a pixel width.
 * Keeps the previous window's data on screen while the next one loads. Loaded in a worker.
 */
export function useTimelineQuery(
  bundleId: string,
  reqId: string,
  win: FetchWindow | null,
  defaultWidth: number,
  errorsOnly: boolean,
  enabled = true,
) {
  const params = {
    from: win?.from,
    to: win?.to,
    width: win?.width ?? defaultWidth,
    errorsOnly: errorsOnly ? 1 : undefined,
  };
  return useQuery({
    queryKey: ['timeline', bundleId, reqId, params],
    enabled,
    queryFn: ({ signal }) =>
      loadTimeline(
        apiUrl(
          `/api/bundles/${encodeURIComponent(bundleId)}/requests/${encodeURIComponent(reqId)}/timeline`,
          params,
        ),
        signal,
      ),
    placeholderData: keepPreviousData,
    staleTime: 5 * 60_000,
  });
}
