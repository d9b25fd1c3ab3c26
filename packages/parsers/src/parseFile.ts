import type { FileInfo, LineFormat, TimeRule } from '@kubetrail/model';
import { formatNs } from '@kubetrail/model';
import { StringDecoder } from 'node:string_decoder';
import type { DatingDecision } from './dating/decideDating.ts';
import { decideDating } from './dating/decideDating.ts';
import type { HeadAnalysis, LinePlan } from './headAnalysis.ts';
import { analyzeHead, readFileHead } from './headAnalysis.ts';
import { isAuditEvent } from './lines/auditEvent.ts';
import type { FileEvent } from './lines/events.ts';
import { isJsonObject, jsonKind, tryJson } from './lines/events.ts';
import { hasGoFields, normalizeGoFields } from './lines/goFields.ts';
import { JsonItemStream } from './lines/jsonDocument.ts';
import { isK8sEvent } from './lines/k8sEvent.ts';
import { isK8sObject, kindOfResource } from './lines/k8sObject.ts';
import type { YearSource } from './lines/klogTime.ts';
import { LeadingNuls } from './lines/fileHead.ts';
import { LineSplitter } from './lines/lineSplitter.ts';
import type { FilePlan, LineMode } from './lines/linePipeline.ts';
import { LinePipeline } from './lines/linePipeline.ts';
import { isOtlpTraces } from './lines/otlpJson.ts';
import { classifyDocument } from './lines/sniff.ts';
import type { FileParseOptions } from './lines/types.ts';

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

function infoEvent(
  opts: FileParseOptions,
  plan: FilePlan | null,
  timeEvidence: string | null = null,
): FileEvent {
  const info: FileInfo = {
    path: opts.path,
    format: plan?.format ?? null,
    wrapper: plan?.wrapper ?? 'none',
    component: plan?.component ?? opts.hints.component,
    node: plan?.node ?? opts.hints.node,
    timeRule: plan?.timeRule ?? 'none',
    timeEvidence,
    mode: plan?.mode ?? null,
  };
  return { type: 'info', info };
}

/** Minutes east of UTC `--tz` gave (the caller's `tzOffsetMinutes`), or null when it is UTC. */
const flagTz = (opts: FileParseOptions): number | null =>
  opts.tzOffsetMinutes !== 0 ? opts.tzOffsetMinutes : null;

/**
 * How a year-less file is dated when the caller did not decide (`opts.dating`): from its own head
 * first, then the bundle's reference time, the mtime, `--year` (see `decideDating`).
 */
function datingOf(opts: FileParseOptions, a: Extract<HeadAnalysis, { kind: 'lines' }>): DatingDecision {
  if (opts.dating) return opts.dating;
  return decideDating({
    first: a.first,
    inFile: a.inFile,
    bundle: {
      minNs: opts.bundleReferenceNs,
      maxNs: opts.bundleReferenceNs,
      maxSource: null,
      nodeOffsets: new Map(),
    },
    node: a.plan.node,
    flagYear: opts.year,
    flagTzMinutes: flagTz(opts),
    mtimeMs: opts.mtimeMs,
    nowMs: Date.now(),
  });
}

/** The time rule of a plan whose stamps carry their year (or none at all). */
function fixedTimeRule(plan: LinePlan): TimeRule {
  if (plan.mode === 'doc' || plan.mode === 'container-status') return 'none';
  if (plan.mode !== 'payload') return 'full';
  if (plan.wrapper === 'cri' || plan.wrapper === 'docker' || plan.wrapper === 'journald-json')
    return 'wrapper';
  return plan.format === 'text' ? 'none' : 'full';
}

/**
 * Parses one file: sniffs its wrapper and line format from the first lines, then yields batches of
 * events in file order. The first batch starts with exactly one `info` event. Lines are streamed
 * (at most one line, capped at `limits.maxLineBytes`, is held); whole-file JSON documents are
 * buffered up to {@link MAX_JSON_DOCUMENT_BYTES}. Each batch ends with a `progress` event carrying
 * the physical lines and bytes consumed so far. Year-less stamps are dated by `opts.dating` when
 * given, else from the file's own head and the legacy options.
 */
export async function* parseFile(
  input: AsyncIterable<unknown>,
  opts: FileParseOptions,
): AsyncGenerator<FileEvent[]> {
  const nuls = new LeadingNuls(input);
  yield* nuls.annotate(parseText(nuls.input, opts));
}

async function* parseText(
  input: AsyncIterable<unknown>,
  opts: FileParseOptions,
): AsyncGenerator<FileEvent[]> {
  const maxLine = opts.limits.maxLineBytes;
  const it = input[Symbol.asyncIterator]();
  const read = await readFileHead(it, maxLine);
  const head = read.chunks;
  const headBytes = read.bytes;
  const eof = read.eof;
  let bytes = headBytes;

  const headBuf = Buffer.concat(head);
  const a = analyzeHead(headBuf, eof, opts.path, opts.hints, maxLine);
  if (a.kind === 'empty') {
    yield [
      infoEvent(opts, null),
      { type: 'skip', skip: { line: null, reason: 'empty file' } },
      { type: 'progress', lines: 0, bytes: 0 },
    ];
    return;
  }
  if (a.kind === 'binary') {
    for (let r = await it.next(); r.done !== true; r = await it.next()) bytes += toBuffer(r.value).length;
    yield [
      infoEvent(opts, null),
      { type: 'skip', skip: { line: null, reason: a.reason } },
      { type: 'progress', lines: 0, bytes },
    ];
    return;
  }
  if (a.kind === 'document') {
    yield* parseDocument(head, it, eof, opts, NO_YEARS);
    return;
  }

  let years: YearSource = NO_YEARS;
  let timeRule = fixedTimeRule(a.plan);
  let timeEvidence: string | null = null;
  let tz = opts.tzOffsetMinutes;
  let undatedBaseNs = opts.undatedBaseNs ?? null;
  if (a.yearless) {
    const d = datingOf(opts, a);
    years = { rule: d.rule, year: d.year, month: d.month };
    timeRule = d.rule;
    timeEvidence = d.evidence;
    tz = d.tzOffsetMinutes;
    // Lines before the first stamp (a shell trace before a kubelet's klog) were written just before it.
    if (undatedBaseNs === null && d.year > 0 && a.first !== null) {
      const f = a.first;
      const ms = Date.UTC(d.year, f.month - 1, f.day) + f.secondOfDay * 1000 - tz * 60_000;
      if (Number.isFinite(ms)) undatedBaseNs = BigInt(ms) * 1_000_000n;
    }
  } else if (a.undated && undatedBaseNs !== null) {
    timeRule = 'approx';
    timeEvidence = `no time in its lines: each is placed at the line before's time, the first at ${formatNs(undatedBaseNs).slice(0, 19)}Z (its container's or node's start)`;
  }
  const plan: FilePlan = { ...a.plan, timeRule, objectKind: null };
  const first: FileEvent[] = [infoEvent(opts, plan, timeEvidence)];
  // Year-less times (bare klog, journald short) with nothing to date them: say so once.
  if (a.yearless && years.rule === 'none')
    first.push({ type: 'skip', skip: { line: null, reason: NO_YEAR_REASON } });
  yield first;

  yield* streamLines(head, it, eof, bytes, plan, years, { ...opts, tzOffsetMinutes: tz, undatedBaseNs });
}

const NO_YEARS: YearSource = { rule: 'none', year: 0, month: 0 };

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
  pipeline.undatedBaseNs = opts.undatedBaseNs ?? null;
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
      out.push({ type: 'progress', lines: done, bytes, approximated: pipeline.approximated });
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

/** What kind of record a JSON document's list item is; null when it is none (a document, then). */
function itemMode(v: unknown): LineMode | null {
  if (!isJsonObject(v)) return null;
  const o = hasGoFields(v) ? normalizeGoFields(v) : v;
  if (!isJsonObject(o)) return null;
  if (isAuditEvent(o)) return 'audit';
  if (isK8sEvent(o)) return 'k8s-event';
  if (isOtlpTraces(o) || Array.isArray(o.scopeSpans) || Array.isArray(o.instrumentationLibrarySpans))
    return 'otlp';
  if (isK8sObject(o)) return 'k8s-object';
  return null;
}

const FORMAT_OF_MODE: Record<LineMode, LineFormat> = {
  audit: 'audit',
  'k8s-event': 'k8s-event',
  'k8s-object': 'k8s-object',
  otlp: 'otlp',
  payload: 'text',
  doc: 'text',
  'minikube-audit': 'table',
  'container-status': 'table',
  dmesg: 'text',
};

const ENVELOPE = 'JSON list envelope (the wrapper around the items, not a record)';

/** Why a JSON document is indexed as a document (its lines searchable) rather than as records. */
function documentNote(v: unknown): string {
  const kind =
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? JSON.stringify(
          (v as { kind?: unknown; Kind?: unknown }).kind ?? (v as { Kind?: unknown }).Kind ?? null,
        )
      : jsonKind(v);
  return `JSON document (kind ${kind}) holds no log records: its lines are indexed as a document`;
}

/**
 * A file holding one JSON document over many lines. Item lists (EventList, `kubectl get events -o
 * json`, events.json, a PodList, an OTLP document's resourceSpans, an old dump's `Items`) stream one
 * item at a time; a single object (one pretty-printed audit event) is buffered up to
 * {@link MAX_JSON_DOCUMENT_BYTES}. A document that holds no records (configuration, an API resource
 * list) is indexed line by line as a `doc`, never dropped.
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
  const maxLine = opts.limits.maxLineBytes;
  let bytes = 0;
  let newlines = 0;
  let lastByte = -1;
  let plan: FilePlan | null = null;
  let pipeline: LinePipeline | null = null;
  let infoSent = false;
  let out: FileEvent[] = [];
  let first = true;
  /** Last line that belongs to an item; the lines between items are the list's envelope. */
  let covered = 0;
  /**
   * Until the document's kind is known its text is kept (bounded by the first item's size), so that
   * a document holding no records can still be indexed line by line; then `docLines` takes over.
   */
  let pendingText: string[] | null = [];
  let docLines: { splitter: LineSplitter; pipeline: LinePipeline } | null = null;
  let note: string | null = null;
  const envelope = (from: number, to: number): void => {
    for (let line = from; line <= to; line++) out.push({ type: 'skip', skip: { line, reason: ENVELOPE } });
  };
  const kindHint = kindOfResource(opts.hints.resource ?? null);

  const makePlan = (mode: LineMode): LinePipeline => {
    plan = {
      mode,
      wrapper: 'none',
      format: FORMAT_OF_MODE[mode],
      component: opts.hints.component,
      node: opts.hints.node,
      timeRule: mode === 'doc' ? 'none' : 'full',
      objectKind: kindHint,
    };
    return new LinePipeline(plan, years, opts.tzOffsetMinutes, maxLine);
  };

  /** From here on the document's lines are `doc` records; the text kept so far is read first. */
  const becomeDocument = (why: string): void => {
    note = why;
    const p = makePlan('doc');
    docLines = { splitter: new LineSplitter(maxLine), pipeline: p };
    const kept = pendingText ?? [];
    pendingText = null;
    out = out.filter((e) => e.type !== 'skip' || e.skip.reason !== ENVELOPE);
    for (const t of kept) feedDoc(t);
  };
  const feedDoc = (text: string): void => {
    if (docLines === null) return;
    const lines = docLines.splitter.push(Buffer.from(text, 'utf8'));
    docLines.pipeline.lines(lines, docLines.splitter.lineCount - lines.length + 1, out);
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
    if (docLines !== null) {
      feedDoc(text);
      return;
    }
    pendingText?.push(text);
    for (const item of scanner.push(text)) {
      if (docLines !== null) break;
      // Every physical line is accounted for: the wrapper around the items (`"items": [`,
      // `"kind": "List"`, …) is reported as envelope, never silently dropped.
      envelope(covered + 1, item.start - 1);
      covered = Math.max(covered, item.end);
      const j = tryJson(item.text);
      if (!j.ok) {
        out.push({ type: 'skip', skip: { line: item.start, reason: `malformed JSON item: ${j.error}` } });
        continue;
      }
      if (pipeline === null) {
        const mode = itemMode(j.value);
        if (mode === null) {
          becomeDocument(documentNote(j.value));
          break;
        }
        pipeline = makePlan(mode);
        pendingText = null;
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
  const fileSkip = (reason: string): FileEvent => ({ type: 'skip', skip: { line: null, reason } });

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

  const endDoc = (): void => {
    const d = docLines;
    if (d === null) return;
    const rest = d.splitter.end();
    d.pipeline.lines(rest, d.splitter.lineCount - rest.length + 1, out);
    d.pipeline.end(out);
    if (note !== null) out.push(fileSkip(note));
  };

  if (docLines !== null) {
    endDoc();
    yield* flush(true);
    return;
  }

  if (scanner.hasList) {
    for (const line of scanner.oversize)
      out.push({
        type: 'skip',
        skip: { line, reason: `JSON item larger than ${MAX_JSON_DOCUMENT_BYTES} bytes: not parsed` },
      });
    if (plan === null) {
      const hinted =
        opts.hints.content === 'events'
          ? 'k8s-event'
          : opts.hints.content === 'audit'
            ? 'audit'
            : opts.hints.content === 'k8s-objects'
              ? 'k8s-object'
              : null;
      if (hinted === null) out.push(fileSkip('JSON document with an empty item list'));
      else makePlan(hinted);
    }
    if (!scanner.balanced) out.push(fileSkip('truncated JSON document: brackets not closed at end of file'));
    else envelope(covered + 1, lines);
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
  const mode = parsed.ok ? (classifyDocument(parsed.value) ?? itemMode(parsed.value)) : null;
  if (parsed.ok && mode !== null) {
    const p = makePlan(mode);
    p.jsonValue(parsed.value, 1, lines, text, out);
    p.end(out);
    yield* flush(true);
    return;
  }
  if (parsed.ok) {
    // A JSON value that holds no records: its lines are indexed as a document.
    pendingText = [text];
    becomeDocument(documentNote(parsed.value));
    endDoc();
    yield* flush(true);
    return;
  }
  // Not one JSON value after all: read it as lines, noting why (a `.json` file that is no log and
  // no document of ours — a CLI's output with a banner before its JSON — is a document).
  const audit = opts.hints.content === 'audit';
  const document = !audit && /\.json$/i.test(opts.path) && opts.hints.pod === null;
  const linePlan: FilePlan = {
    mode: audit ? 'audit' : document ? 'doc' : 'payload',
    wrapper: 'none',
    format: audit ? 'audit' : 'text',
    component: opts.hints.component,
    node: opts.hints.node,
    timeRule: audit ? 'full' : 'none',
  };
  yield [infoEvent(opts, linePlan), fileSkip(`malformed JSON document: ${parsed.error}`)];
  yield* streamLines([Buffer.from(text, 'utf8')], it, true, bytes, linePlan, years, opts);
}
