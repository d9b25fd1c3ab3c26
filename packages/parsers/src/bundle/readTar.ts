import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { extract, type Header } from 'tar-stream';
import { BundleMember, LateListenableSource, type ByteSource } from './bundleMember.ts';
import { DecompressLimitError } from './decompressBudget.ts';
import { EventChannel } from './eventChannel.ts';
import { displayName, isNestedArchiveName, normaliseMemberPath } from './memberPath.ts';
import type { ReadContext } from './readContext.ts';
import { plausibleMtimeMs } from './readContext.ts';
import type { BundleItem } from './types.ts';

type TarEvent = { type: 'entry'; header: Header; stream: ByteSource; next: () => void } | { type: 'close' };

const READ_HIGH_WATER_MARK = 1024 * 1024;
const GUNZIP_CHUNK_SIZE = 256 * 1024;

/**
 * Streams a `.tar` or `.tar.gz` member by member. tar is sequential, so each member must be read (or
 * drained) before the next header can be parsed: the generator does not ask tar-stream for the next
 * entry until the consumer has asked for the next item, and `BundleMember.settle()` has drained
 * whatever of the current member the consumer left.
 */
export async function* readTar(file: string, gzipped: boolean, ctx: ReadContext): AsyncGenerator<BundleItem> {
  const input = createReadStream(file, { highWaterMark: READ_HIGH_WATER_MARK });
  const gunzip = gzipped ? createGunzip({ chunkSize: GUNZIP_CHUNK_SIZE }) : null;
  const tar = extract();
  const events = new EventChannel<TarEvent>();
  let archiveError: Error | null = null;

  const abort = (err: Error): void => {
    archiveError ??= err;
    input.destroy();
    gunzip?.destroy();
    tar.destroy(err);
  };
  const upstream = gunzip ?? input;
  const feed = (chunk: Buffer): void => {
    if (!tar.write(chunk)) upstream.pause();
  };

  tar.on('entry', (header, source, next) => {
    // streamx's Readable has the node-style methods ByteSource names. Wrapped at once so an error
    // while the generator is suspended is neither unhandled nor missed by the listeners added later.
    const stream = new LateListenableSource(source as unknown as ByteSource);
    events.push({ type: 'entry', header, stream, next: () => next() });
  });
  tar.on('drain', () => {
    upstream.resume();
  });
  tar.on('error', (err: Error) => {
    archiveError ??= err;
  });
  tar.on('close', () => {
    events.push({ type: 'close' });
  });

  input.on('error', abort);
  if (gunzip) {
    input.on('data', (chunk) => {
      if (!gunzip.write(chunk)) input.pause();
    });
    input.on('end', () => gunzip.end());
    gunzip.on('drain', () => input.resume());
    gunzip.on('data', (chunk: Buffer) => {
      const fits = ctx.budget.take(chunk.length);
      if (fits < chunk.length) {
        if (fits > 0) tar.write(chunk.subarray(0, fits));
        abort(new DecompressLimitError(ctx.budget));
        return;
      }
      feed(chunk);
    });
    gunzip.on('end', () => tar.end(undefined));
    gunzip.on('error', abort);
  } else {
    input.on('data', (chunk) => feed(chunk as Buffer));
    input.on('end', () => tar.end(undefined));
  }

  let archiveErrorReported = false;
  let lastPath: string | null = null;
  let produced = 0;
  const describe = (err: Error): string => {
    archiveErrorReported = true;
    return describeTarError(err);
  };

  try {
    for (;;) {
      const event = await events.next();
      if (event.type === 'close') break;
      const { header, stream, next } = event;
      const verdict = classifyHeader(header);
      if (verdict.kind === 'skip') {
        await drain(stream);
        next();
        continue;
      }
      produced++;
      if (verdict.kind === 'link') {
        yield { type: 'link', path: verdict.path, target: verdict.target };
        await drain(stream);
        next();
        continue;
      }
      if (verdict.kind === 'problem') {
        yield { type: 'problem', path: displayName(header.name), reason: verdict.reason };
        await drain(stream);
        next();
        continue;
      }
      const path = verdict.path;
      if (!ctx.claimPath(path)) {
        yield {
          type: 'problem',
          path,
          reason: 'duplicate path refused (an earlier member has the same path)',
        };
        await drain(stream);
        next();
        continue;
      }
      const member = new BundleMember({
        path,
        size: /\.gz$/i.test(path) ? null : header.size,
        mtimeMs: plausibleMtimeMs(header.mtime.getTime()),
        source: stream,
        mustDrain: true,
        countSource: false,
        budget: ctx.budget,
        describeError: describe,
      });
      yield { type: 'entry', entry: member.entry() };
      const failure = await member.settle();
      if (failure) yield { type: 'problem', path, reason: failure };
      lastPath = path;
      next();
    }
    const err = archiveError;
    if (err && !archiveErrorReported) {
      const where = lastPath ? ` (after ${lastPath})` : '';
      yield { type: 'problem', path: ctx.archiveName, reason: `${describeTarError(err)}${where}` };
    } else if (!err && produced === 0) {
      yield { type: 'problem', path: ctx.archiveName, reason: 'empty archive: no files' };
    }
  } finally {
    input.destroy();
    gunzip?.destroy();
    if (!tar.destroyed) tar.destroy();
  }
}

type HeaderVerdict =
  | { kind: 'file'; path: string }
  | { kind: 'link'; path: string; target: string }
  | { kind: 'skip' }
  | { kind: 'problem'; reason: string };

function classifyHeader(header: Header): HeaderVerdict {
  // The declared union is narrower than what tar-stream really passes on: unknown type flags are null.
  const type = header.type as
    | Header['type']
    | 'pax-header'
    | 'pax-global-header'
    | 'gnu-long-link-path'
    | 'gnu-long-path'
    | null
    | undefined;
  switch (type) {
    case 'directory':
      return { kind: 'skip' };
    case 'symlink':
    case 'link':
      return linkVerdict(header.name, header.linkname ?? null, type === 'link');
    case 'character-device':
    case 'block-device':
      return { kind: 'problem', reason: `device file refused (${type})` };
    case 'fifo':
      return { kind: 'problem', reason: 'fifo refused' };
    case 'file':
    case 'contiguous-file':
    case undefined:
      break;
    case 'pax-header':
    case 'pax-global-header':
    case 'gnu-long-link-path':
    case 'gnu-long-path':
    case null:
      // tar-stream consumes the long-name/pax types itself; anything left (GNU sparse, volume
      // labels, vendor types) has no plain byte stream we could hand on.
      return { kind: 'problem', reason: 'unsupported tar entry type refused' };
  }
  const normalised = normaliseMemberPath(header.name);
  if (normalised.kind === 'directory') return { kind: 'skip' };
  if (normalised.kind === 'refused') return { kind: 'problem', reason: normalised.reason };
  if (isNestedArchiveName(normalised.path))
    return { kind: 'problem', reason: 'nested archive not supported' };
  return { kind: 'file', path: normalised.path };
}

/**
 * A link is never followed: when its target is another member of the archive it is reported as a
 * copy of it (read once, under the target's path); otherwise it is refused. A symlink's target is
 * relative to the link's folder, a hard link's to the archive root.
 */
function linkVerdict(name: string, linkname: string | null, hard: boolean): HeaderVerdict {
  const what = hard ? 'hardlink' : 'symlink';
  const self = normaliseMemberPath(name);
  if (self.kind !== 'file' || linkname === null || linkname === '')
    return { kind: 'problem', reason: `${what} refused` };
  const joined =
    hard || linkname.startsWith('/')
      ? linkname
      : `${self.path.split('/').slice(0, -1).join('/')}/${linkname}`;
  const target = resolveInside(joined);
  if (target === null)
    return { kind: 'problem', reason: `${what} refused: its target ${linkname} is outside the bundle` };
  return { kind: 'link', path: self.path, target };
}

/** `a/b/../c` → `a/c`; null when the path is absolute or climbs out of the root. */
function resolveInside(path: string): string | null {
  if (path.startsWith('/')) return null;
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length === 0) return null;
      out.pop();
    } else out.push(seg);
  }
  return out.length === 0 ? null : out.join('/');
}

/** Reads a member we do not hand on, so the archive can continue past it. */
function drain(stream: ByteSource): Promise<void> {
  return new Promise((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', () => resolve());
    stream.on('data', () => undefined);
    stream.resume();
  });
}

function describeTarError(err: Error): string {
  if (err instanceof DecompressLimitError) return `${err.message}; the rest of the archive was not read`;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'Z_BUF_ERROR') return 'truncated archive: unexpected end of file in the gzip stream';
  if (typeof code === 'string' && code.startsWith('Z_')) return `corrupt archive: gzip ${err.message}`;
  if (/unexpected end of data/i.test(err.message)) return 'truncated archive: unexpected end of data';
  if (/invalid tar header|header exceeds/i.test(err.message)) return `corrupt archive: ${err.message}`;
  if (code) return `read error: ${code} ${err.message}`;
  return `corrupt archive: ${err.message}`;
}
