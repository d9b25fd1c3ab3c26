import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type RequestHandler, type Router } from 'express';
import { AppError } from '../http/appError.ts';

const MISSING_BUILD = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kubetrail</title></head>
<body><h1>kubetrail</h1><p>The web app is not built yet. Run <code>pnpm build</code>, then reload.</p>
<p>The API is up: <a href="/api/health">/api/health</a>.</p></body></html>
`;

/** Refuses `..`, NUL and backslash tricks before any file is looked up. */
const refuseTraversal: RequestHandler = (req, _res, next) => {
  let path: string;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    next(AppError.badRequest('malformed path'));
    return;
  }
  if (path.includes('\0') || path.split(/[\\/]/).includes('..')) {
    next(new AppError(400, 'bad_path', 'path traversal refused'));
    return;
  }
  next();
};

/**
 * The built web app with an SPA fallback: GETs that are not files and not `/api` get index.html.
 * Without a build, `/` explains how to make one.
 */
export function webAppRoutes(webDist: string | undefined): Router {
  const r = express.Router();
  r.use(refuseTraversal);
  const index = webDist ? join(webDist, 'index.html') : null;
  if (!webDist || !index || !existsSync(index)) {
    r.get('/', (_req, res) => {
      res.type('html').send(MISSING_BUILD);
    });
    return r;
  }
  r.use(express.static(webDist, { index: false, fallthrough: true, dotfiles: 'ignore', maxAge: '1h' }));
  r.use((req, res, next) => {
    if (
      (req.method !== 'GET' && req.method !== 'HEAD') ||
      req.path.startsWith('/api/') ||
      req.path === '/api'
    ) {
      next();
      return;
    }
    // A missing asset is a 404, not the app's page served as JavaScript.
    if (/\.[a-z0-9]{1,8}$/i.test(req.path)) {
      next(AppError.notFound(`file ${req.path}`));
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return r;
}
