import { Router } from 'express';
import { TimelineQuerySchema, TimelineSchema } from '@kubetrail/model';
import type { AppContext } from '../http/context.ts';
import { sendJson } from '../http/sendJson.ts';
import { buildTimeline } from './timeline.service.ts';

export function timelineRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get('/:bundleId/requests/:reqId/timeline', (req, res) =>
    sendJson(
      res,
      TimelineSchema,
      buildTimeline(ctx, req.params.bundleId, req.params.reqId, TimelineQuerySchema.parse(req.query)),
    ),
  );
  return r;
}
