import type { Bundle, BundleDetail, IngestProgress, IngestReport } from '@kubetrail/model';
import { toBundle, toReport, type BundleRow } from './rows.ts';
import { ridRange, SQL } from './sql.ts';
import { StoreError } from './storeError.ts';
import type { StoreContext } from './storeContext.ts';

/** Bundles: their rows, status, progress and report; deleting one with everything it owns. */
export class BundleRepository {
  constructor(private readonly ctx: StoreContext) {}

  /** Whether a bundle exists (cheaper than `getBundle`, which parses its ingest report). */
  hasBundle(id: string): boolean {
    return this.ctx.db.prepare(SQL.getBundleKey).pluck().get(id) !== undefined;
  }

  listBundles(): Bundle[] {
    return this.ctx.db.prepare<[], BundleRow>(SQL.listBundles).safeIntegers(true).all().map(toBundle);
  }

  getBundle(id: string): BundleDetail | null {
    const row = this.ctx.bundleRow(id);
    return row ? { ...toBundle(row), report: toReport(row) } : null;
  }

  /** Starts a bundle in status `ingesting`. A failed bundle of the same id is replaced. */
  beginBundle(b: { id: string; name: string; sizeBytes: number }): void {
    const existing = this.ctx.bundleRow(b.id);
    if (existing && existing.status !== 'failed') {
      throw new StoreError('conflict', `bundle ${b.id} already exists (${existing.status})`);
    }
    if (existing) this.deleteBundle(b.id);
    const progress: IngestProgress = {
      stage: 'reading',
      bytesRead: 0,
      bytesTotal: b.sizeBytes || null,
      records: 0,
      files: 0,
      currentFile: null,
    };
    this.ctx.db.prepare(SQL.insertBundle).run({
      id: b.id,
      name: b.name,
      createdAt: new Date().toISOString(),
      sizeBytes: b.sizeBytes,
      progress: JSON.stringify(progress),
    });
  }

  updateProgress(id: string, progress: IngestProgress): void {
    this.ctx.db.prepare(SQL.updateProgress).run(JSON.stringify(progress), id);
  }

  finishBundle(id: string, report: IngestReport): void {
    const key = this.ctx.bundleKey(id);
    const progress: IngestProgress = {
      stage: 'done',
      bytesRead: 0,
      bytesTotal: null,
      records: report.totals.records,
      files: report.totals.files,
      currentFile: null,
    };
    this.ctx.db
      .prepare(SQL.finishBundle)
      .run({ key, report: JSON.stringify(report), progress: JSON.stringify(progress) });
  }

  failBundle(id: string, error: string, report?: IngestReport): void {
    const current = this.getBundle(id);
    const progress: IngestProgress = {
      stage: 'failed',
      bytesRead: current?.progress?.bytesRead ?? 0,
      bytesTotal: current?.progress?.bytesTotal ?? null,
      records: current?.progress?.records ?? 0,
      files: current?.progress?.files ?? 0,
      currentFile: current?.progress?.currentFile ?? null,
    };
    this.ctx.db.prepare(SQL.failBundle).run({
      id,
      error,
      report: report ? JSON.stringify(report) : null,
      progress: JSON.stringify(progress),
    });
  }

  /** At start-up: bundles left `ingesting` by a process that died are marked failed. */
  markInterrupted(): number {
    return this.ctx.db.prepare(SQL.markInterrupted).run().changes;
  }

  /** Deletes a bundle and everything it owns, in one transaction. */
  deleteBundle(id: string): boolean {
    const row = this.ctx.bundleRow(id);
    if (!row) return false;
    const key = row.key;
    this.ctx.db
      .transaction(() => {
        // The index is contentless (migration 0007): its entries go by rowid, however far a build got.
        this.ctx.db.prepare(SQL.deleteFts).run(ridRange(key));
        this.ctx.db.prepare(SQL.deleteRecords).run(ridRange(key));
        this.ctx.db.prepare(SQL.deleteBlocks).run(ridRange(key));
        for (const sql of [
          SQL.deleteTimes,
          SQL.deleteLinks,
          SQL.deleteLinkLanes,
          SQL.deleteLinkColumns,
          SQL.deleteSpanLinks,
          SQL.deleteObjects,
          SQL.deleteRequests,
          SQL.deleteSpans,
          SQL.deleteFiles,
          SQL.deleteBundle,
        ]) {
          this.ctx.db.prepare(sql).run(key);
        }
      })
      .immediate();
    this.ctx.pendingFts.get(id)?.remove();
    this.ctx.pendingFts.delete(id);
    return true;
  }
}
