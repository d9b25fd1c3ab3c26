import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

/** A member's bytes kept on local disk until the rest of the bundle has been read. */
export interface Spooled {
  file: string;
  bytes: number;
  /** Physical lines (newlines, plus a last unterminated line). */
  lines: number;
  crc: number;
}

const READ_HIGH_WATER_MARK = 1024 * 1024;

/**
 * Temporary files for members read later than their place in the bundle: year-less logs waiting
 * for the bundle's full dates, journals waiting to know which units have files of their own, and
 * possible duplicates whose content is compared first. One directory per ingest, removed at the end.
 */
export class Spool {
  private dir: string | null = null;
  private n = 0;

  /** Writes a stream to a new spool file, counting bytes, lines and the CRC-32 on the way. */
  async write(source: AsyncIterable<Buffer>): Promise<Spooled> {
    this.dir ??= await mkdtemp(join(tmpdir(), 'kubetrail-spool-'));
    const file = join(this.dir, String(this.n++));
    const out = createWriteStream(file);
    let bytes = 0;
    let newlines = 0;
    let last = -1;
    let crc = 0;
    try {
      for await (const chunk of source) {
        bytes += chunk.length;
        crc = crc32(chunk, crc);
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) newlines++;
        last = chunk[chunk.length - 1] ?? last;
        if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', resolve));
      }
    } finally {
      await new Promise<void>((resolve, reject) => {
        out.once('error', reject);
        out.end(resolve);
      });
    }
    return { file, bytes, lines: newlines + (bytes > 0 && last !== 10 ? 1 : 0), crc };
  }

  read(s: Spooled): AsyncIterable<Buffer> {
    return createReadStream(s.file, { highWaterMark: READ_HIGH_WATER_MARK }) as AsyncIterable<Buffer>;
  }

  async remove(s: Spooled): Promise<void> {
    await rm(s.file, { force: true });
  }

  /** Removes every spool file of this ingest. */
  async dispose(): Promise<void> {
    if (this.dir !== null) await rm(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}
