import { z } from 'zod';
import { Rfc3339NanoSchema } from './time.ts';

export const SpanEventSchema = z.object({
  name: z.string(),
  ts: Rfc3339NanoSchema,
  attributes: z.record(z.string(), z.unknown()),
});

/** An OpenTelemetry span as kubetrail stores and returns it (IDs as lowercase hex). */
export const SpanSchema = z.object({
  id: z.number().int().nonnegative(),
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string().nullable(),
  name: z.string(),
  service: z.string().nullable(),
  component: z.string(),
  node: z.string().nullable(),
  start: Rfc3339NanoSchema,
  end: Rfc3339NanoSchema,
  statusCode: z.enum(['unset', 'ok', 'error']),
  statusMessage: z.string().nullable(),
  attributes: z.record(z.string(), z.unknown()),
  resource: z.record(z.string(), z.unknown()),
  events: z.array(SpanEventSchema),
});
export type Span = z.infer<typeof SpanSchema>;
