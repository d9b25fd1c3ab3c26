import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';

export type InputKind = 'tar' | 'tar.gz' | 'zip' | 'gzip' | 'plain';

/** tar's header is 512 bytes; the `ustar` magic sits at offset 257. */
const HEAD_BYTES = 512;

/**
 * What an input file is, by its first bytes rather than its name (uploads arrive as temp files with
 * no extension): gzip `1f 8b`, zip `PK\x03\x04` (or `PK\x05\x06`, an empty zip), tar `ustar` at 257.
 * A gzip file is a `.tar.gz` when its first decompressed block has the tar magic. The name only
 * decides for pre-POSIX tars, which have no magic: `*.tar` / `*.tgz` / `*.tar.gz` are then read as tar.
 */
export async function sniffInput(file: string, name: string): Promise<InputKind> {
  const head = await readHead(file);
  const namedTar = /\.(tar|tgz|tar\.gz)$/i.test(name);
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    const inner = await gunzipHead(file);
    return isTar(inner) || (namedTar && inner.length >= HEAD_BYTES) ? 'tar.gz' : 'gzip';
  }
  if (head.length >= 4 && head.readUInt32BE(0) === 0x504b0304) return 'zip';
  if (head.length >= 4 && head.readUInt32BE(0) === 0x504b0506) return 'zip';
  if (isTar(head) || (namedTar && head.length >= HEAD_BYTES)) return 'tar';
  return 'plain';
}

function isTar(head: Buffer): boolean {
  return head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar';
}

async function readHead(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * The first decompressed bytes of a gzip file. Fed a few KiB at a time and stopped as soon as a tar
 * header's worth is out, so a gzip bomb costs nothing here; a corrupt stream just gives what it gave.
 */
async function gunzipHead(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  const gunzip = createGunzip();
  const chunks: Buffer[] = [];
  let total = 0;
  gunzip.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    total += chunk.length;
  });
  let failed = false;
  gunzip.on('error', () => {
    failed = true;
  });
  try {
    const input = Buffer.alloc(4096);
    let position = 0;
    while (total < HEAD_BYTES && position < 256 * 1024 && !failed) {
      const { bytesRead } = await handle.read(input, 0, input.length, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      // A stream corrupt from its first byte errors without ever calling the write callback: wait
      // for whichever comes first, or this (and the whole ingest) waits forever.
      await new Promise<void>((resolve) => {
        const done = (): void => {
          gunzip.off('error', done);
          resolve();
        };
        gunzip.once('error', done);
        gunzip.write(input.subarray(0, bytesRead), () => done());
      });
      // Let zlib's output events run before we look at `total`.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (gunzip.destroyed) break;
    }
  } finally {
    gunzip.destroy();
    await handle.close();
  }
  return Buffer.concat(chunks);
}
