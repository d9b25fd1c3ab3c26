import { z } from 'zod';
import { LogRecordSchema } from './records.ts';
import { LinkKindSchema, LinkSchema, OutcomeSchema } from './requests.ts';
import { Rfc3339NanoSchema } from './time.ts';
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

/**
 * How a search reads its text: `literal` (default) matches it as typed, every word and symbol,
 * case-insensitively, against each line's raw text and message; `fts` reads FTS5 syntax
 * (`"a phrase"`, `AND`/`OR`/`NOT`, `NEAR(…)`, `prefix*`, parentheses) over messages and key/values.
 */
export const SearchModeSchema = z.enum(['literal', 'fts']);
export type SearchMode = z.infer<typeof SearchModeSchema>;

/** Where a search looks: the whole bundle, or one request, a component, a node, a severity, a window. */
const searchScope = {
  mode: SearchModeSchema.default('literal'),
  /** Only lines of this request. */
  reqId: z.string().max(200).optional(),
  /** Only lines of this component (`kubelet`, `kube-apiserver`…). */
  component: z.string().max(253).optional(),
  /** Only lines from this node. */
  node: z.string().max(253).optional(),
  /** Only lines at least this severe. */
  severity: SeveritySchema.optional(),
  from: timeParam,
  to: timeParam,
};

export const RecordsQuerySchema = z.object({
  q: z.string().min(1).max(500),
  ...searchScope,
  offset: intParam(0, 1_000_000),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type RecordsQuery = z.infer<typeof RecordsQuerySchema>;

export const SearchHitSchema = z.object({
  record: LogRecordSchema,
  /** Where it matched, with the match wrapped in \u0002…\u0003 (never HTML). */
  snippet: z.string(),
  reqIds: z.array(z.string()),
});
export type SearchHit = z.infer<typeof SearchHitSchema>;

export const SearchResultSchema = z.object({
  /** Matching lines in time order (lines without a time first). */
  hits: z.array(SearchHitSchema),
  /** Matching lines counted: exact unless `capped` or `partial`. */
  total: z.number().int().nonnegative(),
  /** More lines match than were counted (counting stops at 10 000). */
  capped: z.boolean().default(false),
  /**
   * The search ran out of time before it had looked at every line in scope: `total` is a lower
   * bound and later lines may be missing. Narrow the search (a request, a window, more words).
   */
  partial: z.boolean().default(false),
  mode: SearchModeSchema.default('literal'),
  offset: z.number().int().nonnegative(),
  limit: z.number().int().positive(),
});
export type SearchResult = z.infer<typeof SearchResultSchema>;

export const RecordDetailQuerySchema = z.object({
  /** Lines of context either side (default 10, at most 500). */
  context: z.coerce.number().int().min(0).max(500).default(10),
});
export type RecordDetailQuery = z.infer<typeof RecordDetailQuerySchema>;

export const RecordDetailSchema = z.object({
  record: LogRecordSchema,
  /**
   * Neighbouring lines of the same file in time order (as grep -C shows, but sorted by time), the
   * record itself included, each with the requests it belongs to.
   */
  neighbours: z.array(LogRecordSchema.extend({ reqIds: z.array(z.string()).default([]) })),
  /** The requests it belongs to and why. */
  links: z.array(LinkSchema),
  /** Other requests that touch the same object(s). */
  related: z.array(z.object({ reqId: z.string(), object: z.string() })),
});
export type RecordDetail = z.infer<typeof RecordDetailSchema>;

export const HistogramQuerySchema = RequestsQuerySchema.pick({ from: true, to: true }).extend({
  reqId: z.string().max(200).optional(),
  buckets: z.coerce.number().int().min(1).max(2000).default(120),
  /** Count only the lines this search matches (read as `mode` says), within the same scope. */
  q: z.string().max(500).optional(),
  mode: searchScope.mode,
  component: searchScope.component,
  node: searchScope.node,
  severity: searchScope.severity,
});
export type HistogramQuery = z.infer<typeof HistogramQuerySchema>;

export const HistogramSchema = z.object({
  /** With `q`: the search ran out of time, so the counts cover only part of the lines. */
  partial: z.boolean().default(false),
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

/** A request's lines (the log table under the timeline, `kubetrail lines`): same filters as the timeline. */
export const RequestLinesQuerySchema = z.object({
  /** Window in ms relative to the request's start (the timeline's origin), inclusive. */
  from: z.coerce.number().finite().optional(),
  to: z.coerce.number().finite().optional(),
  errorsOnly: z.enum(['0', '1', 'true', 'false']).optional(),
  /** Lane ids to leave out, comma-separated (the timeline's hidden lanes). */
  hide: z.string().max(8000).optional(),
  /** Only lines matching this search (read as `mode` says). */
  q: z.string().max(500).optional(),
  mode: SearchModeSchema.default('literal'),
  offset: intParam(0, 10_000_000),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  /** A record id: the page starts a quarter page before it (when it is among the lines; else `offset`). */
  around: z.coerce.number().int().min(0).optional(),
});
export type RequestLinesQuery = z.infer<typeof RequestLinesQuerySchema>;

export const RequestLineSchema = z.object({
  /** The whole record, raw text included. */
  record: LogRecordSchema,
  /** Its timeline lane id. */
  lane: z.string(),
  /** How it joined the request. */
  linkKind: LinkKindSchema,
  /** Milliseconds since `origin` (null: the line has no time). */
  t: z.number().nullable(),
});
export type RequestLine = z.infer<typeof RequestLineSchema>;

export const RequestLinesSchema = z.object({
  /** The request's start: time zero of `t` (as in the timeline). */
  origin: Rfc3339NanoSchema,
  lines: z.array(RequestLineSchema),
  /** Position of the first line among all the matching lines. */
  offset: z.number().int().nonnegative(),
  limit: z.number().int().positive(),
  /** Matching lines counted: exact unless `capped` or `partial` (as for search). */
  total: z.number().int().nonnegative(),
  capped: z.boolean(),
  partial: z.boolean(),
});
export type RequestLines = z.infer<typeof RequestLinesSchema>;
