import { DEFAULT_LIMITS, REDERIVE, rederive, type Rederive } from '@kubetrail/parsers';
import type { BlockCache } from './rawBlocks.ts';
import { recordFields, type RecordText, type TextRow } from './rows.ts';

/**
 * Reads records' texts: the raw text from its block (or its column, for bundles stored before
 * migration 0009), and message and fields parsed again from it when the row does not keep them
 * (ADR 0041). A page of records costs a few block decompressions (cached) and a parse per record.
 */
export class RecordTexts {
  constructor(readonly blocks: BlockCache) {}

  raw(bundleId: string, key: bigint, row: TextRow): string {
    if (row.block === null) return row.raw;
    return this.blocks.text(bundleId, key, Number(row.block), Number(row.pos), Number(row.len)) ?? '';
  }

  /** A record's text; `raw`: its raw text when the caller already read it. */
  of(bundleId: string, key: bigint, row: TextRow, raw = this.raw(bundleId, key, row)): RecordText {
    const how = Number(row.derive ?? REDERIVE.KEPT) as Rederive;
    if (how !== REDERIVE.KEPT) {
      const again = rederive(
        raw,
        how,
        {
          mode: row.file_mode,
          wrapper: row.file_wrapper,
          format: row.file_format,
          component: row.file_component,
          node: row.file_node,
        },
        DEFAULT_LIMITS.maxLineBytes,
      );
      // Text that no longer parses as it did (a block lost to an interrupted ingest): shown as is.
      return again === null ? { message: raw, fields: null, raw } : { ...again, raw };
    }
    return { message: row.message, fields: recordFields(row.kind, row.fields, raw), raw };
  }
}
