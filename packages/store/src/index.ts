export { INGEST_BUSY_TIMEOUT_MS, openStore, Store, SEARCH_COUNT_CAP } from './store.ts';
export type { StoreOptions } from './store.ts';
export type {
  LinkedRecord,
  LinkedSpan,
  TimelineBucketRow,
  TimelineMarkRow,
  TimelineWindow,
} from './store.ts';
export { BundleWriter, recordValues, type RecordValues } from './bundleWriter.ts';
export { StoreError } from './storeError.ts';
export { IngestLease } from './ingestLease.ts';
export type { BufferedCorrelation } from './linkBuffer.ts';
export { toFtsQuery } from './ftsQuery.ts';
export { loadMigrations, migrate } from './migrate.ts';
