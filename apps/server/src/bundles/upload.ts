import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readdirSync, rmSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import busboy from 'busboy';
import type { Request } from 'express';
import { AppError } from '../http/appError.ts';

/** An upload received on disk, with its content digest (sha256 hex) computed on the way in. */
export interface ReceivedUpload {
  /** Folder that holds only this upload; delete it when done. */
  dir: string;
  file: string;
  digest: string;
  bytes: number;
  /** The client's file name, when it sent one. */
  originalName: string | null;
  /** Multipart field `name`, when sent (the query's `?name=` wins). */
  nameField: string | null;
}

const tooLarge = (max: number): AppError =>
  AppError.tooLarge(`upload is larger than the limit of ${formatBytes(max)}`, { maxBytes: max });

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]}`;
}

/** Hashes and counts bytes as they pass, and stops the stream past `max` bytes. */
class Meter extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  constructor(private readonly max: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.max) {
      cb(tooLarge(this.max));
      return;
    }
    this.hash.update(chunk);
    cb(null, chunk);
  }
}

/** The file system ran out of space (or of the user's quota) under a write. */
function isDiskFull(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** A file name safe to create in our folder, keeping a recognisable extension. */
function safeName(name: string | null): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '');
  return cleaned.slice(-120) || 'upload';
}

const ARCHIVE_EXT = /\.(tar\.gz|tgz|tar|zip|gz)$/i;

/**
 * Makes the file's extension tell the truth about its content (bundle readers go by extension):
 * gzip → `.gz` or `.tar.gz` (a tar header inside), zip → `.zip`, tar → `.tar`.
 */
async function contentExtension(file: string): Promise<string | null> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, bytesRead);
    const isTar = (b: Buffer) => b.length >= 262 && b.subarray(257, 262).toString('latin1') === 'ustar';
    if (head[0] === 0x1f && head[1] === 0x8b) {
      try {
        const inner = gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
        return isTar(inner) ? '.tar.gz' : '.gz';
      } catch {
        return '.gz';
      }
    }
    if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return '.zip';
    if (isTar(head)) return '.tar';
    return null;
  } finally {
    await fh.close();
  }
}

function withExtension(name: string, ext: string | null): string {
  const current = ARCHIVE_EXT.exec(name)?.[0]?.toLowerCase() ?? null;
  const normal = current === '.tgz' ? '.tar.gz' : current;
  if (ext === null) return current ? `${name.slice(0, -current.length)}.log` : name;
  if (normal === ext) return name;
  return `${current ? name.slice(0, -current.length) : name}${ext}`;
}

/**
 * Receives an upload — multipart field `file`, or the raw request body — streaming it to a new
 * folder under `intoDir`, never holding it in memory. Throws 400 for an empty upload, 413 past
 * `maxBytes`, 507 when the disk fills on the way (the partial upload is removed).
 */
export async function receiveUpload(
  req: Request,
  intoDir: string,
  maxBytes: number,
): Promise<ReceivedUpload> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes + 1024 * 1024) {
    req.resume(); // drain, so the client reads our answer instead of a reset
    throw tooLarge(maxBytes);
  }
  // The pid in the name lets a later start tell uploads of a dead server from live ones.
  const dir = join(intoDir, `upload-${process.pid}-${Date.now()}-${randomBytes(6).toString('hex')}`);
  await mkdir(dir, { recursive: true });
  const partial = join(dir, '.partial');
  try {
    const meter = new Meter(maxBytes);
    let originalName: string | null = null;
    let nameField: string | null = null;
    if ((req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data')) {
      ({ filename: originalName, name: nameField } = await receiveMultipart(req, meter, partial));
    } else {
      await pipeline(req, meter, createWriteStream(partial));
    }
    if (meter.bytes === 0)
      throw AppError.badRequest('empty upload: send the bundle as the body or as multipart field "file"');
    const ext = await contentExtension(partial);
    const file = join(dir, withExtension(safeName(originalName ?? 'bundle'), ext));
    await rename(partial, file);
    return { dir, file, digest: meter.hash.digest('hex'), bytes: meter.bytes, originalName, nameField };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    if (!req.complete) req.resume();
    if (isDiskFull(err))
      throw new AppError(
        507,
        'insufficient_storage',
        `the disk holding uploads (${intoDir}) filled while this upload was received; nothing was kept — free some space and upload again`,
      );
    throw err;
  }
}

function receiveMultipart(
  req: Request,
  meter: Meter,
  target: string,
): Promise<{ filename: string | null; name: string | null }> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { files: 1, fields: 20, fieldSize: 64 * 1024 } });
    } catch (err) {
      reject(
        AppError.badRequest(`bad multipart request: ${err instanceof Error ? err.message : String(err)}`),
      );
      return;
    }
    let seen = false;
    let name: string | null = null;
    let nameField: string | null = null;
    let writing: Promise<void> | null = null;
    let failed = false;
    const fail = (err: unknown): void => {
      if (failed) return;
      failed = true;
      req.unpipe(bb);
      req.resume();
      reject(err instanceof AppError ? err : AppError.badRequest(`bad multipart request: ${String(err)}`));
    };
    bb.on('file', (field, stream: Readable, info) => {
      if (field !== 'file' || seen) {
        stream.resume();
        return;
      }
      seen = true;
      name = info.filename || null;
      writing = pipeline(stream, meter, createWriteStream(target));
      writing.catch(fail);
    });
    bb.on('field', (field, value) => {
      if (field === 'name' && value.trim()) nameField = value.trim().slice(0, 200);
    });
    bb.on('error', fail);
    bb.on('close', () => {
      if (failed) return;
      if (!writing) {
        fail(AppError.badRequest('multipart upload without a "file" field'));
        return;
      }
      writing.then(() => resolve({ filename: name, name: nameField }), fail);
    });
    req.pipe(bb);
  });
}

/** Whether process `pid` is alive (signal 0 checks without sending anything). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes what uploads of servers that died (SIGKILL, a crash) left in `intoDir`: their folders
 * are named after their process, and a folder whose process is gone (or that has no pid, from an
 * older version) belongs to nobody. Uploads of live servers sharing the folder are kept. Returns
 * how many were removed.
 */
export function removeStaleUploads(intoDir: string): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(intoDir);
  } catch {
    return 0;
  }
  for (const name of names) {
    const m = /^upload-(\d+)-(\d+)-[0-9a-f]+$/.exec(name);
    const legacy = /^upload-\d+-[0-9a-f]+$/.test(name);
    if (!legacy && (m === null || alive(Number(m[1])))) continue;
    rmSync(join(intoDir, name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}
