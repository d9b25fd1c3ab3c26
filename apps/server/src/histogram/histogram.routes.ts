import { Router } from 'express';
import { HistogramQuerySchema, HistogramSchema } from '@kubetrail/model';
import type { AppContext } from '../http/context.ts';
import { sendJson } from '../http/sendJson.ts';

export function histogramRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get('/:bundleId/histogram', async (req, res) => {
    const q = HistogramQuerySchema.parse(req.query);
    sendJson(res, HistogramSchema, await ctx.queries.run('histogram', { bundleId: req.params.bundleId, q }));
  });
  return r;
}
