import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** Bundle ids are `b` + the first 16 hex chars of a sha256: the same content gives the same id anywhere. */
export const bundleIdFromDigest = (hex: string): string => `b${hex.slice(0, 16)}`;

export const BUNDLE_ID_PATTERN = /^b[0-9a-f]{16}$/;

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Regular files under `dir`, recursively, as sorted `/`-separated relative paths (symlinks not followed). */
async function listFiles(dir: string): Promise<{ rel: string; abs: string; size: number }[]> {
  const out: { rel: string; abs: string; size: number }[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const ent of await readdir(d, { withFileTypes: true })) {
      const abs = join(d, ent.name);
      if (ent.isDirectory()) await walk(abs);
      else if (ent.isFile()) {
        const st = await lstat(abs);
        out.push({ rel: relative(dir, abs).split(sep).join('/'), abs, size: st.size });
      }
    }
  };
  await walk(dir);
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
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
    for (const f of await listFiles(path)) {
      hash.update(`${f.rel}\0${await hashFile(f.abs)}\n`);
      bytes += f.size;
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

/** Total bytes of the regular files under `dir` (no hashing). */
export async function directoryBytes(dir: string): Promise<number> {
  return (await listFiles(dir)).reduce((n, f) => n + f.size, 0);
}
