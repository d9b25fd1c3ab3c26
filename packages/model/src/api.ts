import { z } from 'zod';
import { LogRecordSchema } from './records.ts';
import { LinkSchema, OutcomeSchema } from './requests.ts';
import { SeveritySchema } from './severity.ts';

export const ApiErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;

export const HealthSchema = z.object({ status: z.literal('ok'), version: z.string() });
export type Health = z.infer<typeof HealthSchema>;

const intParam = (def: number, max: number) => z.coerce.number().int().min(0).max(max).default(def);

/** Time filter: RFC 3339 strings. */
const timeParam = z.string().max(64).optional();

export const RequestsQuerySchema = z.object({
  q: z.string().max(500).optional(),
  outcome: OutcomeSchema.optional(),
  verb: z.string().max(64).optional(),
  resource: z.string().max(128).optional(),
  namespace: z.string().max(253).optional(),
  user: z.string().max(512).optional(),
  /** Requests active at some point in [from, to] (their [startedAt, endedAt] overlaps it). */
  from: timeParam,
  to: timeParam,
  /** Requests that started at or after `since` / at or before `until`. */
  since: timeParam,
  until: timeParam,
  /**
   * Control-plane activity (`Request.system`): `exclude` (default) lists users' operations only,
   * `include` lists both, `only` lists system activity alone.
   */
  system: z.enum(['exclude', 'include', 'only']).default('exclude'),
  sort: z.enum(['time', '-time', 'user', 'outcome']).default('time'),
  offset: intParam(0, 1_000_000),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type RequestsQuery = z.infer<typeof RequestsQuerySchema>;

export const TimelineQuerySchema = z.object({
  /** Window in ms relative to the request's origin (its start). */
  from: z.coerce.number().finite().optional(),
  to: z.coerce.number().finite().optional(),
  /** Pixel width of the drawing area: lanes with more marks get buckets. */
  width: z.coerce.number().int().min(10).max(20_000).default(1200),
  errorsOnly: z.enum(['0', '1', 'true', 'false']).optional(),
});
export type TimelineQuery = z.infer<typeof TimelineQuerySchema>;

export const RecordsQuerySchema = z.object({
  q: z.string().min(1).max(500),
  offset: intParam(0, 1_000_000),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type RecordsQuery = z.infer<typeof RecordsQuerySchema>;

export const SearchHitSchema = z.object({
  record: LogRecordSchema,
  /** The message with matches wrapped in \u0002…\u0003 (never HTML). */
  snippet: z.string(),
  reqIds: z.array(z.string()),
});
export type SearchHit = z.infer<typeof SearchHitSchema>;

export const SearchResultSchema = z.object({
  hits: z.array(SearchHitSchema),
  total: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  limit: z.number().int().positive(),
});
export type SearchResult = z.infer<typeof SearchResultSchema>;

export const RecordDetailSchema = z.object({
  record: LogRecordSchema,
  /** Neighbouring lines of the same file, in file order, the record itself included. */
  neighbours: z.array(LogRecordSchema),
  /** The requests it belongs to and why. */
  links: z.array(LinkSchema),
  /** Other requests that touch the same object(s). */
  related: z.array(z.object({ reqId: z.string(), object: z.string() })),
});
export type RecordDetail = z.infer<typeof RecordDetailSchema>;

export const HistogramQuerySchema = RequestsQuerySchema.pick({ from: true, to: true }).extend({
  reqId: z.string().max(200).optional(),
  buckets: z.coerce.number().int().min(1).max(2000).default(120),
  q: z.string().max(500).optional(),
});
export type HistogramQuery = z.infer<typeof HistogramQuerySchema>;

export const HistogramSchema = z.object({
  from: z.string().nullable(),
  to: z.string().nullable(),
  bucketMs: z.number().nonnegative(),
  buckets: z.array(
    z.object({
      t: z.string(),
      counts: z.record(SeveritySchema, z.number().int().nonnegative()),
    }),
  ),
});
export type Histogram = z.infer<typeof HistogramSchema>;
