import { Router } from 'express';
import {
  RecordDetailQuerySchema,
  RecordDetailSchema,
  RecordsQuerySchema,
  SearchResultSchema,
} from '@kubetrail/model';
import type { AppContext } from '../http/context.ts';
import { sendJson } from '../http/sendJson.ts';
import { recordDetail } from './records.service.ts';

export function recordsRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get('/:bundleId/records', async (req, res) => {
    const q = RecordsQuerySchema.parse(req.query);
    sendJson(res, SearchResultSchema, await ctx.queries.run('search', { bundleId: req.params.bundleId, q }));
  });
  r.get('/:bundleId/records/:recordId', (req, res) =>
    sendJson(
      res,
      RecordDetailSchema,
      recordDetail(
        ctx,
        req.params.bundleId,
        req.params.recordId,
        RecordDetailQuerySchema.parse(req.query).context,
      ),
    ),
  );
  return r;
}
