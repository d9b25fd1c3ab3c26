import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';

/**
 * Raw text in compressed blocks (migration 0009, ADR 0040): records' texts are appended in the
 * order they are written, joined by newlines, and each ~64 KiB of text is compressed as one block.
 * A record keeps its block number and where its text is in the block's decoded text.
 */

/** Decoded characters per block before it is closed (a longer text gets a block of its own). */
export const BLOCK_CHARS = 64 * 1024;

/** Codec ids stored with each block. */
export const CODEC_BROTLI = 1;

/**
 * brotli at quality 1 with a size hint: on this machine's bundles 11.2× smaller than the text at
 * 0.67 µs a line, against deflate level 1's 10.2× at 1.14 µs (ADR 0040).
 */
export function compressBlock(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  return brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 1,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
    },
  });
}

export function decompressBlock(codec: number, data: Buffer): string {
  if (codec !== CODEC_BROTLI) throw new Error(`unknown block codec ${codec}`);
  return brotliDecompressSync(data).toString('utf8');
}

/** Where a record's text is: its block (bundle-local number) and its range in the decoded text. */
export interface RawLocation {
  block: number;
  pos: number;
  len: number;
}

/**
 * Collects texts into blocks. `add` returns where a text will be; `flush` hands the current block
 * (if any) to `write`. Consecutive records with the very same text (the state facts of one List
 * item) share one copy.
 */
export class RawBlockWriter {
  private parts: string[] = [];
  private chars = 0;
  private lastText: string | null = null;
  private last: RawLocation = { block: 0, pos: 0, len: 0 };

  constructor(
    private nextBlock: number,
    private readonly write: (block: number, codec: number, chars: number, data: Buffer) => void,
  ) {}

  add(text: string): RawLocation {
    if (text === this.lastText) return this.last;
    if (this.chars > 0 && this.chars + text.length > BLOCK_CHARS) this.flush();
    const loc = { block: this.nextBlock, pos: this.chars, len: text.length };
    this.parts.push(text);
    this.chars += text.length + 1;
    this.lastText = text;
    this.last = loc;
    return loc;
  }

  /** Compresses and writes the open block, if it holds anything. */
  flush(): void {
    if (this.parts.length === 0) return;
    const text = this.parts.join('\n');
    this.write(this.nextBlock++, CODEC_BROTLI, text.length, compressBlock(text));
    this.parts = [];
    this.chars = 0;
    this.lastText = null;
  }
}

/**
 * Decoded blocks recently read, up to `maxChars` characters in all (a page of search hits or a
 * timeline's marks reads a few blocks again and again). Keyed by the bundle's public id and the
 * block number, never by rowid: a deleted bundle's key is reused by the next one, while a bundle id
 * names its content, and the same content gives the same blocks.
 */
export class BlockCache {
  private readonly blocks = new Map<string, string>();
  private chars = 0;

  constructor(
    private readonly load: (key: bigint, block: number) => { codec: number; data: Buffer } | undefined,
    private readonly maxChars = 32 * 1024 * 1024,
  ) {}

  /**
   * The text at [pos, pos + len) of a block of bundle `bundleId` (key `key`), or null when the
   * block is missing (an interrupted ingest).
   */
  text(bundleId: string, key: bigint, block: number, pos: number, len: number): string | null {
    const text = this.block(bundleId, key, block);
    return text === null ? null : text.slice(pos, pos + len);
  }

  /** Whether block `block` of bundle `bundleId` is decoded here (then `text` reads nothing). */
  has(bundleId: string, block: number): boolean {
    return this.blocks.has(`${bundleId}\u0000${block}`);
  }

  /**
   * Decodes and keeps a block read by the caller (a search reads blocks in its own statement: the
   * connection cannot run another one meanwhile).
   */
  put(bundleId: string, block: number, codec: number, data: Buffer): void {
    const id = `${bundleId}\u0000${block}`;
    if (!this.blocks.has(id)) this.keep(id, decompressBlock(codec, data));
  }

  private keep(id: string, text: string): void {
    this.blocks.set(id, text);
    this.chars += text.length;
    while (this.chars > this.maxChars && this.blocks.size > 1) {
      const oldest = this.blocks.keys().next();
      if (oldest.done) break;
      this.chars -= this.blocks.get(oldest.value)?.length ?? 0;
      this.blocks.delete(oldest.value);
    }
  }

  private block(bundleId: string, key: bigint, block: number): string | null {
    const id = `${bundleId}\u0000${block}`;
    const hit = this.blocks.get(id);
    if (hit !== undefined) {
      this.blocks.delete(id);
      this.blocks.set(id, hit);
      return hit;
    }
    const row = this.load(key, block);
    if (row === undefined) return null;
    const text = decompressBlock(row.codec, row.data);
    this.keep(id, text);
    return text;
  }

  clear(): void {
    this.blocks.clear();
    this.chars = 0;
  }
}
