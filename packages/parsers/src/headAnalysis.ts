import type { LineFormat, Wrapper } from '@kubetrail/model';
import type { PathHints } from './bundle/types.ts';
import type { InFileEvidence, LocalStamp } from './dating/inFileEvidence.ts';
import { firstLocalStamp, inFileEvidence } from './dating/inFileEvidence.ts';
import { parseCriLine } from './lines/criLine.ts';
import { SniffHead } from './lines/fileHead.ts';
import { parseJournaldLine } from './lines/journaldLine.ts';
import { parseKlogHeader } from './lines/klogLine.ts';
import type { LineMode } from './lines/linePipeline.ts';
import { looksLikeLogfmt } from './lines/logfmtLine.ts';
import type { Sniffed } from './lines/sniff.ts';
import { binaryReason, sniffLines } from './lines/sniff.ts';
import { embeddedDateNs, parseTimestampedText } from './lines/textLine.ts';

/** Bytes of a file looked at before deciding how to read it. */
export const SNIFF_BYTES = 64 * 1024;
/** Lines looked at when sniffing. */
export const SNIFF_LINES = 64;

/** How far a head is read ahead to find a file's first timed line (past a long preamble). */
export const MAX_HEAD_BYTES = 1024 * 1024;

/** A line start a log timestamp is recognised by: klog, journald, ISO, Go's `log`. */
const TIMED_LINE =
  /(^|\n)([IWEF]\d{4} \d\d:\d\d:\d\d|[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d |\d{4}-\d\d-\d\d[T ]\d\d:\d\d|\d{4}\/\d\d\/\d\d \d\d:\d\d|\{)/;

const toBuffer = (c: unknown): Buffer =>
  Buffer.isBuffer(c) ? c : typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c as Uint8Array);

/**
 * Reads a file's head: {@link SNIFF_BYTES} and one whole line (or up to `maxLine`), and further, up
 * to {@link MAX_HEAD_BYTES}, while no line looks timed (an RKE kubelet prints 600 lines of shell
 * trace before its first klog line). The rest of the stream stays unread.
 */
export async function readFileHead(
  it: AsyncIterator<unknown>,
  maxLine: number,
): Promise<{ chunks: Buffer[]; bytes: number; eof: boolean }> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  let eof = false;
  let timed = false;
  let checked = 0;
  // At least the sniff window and one whole line; past a first line over the limit, the line
  // after it (else a JSON-lines file whose first line is too long reads as one JSON document).
  const probe = new SniffHead(SNIFF_BYTES, maxLine);
  for (;;) {
    const enough = !probe.needsMore();
    if (enough) {
      if (!timed && bytes > checked) {
        // Only the new part is searched (from the last line start before it).
        const from = Math.max(0, checked - 256);
        timed = TIMED_LINE.test(Buffer.concat(chunks).subarray(from).toString('latin1'));
        checked = bytes;
      }
      if (timed || bytes >= MAX_HEAD_BYTES) break;
    }
    const r = await it.next();
    if (r.done === true) {
      eof = true;
      break;
    }
    const b = toBuffer(r.value);
    if (b.length === 0) continue;
    chunks.push(b);
    bytes += b.length;
    probe.push(b);
  }
  return { chunks, bytes, eof };
}

/** How to read a file made of lines: everything sniffing decided but the dates. */
export interface LinePlan {
  mode: LineMode;
  wrapper: Wrapper;
  format: LineFormat;
  component: string | null;
  node: string | null;
}

/** What a file's first bytes say: how to read it, and what its dates need. */
export type HeadAnalysis =
  | { kind: 'empty' }
  | { kind: 'binary'; reason: string }
  | { kind: 'document'; sample: string[] }
  | {
      kind: 'lines';
      plan: LinePlan;
      sample: string[];
      /** Its stamps carry no year (journald short, bare klog, dmesg): dating needs evidence. */
      yearless: boolean;
      /** Plain text whose first line carries no time: its leading lines need a time from elsewhere. */
      undated: boolean;
      /** The first year-less stamp, and what the file itself says about year and zone. */
      first: LocalStamp | null;
      inFile: InFileEvidence | null;
    };

/** File names that are documents, not logs, whatever their lines look like. */
const DOCUMENT_NAME =
  /\.(ya?ml|toml|ini|conf|cfg|properties|md|markdown|html?|xml|pem|crt|tf|hcl|bak)$|^(images\.log|inspect\.json|kubernetes-version\.txt|docker-info\.txt|podman-info\.txt|nerdctl-info\.txt|kind-version\.txt|version\.txt)$/i;
/** Paths of logs: an undated text file there is still a log (a container's stdout). */
const LOG_PATH =
  /(\.log(\.\d+)?|\.logs|[-_.]log\.txt|^logs\.txt|\/logs\.txt|journal\.\w+)$|\/(pods|containers|logs|var\/log)\//i;

/**
 * Decides how to read a file from its first bytes (`head`, up to {@link SNIFF_BYTES} plus one whole
 * line; `eof` when that is the whole file) and its path hints. Line lengths are cut at `maxLine`.
 */
export function analyzeHead(
  head: Buffer,
  eof: boolean,
  path: string,
  hints: PathHints,
  maxLine: number,
): HeadAnalysis {
  if (head.length === 0) return { kind: 'empty' };
  const binary = binaryReason(head);
  if (binary !== null) return { kind: 'binary', reason: binary };
  const probe = new SniffHead(SNIFF_BYTES, maxLine);
  probe.push(head);
  const window = head.subarray(0, Math.min(head.length, probe.windowBytes()));
  const parts = window.toString('utf8').split('\n');
  const wholeWindow = eof && window.length === head.length;
  if (!wholeWindow && parts.length > 1) parts.pop();
  const sample = parts
    .slice(0, SNIFF_LINES)
    .map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l).slice(0, maxLine));
  if (sample.length > 0 && sample[0]?.charCodeAt(0) === 0xfeff) sample[0] = sample[0].slice(1);
  const sniffed = sniffLines(sample, hints, wholeWindow && parts.length <= SNIFF_LINES);
  if (sniffed.kind === 'document') {
    return { kind: 'document', sample };
  }
  const plan = planOf(sniffed, path, hints, sample);
  // Past a long untimed preamble, the dates are judged on the first timed lines.
  const timed = sample.some(hasOwnTime) ? sample : timedLines(head, maxLine);
  if (
    timed !== sample &&
    plan.mode === 'payload' &&
    plan.wrapper === 'none' &&
    plan.format === 'text' &&
    timed.some((l) => parseKlogHeader(l) !== null)
  )
    plan.format = 'klog';
  // Year-less stamps: journald's prefix, dmesg's, and klog headers in a bare file — also when the
  // file opens with other lines (an RKE kubelet's shell trace before its klog output).
  const yearless =
    plan.mode === 'dmesg' ||
    (plan.mode === 'payload' &&
      (plan.wrapper === 'journald' ||
        (plan.wrapper === 'none' &&
          (plan.format === 'klog' || timed.some((l) => parseKlogHeader(l) !== null)))));
  // Plain text whose first line has no time: its leading lines (or all) need one from elsewhere.
  const firstLine = sample.find((l) => l.trim().length > 0);
  const undated =
    plan.mode === 'payload' &&
    plan.wrapper === 'none' &&
    firstLine !== undefined &&
    parseKlogHeader(firstLine) === null &&
    !hasOwnTime(firstLine);
  return {
    kind: 'lines',
    plan,
    sample,
    yearless,
    undated,
    first: yearless ? firstLocalStamp(timed) : null,
    inFile: yearless ? inFileEvidence(timed) : null,
  };
}

/** The first {@link SNIFF_LINES} lines of `head` from its first timed line on (none: empty). */
function timedLines(head: Buffer, maxLine: number): string[] {
  const lines = head.toString('utf8').split('\n');
  const at = lines.findIndex((l) => hasOwnTime(l.slice(0, maxLine)));
  return at < 0
    ? []
    : lines.slice(at, at + SNIFF_LINES).map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l).slice(0, maxLine));
}

/** A line that carries a time of its own (any shape this package reads). */
function hasOwnTime(l: string): boolean {
  return (
    /^\[[A-Z][a-z]{2}\d{1,2} \d\d:\d\d\]/.test(l) ||
    parseKlogHeader(l) !== null ||
    parseJournaldLine(l) !== null ||
    parseCriLine(l) !== null ||
    (looksLikeLogfmt(l) && /\b(time|ts|t)=/.test(l)) ||
    parseTimestampedText(l, 0) !== null ||
    embeddedDateNs(l, 0) !== null
  );
}

function planOf(
  sniffed: Extract<Sniffed, { kind: 'lines' }>,
  path: string,
  hints: PathHints,
  sample: string[],
): LinePlan {
  const base: LinePlan = {
    mode: sniffed.mode,
    wrapper: sniffed.wrapper,
    format: sniffed.format,
    component: hints.component ?? sniffed.component,
    node: hints.node ?? sniffed.node,
  };
  // A plain text log that names no component is its own: `serial.log` → serial, `alternatives.log`.
  if (base.component === null && base.mode === 'payload' && base.wrapper === 'none' && base.format === 'text')
    base.component = stemOf(path);
  const byContent = hints.content === null ? undefined : CONTENT_PLANS[hints.content];
  if (byContent !== undefined) return { ...base, ...byContent, wrapper: 'none' };
  if (base.mode === 'payload' && base.wrapper === 'none' && base.format === 'text') {
    const name = path.split('/').at(-1) ?? path;
    const isLogPlace =
      LOG_PATH.test(`/${path}`) || hints.pod !== null || hints.container !== null || hints.component !== null;
    if (DOCUMENT_NAME.test(name) || (!isLogPlace && !sample.some(hasOwnTime) && !sample.some(hasLevel)))
      return { ...base, mode: 'doc' };
  }
  return base;
}

/** Contents whose path (or section header) fixes how their lines are read. */
const CONTENT_PLANS: Partial<Record<NonNullable<PathHints['content']>, Pick<LinePlan, 'mode' | 'format'>>> = {
  'minikube-audit': { mode: 'minikube-audit', format: 'table' },
  'container-status': { mode: 'container-status', format: 'table' },
  dmesg: { mode: 'dmesg', format: 'text' },
  document: { mode: 'doc', format: 'text' },
};

/** A line with a log level marker (`[INFO]`, `WARN`, `level=error`, `ERROR:`). */
function hasLevel(l: string): boolean {
  return /(^|[\s[(])(INFO|WARN(ING)?|ERROR|DEBUG|FATAL|TRACE)([\s\]):]|$)|\blevel=\w/.test(l);
}

/** `kind-control-plane/serial.log` → `serial`: a file's name without folders and extensions. */
function stemOf(path: string): string | null {
  const name = (path.split(' › ')[0] ?? path).split('/').at(-1) ?? '';
  const stem = name.replace(/(\.(log|txt|out|gz|\d+))+$/i, '');
  return stem.length > 0 && stem.length <= 64 ? stem : null;
}
