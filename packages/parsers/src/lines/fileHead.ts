import type { FileEvent } from './events.ts';

const toBuffer = (c: unknown): Buffer =>
  Buffer.isBuffer(c) ? c : typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c as Uint8Array);

/**
 * A file that `copytruncate` rotated while its writer kept its offset starts with a run of NUL
 * bytes (a sparse hole as long as the file was), then the lines written since. The NUL run is
 * dropped here, before sniffing (which would call the file binary), and reported once; the lines
 * after it are read as usual.
 */
export class LeadingNuls {
  private skippedBytes = 0;
  private done = false;
  readonly input: AsyncIterable<unknown>;

  constructor(source: AsyncIterable<unknown>) {
    this.input = { [Symbol.asyncIterator]: () => this.iterate(source[Symbol.asyncIterator]()) };
  }

  private async *iterate(it: AsyncIterator<unknown>): AsyncGenerator<Buffer> {
    for (let r = await it.next(); r.done !== true; r = await it.next()) {
      let b = toBuffer(r.value);
      if (!this.done) {
        let i = 0;
        while (i < b.length && b[i] === 0) i++;
        this.skippedBytes += i;
        if (i === b.length) continue;
        this.done = true;
        b = b.subarray(i);
      }
      yield b;
    }
  }

  /**
   * Passes the parser's batches on, with one skip for the NUL run after the file's `info` event
   * (none when the rest is binary anyway), and the NUL bytes counted in `progress`.
   */
  async *annotate(batches: AsyncIterable<FileEvent[]>): AsyncGenerator<FileEvent[]> {
    let first = true;
    for await (const batch of batches) {
      if (this.skippedBytes > 0) {
        for (const e of batch) if (e.type === 'progress') e.bytes += this.skippedBytes;
        const binary = batch.some(
          (e) => e.type === 'skip' && e.skip.line === null && e.skip.reason.startsWith('binary'),
        );
        if (first && !binary) {
          const at = batch.findIndex((e) => e.type === 'info') + 1;
          batch.splice(at, 0, {
            type: 'skip',
            skip: {
              line: 1,
              reason: `${this.skippedBytes} NUL bytes at the start of the file skipped (left by copytruncate rotation); the lines after them are kept`,
            },
          });
        }
      }
      first = false;
      yield batch;
    }
  }
}

/**
 * How much of a file's head to read before sniffing its format: the sniff window, and at least one
 * whole line. A first line longer than the line limit cannot be read (it is cut), so reading goes
 * on to the line after it — within {@link maxHeadBytes} — else a JSON-lines file whose first line is
 * over the limit would be taken for one JSON document.
 */
export class SniffHead {
  bytes = 0;
  private firstNewline = -1;
  private secondNewline = -1;

  constructor(
    private readonly sniffBytes: number,
    private readonly maxLine: number,
  ) {}

  /** The most read ahead of the parser (held in memory): a few line limits. */
  get maxHeadBytes(): number {
    return this.sniffBytes + 4 * this.maxLine;
  }

  push(b: Buffer): void {
    let from = 0;
    while (this.secondNewline === -1) {
      const i = b.indexOf(10, from);
      if (i === -1) break;
      if (this.firstNewline === -1) this.firstNewline = this.bytes + i;
      else this.secondNewline = this.bytes + i;
      from = i + 1;
    }
    this.bytes += b.length;
  }

  /** True while the head lacks what sniffing needs. */
  needsMore(): boolean {
    if (this.bytes < this.sniffBytes) return true;
    if (this.firstNewline === -1) return this.bytes <= this.maxLine || this.firstLineTooLong();
    return this.firstNewline > this.maxLine && this.secondNewline === -1 && this.bytes <= this.maxHeadBytes;
  }

  private firstLineTooLong(): boolean {
    return this.bytes > this.maxLine && this.bytes <= this.maxHeadBytes;
  }

  /** How many bytes of the head to sniff: the window, or through the line after an over-long first. */
  windowBytes(): number {
    const base = Math.max(this.sniffBytes, this.maxLine + 1);
    return this.firstNewline > this.maxLine && this.secondNewline !== -1
      ? Math.max(base, this.secondNewline + 1)
      : base;
  }
}
