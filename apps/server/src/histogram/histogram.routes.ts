import { Router } from 'express';
import { HistogramQuerySchema, HistogramSchema } from '@kubetrail/model';
import type { AppContext } from '../http/context.ts';
import { sendJson } from '../http/sendJson.ts';
import { histogram } from './histogram.service.ts';

export function histogramRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get('/:bundleId/histogram', (req, res) =>
    sendJson(
      res,
      HistogramSchema,
      histogram(ctx, req.params.bundleId, HistogramQuerySchema.parse(req.query)),
    ),
  );
  return r;
}
