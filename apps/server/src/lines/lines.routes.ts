import { Router } from 'express';
import { RequestLinesQuerySchema, RequestLinesSchema } from '@kubetrail/model';
import type { AppContext } from '../http/context.ts';
import { sendJson } from '../http/sendJson.ts';

export function linesRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get('/:bundleId/requests/:reqId/lines', async (req, res) => {
    const q = RequestLinesQuerySchema.parse(req.query);
    const { bundleId, reqId } = req.params;
    sendJson(res, RequestLinesSchema, await ctx.queries.run('lines', { bundleId, reqId, q }));
  });
  return r;
}
