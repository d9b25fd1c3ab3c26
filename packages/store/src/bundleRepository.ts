import type { Bundle, BundleDetail, IngestProgress, IngestReport } from '@kubetrail/model';
import { IngestLease, leaseHeld, removeLeaseFile } from './ingestLease.ts';
import { parseJson, toBundle, toReport, type BundleRow } from './rows.ts';
import { LEASE_SQL, ridRange, SQL } from './sql.ts';
import { StoreError } from './storeError.ts';
import type { StoreContext } from './storeContext.ts';

/** Why a recovered bundle failed. */
const INTERRUPTED =
  'ingest was interrupted: the process writing it stopped before it finished; upload or ingest it again';

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

  /**
   * Starts a bundle in status `ingesting`, under a new key (never one used before). A failed bundle
   * of the same id is replaced. `lease`: the token of the ingest's `IngestLease`, which tells
   * other processes it is alive.
   */
  beginBundle(b: { id: string; name: string; sizeBytes: number; lease?: string }): void {
    const db = this.ctx.db;
    db.transaction(() => {
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
      const key = db.prepare(LEASE_SQL.nextKey).pluck().safeIntegers(true).get() as bigint;
      db.prepare(SQL.insertBundle).run({
        key,
        id: b.id,
        name: b.name,
        createdAt: new Date().toISOString(),
        sizeBytes: b.sizeBytes,
        progress: JSON.stringify(progress),
        lease: b.lease ?? null,
      });
      db.prepare(LEASE_SQL.takeKey).run(key);
    }).immediate();
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

  /** Deletes a bundle and everything it owns, in one transaction. */
  deleteBundle(id: string): boolean {
    const row = this.ctx.bundleRow(id);
    if (!row) return false;
    this.ctx.db
      .transaction(() => {
        this.deleteOwnedRows(row);
        this.ctx.db.prepare(SQL.deleteFiles).run(row.key);
        this.ctx.db.prepare(SQL.deleteBundle).run(row.key);
      })
      .immediate();
    this.ctx.pendingFts.get(id)?.remove();
    this.ctx.pendingFts.delete(id);
    return true;
  }

  /** Everything a bundle owns but its row and file rows (inside the caller's transaction). */
  private deleteOwnedRows(row: BundleRow): void {
    const key = row.key;
    // The index is contentless (migration 0009): its entries go by rowid, however far a build got.
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
    ]) {
      this.ctx.db.prepare(sql).run(key);
    }
  }

  // ── disk use (ADR 0012) ───────────────────────────────────────────────────────────────────

  /**
   * Bytes the database's pages hold (page count less free pages, times the page size), as this
   * connection sees it, its own open transaction included: what an ingest's growth is measured in.
   */
  usedBytes(): number {
    const pages = this.ctx.db.pragma('page_count', { simple: true }) as number;
    const free = this.ctx.db.pragma('freelist_count', { simple: true }) as number;
    const size = this.ctx.db.pragma('page_size', { simple: true }) as number;
    return (pages - free) * size;
  }

  // ── ingest liveness (ADR 0011) ─────────────────────────────────────────────────────────────

  /** A new lease for an ingest of this database: pass its token to `beginBundle`, release it after. */
  acquireIngestLease(): IngestLease {
    return IngestLease.acquire(this.ctx.file);
  }

  /**
   * Bundles left `ingesting` by a process that is gone (nobody holds their lease) are marked
   * failed, and what they had written is deleted so its space is reused (kill/recover cycles do not
   * grow the file). Safe to call any time, from any process: a live ingest, here or elsewhere,
   * holds its lease and is left alone. Returns the ids recovered.
   */
  recoverDeadIngests(): string[] {
    const db = this.ctx.db;
    const rows = db.prepare(LEASE_SQL.ingesting).all() as { id: string; lease: string | null }[];
    const recovered: string[] = [];
    for (const r of rows) {
      if (r.lease !== null && leaseHeld(this.ctx.file, r.lease)) continue;
      const done = db
        .transaction(() => {
          const row = this.ctx.bundleRow(r.id);
          if (!row || row.status !== 'ingesting' || row.lease !== r.lease) return false;
          this.deleteOwnedRows(row);
          db.prepare(SQL.deleteFiles).run(row.key);
          db.prepare(LEASE_SQL.markDead).run({
            key: row.key,
            lease: r.lease,
            error: INTERRUPTED,
            progress: JSON.stringify({ ...parseJson<IngestProgress>(row.progress), stage: 'failed' }),
          });
          return true;
        })
        .immediate();
      if (r.lease !== null) removeLeaseFile(this.ctx.file, r.lease);
      if (done) recovered.push(r.id);
    }
    return recovered;
  }
}
