import { lstat, readdir, readlink } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/** One thing found under a directory: a regular file to read, or something refused or unreadable. */
export type TreeItem =
  | { kind: 'file'; rel: string; relBytes: Buffer; abs: Buffer }
  | { kind: 'problem'; rel: string; relBytes: Buffer; reason: string }
  /** A symlink to a regular file inside the tree (`target` relative to the root), when asked for. */
  | { kind: 'link'; rel: string; relBytes: Buffer; target: string };

const SLASH = Buffer.from('/');

/**
 * A relative path as shown in reports and stored: UTF-8 where the name is UTF-8, U+FFFD for bytes
 * that are not, control characters replaced (a name cannot forge report lines).
 */
// eslint-disable-next-line no-control-regex
const display = (bytes: Buffer): string => bytes.toString('utf8').replace(/[\u0000-\u001f\u007f]/g, '\ufffd');

/** Why a path could not be read, in words. */
export function readErrorReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENAMETOOLONG') return 'path too long to read (deeper than the system path limit): not read';
  if (code === 'EACCES' || code === 'EPERM') return `permission denied (${code}): not read`;
  if (code === 'ELOOP') return 'symlink refused';
  return `read error: ${code ?? (err instanceof Error ? err.message : String(err))}`;
}

/**
 * Walks a directory without following symlinks, with names as bytes (a file whose name is not
 * UTF-8 is still opened by its real name), and returns what it found sorted by relative path
 * (plain string order on `/`-joined display paths, then bytes), so the same tree gives the same
 * list on every machine. Nothing throws: an unreadable directory, a path past the system's length
 * limit, a device or a fifo is an item with its reason, and the walk goes on.
 */
export async function walkTree(
  root: string,
  isRefusedName: (rel: string) => string | null,
  opts: { links?: 'refuse' | 'report' } = {},
): Promise<TreeItem[]> {
  const out: TreeItem[] = [];
  // Iterative, so a tree thousands of levels deep does not grow the stack.
  const dirs: { abs: Buffer; rel: Buffer | null }[] = [{ abs: Buffer.from(root), rel: null }];
  for (let d = dirs.pop(); d !== undefined; d = dirs.pop()) {
    let dirents;
    try {
      dirents = await readdir(d.abs, { withFileTypes: true, encoding: 'buffer' });
    } catch (err) {
      const relBytes = d.rel ?? Buffer.from('.');
      out.push({ kind: 'problem', rel: display(relBytes), relBytes, reason: readErrorReason(err) });
      continue;
    }
    for (const dirent of dirents) {
      const name = dirent.name as unknown as Buffer;
      const relBytes = d.rel === null ? name : Buffer.concat([d.rel, SLASH, name]);
      const abs = Buffer.concat([d.abs, SLASH, name]);
      const rel = display(relBytes);
      const problem = (reason: string): void => {
        out.push({ kind: 'problem', rel, relBytes, reason });
      };
      if (dirent.isDirectory()) dirs.push({ abs, rel: relBytes });
      else if (dirent.isSymbolicLink()) {
        if (opts.links !== 'report') problem('symlink refused');
        else {
          const link = await linkTarget(root, abs);
          if (typeof link === 'string') out.push({ kind: 'link', rel, relBytes, target: link });
          else problem(link.refused);
        }
      } else if (dirent.isFIFO()) problem('fifo refused');
      else if (dirent.isCharacterDevice()) problem('device file refused (character-device)');
      else if (dirent.isBlockDevice()) problem('device file refused (block-device)');
      else if (dirent.isSocket()) problem('socket refused');
      else {
        const refused = isRefusedName(rel);
        if (refused !== null) problem(refused);
        else out.push({ kind: 'file', rel, relBytes, abs });
      }
    }
  }
  return out.sort((a, b) =>
    a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : Buffer.compare(a.relBytes, b.relBytes),
  );
}

/**
 * A symlink is never followed: when it points at a regular file inside the tree it is reported as
 * a copy of it (kind export's `containers/*.log` → `pods/…/0.log`); anything else is refused.
 */
async function linkTarget(root: string, abs: Buffer): Promise<string | { refused: string }> {
  try {
    const where = abs.toString('utf8');
    const target = resolve(dirname(where), await readlink(where));
    const inside = relative(resolve(root), target);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside))
      return { refused: 'symlink refused: its target is outside the bundle' };
    if (!(await lstat(target)).isFile())
      return { refused: 'symlink refused: its target is not a regular file' };
    return inside.split(sep).join('/');
  } catch {
    return { refused: 'symlink refused: its target cannot be read' };
  }
}
