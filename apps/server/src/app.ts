import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname, join } from 'node:path';
import express, { type Express } from 'express';
import type { Store } from '@kubetrail/store';
import { bundlesRoutes } from './bundles/bundles.routes.ts';
import { removeStaleUploads } from './bundles/upload.ts';
import { healthRoutes } from './health/health.routes.ts';
import { histogramRoutes } from './histogram/histogram.routes.ts';
import { AppError } from './http/appError.ts';
import { attachClientErrorHandler } from './http/clientError.ts';
import {
  consoleLogger,
  DEFAULT_SERVER_LIMITS,
  type AppContext,
  type Logger,
  type ServerLimits,
} from './http/context.ts';
import { apiNotFound, errorMiddleware } from './http/errorMiddleware.ts';
import { allowedHostNames, requestOriginGuard } from './http/requestOrigin.ts';
import { securityHeaders } from './http/securityHeaders.ts';
import { linesRoutes } from './lines/lines.routes.ts';
import { inProcessRunner, type QueryRunner } from './queries/queries.ts';
import { workerRunner } from './queries/queryRunner.ts';
import { recordsRoutes } from './records/records.routes.ts';
import { requestsRoutes } from './requests/requests.routes.ts';
import { webAppRoutes } from './static/webApp.ts';
import { timelineRoutes } from './timeline/timeline.routes.ts';
import { LiveTraces } from './traces/live.service.ts';
import { tracesRoutes } from './traces/traces.routes.ts';
import { exportRoutes } from './traces/export.routes.ts';

export interface CreateAppOptions {
  store: Store;
  /** The built web app (apps/web/dist); without it `/` says how to build it. */
  webDist?: string;
  /** Where uploads are written while they ingest. Default: `uploads/` beside the database. */
  ingestDir?: string;
  limits?: Partial<ServerLimits>;
  log?: Logger;
  /** Ingest uploads in a worker thread. Default: true for a file database, false for `:memory:`. */
  ingestInWorker?: boolean;
  /** Quiet time after the last OTLP batch before the live bundle is correlated again. Default 500 ms. */
  liveDebounceMs?: number;
  /**
   * Host names requests may address (`Host`), besides loopback and IP addresses: the address the
   * server binds (`--host`) and `--allowed-host` names. See `http/requestOrigin.ts`.
   */
  hosts?: { bind?: string; allowed?: readonly string[] };
  /**
   * Run searches (and other queries whose cost depends on the input) in a worker thread, each
   * within `queryBudgetMs`. Default: true for a file database, false for `:memory:`.
   */
  queryInWorker?: boolean;
  /** Time budget of one search (ms). Default HTTP_QUERY_BUDGET_MS. */
  queryBudgetMs?: number;
}

export interface KubetrailApp extends Express {
  locals: Express['locals'] & {
    /** Resolves when every background ingest started by an upload has settled. */
    idle(): Promise<void>;
    /** The live OTLP receiver's bundle (tests flush its pending correlation). */
    live: LiveTraces;
    /** Where searches run (closed when the server stops). */
    queries: QueryRunner;
  };
}

/** The HTTP app (API + web), without a listening port: `serve` listens, tests use supertest. */
export function createApp(opts: CreateAppOptions): KubetrailApp {
  const ingestDir =
    opts.ingestDir ??
    join(opts.store.file === ':memory:' ? process.cwd() : dirname(opts.store.file), 'uploads');
  mkdirSync(ingestDir, { recursive: true });
  // Uploads a killed server was receiving or ingesting are never finished: their files go now.
  removeStaleUploads(ingestDir);
  const ctx: AppContext = {
    store: opts.store,
    ingestDir,
    limits: { ...DEFAULT_SERVER_LIMITS, ...opts.limits },
    log: opts.log ?? consoleLogger,
    ingestInWorker: opts.ingestInWorker ?? opts.store.file !== ':memory:',
    jobs: new Set(),
    queries:
      (opts.queryInWorker ?? opts.store.file !== ':memory:')
        ? workerRunner(opts.store.file, { budgetMs: opts.queryBudgetMs })
        : inProcessRunner({ store: opts.store }, opts.queryBudgetMs),
  };

  const app = express() as unknown as KubetrailApp;
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.locals.queries = ctx.queries;
  app.locals.idle = async () => {
    while (ctx.jobs.size > 0) await Promise.allSettled([...ctx.jobs]);
  };
  app.use(securityHeaders);
  // Before anything else answers: no DNS rebinding, no state change ordered by a foreign page.
  app.use(requestOriginGuard(allowedHostNames(opts.hosts?.bind, opts.hosts?.allowed)));

  const api = express.Router();
  // Only JSON bodies are parsed; uploads (POST /api/bundles) stream their raw body themselves.
  api.use((req, res, next) => {
    if (req.method === 'POST' && req.path.toLowerCase().replace(/\/+$/, '') === '/bundles') {
      next();
      return;
    }
    express.json({ limit: '1mb' })(req, res, next);
  });
  api.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  api.use(healthRoutes());
  api.use('/bundles', bundlesRoutes(ctx));
  api.use('/bundles', requestsRoutes(ctx));
  api.use('/bundles', timelineRoutes(ctx));
  api.use('/bundles', linesRoutes(ctx));
  api.use('/bundles', exportRoutes(ctx));
  api.use('/bundles', recordsRoutes(ctx));
  api.use('/bundles', histogramRoutes(ctx));
  api.use(apiNotFound);
  app.use('/api', api);

  // The OTLP/HTTP receiver (SPEC §7.2): spans into the `live` bundle, correlated after each burst.
  const live = new LiveTraces(ctx.store, opts.liveDebounceMs ?? 500, (err) =>
    ctx.log.error('live trace correlation failed', err),
  );
  app.locals.live = live;
  app.use(tracesRoutes(live));

  app.use(webAppRoutes(opts.webDist));
  app.use((req, _res, next) => next(AppError.notFound(`${req.method} ${req.path}`)));
  app.use(errorMiddleware(ctx.log));

  // Whoever listens (serve, tests) gets JSON answers for requests the HTTP parser refuses.
  const listen = app.listen.bind(app) as (...args: unknown[]) => Server;
  app.listen = ((...args: unknown[]) => attachClientErrorHandler(listen(...args))) as typeof app.listen;
  return app;
}
