import type { PathHints } from './types.ts';
import { noPathHints } from './classifyPath.ts';
import { clusterInfoDumpSections, isClusterInfoStream } from './clusterInfoStream.ts';
import { isMinikubeLogs, minikubeSections } from './minikubeLogs.ts';

/** A file made of parts, each the log (or object list) of something else. */
export type SectionedLayout = 'minikube-logs' | 'cluster-info-stream';

/** What a section header line says about the lines under it. */
export interface SectionHead {
  /** Short name: `kube-apiserver [0e43ac4c291d]`, `kube-system/pods`, `logs kube-system/etcd-m/etcd`. */
  name: string;
  hints: PathHints;
  /**
   * For `minikube logs`: the zone (minutes east of UTC) its Audit table was written in, which is
   * also the zone of the `Last Start` section (minikube's own log on the same machine).
   */
  zoneMinutes?: number | null;
  /** A prefix to drop from the section's first content line (old minikube's `* `). */
  stripFirst?: string;
  /**
   * Renames the section from its first content lines (up to 4), for sections whose header says
   * nothing (a pretty-printed JSON document opens with `{`; its kind is on the next lines).
   */
  nameFrom?: (lines: readonly string[]) => SectionHead;
}

/** One part of a sectioned file: its head, and its content lines (each ending in `\n`). */
export interface Section {
  head: SectionHead;
  /** 1-based physical line of the file where the content starts. */
  firstLine: number;
  /** The content, streamed; must be consumed (or abandoned) before the next section is asked for. */
  body: AsyncIterable<Buffer>;
}

/**
 * Decides from a file's first lines whether it is made of sections (`minikube logs --file`, the
 * single-stream `kubectl cluster-info dump`, also when pasted into a text or Markdown file).
 * `fileName` keeps a lone `nodes.json` of a dump directory from being read as a stream.
 */
export function sectionedLayout(headLines: readonly string[], fileName: string): SectionedLayout | null {
  if (isMinikubeLogs(headLines)) return 'minikube-logs';
  if (isClusterInfoStream(headLines, fileName)) return 'cluster-info-stream';
  return null;
}

/** How one layout reads its lines: a state machine fed every line in order. */
export interface SectionRules {
  line(text: string, lineNo: number): SectionAction;
}

/**
 * - `content`: the line belongs to the current section (or to a `text` section).
 * - `header`: the line opens a new section and is not content.
 * - `start`: a new section opens with this line as its first content line.
 * - `last`: the line is the current section's last content line.
 * - `footer`: the line closes the current section and is not content.
 */
export type SectionAction =
  | { type: 'content' }
  | { type: 'header'; head: SectionHead }
  | { type: 'start'; head: SectionHead }
  | { type: 'last' }
  | { type: 'footer' };

/** Bytes per chunk handed to a section's parser. */
const CHUNK_BYTES = 64 * 1024;
/** Content lines read ahead to name a section whose header says nothing. */
const PEEK_LINES = 4;

interface Pending {
  head: SectionHead;
  startLine: number;
  /** Content lines already read (the section's first lines). */
  lines: Buffer[];
  /** The section already ended within `lines` (a tiny section). */
  closed: boolean;
}

/**
 * Splits a sectioned file into sections, pulling from `source` only as fast as the sections are
 * read: memory holds one chunk and a few lines. Lines outside every section (prose around a pasted
 * dump, Markdown fences, blank lines) form sections named `text`. Header and footer lines are not
 * content of any section.
 */
export async function* splitSections(
  source: AsyncIterable<Buffer>,
  layout: SectionedLayout,
): AsyncGenerator<Section> {
  const rules = layout === 'minikube-logs' ? minikubeSections() : clusterInfoDumpSections();
  const reader = new LineReader(source[Symbol.asyncIterator]());
  let lineNo = 0;
  let eof = false;
  let next: Pending | null = null;
  /** A line read ahead (by `open`) that belongs after the section being opened. */
  let queued: { line: Buffer; action: SectionAction; no: number } | null = null;
  // Lines outside every section (prose and fences around a pasted dump) are no log: a document.
  const textHead = (): SectionHead => ({
    name: 'text',
    hints: {
      ...noPathHints(),
      content: 'document',
      layout: layout === 'minikube-logs' ? 'minikube' : 'cluster-info',
    },
  });

  /** Reads one line and what it means; null at the end of the file. */
  const read = async (): Promise<{ line: Buffer; action: SectionAction; no: number } | null> => {
    const line = await reader.next();
    if (line === null) {
      eof = true;
      return null;
    }
    lineNo++;
    return { line, action: rules.line(decodeHead(line), lineNo), no: lineNo };
  };

  /** Opens a section with `head`; reads ahead when the head wants its first lines to name it. */
  const open = async (head: SectionHead, startLine: number, first: Buffer | null): Promise<Pending> => {
    const p: Pending = { head, startLine, lines: first === null ? [] : [first], closed: false };
    if (head.nameFrom === undefined) return p;
    while (p.lines.length < PEEK_LINES && !p.closed) {
      const r = await read();
      if (r === null) break;
      if (r.action.type === 'content' || r.action.type === 'last') {
        p.lines.push(r.line);
        if (r.action.type === 'last') p.closed = true;
      } else {
        p.closed = true;
        queued = r;
      }
    }
    p.head = head.nameFrom(p.lines.map((l) => decodeHead(l)));
    return p;
  };

  /** Turns a line's action into the next section to open (null: the line was a footer). */
  const sectionFrom = async (r: {
    line: Buffer;
    action: SectionAction;
    no: number;
  }): Promise<Pending | null> => {
    switch (r.action.type) {
      case 'header':
        return open(r.action.head, r.no + 1, null);
      case 'start':
        return open(r.action.head, r.no, r.line);
      case 'footer':
        return null;
      case 'content':
      case 'last':
        return { head: textHead(), startLine: r.no, lines: [r.line], closed: r.action.type === 'last' };
    }
  };

  for (;;) {
    let current: Pending | null = next;
    next = null;
    while (current === null) {
      const r = queued ?? (await read());
      queued = null;
      if (r === null) return;
      current = await sectionFrom(r);
    }
    const section = current;
    let reachedEnd = section.closed && queued === null;
    let started = false;
    /** The line that ended this section by opening the next one. */
    let ender: { line: Buffer; action: SectionAction; no: number } | null = null;

    const body = async function* (): AsyncGenerator<Buffer> {
      const parts: Buffer[] = [];
      let bytes = 0;
      let strip = section.head.stripFirst;
      const add = (line: Buffer): void => {
        let b = line;
        if (strip !== undefined) {
          if (decodeHead(b).startsWith(strip)) b = b.subarray(strip.length);
          strip = undefined;
        }
        parts.push(b, NEWLINE);
        bytes += b.length + 1;
      };
      for (const l of section.lines) add(l);
      section.lines = [];
      if (!section.closed) {
        for (;;) {
          if (bytes >= CHUNK_BYTES) {
            const out = Buffer.concat(parts);
            parts.length = 0;
            bytes = 0;
            yield out;
          }
          const r = queued ?? (await read());
          queued = null;
          if (r === null) break;
          if (r.action.type === 'content') {
            add(r.line);
            continue;
          }
          if (r.action.type === 'last') add(r.line);
          else if (r.action.type !== 'footer') ender = r;
          break;
        }
      }
      reachedEnd = true;
      if (parts.length > 0) yield Buffer.concat(parts);
    };
    const content: AsyncIterable<Buffer> = {
      [Symbol.asyncIterator]: () => {
        if (started) throw new Error('a section body can be read once');
        started = true;
        return body();
      },
    };
    yield { head: section.head, firstLine: section.startLine, body: content };
    // Whatever the consumer left unread of this section is read here and dropped.
    if (!reachedEnd) {
      if (started) await skipRest();
      else for await (const _ of body()) void _;
    }
    if (ender !== null) next = await sectionFrom(ender);
    else if (queued !== null && section.closed) {
      const q: { line: Buffer; action: SectionAction; no: number } = queued;
      queued = null;
      next = await sectionFrom(q);
    }
    if (eof && next === null && queued === null) return;

    /** Reads the rest of a section whose reader stopped early. */
    async function skipRest(): Promise<void> {
      for (;;) {
        const r = queued ?? (await read());
        queued = null;
        if (r === null) return;
        if (r.action.type === 'content') continue;
        if (r.action.type !== 'footer' && r.action.type !== 'last') ender = r;
        return;
      }
    }
  }
}

const NEWLINE = Buffer.from('\n');

/** The start of a line as text, enough to recognise a header (headers are short). */
function decodeHead(line: Buffer): string {
  const end = line.length > 0 && line[line.length - 1] === 13 ? line.length - 1 : line.length;
  return line.toString('utf8', 0, Math.min(end, 512));
}

/** Reads byte lines (without `\n`) from a chunk iterator, holding one chunk and one line. */
class LineReader {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private done = false;

  constructor(private readonly it: AsyncIterator<unknown>) {}

  async next(): Promise<Buffer | null> {
    for (;;) {
      const nl = this.buf.indexOf(10, this.pos);
      if (nl !== -1) {
        const line = this.buf.subarray(this.pos, nl);
        this.pos = nl + 1;
        return line;
      }
      if (this.done) {
        if (this.pos < this.buf.length) {
          const line = this.buf.subarray(this.pos);
          this.pos = this.buf.length;
          return line;
        }
        return null;
      }
      const r = await this.it.next();
      if (r.done === true) {
        this.done = true;
        continue;
      }
      const v = r.value;
      const chunk = Buffer.isBuffer(v)
        ? v
        : typeof v === 'string'
          ? Buffer.from(v, 'utf8')
          : Buffer.from(v as Uint8Array);
      const rest = this.buf.subarray(this.pos);
      this.buf = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
      this.pos = 0;
    }
  }
}
