import type { LineFormat, ParsedRecord, Severity, TimeRule, Wrapper } from '@kubetrail/model';
import { AuditMerger, isAuditEvent, isAuditEventList, notAuditReason } from './auditEvent.ts';
import { callerComponent, unitComponent } from './callerComponent.ts';
import { isComponentJson, readComponentJson } from './componentJson.ts';
import { parseCriLine } from './criLine.ts';
import { isDockerJson, readDockerJson } from './dockerJson.ts';
import type { FileEvent } from './events.ts';
import { isJsonObject, jsonKind, tryJson } from './events.ts';
import { isJournalJson, readJournalJson } from './journalJson.ts';
import { isJournaldMarker, parseJournaldLine } from './journaldLine.ts';
import { isK8sEvent, isK8sEventList, k8sEventRecord } from './k8sEvent.ts';
import type { KlogHeader } from './klogLine.ts';
import { parseKlogHeader, parseKlogMessage } from './klogLine.ts';
import type { YearSource } from './klogTime.ts';
import { LocalClock, pickYear } from './klogTime.ts';
import { looksLikeLogfmt, parseLogfmtLine } from './logfmtLine.ts';
import { idsFromFields, reqIdFromText } from './reqId.ts';
import { severityOfText } from './severity.ts';
import { isOtlpTraces, otlpSpans } from './otlpJson.ts';

/** How the lines of a file are read: wrapped log lines, or one JSON document kind per line. */
export type LineMode = 'payload' | 'audit' | 'otlp' | 'k8s-event';

/** What sniffing decided about a file. */
export interface FilePlan {
  mode: LineMode;
  wrapper: Wrapper;
  /** Primary line format (payload mode: of the unwrapped payloads). */
  format: LineFormat;
  /** File-level component (path hint, or sniffed); records fall back to it. */
  component: string | null;
  node: string | null;
  timeRule: TimeRule;
}

/** Continuation lines attached to one klog record at most; beyond it they become records. */
const MAX_CONTINUATION_LINES = 10_000;

interface PendingKlog {
  header: KlogHeader;
  line: number;
  lineCount: number;
  raw: string;
  text: string;
  wrapTs: bigint | null;
  refYear: number;
  refMonth: number;
  component: string | null;
  node: string | null;
}

interface Partial {
  line: number;
  lineCount: number;
  raw: string;
  content: string;
}

/**
 * Turns physical lines into records, in file order, for one file: unwraps CRI/docker/journald,
 * joins partial and continuation lines, parses klog / component JSON / logfmt / text payloads and
 * the JSON-per-line kinds (audit, OTLP, Kubernetes Events). Every line ends up in a record's
 * `lineCount` or in a skip.
 */
export class LinePipeline {
  private readonly clock: LocalClock;
  private pending: PendingKlog | null = null;
  private partial: Partial | null = null;
  private readonly audit: AuditMerger;
  private readonly maxChars: number;

  constructor(
    private readonly plan: FilePlan,
    private readonly years: YearSource,
    tzOffsetMinutes: number,
    maxLineChars: number,
  ) {
    this.clock = new LocalClock(tzOffsetMinutes);
    this.maxChars = maxLineChars;
    this.audit = new AuditMerger(maxLineChars);
  }

  /** Processes `lines`, the first of which is physical line `firstLine` (1-based). */
  lines(lines: readonly string[], firstLine: number, out: FileEvent[]): void {
    const n = lines.length;
    switch (this.plan.mode) {
      case 'payload':
        switch (this.plan.wrapper) {
          case 'none':
            for (let i = 0; i < n; i++) {
              const l = lines[i] as string;
              this.payload(l, firstLine + i, 1, l, null, 0, 0, null, null, null, out);
            }
            return;
          case 'cri':
            for (let i = 0; i < n; i++) this.criLine(lines[i] as string, firstLine + i, out);
            return;
          case 'docker':
            for (let i = 0; i < n; i++) this.dockerLine(lines[i] as string, firstLine + i, out);
            return;
          case 'journald':
            for (let i = 0; i < n; i++) this.journaldLine(lines[i] as string, firstLine + i, out);
            return;
          case 'journald-json':
            for (let i = 0; i < n; i++) this.journalJsonLine(lines[i] as string, firstLine + i, out);
            return;
        }
        return;
      case 'audit':
      case 'otlp':
      case 'k8s-event':
        for (let i = 0; i < n; i++) this.jsonLine(lines[i] as string, firstLine + i, out);
        return;
    }
  }

  /** End of file: flushes joined lines and buffered audit events. */
  end(out: FileEvent[]): void {
    if (this.partial !== null) {
      const p = this.partial;
      this.partial = null;
      this.payload(p.content, p.line, p.lineCount, p.raw, null, 0, 0, null, null, null, out);
    }
    this.flushKlog(out);
    if (this.plan.mode === 'audit')
      for (const r of this.audit.flush()) out.push({ type: 'record', record: r });
  }

  // ---- wrappers -------------------------------------------------------------------------------

  private criLine(line: string, lineNo: number, out: FileEvent[]): void {
    const c = parseCriLine(line);
    if (c === null) {
      if (line.length === 0) out.push({ type: 'skip', skip: { line: lineNo, reason: 'blank line' } });
      else this.payload(line, lineNo, 1, line, null, 0, 0, null, null, null, out);
      return;
    }
    this.wrapped(line, lineNo, c, out);
  }

  private dockerLine(line: string, lineNo: number, out: FileEvent[]): void {
    if (line.length === 0) {
      out.push({ type: 'skip', skip: { line: lineNo, reason: 'blank line' } });
      return;
    }
    const j = tryJson(line);
    if (!j.ok || !isJsonObject(j.value) || !isDockerJson(j.value)) {
      const reason = j.ok
        ? `not a docker json-file entry (${jsonKind(j.value)})`
        : `malformed JSON: ${j.error}`;
      out.push({ type: 'skip', skip: { line: lineNo, reason } });
      return;
    }
    const d = readDockerJson(j.value);
    this.wrapped(line, lineNo, d, out);
  }

  /**
   * A CRI or docker json-file line: a partial one (`P`, or docker content without its newline) is
   * held and joined to the next, and the joined payload is parsed once the final part arrives.
   */
  private wrapped(
    line: string,
    lineNo: number,
    w: { content: string; partial: boolean; ts: bigint | null; year: number; month: number },
    out: FileEvent[],
  ): void {
    let content = w.content;
    let first = lineNo;
    let count = 1;
    let raw = line;
    if (this.partial !== null) {
      const p = this.partial;
      this.partial = null;
      first = p.line;
      count = p.lineCount + 1;
      raw = this.append(p.raw, `\n${line}`);
      content = this.append(p.content, content);
    }
    if (w.partial) {
      this.partial = { line: first, lineCount: count, raw, content };
      return;
    }
    this.payload(content, first, count, raw, w.ts, w.year, w.month, null, null, null, out);
  }

  private journaldLine(line: string, lineNo: number, out: FileEvent[]): void {
    const j = parseJournaldLine(line);
    if (j === null) {
      if (isJournaldMarker(line)) {
        out.push({ type: 'skip', skip: { line: lineNo, reason: `journalctl marker: ${line}` } });
      } else if (line.length === 0 && this.pending === null) {
        out.push({ type: 'skip', skip: { line: lineNo, reason: 'blank line' } });
      } else {
        // journalctl indents the later lines of a multi-line message: a continuation.
        this.payload(line, lineNo, 1, line, null, 0, 0, null, null, null, out);
      }
      return;
    }
    const y = this.years;
    const ts =
      y.rule === 'none'
        ? null
        : this.clock.ns(pickYear(j.month, y.year, y.month), j.month, j.day, j.secondOfDay, j.micros);
    this.payload(j.message, lineNo, 1, line, ts, 0, 0, unitComponent(j.identifier), j.host, null, out);
  }

  private journalJsonLine(line: string, lineNo: number, out: FileEvent[]): void {
    if (line.length === 0) {
      out.push({ type: 'skip', skip: { line: lineNo, reason: 'blank line' } });
      return;
    }
    const j = tryJson(line);
    if (!j.ok || !isJsonObject(j.value) || !isJournalJson(j.value)) {
      const reason = j.ok
        ? 'not a journal entry (no __REALTIME_TIMESTAMP/MESSAGE)'
        : `malformed JSON: ${j.error}`;
      out.push({ type: 'skip', skip: { line: lineNo, reason } });
      return;
    }
    const e = readJournalJson(j.value);
    let refYear = 0;
    let refMonth = 0;
    if (e.ts !== null) {
      const d = new Date(Number(e.ts / 1_000_000n));
      refYear = d.getUTCFullYear();
      refMonth = d.getUTCMonth() + 1;
    }
    const comp = e.unit === null ? null : unitComponent(e.unit);
    // A journal entry is one message even when it spans lines: no continuation joining across entries.
    this.flushKlog(out);
    this.payload(e.message, lineNo, 1, line, e.ts, refYear, refMonth, comp, e.host, e.priority, out);
    this.flushKlog(out);
  }

  // ---- payloads -------------------------------------------------------------------------------

  /**
   * One unwrapped payload. `wrapTs` is the wrapper's full time (null when none); `refYear`/`refMonth`
   * date year-less klog headers (0: use the file's year source).
   */
  private payload(
    text: string,
    line: number,
    lineCount: number,
    raw: string,
    wrapTs: bigint | null,
    refYear: number,
    refMonth: number,
    component: string | null,
    node: string | null,
    severityHint: Severity | null,
    out: FileEvent[],
  ): void {
    const header = parseKlogHeader(text);
    if (header !== null) {
      this.flushKlog(out);
      this.pending = {
        header,
        line,
        lineCount,
        raw,
        text: text.slice(header.messageStart),
        wrapTs,
        refYear,
        refMonth,
        component,
        node,
      };
      return;
    }
    const p = this.pending;
    if (p !== null && p.lineCount < MAX_CONTINUATION_LINES && p.text.length + text.length < this.maxChars) {
      const c = text.charCodeAt(0);
      // In a bare klog file anything headerless continues the previous record (stack traces,
      // dumps). Wrapped lines (CRI, journald) each carry their own wrapper, so there only indented
      // or blank lines, and klog's ` >` block end, do.
      if (
        (this.plan.format === 'klog' && this.plan.wrapper === 'none') ||
        c === 32 ||
        c === 9 ||
        text.length === 0
      ) {
        p.lineCount += lineCount;
        p.text += `\n${text}`;
        p.raw = this.append(p.raw, `\n${raw}`);
        return;
      }
    }
    this.flushKlog(out);
    if (text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim().length === 0)) {
      out.push({ type: 'skip', skip: { line, reason: 'blank line' } });
      return;
    }
    const c0 = text.charCodeAt(0);
    if (c0 === 123 /* { */) {
      const j = tryJson(text);
      if (j.ok && isJsonObject(j.value)) {
        out.push({
          type: 'record',
          record: this.jsonPayload(j.value, line, lineCount, raw, wrapTs, component, node),
        });
        return;
      }
    } else if (looksLikeLogfmt(text)) {
      const l = parseLogfmtLine(text);
      if (l !== null) {
        const ids = idsFromFields(l.fields);
        out.push({
          type: 'record',
          record: {
            line,
            lineCount,
            ts: l.ts ?? wrapTs,
            severity: l.severity,
            kind: 'log',
            format: 'logfmt',
            component: component ?? this.plan.component,
            node: node ?? this.plan.node,
            caller: null,
            message: l.msg,
            fields: l.fields,
            raw,
            reqId: ids.reqId,
            auditId: ids.auditId,
            traceId: ids.traceId,
            spanId: ids.spanId,
          },
        });
        return;
      }
    }
    out.push({
      type: 'record',
      record: {
        line,
        lineCount,
        ts: wrapTs,
        severity: severityHint ?? severityOfText(text),
        kind: 'log',
        format: 'text',
        component: component ?? this.plan.component,
        node: node ?? this.plan.node,
        caller: null,
        message: text,
        fields: null,
        raw,
        reqId: reqIdFromText(text),
        auditId: null,
        traceId: null,
        spanId: null,
      },
    });
  }

  private jsonPayload(
    o: Record<string, unknown>,
    line: number,
    lineCount: number,
    raw: string,
    wrapTs: bigint | null,
    component: string | null,
    node: string | null,
  ): ParsedRecord {
    const structured = isComponentJson(o);
    const j = readComponentJson(o);
    const ids = idsFromFields(j.fields);
    return {
      line,
      lineCount,
      ts: j.ts ?? wrapTs,
      severity: j.severity,
      kind: 'log',
      format: structured ? 'klog-json' : 'text',
      component: component ?? this.plan.component ?? callerComponent(j.caller),
      node: node ?? this.plan.node,
      caller: j.caller,
      message: structured ? j.msg : raw,
      fields: j.fields,
      raw,
      reqId: ids.reqId,
      auditId: ids.auditId,
      traceId: ids.traceId,
      spanId: ids.spanId,
    };
  }

  private flushKlog(out: FileEvent[]): void {
    const p = this.pending;
    if (p === null) return;
    this.pending = null;
    const h = p.header;
    const m = parseKlogMessage(p.text);
    const ids = idsFromFields(m.fields);
    let ts: bigint | null = null;
    if (p.refYear > 0) {
      ts = this.clock.ns(pickYear(h.month, p.refYear, p.refMonth), h.month, h.day, h.secondOfDay, h.micros);
    } else if (this.years.rule !== 'none') {
      const y = this.years;
      ts = this.clock.ns(pickYear(h.month, y.year, y.month), h.month, h.day, h.secondOfDay, h.micros);
    }
    // An impossible header date (Feb 30) falls back to the wrapper's own time.
    ts ??= p.wrapTs;
    out.push({
      type: 'record',
      record: {
        line: p.line,
        lineCount: p.lineCount,
        ts,
        severity: h.severity,
        kind: 'log',
        format: 'klog',
        component: p.component ?? this.plan.component ?? callerComponent(h.caller),
        node: p.node ?? this.plan.node,
        caller: h.caller,
        message: m.msg,
        fields: m.fields,
        raw: p.raw,
        reqId: ids.reqId ?? (m.fields === null ? reqIdFromText(m.msg) : null),
        auditId: ids.auditId,
        traceId: ids.traceId,
        spanId: ids.spanId,
      },
    });
  }

  // ---- JSON per line: audit, OTLP, Kubernetes Events --------------------------------------------

  private jsonLine(line: string, lineNo: number, out: FileEvent[]): void {
    if (line.length === 0 || line.trim().length === 0) {
      out.push({ type: 'skip', skip: { line: lineNo, reason: 'blank line' } });
      return;
    }
    const j = tryJson(line);
    if (!j.ok) {
      out.push({ type: 'skip', skip: { line: lineNo, reason: `malformed JSON: ${j.error}` } });
      return;
    }
    this.jsonValue(j.value, lineNo, 1, line, out);
  }

  /** One parsed JSON value of an audit / OTLP / events file (also used for whole documents). */
  jsonValue(v: unknown, lineNo: number, lineCount: number, raw: string, out: FileEvent[]): void {
    const skip = (reason: string): void => {
      out.push({ type: 'skip', skip: { line: lineNo, reason } });
    };
    if (!isJsonObject(v)) {
      skip(`not a JSON object (${jsonKind(v)})`);
      return;
    }
    switch (this.plan.mode) {
      case 'audit':
        if (isAuditEvent(v)) {
          for (const r of this.audit.add(v, lineNo, lineCount, this.cap(raw)))
            out.push({ type: 'record', record: r });
        } else if (isAuditEventList(v)) {
          let first = true;
          for (const it of v.items as unknown[]) {
            if (isJsonObject(it) && isAuditEvent(it)) {
              for (const r of this.audit.add(it, lineNo, first ? lineCount : 0))
                out.push({ type: 'record', record: r });
              first = false;
            } else skip(notAuditReason(it));
          }
        } else skip(notAuditReason(v));
        return;
      case 'otlp': {
        if (!isOtlpTraces(v)) {
          skip('not an OTLP traces export request (no resourceSpans)');
          return;
        }
        const problems: string[] = [];
        for (const s of otlpSpans(v, problems)) {
          s.node ??= this.plan.node;
          if (s.service === null && this.plan.component !== null) s.component = this.plan.component;
          out.push({ type: 'span', span: s });
        }
        for (const p of problems) skip(p);
        return;
      }
      case 'k8s-event':
        if (isK8sEvent(v)) {
          out.push({ type: 'record', record: this.event(v, lineNo, lineCount, raw) });
        } else if (isK8sEventList(v)) {
          let first = true;
          for (const it of v.items as unknown[]) {
            if (isJsonObject(it) && isK8sEvent(it)) {
              out.push({
                type: 'record',
                record: this.event(it, lineNo, first ? lineCount : 0, JSON.stringify(it)),
              });
              first = false;
            } else skip('list item is not a Kubernetes Event');
          }
        } else skip(`not a Kubernetes Event (kind ${JSON.stringify(v.kind)})`);
        return;
      case 'payload':
        skip('unexpected JSON document');
        return;
    }
  }

  private event(v: Record<string, unknown>, line: number, lineCount: number, raw: string): ParsedRecord {
    const r = k8sEventRecord(v, line, lineCount, this.cap(raw));
    r.component ??= this.plan.component;
    r.node ??= this.plan.node;
    return r;
  }

  /** `a + b` capped at the line limit, without copying once `a` is full. */
  private append(a: string, b: string): string {
    return a.length >= this.maxChars ? a : this.cap(a + b);
  }

  private cap(s: string): string {
    return s.length > this.maxChars ? s.slice(0, this.maxChars) : s;
  }
}
