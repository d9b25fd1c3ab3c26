import type Database from 'better-sqlite3';
import type { FtsSpill } from './ftsSpill.ts';
import type { LinkColumns } from './linkColumns.ts';
import { BlockCache } from './rawBlocks.ts';
import { RecordTexts } from './recordTexts.ts';
import type { BundleRow } from './rows.ts';
import { ridOf, SQL } from './sql.ts';
import { StoreError } from './storeError.ts';

/** What ingest connections use as their busy timeout (ms): see `StoreOptions.busyTimeoutMs`. */
export const INGEST_BUSY_TIMEOUT_MS = 300_000;

/**
 * What the store's repositories share: the connection, the raw-text block cache, and the state
 * that lives between calls (full-text spills waiting for their index build, decoded link columns).
 */
export class StoreContext {
  /** Decoded raw-text blocks recently read (rawBlocks.ts). */
  readonly blocks: BlockCache;
  readonly texts: RecordTexts;
  /** Full-text text of bundles whose records are written and whose index is not built yet. */
  readonly pendingFts = new Map<string, FtsSpill>();
  /** Decoded link columns of recently viewed big requests (zoom and pan re-read the same one). */
  readonly columnsCache = new Map<string, LinkColumns | null>();

  constructor(
    readonly db: Database.Database,
    readonly file: string,
  ) {
    const block = db.prepare(SQL.block);
    this.blocks = new BlockCache(
      (key, n) => block.get(ridOf(key, n)) as { codec: number; data: Buffer } | undefined,
    );
    this.texts = new RecordTexts(this.blocks);
  }

  bundleRow(id: string): BundleRow | null {
    return this.db.prepare<[string], BundleRow>(SQL.getBundle).safeIntegers(true).get(id) ?? null;
  }

  bundleKey(id: string): bigint {
    const key = this.db.prepare<[string], bigint>(SQL.getBundleKey).pluck().safeIntegers(true).get(id);
    if (key === undefined) throw new StoreError('not_found', `no bundle ${id}`);
    return key;
  }
}
