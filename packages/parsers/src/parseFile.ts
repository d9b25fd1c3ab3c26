import type { Readable } from 'node:stream';
import type { FileInfo, LineFormat, TimeRule, Wrapper } from '@kubetrail/model';
import type { FileEvent } from './lines/events.ts';
import { isJsonObject, jsonKind, tryJson } from './lines/events.ts';
import { StringDecoder } from 'node:string_decoder';
import { isAuditEvent } from './lines/auditEvent.ts';
import { JsonItemStream } from './lines/jsonDocument.ts';
import { isK8sEvent } from './lines/k8sEvent.ts';
import { isOtlpTraces } from './lines/otlpJson.ts';
import type { YearSource } from './lines/klogTime.ts';
import { fileYearSource } from './lines/klogTime.ts';
import { LeadingNuls, SniffHead } from './lines/fileHead.ts';
import { LineSplitter } from './lines/lineSplitter.ts';
import type { FilePlan, LineMode } from './lines/linePipeline.ts';
import { LinePipeline } from './lines/linePipeline.ts';
import { binaryReason, classifyDocument, sniffLines } from './lines/sniff.ts';
import type { FileParseOptions } from './lines/types.ts';

/** Bytes read before deciding a file's format. */
const SNIFF_BYTES = 64 * 1024;
/** Lines looked at when sniffing. */
const SNIFF_LINES = 64;
/** Physical lines handled per yielded batch. */
const BATCH_LINES = 1024;
/**
 * Largest single JSON value buffered from a multi-line document: one pretty-printed event, or one
 * item of a list (lists themselves stream item by item). Kept well under the 400 MB RSS budget.
 */
export const MAX_JSON_DOCUMENT_BYTES = 64 * 1024 * 1024;

/** The note given once per file when klog times cannot be dated. */
export const NO_YEAR_REASON = 'no year for klog timestamps: pass --year';

const toBuffer = (c: unknown): Buffer =>
  Buffer.isBuffer(c) ? c : typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c as Uint8Array);

function timeRuleOf(mode: LineMode, wrapper: Wrapper, format: LineFormat, years: YearSource): TimeRule {
  if (mode !== 'payload' || format === 'klog-json' || format === 'logfmt') return 'full';
  if (wrapper === 'cri' || wrapper === 'docker' || wrapper === 'journald-json') return 'wrapper';
  if (wrapper === 'journald' || format === 'klog') return years.rule;
  return 'none';
}

function infoEvent(opts: FileParseOptions, plan: Omit<FilePlan, 'mode'> | null): FileEvent {
  const info: FileInfo = {
    path: opts.path,
    format: plan?.format ?? null,
    wrapper: plan?.wrapper ?? 'none',
    component: plan?.component ?? opts.hints.component,
    node: plan?.node ?? opts.hints.node,
    timeRule: plan?.timeRule ?? 'none',
  };
  return { type: 'info', info };
}

/**
 * Parses one file: sniffs its wrapper and line format from the first lines, then yields batches of
 * events in file order. The first batch starts with exactly one `info` event. Lines are streamed
 * (at most one line, capped at `limits.maxLineBytes`, is held); whole-file JSON documents are
 * buffered up to {@link MAX_JSON_DOCUMENT_BYTES}. Each batch ends with a `progress` event carrying
 * the physical lines and bytes consumed so far.
 */
export async function* parseFile(input: Readable, opts: FileParseOptions): AsyncGenerator<FileEvent[]> {
  const nuls = new LeadingNuls(input as AsyncIterable<unknown>);
  yield* nuls.annotate(parseText(nuls.input, opts));
}

async function* parseText(
  input: AsyncIterable<unknown>,
  opts: FileParseOptions,
): AsyncGenerator<FileEvent[]> {
  const maxLine = opts.limits.maxLineBytes;
  const it = input[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headBytes = 0;
  let eof = false;
  const probe = new SniffHead(SNIFF_BYTES, maxLine);
  // Read until the sniff window is full and holds one whole line (or a line is already over the cap).
  while (probe.needsMore()) {
    const r = await it.next();
    if (r.done === true) {
      eof = true;
      break;
    }
    const b = toBuffer(r.value);
    if (b.length === 0) continue;
    head.push(b);
    headBytes += b.length;
    probe.push(b);
  }
  let bytes = headBytes;

  if (headBytes === 0) {
    yield [
      infoEvent(opts, null),
      { type: 'skip', skip: { line: null, reason: 'empty file' } },
      { type: 'progress', lines: 0, bytes: 0 },
    ];
    return;
  }
  const headBuf = Buffer.concat(head);
  const binary = binaryReason(headBuf);
  if (binary !== null) {
    for (let r = await it.next(); r.done !== true; r = await it.next()) bytes += toBuffer(r.value).length;
    yield [
      infoEvent(opts, null),
      { type: 'skip', skip: { line: null, reason: binary } },
      { type: 'progress', lines: 0, bytes },
    ];
    return;
  }

  // Sniff from the first complete lines (each cut at the line limit).
  const window = headBuf.subarray(0, Math.min(headBuf.length, probe.windowBytes()));
  const parts = window.toString('utf8').split('\n');
  const wholeWindow = eof && window.length === headBuf.length;
  if (!wholeWindow && parts.length > 1) parts.pop();
  const sniffSample = parts
    .slice(0, SNIFF_LINES)
    .map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l).slice(0, maxLine));
  if (sniffSample.length > 0 && sniffSample[0]?.charCodeAt(0) === 0xfeff)
    sniffSample[0] = sniffSample[0].slice(1);
  const sniffed = sniffLines(sniffSample, opts.hints, wholeWindow && parts.length <= SNIFF_LINES);
  const years = fileYearSource(opts);

  if (sniffed.kind === 'document') {
    yield* parseDocument(head, it, eof, opts, years);
    return;
  }

  const plan: FilePlan = {
    mode: sniffed.mode,
    wrapper: sniffed.wrapper,
    format: sniffed.format,
    component: opts.hints.component ?? sniffed.component,
    node: opts.hints.node ?? sniffed.node,
    timeRule: timeRuleOf(sniffed.mode, sniffed.wrapper, sniffed.format, years),
  };
  const first: FileEvent[] = [infoEvent(opts, plan)];
  // Year-less times (bare klog, journald short) with nothing to date them: say so once.
  const yearless = plan.wrapper === 'journald' || (plan.wrapper === 'none' && plan.format === 'klog');
  if (years.rule === 'none' && yearless)
    first.push({ type: 'skip', skip: { line: null, reason: NO_YEAR_REASON } });
  yield first;

  yield* streamLines(head, it, eof, bytes, plan, years, opts);
}

async function* streamLines(
  head: Buffer[],
  it: AsyncIterator<unknown>,
  eof: boolean,
  bytesSoFar: number,
  plan: FilePlan,
  years: YearSource,
  opts: FileParseOptions,
): AsyncGenerator<FileEvent[]> {
  const maxLine = opts.limits.maxLineBytes;
  const splitter = new LineSplitter(maxLine);
  const pipeline = new LinePipeline(plan, years, opts.tzOffsetMinutes, maxLine);
  let bytes = bytesSoFar - head.reduce((n, b) => n + b.length, 0);
  let firstBom = true;

  function* run(lines: string[], final: boolean): Generator<FileEvent[]> {
    if (firstBom && lines.length > 0) {
      firstBom = false;
      const l0 = lines[0] as string;
      if (l0.charCodeAt(0) === 0xfeff) lines[0] = l0.slice(1);
    }
    let lineNo = splitter.lineCount - lines.length + 1;
    const cut = splitter.takeCut();
    for (let at = 0; at < lines.length || (at === 0 && (final || cut.length > 0)); at += BATCH_LINES) {
      const out: FileEvent[] = [];
      if (at === 0)
        for (const c of cut)
          out.push({
            type: 'skip',
            skip: {
              line: c.line,
              reason: `line of ${c.length} bytes is longer than ${maxLine}: cut to ${maxLine}`,
            },
          });
      const slice = lines.length <= BATCH_LINES ? lines : lines.slice(at, at + BATCH_LINES);
      pipeline.lines(slice, lineNo, out);
      lineNo += slice.length;
      const last = at + BATCH_LINES >= lines.length;
      if (final && last) pipeline.end(out);
      const done = last ? splitter.lineCount : lineNo - 1;
      out.push({ type: 'progress', lines: done, bytes });
      yield out;
      if (last) break;
    }
  }

  for (const b of head) {
    bytes += b.length;
    yield* run(splitter.push(b), false);
  }
  if (!eof) {
    for (let r = await it.next(); r.done !== true; r = await it.next()) {
      const b = toBuffer(r.value);
      bytes += b.length;
      yield* run(splitter.push(b), false);
    }
  }
  yield* run(splitter.end(), true);
}

function notLogReason(v: unknown): string {
  const kind =
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? JSON.stringify((v as { kind?: unknown }).kind ?? null)
      : jsonKind(v);
  return `JSON document (kind ${kind}) is not a log format: no audit event, Kubernetes Event or OTLP spans`;
}

/** What kind of log a JSON document's list item is; null when it is none. */
function itemMode(v: unknown): LineMode | null {
  if (!isJsonObject(v)) return null;
  if (isAuditEvent(v)) return 'audit';
  if (isK8sEvent(v)) return 'k8s-event';
  if (isOtlpTraces(v) || Array.isArray(v.scopeSpans) || Array.isArray(v.instrumentationLibrarySpans))
    return 'otlp';
  return null;
}

const FORMAT_OF_MODE: Record<LineMode, LineFormat> = {
  audit: 'audit',
  'k8s-event': 'k8s-event',
  otlp: 'otlp',
  payload: 'text',
};

const ENVELOPE = 'JSON list envelope (the wrapper around the items, not a record)';

/**
 * A file holding one JSON document over many lines. Item lists (EventList, `kubectl get events -o
 * json`, events.json, an OTLP document's resourceSpans) stream one item at a time; a single object
 * (one pretty-printed audit event) is buffered up to {@link MAX_JSON_DOCUMENT_BYTES}.
 */
async function* parseDocument(
  head: Buffer[],
  it: AsyncIterator<unknown>,
  eof: boolean,
  opts: FileParseOptions,
  years: YearSource,
): AsyncGenerator<FileEvent[]> {
  const decoder = new StringDecoder('utf8');
  const scanner = new JsonItemStream(MAX_JSON_DOCUMENT_BYTES);
  let bytes = 0;
  let newlines = 0;
  let lastByte = -1;
  let plan: FilePlan | null = null;
  let pipeline: LinePipeline | null = null;
  let refused: string | null = null;
  let infoSent = false;
  let out: FileEvent[] = [];
  let first = true;
  /** Last line that belongs to an item; the lines between items are the list's envelope. */
  let covered = 0;
  const envelope = (from: number, to: number): void => {
    for (let line = from; line <= to; line++) out.push({ type: 'skip', skip: { line, reason: ENVELOPE } });
  };

  const makePlan = (mode: LineMode): LinePipeline => {
    plan = {
      mode,
      wrapper: 'none',
      format: FORMAT_OF_MODE[mode],
      component: opts.hints.component,
      node: opts.hints.node,
      timeRule: 'full',
    };
    return new LinePipeline(plan, years, opts.tzOffsetMinutes, opts.limits.maxLineBytes);
  };

  const feed = (buf: Buffer): void => {
    bytes += buf.length;
    for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) newlines++;
    lastByte = buf[buf.length - 1] ?? lastByte;
    feedText(decoder.write(buf));
  };
  const feedText = (decoded: string): void => {
    let text = decoded;
    if (first && text.length > 0) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    for (const item of scanner.push(text)) {
      // Every physical line is accounted for: the wrapper around the items (`"items": [`,
      // `"kind": "List"`, …) is reported as envelope, never silently dropped.
      envelope(covered + 1, item.start - 1);
      covered = Math.max(covered, item.end);
      if (refused !== null) continue;
      const j = tryJson(item.text);
      if (!j.ok) {
        out.push({ type: 'skip', skip: { line: item.start, reason: `malformed JSON item: ${j.error}` } });
        continue;
      }
      if (pipeline === null) {
        const mode = itemMode(j.value);
        if (mode === null) {
          refused = notLogReason(j.value);
          continue;
        }
        pipeline = makePlan(mode);
      }
      const v =
        plan?.mode === 'otlp' && !isOtlpTraces(j.value as Record<string, unknown>)
          ? { resourceSpans: [j.value] }
          : j.value;
      pipeline.jsonValue(v, item.start, item.end - item.start + 1, item.text, out);
    }
  };
  const withInfo = (events: FileEvent[]): FileEvent[] => {
    if (infoSent) return events;
    infoSent = true;
    return [infoEvent(opts, plan), ...events];
  };
  function* flush(final: boolean): Generator<FileEvent[]> {
    if (plan === null && !final) return;
    const all = out;
    out = [];
    for (let at = 0; at < all.length || at === 0; at += BATCH_LINES) {
      const batch = all.slice(at, at + BATCH_LINES);
      if (at + BATCH_LINES >= all.length) {
        const lines = newlines + (final && lastByte !== 10 && bytes > 0 ? 1 : 0);
        batch.push({ type: 'progress', lines, bytes });
      }
      yield withInfo(batch);
    }
  }

  for (const b of head) feed(b);
  yield* flush(false);
  if (!eof) {
    for (let r = await it.next(); r.done !== true; r = await it.next()) {
      feed(toBuffer(r.value));
      yield* flush(false);
    }
  }
  feedText(decoder.end());
  const lines = newlines + (lastByte !== 10 && bytes > 0 ? 1 : 0);
  const fileSkip = (reason: string): FileEvent => ({ type: 'skip', skip: { line: null, reason } });

  if (scanner.hasList) {
    for (const line of scanner.oversize)
      out.push({
        type: 'skip',
        skip: { line, reason: `JSON item larger than ${MAX_JSON_DOCUMENT_BYTES} bytes: not parsed` },
      });
    if (refused !== null) {
      out = [fileSkip(refused)];
    } else if (plan === null) {
      const hinted =
        opts.hints.content === 'events' ? 'k8s-event' : opts.hints.content === 'audit' ? 'audit' : null;
      if (hinted === null) out.push(fileSkip('JSON document with an empty item list'));
      else makePlan(hinted);
    }
    if (!scanner.balanced) out.push(fileSkip('truncated JSON document: brackets not closed at end of file'));
    else if (refused === null) envelope(covered + 1, lines);
    (pipeline as LinePipeline | null)?.end(out);
    yield* flush(true);
    return;
  }

  // No item list: one JSON value, kept whole.
  const text = scanner.envelopeText();
  if (text === null) {
    yield [
      infoEvent(opts, null),
      fileSkip(`JSON document larger than ${MAX_JSON_DOCUMENT_BYTES} bytes: not parsed`),
      { type: 'progress', lines, bytes },
    ];
    return;
  }
  const parsed = tryJson(text);
  const mode = parsed.ok ? classifyDocument(parsed.value) : null;
  if (parsed.ok && mode !== null) {
    const p = makePlan(mode);
    p.jsonValue(parsed.value, 1, lines, text, out);
    p.end(out);
    yield* flush(true);
    return;
  }
  if (parsed.ok) {
    yield [infoEvent(opts, null), fileSkip(notLogReason(parsed.value)), { type: 'progress', lines, bytes }];
    return;
  }
  // Not one JSON value after all: read it as lines, noting why.
  const audit = opts.hints.content === 'audit';
  const linePlan: FilePlan = {
    mode: audit ? 'audit' : 'payload',
    wrapper: 'none',
    format: audit ? 'audit' : 'text',
    component: opts.hints.component,
    node: opts.hints.node,
    timeRule: audit ? 'full' : 'none',
  };
  yield [infoEvent(opts, linePlan), fileSkip(`malformed JSON document: ${parsed.error}`)];
  yield* streamLines([Buffer.from(text, 'utf8')], it, true, bytes, linePlan, years, opts);
}
