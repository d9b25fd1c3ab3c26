import { constants, type Dirent } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BundleMember } from './bundleMember.ts';
import { isNestedArchiveName } from './memberPath.ts';
import type { ReadContext } from './readContext.ts';
import { plausibleMtimeMs } from './readContext.ts';
import type { BundleItem } from './types.ts';

const READ_HIGH_WATER_MARK = 1024 * 1024;
/**
 * O_NOFOLLOW: a file swapped for a symlink after the walk is refused by the kernel, not followed.
 * O_NONBLOCK: a file swapped for a fifo does not hang the open.
 */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

type Found = { rel: string; kind: 'file' } | { rel: string; kind: 'problem'; reason: string };

/**
 * Walks a directory without following symlinks and yields its files sorted by relative path (plain
 * string order on `/`-joined paths), so the same tree gives the same items on every machine.
 */
export async function* readDirectory(root: string, ctx: ReadContext): AsyncGenerator<BundleItem> {
  const found: Found[] = [];
  await walk(root, '', found);
  found.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  let produced = 0;
  for (const item of found) {
    produced++;
    if (item.kind === 'problem') {
      yield { type: 'problem', path: item.rel, reason: item.reason };
      continue;
    }
    const abs = join(root, item.rel);
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
      yield {
        type: 'problem',
        path: item.rel,
        reason: `read error: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      };
      continue;
    }
    const member = new BundleMember({
      path: item.rel,
      size: /\.gz$/i.test(item.rel) ? null : size,
      mtimeMs: plausibleMtimeMs(mtimeMs),
      source: async () =>
        (await open(abs, OPEN_FLAGS)).createReadStream({ highWaterMark: READ_HIGH_WATER_MARK }),
      mustDrain: false,
      countSource: false,
      budget: ctx.budget,
      describeError: (err) => `read error: ${(err as NodeJS.ErrnoException).code ?? err.message}`,
    });
    yield { type: 'entry', entry: member.entry() };
    const failure = await member.settle();
    if (failure) yield { type: 'problem', path: item.rel, reason: failure };
  }
  if (produced === 0) yield { type: 'problem', path: ctx.archiveName, reason: 'empty bundle: no files' };
}

async function walk(absDir: string, relDir: string, out: Found[]): Promise<void> {
  let dirents: Dirent[];
  try {
    dirents = await readdir(absDir, { withFileTypes: true });
  } catch (err) {
    out.push({
      rel: relDir || '.',
      kind: 'problem',
      reason: `read error: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    });
    return;
  }
  for (const dirent of dirents) {
    const rel = relDir ? `${relDir}/${dirent.name}` : dirent.name;
    if (dirent.isDirectory()) await walk(join(absDir, dirent.name), rel, out);
    else if (dirent.isSymbolicLink()) out.push({ rel, kind: 'problem', reason: 'symlink refused' });
    else if (dirent.isFIFO()) out.push({ rel, kind: 'problem', reason: 'fifo refused' });
    else if (dirent.isCharacterDevice())
      out.push({ rel, kind: 'problem', reason: 'device file refused (character-device)' });
    else if (dirent.isBlockDevice())
      out.push({ rel, kind: 'problem', reason: 'device file refused (block-device)' });
    else if (dirent.isSocket()) out.push({ rel, kind: 'problem', reason: 'socket refused' });
    else if (isNestedArchiveName(rel))
      out.push({ rel, kind: 'problem', reason: 'nested archive not supported' });
    else out.push({ rel, kind: 'file' });
  }
}
