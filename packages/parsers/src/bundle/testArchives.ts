/**
 * Builders for the archives the bundle tests feed in, written into a fresh temp directory per test.
 * Test-only: not exported from the package.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { pack, type Header } from 'tar-stream';

const created: string[] = [];

export function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `kubetrail-bundle-${label}-`));
  created.push(dir);
  return dir;
}

/** Removes every directory `tempDir` made in this test file (call from `afterAll`). */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface TarMember {
  name: string;
  body?: Buffer | string;
  type?: Header['type'];
  linkname?: string;
  mtime?: Date;
}

/** A tar built by tar-stream's packer (ustar headers, pax when needed). */
export async function buildTar(members: TarMember[]): Promise<Buffer> {
  const packer = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    packer.on('data', (chunk: unknown) => {
      chunks.push(chunk as Buffer);
    });
    packer.on('end', () => resolve());
    packer.on('error', reject);
  });
  for (const member of members) {
    const body = typeof member.body === 'string' ? Buffer.from(member.body) : member.body;
    await new Promise<void>((resolve, reject) => {
      const header = {
        name: member.name,
        type: member.type ?? 'file',
        mtime: member.mtime ?? new Date('2024-06-10T11:35:40Z'),
        ...(member.linkname === undefined ? {} : { linkname: member.linkname }),
        ...(body === undefined ? {} : { size: body.length }),
      };
      const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
      if (body === undefined) packer.entry(header, cb);
      else packer.entry(header, body, cb);
    });
  }
  packer.finalize();
  await done;
  return Buffer.concat(chunks);
}

export interface ZipMember {
  name: string;
  body?: Buffer | string;
  /** Unix mode for the external attributes (e.g. 0o120777 for a symlink). */
  mode?: number;
  method?: 0 | 8;
  /** Set the "encrypted" flag (the body is not really encrypted). */
  encrypted?: boolean;
  /** The CRC-32 written in the headers (default: the body's, as it should be). */
  crc?: number;
}

/**
 * A minimal zip writer. yazl refuses hostile names (`../x`, `/etc/passwd`), and those are exactly
 * what the tests need, so we write the headers ourselves.
 */
export function buildZip(members: ZipMember[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const member of members) {
    const name = Buffer.from(member.name, 'utf8');
    const body =
      typeof member.body === 'string' ? Buffer.from(member.body) : (member.body ?? Buffer.alloc(0));
    const method = member.method ?? 8;
    const data = method === 8 ? deflateRawSync(body) : body;
    const crc = member.crc ?? crc32(body);
    const flags = 0x800 | (member.encrypted ? 0x1 : 0);
    // DOS time 11:35:40, date 2024-06-10.
    const dosTime = (11 << 11) | (35 << 5) | (40 >> 1);
    const dosDate = ((2024 - 1980) << 9) | (6 << 5) | 10;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(body.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(dosTime, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(body.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((member.mode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

export function writeTemp(dir: string, name: string, data: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
}

export { gzipSync };
