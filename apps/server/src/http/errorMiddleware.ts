import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import type { ApiError } from '@kubetrail/model';
import { StoreError } from '@kubetrail/store';
import { AppError } from './appError.ts';
import type { Logger } from './context.ts';

const STORE_STATUS: Record<StoreError['code'], number> = {
  bad_query: 400,
  not_found: 404,
  conflict: 409,
  migration_drift: 500,
};

function isZodError(err: unknown): err is ZodError {
  return err instanceof ZodError || (err instanceof Error && err.name === 'ZodError' && 'issues' in err);
}

/** Errors from body-parser / send / http-errors carry an HTTP status and `expose`. */
function httpStatusOf(err: unknown): { status: number; type?: string } | null {
  if (typeof err !== 'object' || err === null) return null;
  const e = err as { status?: unknown; statusCode?: unknown; type?: unknown };
  const status =
    typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : null;
  if (status === null || status < 400 || status > 499) return null;
  return { status, type: typeof e.type === 'string' ? e.type : undefined };
}

/** SQLite gave up waiting for another connection's lock (an ingest holds the write lock). */
function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    err instanceof Error &&
    err.name === 'SqliteError' &&
    typeof code === 'string' &&
    (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
  );
}

function toApiError(err: unknown): { status: number; body: ApiError } | null {
  if (err instanceof AppError)
    return {
      status: err.status,
      body: { error: { code: err.code, message: err.message, details: err.details } },
    };
  if (isZodError(err)) {
    const first = err.issues[0];
    const where = first && first.path.length > 0 ? `${first.path.join('.')}: ` : '';
    return {
      status: 400,
      body: {
        error: {
          code: 'invalid_input',
          message: `invalid request: ${where}${first?.message ?? 'bad input'}`,
          details: {
            issues: err.issues.map((i) => ({ path: i.path.map(String), message: i.message, code: i.code })),
          },
        },
      },
    };
  }
  if (err instanceof StoreError) {
    const status = STORE_STATUS[err.code];
    if (status >= 500) return null;
    return { status, body: { error: { code: err.code, message: err.message, details: err.details } } };
  }
  if (isBusy(err))
    return {
      status: 503,
      body: {
        error: {
          code: 'busy',
          message: 'the database is busy (an ingest is writing); try again in a few seconds',
        },
      },
    };
  const http = httpStatusOf(err);
  if (http) {
    if (http.type === 'entity.parse.failed')
      return {
        status: 400,
        body: { error: { code: 'invalid_json', message: 'the request body is not valid JSON' } },
      };
    if (http.status === 413)
      return {
        status: 413,
        body: { error: { code: 'payload_too_large', message: 'the request body is too large' } },
      };
    const message = err instanceof Error && err.message ? err.message : 'bad request';
    return { status: http.status, body: { error: { code: 'bad_request', message } } };
  }
  return null;
}

/**
 * The one error middleware: typed errors become their status, zod errors a 400 with the issues,
 * anything else a generic 500 with a request id (logged with its stack, never sent).
 */
export function errorMiddleware(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const known = toApiError(err);
    if (known) {
      if (known.status === 503) res.setHeader('Retry-After', '5');
      res.status(known.status).json(known.body);
      return;
    }
    const requestId = randomUUID();
    log.error(`[${requestId}] ${req.method} ${req.originalUrl} failed`, err);
    const body: ApiError = { error: { code: 'internal', message: 'internal error', details: { requestId } } };
    res.status(500).json(body);
  };
}

/** Unknown /api routes: a JSON 404 rather than the web app's index page. */
export const apiNotFound: RequestHandler = (req, _res, next) => {
  next(new AppError(404, 'not_found', `no such API route: ${req.method} ${req.originalUrl.split('?')[0]}`));
};
