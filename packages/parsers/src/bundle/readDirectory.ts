import { constants, type Dirent } from 'node:fs';
import { lstat, open, readdir, readlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
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

type Found =
  | { rel: string; kind: 'file' }
  | { rel: string; kind: 'link'; target: string }
  | { rel: string; kind: 'problem'; reason: string };

/**
 * Walks a directory without following symlinks and yields its files sorted by relative path (plain
 * string order on `/`-joined paths), so the same tree gives the same items on every machine.
 */
export async function* readDirectory(root: string, ctx: ReadContext): AsyncGenerator<BundleItem> {
  const found: Found[] = [];
  await walk(root, '', found, root);
  found.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
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

/**
 * A symlink is never followed: when it points at a regular file inside the bundle it is reported as
 * a copy of it (read once, under its own path); anything else is refused.
 */
async function linkOf(root: string, abs: string, rel: string): Promise<Found> {
  try {
    const target = resolve(dirname(abs), await readlink(abs));
    const inside = relative(resolve(root), target);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside))
      return { rel, kind: 'problem', reason: 'symlink refused: its target is outside the bundle' };
    const st = await lstat(target);
    if (!st.isFile())
      return { rel, kind: 'problem', reason: 'symlink refused: its target is not a regular file' };
    return { rel, kind: 'link', target: inside.split(sep).join('/') };
  } catch {
    return { rel, kind: 'problem', reason: 'symlink refused: its target cannot be read' };
  }
}

async function walk(absDir: string, relDir: string, out: Found[], root: string): Promise<void> {
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
    if (dirent.isDirectory()) await walk(join(absDir, dirent.name), rel, out, root);
    else if (dirent.isSymbolicLink()) out.push(await linkOf(root, join(absDir, dirent.name), rel));
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
