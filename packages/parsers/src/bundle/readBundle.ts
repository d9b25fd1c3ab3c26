import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { BundleMember } from './bundleMember.ts';
import { DecompressBudget } from './decompressBudget.ts';
import { createReadContext, plausibleMtimeMs, type ReadContext } from './readContext.ts';
import { readDirectory } from './readDirectory.ts';
import { readTar } from './readTar.ts';
import { readZip } from './readZip.ts';
import { sniffInput } from './sniffInput.ts';
import type { BundleItem, Limits } from './types.ts';

const READ_HIGH_WATER_MARK = 1024 * 1024;

/**
 * Reads a bundle on disk — a directory, `.tar`, `.tar.gz`/`.tgz`, `.zip`, a single `.gz` or a plain
 * file — as a stream of entries, never holding a whole file in memory. The kind of input is taken
 * from its first bytes (gzip, zip, tar magic), not its name.
 *
 * Order is deterministic: archive order for tar, central-directory order for zip, sorted relative
 * paths for a directory. Entry paths are relative and `/`-separated, as stored in the archive
 * (including its top folder); a directory's are relative to it; a single file's is its base name
 * (without `.gz` for a gzip file).
 *
 * Contract for consumers: read (or ignore) each entry before asking for the next item. Asking for the
 * next item ends the previous entry: if it was never opened it is skipped (tar members are drained,
 * since tar is sequential), and if it is still being read its stream is destroyed and the rest of its
 * bytes discarded. `open()` may be called once.
 *
 * Entry streams never emit errors. When a member breaks mid-way (truncated archive, corrupt or
 * truncated gzip, decompressed size limit) its stream ends early with the good bytes, and a `problem`
 * item with the same path follows the entry. Members that start with the gzip magic are gunzipped
 * transparently (their path keeps the `.gz`; `size` is then null).
 *
 * Refused, as `problem` items, with the rest of the bundle still read: absolute paths and `..`
 * segments (zip-slip), symlinks and hardlinks, device files, fifos and sockets, encrypted or
 * unsupported zip members, duplicate paths, and nested archives (`*.tar*`, `*.zip`…: not opened,
 * a deliberate limit). Directories are skipped silently. An archive with no files yields one problem
 * `empty archive`. `limits.maxDecompressedBytes` bounds the decompressed bytes of the whole call
 * (outer gunzip, zip inflate and member gunzip together); once a `.tar.gz`'s own stream runs over it,
 * the rest of that archive is not read. Because the limit is bundle-wide, once it is spent every later
 * decompressed member also stops at its first bytes (bounded work, one problem each); stored members
 * of a plain tar, a zip or a directory still come through.
 */
export async function* readBundle(inputPath: string, limits: Limits): AsyncGenerator<BundleItem> {
  const name = basename(inputPath);
  const ctx = createReadContext(name, new DecompressBudget(limits.maxDecompressedBytes));
  let info;
  try {
    // The top-level path was named by the user, so a symlink to it is followed (unlike inside it).
    info = await stat(inputPath);
  } catch (err) {
    yield {
      type: 'problem',
      path: name,
      reason: `read error: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    };
    return;
  }
  if (info.isDirectory()) {
    yield* readDirectory(inputPath, ctx);
    return;
  }
  if (!info.isFile()) {
    yield { type: 'problem', path: name, reason: 'not a regular file or directory' };
    return;
  }
  const kind = await sniffInput(inputPath, name);
  switch (kind) {
    case 'tar':
      yield* readTar(inputPath, false, ctx);
      return;
    case 'tar.gz':
      yield* readTar(inputPath, true, ctx);
      return;
    case 'zip':
      yield* readZip(inputPath, ctx);
      return;
    case 'gzip':
      yield* readSingleFile(inputPath, name.replace(/\.gz$/i, '') || name, null, info.mtimeMs, ctx);
      return;
    case 'plain':
      yield* readSingleFile(inputPath, name, info.size, info.mtimeMs, ctx);
      return;
  }
}

async function* readSingleFile(
  file: string,
  path: string,
  size: number | null,
  mtimeMs: number,
  ctx: ReadContext,
): AsyncGenerator<BundleItem> {
  const member = new BundleMember({
    path,
    size,
    mtimeMs: plausibleMtimeMs(mtimeMs),
    source: () => Promise.resolve(createReadStream(file, { highWaterMark: READ_HIGH_WATER_MARK })),
    mustDrain: false,
    countSource: false,
    budget: ctx.budget,
    describeError: (err) => `read error: ${(err as NodeJS.ErrnoException).code ?? err.message}`,
  });
  yield { type: 'entry', entry: member.entry() };
  const failure = await member.settle();
  if (failure) yield { type: 'problem', path, reason: failure };
}
