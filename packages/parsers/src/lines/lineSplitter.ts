import { StringDecoder } from 'node:string_decoder';

/** A physical line cut at the configured limit. */
export interface CutLine {
  /** 1-based line number. */
  line: number;
  /** Length of the whole line in bytes (approximate: UTF-16 units of the decoded text). */
  length: number;
}

/**
 * Splits a byte stream into physical lines without ever holding more than one (capped) line plus
 * one chunk. Invalid UTF-8 becomes U+FFFD; a trailing `\r` is stripped (CRLF files). A line longer
 * than `maxLineChars` keeps its first `maxLineChars` characters and is reported in `cut`.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private carry = '';
  /** True while dropping the tail of an over-long line. */
  private discarding = false;
  private discardedLength = 0;
  /** Physical lines completed so far. */
  lineCount = 0;
  /** Over-long lines completed since the last `takeCut()`. */
  private cut: CutLine[] = [];

  constructor(private readonly maxLineChars: number) {}

  /** Lines completed by this chunk, in order. Line numbers run from `lineCount - out.length + 1`. */
  push(chunk: Buffer): string[] {
    return this.split(this.decoder.write(chunk), false);
  }

  /** Flushes the last line (a file need not end in a newline). */
  end(): string[] {
    return this.split(this.decoder.end(), true);
  }

  takeCut(): CutLine[] {
    const c = this.cut;
    if (c.length > 0) this.cut = [];
    return c;
  }

  private split(text: string, final: boolean): string[] {
    const out: string[] = [];
    const max = this.maxLineChars;
    let pos = 0;
    const len = text.length;
    while (pos <= len) {
      const nl = text.indexOf('\n', pos);
      if (nl === -1) {
        // Unfinished line: keep (a capped part of) it.
        const rest = pos === 0 ? text : text.slice(pos);
        if (this.discarding) {
          this.discardedLength += rest.length;
        } else if (this.carry.length + rest.length > max) {
          const whole = this.carry + rest;
          this.carry = whole.slice(0, max);
          this.discarding = true;
          this.discardedLength = whole.length - max;
        } else {
          this.carry = this.carry.length === 0 ? rest : this.carry + rest;
        }
        break;
      }
      let line: string;
      if (this.discarding) {
        this.discardedLength += nl - pos;
        line = this.carry;
        this.cut.push({ line: this.lineCount + 1, length: line.length + this.discardedLength });
        this.discarding = false;
        this.discardedLength = 0;
      } else {
        line = this.carry.length === 0 ? text.slice(pos, nl) : this.carry + text.slice(pos, nl);
        if (line.length > max) {
          this.cut.push({ line: this.lineCount + 1, length: line.length });
          line = line.slice(0, max);
        }
      }
      this.carry = '';
      if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
      out.push(line);
      this.lineCount++;
      pos = nl + 1;
    }
    if (final && (this.carry.length > 0 || this.discarding)) {
      let line = this.carry;
      if (this.discarding) {
        this.cut.push({ line: this.lineCount + 1, length: line.length + this.discardedLength });
      }
      if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
      out.push(line);
      this.lineCount++;
      this.carry = '';
      this.discarding = false;
      this.discardedLength = 0;
    }
    return out;
  }
}
