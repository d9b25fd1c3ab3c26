import { Router } from 'express';
import { RequestListSchema, RequestSchema, RequestsQuerySchema } from '@kubetrail/model';
import type { AppContext } from '../http/context.ts';
import { sendJson } from '../http/sendJson.ts';
import { getRequest, listRequests } from './requests.service.ts';

export function requestsRoutes(ctx: AppContext): Router {
  const r = Router({ mergeParams: true });
  r.get('/:bundleId/requests', (req, res) =>
    sendJson(
      res,
      RequestListSchema,
      listRequests(ctx, req.params.bundleId, RequestsQuerySchema.parse(req.query)),
    ),
  );
  r.get('/:bundleId/requests/:reqId', (req, res) =>
    sendJson(res, RequestSchema, getRequest(ctx, req.params.bundleId, req.params.reqId)),
  );
  return r;
}
