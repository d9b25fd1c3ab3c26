import { Router } from 'express';
import { z } from 'zod';
import { BundleDetailSchema, BundleListSchema, UploadAcceptedSchema } from '@kubetrail/model';
import type { AppContext } from '../http/context.ts';
import { sendJson } from '../http/sendJson.ts';
import { deleteBundle, getBundle, listBundles, uploadBundle } from './bundles.service.ts';

const UploadQuerySchema = z.object({ name: z.string().trim().min(1).max(200).optional() });

export function bundlesRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get('/', (_req, res) => sendJson(res, BundleListSchema, listBundles(ctx)));
  r.post('/', async (req, res) =>
    sendJson(
      res,
      UploadAcceptedSchema,
      await uploadBundle(ctx, req, UploadQuerySchema.parse(req.query).name),
      202,
    ),
  );
  r.get('/:bundleId', (req, res) => sendJson(res, BundleDetailSchema, getBundle(ctx, req.params.bundleId)));
  r.delete('/:bundleId', (req, res) => {
    deleteBundle(ctx, req.params.bundleId);
    res.status(204).end();
  });
  return r;
}
