import { Transform, type Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import * as yauzl from 'yauzl';
import { asError, BundleMember } from './bundleMember.ts';
import { EventChannel } from './eventChannel.ts';
import { displayName, isNestedArchiveName, normaliseMemberPath } from './memberPath.ts';
import type { ReadContext } from './readContext.ts';
import { plausibleMtimeMs } from './readContext.ts';
import type { BundleItem } from './types.ts';

type ZipEvent = { type: 'entry'; entry: yauzl.Entry } | { type: 'end' } | { type: 'error'; err: Error };

interface ExtraField {
  id: number;
  data: Buffer;
}

/** yauzl exports its name decoder (CP437 or UTF-8, Info-ZIP unicode path field) but @types/yauzl omits it. */
const decodeFileName = (
  yauzl as unknown as {
    getFileNameLowLevel(
      this: void,
      flags: number,
      name: Buffer,
      extraFields: ExtraField[],
      strict: boolean,
    ): string;
  }
).getFileNameLowLevel;

const S_IFMT = 0o170000;
const FILE_TYPES = new Map<number, string>([
  [0o120000, 'symlink refused'],
  [0o020000, 'device file refused (character-device)'],
  [0o060000, 'device file refused (block-device)'],
  [0o010000, 'fifo refused'],
  [0o140000, 'socket refused'],
]);
const S_IFDIR = 0o040000;
/** "Version made by" hosts whose external attributes carry a unix mode: Unix, OS X. */
const UNIX_HOSTS = new Set([3, 19]);

/**
 * Reads a `.zip` in central-directory order. Names are decoded and checked here rather than by yauzl
 * (`decodeStrings: false`), because yauzl treats one hostile name as fatal for the whole archive, and
 * we want to refuse that member and keep the rest.
 */
export async function* readZip(file: string, ctx: ReadContext): AsyncGenerator<BundleItem> {
  let zip: yauzl.ZipFile;
  try {
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
      yauzl.open(
        file,
        { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true },
        (err, zipfile) => (err ? reject(err) : resolve(zipfile)),
      );
    });
  } catch (err) {
    // The central directory sits at the end, so a truncated zip usually fails right here.
    yield { type: 'problem', path: ctx.archiveName, reason: describeZipError(asError(err)) };
    return;
  }
  const events = new EventChannel<ZipEvent>();
  zip.on('entry', (entry: yauzl.Entry) => events.push({ type: 'entry', entry }));
  zip.on('end', () => events.push({ type: 'end' }));
  zip.on('error', (err: Error) => events.push({ type: 'error', err }));

  let produced = 0;
  try {
    for (;;) {
      zip.readEntry();
      const event = await events.next();
      if (event.type === 'end') break;
      if (event.type === 'error') {
        yield { type: 'problem', path: ctx.archiveName, reason: describeZipError(event.err) };
        return;
      }
      const entry = event.entry;
      const rawName = decodeFileName(
        entry.generalPurposeBitFlag,
        entry.fileName as unknown as Buffer,
        entry.extraFields,
        true,
      );
      const verdict = classifyEntry(entry, rawName);
      if (verdict.kind === 'skip') continue;
      produced++;
      if (verdict.kind === 'problem') {
        yield { type: 'problem', path: displayName(rawName), reason: verdict.reason };
        continue;
      }
      const path = verdict.path;
      if (!ctx.claimPath(path)) {
        yield {
          type: 'problem',
          path,
          reason: 'duplicate path refused (an earlier member has the same path)',
        };
        continue;
      }
      const member = new BundleMember({
        path,
        size: /\.gz$/i.test(path) ? null : entry.uncompressedSize,
        mtimeMs: plausibleMtimeMs(entryMtimeMs(entry)),
        source: () => openEntry(zip, entry),
        mustDrain: false,
        countSource: entry.compressionMethod !== 0,
        budget: ctx.budget,
        describeError: (err) => `corrupt zip member: ${err.message}`,
      });
      yield { type: 'entry', entry: member.entry() };
      const failure = await member.settle();
      if (failure) yield { type: 'problem', path, reason: failure };
    }
    if (produced === 0) yield { type: 'problem', path: ctx.archiveName, reason: 'empty archive: no files' };
  } finally {
    zip.close();
  }
}

type EntryVerdict = { kind: 'file'; path: string } | { kind: 'skip' } | { kind: 'problem'; reason: string };

function classifyEntry(entry: yauzl.Entry, rawName: string): EntryVerdict {
  const host = entry.versionMadeBy >> 8;
  const mode = entry.externalFileAttributes >>> 16;
  if (UNIX_HOSTS.has(host) && mode !== 0) {
    const refused = FILE_TYPES.get(mode & S_IFMT);
    if (refused) return { kind: 'problem', reason: refused };
    if ((mode & S_IFMT) === S_IFDIR) return { kind: 'skip' };
  }
  // MS-DOS directory attribute.
  if ((entry.externalFileAttributes & 0x10) !== 0 && /[/\\]$/.test(rawName)) return { kind: 'skip' };
  const normalised = normaliseMemberPath(rawName);
  if (normalised.kind === 'directory') return { kind: 'skip' };
  if (normalised.kind === 'refused') return { kind: 'problem', reason: normalised.reason };
  if ((entry.generalPurposeBitFlag & 0x1) !== 0) {
    return { kind: 'problem', reason: 'encrypted zip member not supported' };
  }
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    return { kind: 'problem', reason: `unsupported zip compression method ${entry.compressionMethod}` };
  }
  if (isNestedArchiveName(normalised.path))
    return { kind: 'problem', reason: 'nested archive not supported' };
  return { kind: 'file', path: normalised.path };
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => (err ? reject(err) : resolve(checkCrc(stream, entry.crc32))));
  });
}

/**
 * yauzl checks sizes, not checksums: the member's bytes pass through a CRC-32 that must match the
 * central directory's at the end, else the member ends with an error (`corrupt zip member: …`). The
 * bytes already read stay, as for a truncated member; the report says the data is damaged.
 */
function checkCrc(stream: Readable, expected: number): Readable {
  let crc = 0;
  const check = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      crc = crc32(chunk, crc);
      cb(null, chunk);
    },
    flush(cb) {
      const got = crc >>> 0;
      cb(
        got === expected >>> 0
          ? null
          : new Error(`CRC-32 mismatch (${hex(got)}, expected ${hex(expected)}): the data is damaged`),
      );
    },
  });
  stream.on('error', (err) => check.destroy(err));
  check.on('close', () => {
    if (!stream.destroyed) stream.destroy();
  });
  return stream.pipe(check);
}

const hex = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');

/**
 * The member's mtime: the Info-ZIP/NTFS extended timestamp when present (UTC), else the DOS date,
 * which carries no zone: we read it as UTC, right for archives made on servers and CI machines.
 */
function entryMtimeMs(entry: yauzl.Entry): number | null {
  try {
    const date = (entry as unknown as { getLastModDate(o: { timezone: 'UTC' }): Date }).getLastModDate({
      timezone: 'UTC',
    });
    return date.getTime();
  } catch {
    return null;
  }
}

function describeZipError(err: Error): string {
  if (/end of central directory|unexpected EOF|not enough bytes/i.test(err.message)) {
    return `truncated or corrupt archive: ${err.message}`;
  }
  return `corrupt archive: ${err.message}`;
}
