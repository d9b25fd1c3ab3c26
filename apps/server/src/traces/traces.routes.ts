import express, { Router } from 'express';
import { AppError } from '../http/appError.ts';
import { decodeTraces, encodingOf, exportResponse } from './otlpBody.ts';
import type { LiveTraces } from './live.service.ts';

/** Largest OTLP/HTTP body, after gzip is undone (the collector's default batch is far below). */
export const MAX_OTLP_BYTES = 16 * 1024 * 1024;

/**
 * `POST /v1/traces`: the OTLP/HTTP receiver (JSON or protobuf, gzip or deflate content encoding),
 * writing into the `live` bundle. Answers with ExportTraceServiceResponse in the request's encoding.
 */
export function tracesRoutes(live: LiveTraces, maxBytes = MAX_OTLP_BYTES): Router {
  const r = Router();
  r.post(
    '/v1/traces',
    (req, _res, next) => {
      if (encodingOf(req.headers['content-type']) === null)
        throw new AppError(
          415,
          'unsupported_media_type',
          'OTLP/HTTP takes Content-Type application/json or application/x-protobuf',
        );
      next();
    },
    // body-parser undoes Content-Encoding (gzip, deflate) and applies the limit to the inflated body.
    express.raw({ type: () => true, limit: maxBytes, inflate: true }),
    (req, res) => {
      const encoding = encodingOf(req.headers['content-type'])!;
      const body: unknown = req.body;
      const doc = decodeTraces(Buffer.isBuffer(body) ? body : Buffer.alloc(0), encoding);
      const result = live.receive(doc);
      const out = exportResponse(encoding, result.rejected, result.errorMessage);
      res.status(200).type(out.contentType).send(out.body);
    },
  );
  return r;
}
