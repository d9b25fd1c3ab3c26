/**
 * The ingest pipeline, one front door for the server, the CLI, the benchmarks and the tests:
 * bundle paths → members (scheduled, deduplicated) → parsed records → store (raw text in blocks,
 * rows, full-text index) → correlation.
 */
export { emptyReport, IngestInputError, ingestPaths, ingestsInFlight } from './ingestPaths.ts';
export type { IngestOptions, IngestResult } from './ingestPaths.ts';
export { BUNDLE_ID_PATTERN, bundleIdForPaths, bundleIdFromDigest, contentDigest } from './bundleId.ts';
export type { PathDigest } from './bundleId.ts';
export { readSource } from './bundleSource.ts';
export type { SourceEvent, SourceOptions } from './bundleSource.ts';
export { parseTimeZone, resolveOffsetMinutes, zoneOffsetMinutes } from './timeZone.ts';
export type { TimeZoneSpec } from './timeZone.ts';
export { boundHeapGrowth, HEAP_GROWING_PERCENT } from './heapGrowth.ts';
export { recoverDeadIngestsQuietly } from './ingestRecovery.ts';
export {
  DEFAULT_STORAGE_LIMITS,
  freeBytes,
  humanBytes,
  lowSpaceReason,
  READING_SHARE,
  StorageGuard,
  storageLimits,
} from './storageGuard.ts';
export type { StorageLimits } from './storageGuard.ts';
