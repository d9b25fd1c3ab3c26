import { Router } from 'express';
import { HealthSchema } from '@kubetrail/model';
import { sendJson } from '../http/sendJson.ts';
import { health } from './health.service.ts';

export function healthRoutes(): Router {
  const r = Router();
  r.get('/health', (_req, res) => sendJson(res, HealthSchema, health()));
  return r;
}
