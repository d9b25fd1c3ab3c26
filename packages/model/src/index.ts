export { SEVERITIES, SeveritySchema, severityRank, severityFromRank } from './severity.ts';
export type { Severity } from './severity.ts';
export { Rfc3339NanoSchema, formatNs, parseRfc3339Ns, nsToMs, rfc3339ToNs } from './time.ts';
export {
  COMPONENTS,
  LineFormatSchema,
  LogRecordSchema,
  RecordKindSchema,
  TimeRuleSchema,
  WrapperSchema,
} from './records.ts';
export type { LineFormat, LogRecord, RecordKind, TimeRule, Wrapper } from './records.ts';
export {
  BundleDetailSchema,
  BundleListSchema,
  BundleSchema,
  BundleStatusSchema,
  FileReportSchema,
  IngestProgressSchema,
  IngestReportSchema,
  IngestStageSchema,
  SkipSchema,
  UploadAcceptedSchema,
} from './bundles.ts';
export type {
  Bundle,
  BundleDetail,
  BundleList,
  BundleStatus,
  FileReport,
  IngestProgress,
  IngestReport,
  IngestStage,
  Skip,
  UploadAccepted,
} from './bundles.ts';
export {
  IdKindSchema,
  LinkKindSchema,
  LinkSchema,
  OperationSchema,
  OUTCOME_ORDER,
  OutcomeSchema,
  RequestListSchema,
  RequestSchema,
  STAGE_IDS,
  STAGE_LABELS,
  StageIdSchema,
  StageSchema,
  StageStatusSchema,
  StoppedAtSchema,
  TargetSchema,
} from './requests.ts';
export type {
  IdKind,
  Link,
  LinkKind,
  Operation,
  Outcome,
  Request,
  RequestList,
  Stage,
  StageId,
  StageStatus,
  StoppedAt,
  Target,
} from './requests.ts';
export { SpanEventSchema, SpanSchema } from './spans.ts';
export type { Span } from './spans.ts';
export {
  ApiCallSchema,
  BucketSchema,
  LaneSchema,
  MarkSchema,
  TimelineSchema,
  TimelineSpanSchema,
} from './timeline.ts';
export type { ApiCall, Bucket, Lane, Mark, Timeline, TimelineSpan } from './timeline.ts';
export {
  ApiErrorSchema,
  HealthSchema,
  HistogramQuerySchema,
  HistogramSchema,
  RecordDetailQuerySchema,
  RecordDetailSchema,
  RecordsQuerySchema,
  RequestLineSchema,
  RequestLinesQuerySchema,
  RequestLinesSchema,
  RequestsQuerySchema,
  SearchHitSchema,
  SearchModeSchema,
  SearchResultSchema,
  TimelineQuerySchema,
} from './api.ts';
export type {
  ApiError,
  Health,
  Histogram,
  HistogramQuery,
  RecordDetail,
  RecordDetailQuery,
  RecordsQuery,
  RequestLine,
  RequestLines,
  RequestLinesQuery,
  RequestsQuery,
  SearchHit,
  SearchMode,
  SearchResult,
  TimelineQuery,
} from './api.ts';
export type {
  CorrelationResult,
  CorrelationSink,
  CorrelationSource,
  FileInfo,
  ParsedRecord,
  ParsedSpan,
  ParsedSpanEvent,
  ParseEvent,
  ParseSkip,
  RecordLink,
  SpanLink,
  StoredRecord,
  StoredSpan,
} from './internal.ts';
