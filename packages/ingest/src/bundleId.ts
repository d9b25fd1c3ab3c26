import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { walkTree, type TreeItem } from '@kubetrail/parsers';

/** Bundle ids are `b` + the first 16 hex chars of a sha256: the same content gives the same id anywhere. */
export const bundleIdFromDigest = (hex: string): string => `b${hex.slice(0, 16)}`;

export const BUNDLE_ID_PATTERN = /^b[0-9a-f]{16}$/;

async function hashFile(file: string | Buffer): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Kinds of entries the digest never covered (the bundle reader refuses them too). */
const IGNORED = /^(symlink|fifo|socket|device file) refused/;

/**
 * What a directory's digest covers, sorted: its regular files, and the paths that could not be
 * read (a permission, a path past the system limit), so such a tree still gets an id, the same
 * every time. Symlinks, fifos, devices and sockets are left out, as before.
 */
async function listTree(dir: string): Promise<TreeItem[]> {
  // Links are refused here (the default), so only files and problems come back.
  return (await walkTree(dir, () => null)).filter(
    (t) => t.kind === 'file' || (t.kind === 'problem' && !IGNORED.test(t.reason)),
  );
}
export interface PathDigest {
  /** sha256 hex of the content (see `contentDigest`). */
  digest: string;
  /** Bytes on disk (the sum of regular files for a directory). */
  bytes: number;
}

/**
 * A content digest of one path: a file's sha256; for a directory, the sha256 over its sorted
 * `relative path NUL file sha256 LF` pairs (so renaming the top folder keeps the id).
 */
export async function contentDigest(path: string): Promise<PathDigest> {
  const st = await lstat(path);
  if (st.isDirectory()) {
    const hash = createHash('sha256');
    let bytes = 0;
    for (const f of await listTree(path)) {
      let digest: string;
      if (f.kind === 'problem') digest = `!${f.reason}`;
      else if (f.kind === 'link') digest = `@${f.target}`;
      else {
        try {
          digest = await hashFile(f.abs);
          bytes += (await lstat(f.abs)).size;
        } catch (err) {
          digest = `!${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`;
        }
      }
      // The name's own bytes: a name that is not UTF-8 hashes as it is on disk.
      hash.update(Buffer.concat([f.relBytes, Buffer.from(`\0${digest}\n`)]));
    }
    return { digest: hash.digest('hex'), bytes };
  }
  return { digest: await hashFile(path), bytes: st.size };
}

/** The bundle id of one or more paths; several paths hash their digests in the order given. */
export async function bundleIdForPaths(paths: readonly string[]): Promise<{ id: string; bytes: number }> {
  const digests: PathDigest[] = [];
  for (const p of paths) digests.push(await contentDigest(p));
  const bytes = digests.reduce((n, d) => n + d.bytes, 0);
  if (digests.length === 1 && digests[0]) return { id: bundleIdFromDigest(digests[0].digest), bytes };
  const hash = createHash('sha256');
  for (const d of digests) hash.update(`${d.digest}\n`);
  return { id: bundleIdFromDigest(hash.digest('hex')), bytes };
}

/** Total bytes of the regular files under `dir` that can be read (no hashing). */
export async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  for (const f of await listTree(dir)) {
    if (f.kind === 'file')
      total += await lstat(f.abs).then(
        (st) => st.size,
        () => 0,
      );
  }
  return total;
}
