import type { StoreContext } from '../http/context.ts';
import { AppError } from '../http/appError.ts';
import { requestToOtlp, type OtlpJsonDoc } from './otlpExport.ts';

/** One request of a bundle as OTLP/JSON: its spans, its log lines as events or zero-length spans. */
export function exportRequestOtlp(ctx: StoreContext, bundleId: string, reqId: string): OtlpJsonDoc {
  const { store } = ctx;
  if (!store.hasBundle(bundleId)) throw AppError.notFound(`bundle ${bundleId}`);
  if (!store.getRequest(bundleId, reqId)) throw AppError.notFound(`request ${reqId}`);
  return requestToOtlp(reqId, store.requestSpans(bundleId, reqId), store.requestRecords(bundleId, reqId));
}

/** A file name for the download: the reqID with anything unsafe in a header replaced. */
export const otlpFileName = (reqId: string): string =>
  `kubetrail-${reqId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100)}.otlp.json`;
