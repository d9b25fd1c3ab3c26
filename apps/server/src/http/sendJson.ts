import type { Response } from 'express';
import type { z } from 'zod';

/** A response that does not match its schema is our bug: a 500, never a malformed 2xx. */
export class ResponseShapeError extends Error {
  constructor(readonly issues: unknown) {
    super('response failed validation');
    this.name = 'ResponseShapeError';
  }
}

/** Validates `body` with the model schema, then sends it. */
export function sendJson<S extends z.ZodType>(
  res: Response,
  schema: S,
  body: z.input<S>,
  status = 200,
): void {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ResponseShapeError(parsed.error.issues);
  res.status(status).json(parsed.data);
}
