import { Router } from 'express';
import type { AppContext } from '../http/context.ts';
import { exportRequestOtlp, otlpFileName } from './export.service.ts';

/** `GET /api/bundles/:bundleId/requests/:reqId/otlp`: the request as an OTLP/JSON download. */
export function exportRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get('/:bundleId/requests/:reqId/otlp', (req, res) => {
    const doc = exportRequestOtlp(ctx, req.params.bundleId, req.params.reqId);
    res
      .status(200)
      .type('application/json')
      .setHeader('Content-Disposition', `attachment; filename="${otlpFileName(req.params.reqId)}"`);
    res.send(JSON.stringify(doc));
  });
  return r;
}
