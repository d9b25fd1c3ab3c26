import type Database from 'better-sqlite3';
import {
  severityRank,
  type FileInfo,
  type FileReport,
  type ParsedRecord,
  type ParsedSpan,
} from '@kubetrail/model';
import { SQL } from './sql.ts';

/**
 * Writes one bundle's files, records and spans. Records are numbered in the order they are added
 * (that number is the public record id), so callers must add them in bundle order. Each
 * `addRecords` call is one transaction: pass large batches.
 */
export class BundleWriter {
  private nextFileId = 0;
  private nextRecordId = 0;
  private nextSpanId = 0;
  private readonly insertRecord: Database.Statement;
  private readonly insertSpan: Database.Statement;
  private readonly insertFile: Database.Statement;
  private readonly finishFileStmt: Database.Statement;
  private readonly fileComponent = new Map<number, FileInfo>();

  constructor(
    private readonly db: Database.Database,
    private readonly bundleKey: bigint,
    private readonly onFinish: () => void,
  ) {
    this.insertRecord = db.prepare(SQL.insertRecord);
    this.insertSpan = db.prepare(SQL.insertSpan);
    this.insertFile = db.prepare(SQL.insertFile);
    this.finishFileStmt = db.prepare(SQL.finishFile);
  }

  /** Records written so far. */
  get records(): number {
    return this.nextRecordId;
  }

  get spans(): number {
    return this.nextSpanId;
  }

  addFile(info: FileInfo): number {
    const fileId = this.nextFileId++;
    this.insertFile.run({
      bundle: this.bundleKey,
      fileId,
      path: info.path,
      format: info.format,
      wrapper: info.wrapper,
      component: info.component,
      node: info.node,
      timeRule: info.timeRule,
    });
    this.fileComponent.set(fileId, info);
    return fileId;
  }

  addRecords(fileId: number, records: readonly ParsedRecord[]): void {
    if (records.length === 0) return;
    const info = this.fileComponent.get(fileId);
    const fallbackComponent = info?.component ?? 'unknown';
    const fallbackNode = info?.node ?? null;
    const key = this.bundleKey;
    const stmt = this.insertRecord;
    this.db.transaction(() => {
      for (const r of records) {
        stmt.run(
          key,
          this.nextRecordId++,
          fileId,
          r.line,
          r.ts,
          severityRank(r.severity),
          r.kind,
          r.format,
          r.component ?? fallbackComponent,
          r.node ?? fallbackNode,
          r.caller,
          r.message,
          r.fields === null ? null : JSON.stringify(r.fields),
          r.raw,
          r.reqId,
          r.auditId,
          r.traceId,
          r.spanId,
        );
      }
    })();
  }

  addSpans(fileId: number, spans: readonly ParsedSpan[]): void {
    if (spans.length === 0) return;
    this.db.transaction(() => {
      for (const s of spans) {
        this.insertSpan.run(
          this.bundleKey,
          this.nextSpanId++,
          fileId,
          s.traceId,
          s.spanId,
          s.parentSpanId,
          s.name,
          s.service,
          s.component,
          s.node,
          s.start,
          s.end,
          s.statusCode,
          s.statusMessage,
          JSON.stringify(s.attributes),
          JSON.stringify(s.resource),
          JSON.stringify(s.events.map((e) => ({ ...e, ts: e.ts.toString() }))),
          s.auditId,
        );
      }
    })();
  }

  finishFile(fileId: number, report: FileReport): void {
    this.finishFileStmt.run({
      bundle: this.bundleKey,
      fileId,
      format: report.format,
      wrapper: report.wrapper,
      component: report.component,
      node: report.node,
      bytes: report.bytes,
      lines: report.lines,
      records: report.records,
      skipped: report.skipped,
      timeRule: report.timeRule,
      error: report.error,
    });
  }

  /** Builds the full-text index for the bundle (deferred to the end: one bulk pass is cheaper). */
  finish(): void {
    this.onFinish();
  }
}
