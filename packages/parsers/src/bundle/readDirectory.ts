import { constants } from 'node:fs';
import { lstat, open, type FileHandle } from 'node:fs/promises';
import { BundleMember } from './bundleMember.ts';
import { isNestedArchiveName } from './memberPath.ts';
import type { ReadContext } from './readContext.ts';
import { plausibleMtimeMs } from './readContext.ts';
import { readErrorReason, walkTree } from './treeWalk.ts';
import type { BundleItem } from './types.ts';

const READ_HIGH_WATER_MARK = 1024 * 1024;
/**
 * O_NOFOLLOW: a file swapped for a symlink after the walk is refused by the kernel, not followed.
 * O_NONBLOCK: a file swapped for a fifo does not hang the open.
 */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * Walks a directory without following symlinks and yields its files sorted by relative path (plain
 * string order on `/`-joined paths), so the same tree gives the same items on every machine. A file
 * that cannot be read (permissions, a path past the system limit, a name that is not UTF-8 and
 * vanished) is a problem item with its reason; the walk goes on.
 */
export async function* readDirectory(root: string, ctx: ReadContext): AsyncGenerator<BundleItem> {
  const found = await walkTree(
    root,
    (rel) => (isNestedArchiveName(rel) ? 'nested archive not supported' : null),
    { links: 'report' },
  );
  let produced = 0;
  for (const item of found) {
    produced++;
    if (item.kind === 'problem') {
      yield { type: 'problem', path: item.rel, reason: item.reason };
      continue;
    }
    if (item.kind === 'link') {
      yield { type: 'link', path: item.rel, target: item.target };
      continue;
    }
    const abs = item.abs;
    let size: number | null = null;
    let mtimeMs: number | null = null;
    try {
      const stat = await lstat(abs);
      if (!stat.isFile()) {
        yield {
          type: 'problem',
          path: item.rel,
          reason: 'changed during the walk: no longer a regular file',
        };
        continue;
      }
      size = stat.size;
      mtimeMs = stat.mtimeMs;
    } catch (err) {
      yield { type: 'problem', path: item.rel, reason: readErrorReason(err) };
      continue;
    }
    // Opened before the entry is handed on: a file that cannot be opened (permissions) is one
    // problem, not an empty entry followed by one.
    let handle: FileHandle;
    try {
      handle = await open(abs, OPEN_FLAGS);
    } catch (err) {
      yield { type: 'problem', path: item.rel, reason: readErrorReason(err) };
      continue;
    }
    const member = new BundleMember({
      path: item.rel,
      size: /\.gz$/i.test(item.rel) ? null : size,
      mtimeMs: plausibleMtimeMs(mtimeMs),
      source: () => Promise.resolve(handle.createReadStream({ highWaterMark: READ_HIGH_WATER_MARK })),
      mustDrain: false,
      countSource: false,
      budget: ctx.budget,
      describeError: readErrorReason,
    });
    try {
      yield { type: 'entry', entry: member.entry() };
      const failure = await member.settle();
      if (failure) yield { type: 'problem', path: item.rel, reason: failure };
    } finally {
      // Closed by its stream when read; an entry never opened still holds it.
      await handle.close().catch(() => undefined);
    }
  }
  if (produced === 0) yield { type: 'problem', path: ctx.archiveName, reason: 'empty bundle: no files' };
}
