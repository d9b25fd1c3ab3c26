import { z } from 'zod';
import { LineFormatSchema, TimeRuleSchema, WrapperSchema } from './records.ts';

/** One reason a line (or a whole file) was not turned into a record. */
export const SkipSchema = z.object({
  file: z.string(),
  /** 1-based line number; null when the problem is the file itself. */
  line: z.number().int().nonnegative().nullable(),
  reason: z.string(),
});
export type Skip = z.infer<typeof SkipSchema>;

/** What ingest found in one file of a bundle. */
export const FileReportSchema = z.object({
  path: z.string(),
  format: LineFormatSchema.nullable(),
  wrapper: WrapperSchema,
  component: z.string().nullable(),
  node: z.string().nullable(),
  bytes: z.number().int().nonnegative(),
  lines: z.number().int().nonnegative(),
  records: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
  timeRule: TimeRuleSchema,
  /** What decided the file's dates (`year from "-- Logs begin at Wed 2021-05-26 …" (line 1)`). */
  timeEvidence: z.string().nullable().optional(),
  /** Records whose line had no time of its own and took the line before's (or a container's start). */
  approximated: z.number().int().nonnegative().optional(),
  /** The layout the file was read as: `kind`, `minikube-logs`, `cluster-info-stream`, `support-bundle`… */
  layout: z.string().nullable().optional(),
  /** A file made of sections (`minikube logs`, a single-stream dump): how many; each has a row of its own. */
  sections: z.number().int().nonnegative().optional(),
  /** The whole file repeats another (same content, a symlink or hard link): stored once, under that path. */
  duplicateOf: z.string().nullable().optional(),
  /** Lines not stored because they repeat another file (journal.log repeating kubelet.log …). */
  duplicates: z.array(z.object({ of: z.string(), lines: z.number().int().nonnegative() })).optional(),
  /** Set when the whole file was refused (binary, unknown format, zip-slip, symlink, …). */
  error: z.string().nullable(),
});
export type FileReport = z.infer<typeof FileReportSchema>;

export const IngestReportSchema = z.object({
  files: z.array(FileReportSchema),
  /** Totals over all files. `lines` counts every physical line read. */
  totals: z.object({
    files: z.number().int().nonnegative(),
    lines: z.number().int().nonnegative(),
    records: z.number().int().nonnegative(),
    skipped: z.number().int().nonnegative(),
    spans: z.number().int().nonnegative(),
    requests: z.number().int().nonnegative(),
  }),
  components: z.array(z.string()),
  nodes: z.array(z.string()),
  /** First skips, capped (the full count is in totals.skipped). */
  skips: z.array(SkipSchema),
  /** Human notes about whole-bundle decisions, e.g. "year 2024 taken from audit log time range". */
  notes: z.array(z.string()),
  timeRange: z.object({ from: z.string(), to: z.string() }).nullable(),
  durationMs: z.number().nonnegative(),
});
export type IngestReport = z.infer<typeof IngestReportSchema>;

export const BundleStatusSchema = z.enum(['ingesting', 'ready', 'failed']);
export type BundleStatus = z.infer<typeof BundleStatusSchema>;

export const IngestStageSchema = z.enum([
  'receiving',
  'reading',
  'indexing',
  'correlating',
  'done',
  'failed',
]);
export type IngestStage = z.infer<typeof IngestStageSchema>;

export const IngestProgressSchema = z.object({
  stage: IngestStageSchema,
  bytesRead: z.number().nonnegative(),
  bytesTotal: z.number().nonnegative().nullable(),
  records: z.number().int().nonnegative(),
  files: z.number().int().nonnegative(),
  currentFile: z.string().nullable(),
});
export type IngestProgress = z.infer<typeof IngestProgressSchema>;

export const BundleSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: BundleStatusSchema,
  createdAt: z.string(),
  sizeBytes: z.number().nonnegative(),
  records: z.number().int().nonnegative(),
  requests: z.number().int().nonnegative(),
  progress: IngestProgressSchema.nullable(),
  error: z.string().nullable(),
  timeRange: z.object({ from: z.string(), to: z.string() }).nullable(),
});
export type Bundle = z.infer<typeof BundleSchema>;

export const BundleDetailSchema = BundleSchema.extend({
  report: IngestReportSchema.nullable(),
});
export type BundleDetail = z.infer<typeof BundleDetailSchema>;

export const BundleListSchema = z.object({ bundles: z.array(BundleSchema) });
export type BundleList = z.infer<typeof BundleListSchema>;

export const UploadAcceptedSchema = z.object({ bundleId: z.string(), status: BundleStatusSchema });
export type UploadAccepted = z.infer<typeof UploadAcceptedSchema>;
