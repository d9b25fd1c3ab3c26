import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';

/** Characters a message written as is may not hold (see `FtsSpill`). */
// eslint-disable-next-line no-control-regex -- the separators are control characters by design
const RESERVED = /[\u0000-\u0004]/;

/** One entry of the spill (without its \x00 terminator). */
export function decodeEntry(e: string): [string, string | null] {
  if (e.charCodeAt(0) === 4) return JSON.parse(e.slice(1)) as [string, string | null];
  const at = e.indexOf('\u0001');
  const fields = e.slice(at + 1);
  return [e.slice(0, at), fields === '\u0003' ? null : fields];
}

/** Bytes buffered before a write to the spill file. */
const WRITE_CHUNK = 1024 * 1024;

/**
 * What the full-text index is built from, kept on local disk while a bundle's records are written,
 * one entry per record in record order (ADR 0041). The index is contentless, and the records' rows
 * no longer hold their message: the text the parse produced is kept here until the index is built,
 * then removed. An entry is `message \x01 logFields \x00` (logFields \x03 when null); a message
 * holding one of \x00–\x04 is written as `\x04` + JSON `[message, logFields]` instead.
 * `ftsWorker.ts` reads the same format.
 */
export class FtsSpill {
  private readonly dir = mkdtempSync(join(tmpdir(), 'kubetrail-fts-'));
  readonly file = join(this.dir, 'fts.jsonl');
  private readonly fd = openSync(this.file, 'w');
  private parts: string[] = [];
  private size = 0;
  private closed = false;
  /** Records added. */
  count = 0;
  /** Characters of text added: what the full-text index will be built from. */
  chars = 0;

  add(message: string, logFields: string | null): void {
    const line = RESERVED.test(message)
      ? `\u0004${JSON.stringify([message, logFields])}\u0000`
      : `${message}\u0001${logFields ?? '\u0003'}\u0000`;
    this.parts.push(line);
    this.size += line.length;
    this.chars += line.length;
    this.count++;
    if (this.size >= WRITE_CHUNK) this.flush();
  }

  private flush(): void {
    if (this.parts.length === 0) return;
    writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }

  /** Writes what is buffered and closes the file (it can then be read, here or in a worker). */
  close(): void {
    if (this.closed) return;
    this.flush();
    closeSync(this.fd);
    this.closed = true;
  }

  /** Each record's `[message, logFields]`, in order (after `close`). */
  *entries(): Generator<[string, string | null]> {
    const fd = openSync(this.file, 'r');
    try {
      const buf = Buffer.alloc(WRITE_CHUNK);
      const decoder = new StringDecoder('utf8');
      let rest = '';
      for (;;) {
        const n = readSync(fd, buf, 0, buf.length, null);
        if (n === 0) break;
        const text = rest + decoder.write(buf.subarray(0, n));
        const entries = text.split('\u0000');
        rest = entries.pop() ?? '';
        for (const e of entries) yield decodeEntry(e);
      }
    } finally {
      closeSync(fd);
    }
  }

  remove(): void {
    this.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
