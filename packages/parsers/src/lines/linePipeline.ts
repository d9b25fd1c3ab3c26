import type { LineFormat, ParsedRecord, Severity, TimeRule, Wrapper } from '@kubetrail/model';
import { AuditMerger, isAuditEvent, isAuditEventList, notAuditReason } from './auditEvent.ts';
import { callerComponent, isMultiComponent, unitComponent } from './callerComponent.ts';
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
import { embeddedDateNs, parseTimestampedText } from './textLine.ts';
import { hasGoFields, normalizeGoFields } from './goFields.ts';
import { k8sObjectRecords } from './k8sObject.ts';
import { containerRow, isContainerTableHeader, pipeCells, tableColumns } from './textTables.ts';
import { minikubeAuditTime } from '../bundle/minikubeLogs.ts';

/** How the lines of a file are read: wrapped log lines, or one JSON document kind per line. */
export type LineMode =
  | 'payload'
  | 'audit'
  | 'otlp'
  | 'k8s-event'
  /** JSON documents of Kubernetes objects (List items): `state` records. */
  | 'k8s-object'
  /** Lines of a document that is no log: `doc` records. */
  | 'doc'
  /** `minikube logs`' Audit table. */
  | 'minikube-audit'
  /** A runtime's `container status` table. */
  | 'container-status'
  /** `dmesg -H` output (`[Sep17 03:00] …`, `[  +0.000012] …`). */
  | 'dmesg';

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
  /** k8s-object mode: the kind of the items when they carry none (old dumps): `Pod`. */
  objectKind?: string | null;
}

/** Continuation lines attached to one klog record at most; beyond it they become records. */
const MAX_CONTINUATION_LINES = 10_000;

const MONTHS: Record<string, number> = {
  Jan: 1,
  Feb: 2,
  Mar: 3,
  Apr: 4,
  May: 5,
  Jun: 6,
  Jul: 7,
  Aug: 8,
  Sep: 9,
  Oct: 10,
  Nov: 11,
  Dec: 12,
};

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
  /**
   * The last non-klog record, held until the next line shows it is complete: journald and
   * indented continuation lines (a mount error's `Output: mount.nfs: …`) are attached to it.
   */
  private held: ParsedRecord | null = null;
  /** Set while a journald line without its prefix is handled: it continues the record before it. */
  private continuation = false;
  /** Set while the wrapper's time is derived (journald short: year and zone inferred), not written. */
  private wrapDerived = false;
  /** Time of the last record that had one of its own, for lines that carry none. */
  private lastTs: bigint | null = null;
  /** Records given the time of the line before (or `undatedBaseNs`), counted for the report. */
  approximated = 0;
  /**
   * Time given to undated lines before the first dated one (a container's start, from the
   * bundle's object state); null leaves them undated.
   */
  undatedBaseNs: bigint | null = null;
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
      case 'k8s-object':
        for (let i = 0; i < n; i++) this.jsonLine(lines[i] as string, firstLine + i, out);
        return;
      case 'doc':
        for (let i = 0; i < n; i++) this.docLine(lines[i] as string, firstLine + i, out);
        return;
      case 'minikube-audit':
        for (let i = 0; i < n; i++) this.auditTableLine(lines[i] as string, firstLine + i, out);
        return;
      case 'container-status':
        for (let i = 0; i < n; i++) this.containerStatusLine(lines[i] as string, firstLine + i, out);
        return;
      case 'dmesg':
        for (let i = 0; i < n; i++) this.dmesgLine(lines[i] as string, firstLine + i, out);
        return;
    }
  }

  // ---- documents and tables -------------------------------------------------------------------

  private docLine(line: string, lineNo: number, out: FileEvent[]): void {
    if (line.trim().length === 0) {
      out.push({ type: 'skip', skip: { line: lineNo, reason: 'blank line' } });
      return;
    }
    out.push({ type: 'record', record: this.docRecord(line, lineNo) });
  }

  private docRecord(line: string, lineNo: number): ParsedRecord {
    return {
      line: lineNo,
      lineCount: 1,
      ts: null,
      severity: 'info',
      kind: 'doc',
      format: 'text',
      component: this.plan.component,
      node: this.plan.node,
      caller: null,
      message: line,
      fields: null,
      raw: line,
      reqId: null,
      auditId: null,
      traceId: null,
      spanId: null,
    };
  }

  /** Column names of the Audit table, from its header row. */
  private auditColumns: string[] | null = null;
  private auditRow: ParsedRecord | null = null;

  /**
   * One row of minikube's Audit table: a record of one minikube command at its start time. A long
   * argument list wraps onto rows with an empty Command cell, which continue the row above.
   */
  private auditTableLine(line: string, lineNo: number, out: FileEvent[]): void {
    const cells = pipeCells(line);
    if (cells === null) {
      const reason = line.trim().length === 0 ? 'blank line' : 'table border';
      if (line.trim().startsWith('|') || line.trim().length === 0) {
        out.push({ type: 'skip', skip: { line: lineNo, reason } });
        return;
      }
      this.flushAuditRow(out);
      out.push({ type: 'record', record: this.docRecord(line, lineNo) });
      return;
    }
    if (this.auditColumns === null || cells[0] === 'Command') {
      this.flushAuditRow(out);
      this.auditColumns = cells;
      out.push({ type: 'skip', skip: { line: lineNo, reason: 'table header' } });
      return;
    }
    const col = (name: string): string => cells[this.auditColumns?.indexOf(name) ?? -1] ?? '';
    const h = this.auditRow;
    if (col('Command') === '' && h !== null) {
      const more = col('Args');
      h.lineCount++;
      h.raw = this.append(h.raw, `\n${line}`);
      if (more) {
        h.message = h.message.replace(/ \(profile /, ` ${more} (profile `);
        const fields = h.fields as Record<string, string | null>;
        fields.args = `${fields.args ?? ''} ${more}`;
      }
      return;
    }
    this.flushAuditRow(out);
    const start = minikubeAuditTime(col('Start Time'));
    const end = minikubeAuditTime(col('End Time'));
    const command = col('Command');
    const args = col('Args');
    const about = [
      col('Profile') && `profile ${col('Profile')}`,
      col('User') && `user ${col('User')}`,
      col('Version'),
      end === null
        ? 'did not finish'
        : `took ${Math.max(0, Math.round((end.ms - (start?.ms ?? end.ms)) / 1000))} s`,
    ].filter((x) => x);
    this.auditRow = {
      line: lineNo,
      lineCount: 1,
      ts: start === null ? null : BigInt(start.ms) * 1_000_000n,
      severity: end === null ? 'warning' : 'info',
      kind: 'log',
      format: 'table',
      component: this.plan.component ?? 'minikube',
      node: null,
      caller: null,
      message: `minikube ${command}${args ? ` ${args}` : ''} (${about.join(', ')})`,
      fields: {
        command,
        args,
        profile: col('Profile') || null,
        user: col('User') || null,
        version: col('Version') || null,
        startTime: col('Start Time') || null,
        endTime: col('End Time') || null,
      },
      raw: line,
      reqId: null,
      auditId: null,
      traceId: null,
      spanId: null,
    };
  }

  private flushAuditRow(out: FileEvent[]): void {
    if (this.auditRow !== null) out.push({ type: 'record', record: this.auditRow });
    this.auditRow = null;
  }

  private containerColumns: string[] | null = null;

  /** One row of `crictl ps -a` / `docker ps -a`: a `state` record of that container. */
  private containerStatusLine(line: string, lineNo: number, out: FileEvent[]): void {
    if (line.trim().length === 0) {
      out.push({ type: 'skip', skip: { line: lineNo, reason: 'blank line' } });
      return;
    }
    if (isContainerTableHeader(line)) {
      this.containerColumns = tableColumns(line);
      out.push({ type: 'skip', skip: { line: lineNo, reason: 'table header' } });
      return;
    }
    const row = this.containerColumns === null ? null : containerRow(line, this.containerColumns);
    if (row === null) {
      out.push({ type: 'record', record: this.docRecord(line, lineNo) });
      return;
    }
    const slash = row.pod?.indexOf('/') ?? -1;
    const podNs = row.pod !== null && slash > 0 ? row.pod.slice(0, slash) : null;
    const podName = row.pod !== null && slash > 0 ? row.pod.slice(slash + 1) : row.pod;
    const running = /^(Running|Up)\b/.test(row.state);
    const fields: Record<string, unknown> = {
      object: { kind: 'Pod', namespace: podNs, name: podName ?? row.container, uid: null, owners: [] },
      fact: 'container',
      state: running ? 'running' : /^(Exited|Dead)/.test(row.state) ? 'terminated' : 'waiting',
      container: row.container,
      restarts: row.attempt ?? 0,
      image: row.image,
      ready: running,
      reason: row.state,
      approx: true,
    };
    out.push({
      type: 'record',
      record: {
        line: lineNo,
        lineCount: 1,
        ts: null,
        severity: 'info',
        kind: 'state',
        format: 'table',
        component: this.plan.component,
        node: this.plan.node,
        caller: null,
        message: `container ${row.container}${podName !== null ? ` of pod ${row.pod}` : ''} ${row.state}${row.attempt !== null ? `, attempt ${row.attempt}` : ''}${row.created ? `, created ${row.created}` : ''}`,
        fields,
        raw: line,
        reqId: null,
        auditId: null,
        traceId: null,
        spanId: null,
      },
    });
  }

  /** Time of the last `[Sep17 03:00]` stamp, for the `[  +0.000012]` lines after it. */
  private dmesgTs: bigint | null = null;

  private dmesgLine(line: string, lineNo: number, out: FileEvent[]): void {
    if (line.trim().length === 0) {
      out.push({ type: 'skip', skip: { line: lineNo, reason: 'blank line' } });
      return;
    }
    let ts: bigint | null = null;
    let text = line;
    const human = /^\[([A-Z][a-z]{2})(\d{1,2}) (\d\d):(\d\d)\] ?/.exec(line);
    const rel = /^\[ *\+(\d+)\.(\d+)\] ?/.exec(line);
    if (human) {
      const month = MONTHS[human[1] as string] ?? 0;
      const y = this.years;
      ts =
        y.rule === 'none' || month === 0
          ? null
          : this.clock.ns(
              pickYear(month, y.year, y.month),
              month,
              Number(human[2]),
              Number(human[3]) * 3600 + Number(human[4]) * 60,
              0,
            );
      this.dmesgTs = ts;
      text = line.slice(human[0].length);
    } else if (rel) {
      if (this.dmesgTs !== null)
        this.dmesgTs +=
          BigInt(rel[1] as string) * 1_000_000_000n + BigInt((rel[2] as string).padEnd(9, '0').slice(0, 9));
      ts = this.dmesgTs;
      text = line.slice(rel[0].length);
    }
    out.push({
      type: 'record',
      record: {
        line: lineNo,
        lineCount: 1,
        ts,
        severity: severityOfText(text) === 'error' ? 'error' : 'warning',
        kind: 'log',
        format: 'text',
        component: this.plan.component ?? 'kernel',
        node: this.plan.node,
        caller: null,
        message: text,
        fields: null,
        raw: line,
        reqId: null,
        auditId: null,
        traceId: null,
        spanId: null,
      },
    });
  }

  /** End of file: flushes joined lines and buffered audit events. */
  end(out: FileEvent[]): void {
    if (this.partial !== null) {
      const p = this.partial;
      this.partial = null;
      this.payload(p.content, p.line, p.lineCount, p.raw, null, 0, 0, null, null, null, out);
    }
    this.flushKlog(out);
    this.flushHeld(out);
    this.flushAuditRow(out);
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
        // A line without the journald prefix continues the message before it (journalctl
        // indents the later lines of a multi-line message; a pasted export may not).
        this.continuation = true;
        this.payload(line, lineNo, 1, line, null, 0, 0, null, null, null, out);
        this.continuation = false;
      }
      return;
    }
    const y = this.years;
    const ts =
      y.rule === 'none'
        ? null
        : this.clock.ns(pickYear(j.month, y.year, y.month), j.month, j.day, j.secondOfDay, j.micros);
    this.wrapDerived = true;
    this.payload(j.message, lineNo, 1, line, ts, 0, 0, unitComponent(j.identifier), j.host, null, out);
    this.wrapDerived = false;
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
    this.flushHeld(out);
    this.payload(e.message, lineNo, 1, line, e.ts, refYear, refMonth, comp, e.host, e.priority, out);
    this.flushKlog(out);
    this.flushHeld(out);
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
      this.flushHeld(out);
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
    const c = text.charCodeAt(0);
    // In a bare klog file anything headerless continues the previous record (stack traces, dumps).
    // Wrapped lines (CRI, journald) each carry their own wrapper, so there only indented or blank
    // lines, klog's ` >` block end, and journald lines missing their prefix do.
    const continues = this.continuation || c === 32 || c === 9 || text.length === 0;
    const p = this.pending;
    if (p !== null && p.lineCount < MAX_CONTINUATION_LINES && p.text.length + text.length < this.maxChars) {
      if ((this.plan.format === 'klog' && this.plan.wrapper === 'none') || continues) {
        p.lineCount += lineCount;
        p.text += `\n${text}`;
        p.raw = this.append(p.raw, `\n${raw}`);
        return;
      }
    }
    const h = this.held;
    if (
      h !== null &&
      continues &&
      (this.continuation || text.trim().length > 0) &&
      h.lineCount < MAX_CONTINUATION_LINES &&
      h.message.length + text.length < this.maxChars
    ) {
      h.lineCount += lineCount;
      h.message += `\n${text}`;
      h.raw = this.append(h.raw, `\n${raw}`);
      return;
    }
    this.flushKlog(out);
    this.flushHeld(out);
    if (text.length === 0 || (c <= 32 && text.trim().length === 0)) {
      out.push({ type: 'skip', skip: { line, reason: 'blank line' } });
      return;
    }
    if (c === 123 /* { */) {
      const j = tryJson(text);
      if (j.ok && isJsonObject(j.value)) {
        this.hold(this.jsonPayload(j.value, line, lineCount, raw, wrapTs, component, node));
        return;
      }
    } else if (looksLikeLogfmt(text)) {
      const l = parseLogfmtLine(text);
      if (l !== null) {
        const ids = idsFromFields(l.fields);
        this.hold({
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
        });
        return;
      }
    }
    this.hold(this.textRecord(text, line, lineCount, raw, wrapTs, component, node, severityHint));
  }

  /**
   * An unstructured line. Its own leading stamp (capnslog, Go's `log`, calico, ISO) gives its time
   * and level unless a wrapper wrote a real time; a date anywhere in it dates it when nothing else
   * does. A line with no time at all gets the previous record's (or `undatedBaseNs`), counted in
   * `approximated`.
   */
  private textRecord(
    text: string,
    line: number,
    lineCount: number,
    raw: string,
    wrapTs: bigint | null,
    component: string | null,
    node: string | null,
    severityHint: Severity | null,
  ): ParsedRecord {
    const own = parseTimestampedText(text, this.clock.tzOffsetMinutes);
    let ts = wrapTs;
    if (own !== null && (wrapTs === null || this.wrapDerived)) ts = own.ts;
    else if (own === null && (wrapTs === null || this.wrapDerived)) {
      const embedded = embeddedDateNs(text, this.clock.tzOffsetMinutes);
      if (embedded !== null && (wrapTs === null || this.nearWrapper(embedded, wrapTs))) ts = embedded;
    }
    if (ts === null && this.plan.wrapper === 'none') {
      ts = this.lastTs ?? this.undatedBaseNs;
      if (ts !== null) this.approximated++;
    }
    return {
      line,
      lineCount,
      ts,
      severity: severityHint ?? own?.severity ?? severityOfText(text),
      kind: 'log',
      format: own?.format ?? 'text',
      component: component ?? this.plan.component,
      node: node ?? this.plan.node,
      caller: own?.caller ?? null,
      message: own?.message ?? text,
      fields: null,
      raw,
      reqId: reqIdFromText(text),
      auditId: null,
      traceId: null,
      spanId: null,
    };
  }

  /**
   * A date inside a journald-wrapped line replaces the derived journald time only when the two
   * agree within a day (else it is some other date the message talks about).
   */
  private nearWrapper(embedded: bigint, wrapTs: bigint): boolean {
    const d = embedded > wrapTs ? embedded - wrapTs : wrapTs - embedded;
    return d < 86_400_000_000_000n;
  }

  /** Holds a finished record until the next line shows whether it continues. */
  private hold(r: ParsedRecord): void {
    this.held = r;
  }

  private flushHeld(out: FileEvent[]): void {
    const h = this.held;
    if (h === null) return;
    this.held = null;
    if (h.ts !== null) this.lastTs = h.ts;
    out.push({ type: 'record', record: h });
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

  /**
   * A klog line's component: its journald unit's, else the file's, else its caller's — except in a
   * process that runs several components (kubelite, k3s), where the caller decides first.
   */
  private klogComponent(unit: string | null, caller: string | null): string | null {
    const own = unit ?? this.plan.component;
    if (own === null) return callerComponent(caller);
    if (isMultiComponent(own)) return callerComponent(caller) ?? own;
    return own;
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
    if (ts !== null) this.lastTs = ts;
    out.push({
      type: 'record',
      record: {
        line: p.line,
        lineCount: p.lineCount,
        ts,
        severity: h.severity,
        kind: 'log',
        format: 'klog',
        component: this.klogComponent(p.component, h.caller),
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
      this.flushKlog(out);
      this.flushHeld(out);
      out.push({ type: 'skip', skip: { line: lineNo, reason: 'blank line' } });
      return;
    }
    // A file of JSON documents can hold other lines too (an apiserver's klog lines after one audit
    // line, a note pasted in): those are read as log lines, never dropped.
    if (line.charCodeAt(0) !== 123 && line.trimStart().charCodeAt(0) !== 123) {
      this.payload(line, lineNo, 1, line, null, 0, 0, null, null, null, out);
      return;
    }
    this.flushKlog(out);
    this.flushHeld(out);
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
        } else if (isComponentJson(v)) {
          // A component's JSON log line among the audit lines: a log record, not a bad event.
          this.hold(this.jsonPayload(v, lineNo, lineCount, raw, null, null, null));
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
      case 'k8s-event': {
        const ev = hasGoFields(v) ? (normalizeGoFields(v) as Record<string, unknown>) : v;
        if (isK8sEvent(ev)) {
          out.push({ type: 'record', record: this.event(ev, lineNo, lineCount, raw) });
        } else if (isK8sEventList(ev)) {
          let first = true;
          for (const item of ev.items as unknown[]) {
            const it = isJsonObject(item) && hasGoFields(item) ? normalizeGoFields(item) : item;
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
      }
      case 'k8s-object': {
        const o = hasGoFields(v) ? (normalizeGoFields(v) as Record<string, unknown>) : v;
        const items = Array.isArray(o.items) ? (o.items as unknown[]) : [o];
        let first = true;
        for (const item of items) {
          const it = isJsonObject(item) && hasGoFields(item) ? normalizeGoFields(item) : item;
          if (!isJsonObject(it) || !isJsonObject(it.metadata)) {
            skip('list item is not a Kubernetes object (no metadata)');
            continue;
          }
          const itemRaw = items.length === 1 ? this.cap(raw) : this.cap(JSON.stringify(it));
          for (const r of k8sObjectRecords(
            it,
            this.plan.objectKind ?? null,
            lineNo,
            first ? lineCount : 0,
            itemRaw,
          ))
            out.push({ type: 'record', record: r });
          first = false;
        }
        return;
      }
      case 'payload':
      case 'doc':
      case 'minikube-audit':
      case 'container-status':
      case 'dmesg':
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
