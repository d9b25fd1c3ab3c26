import { Router } from 'express';
import { RecordDetailSchema, RecordsQuerySchema, SearchResultSchema } from '@kubetrail/model';
import type { AppContext } from '../http/context.ts';
import { sendJson } from '../http/sendJson.ts';
import { recordDetail, searchRecords } from './records.service.ts';

export function recordsRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get('/:bundleId/records', (req, res) =>
    sendJson(
      res,
      SearchResultSchema,
      searchRecords(ctx, req.params.bundleId, RecordsQuerySchema.parse(req.query)),
    ),
  );
  r.get('/:bundleId/records/:recordId', (req, res) =>
    sendJson(res, RecordDetailSchema, recordDetail(ctx, req.params.bundleId, req.params.recordId)),
  );
  return r;
}
