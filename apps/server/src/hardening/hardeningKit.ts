/**
 * Test support for the hardening tests: a tiny seeded PRNG, temp folders, loopback HTTP with exact
 * request bytes, simulator bundles on disk, and the CLI as a child process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { generateBundle, writeBundleTarGz, type BundleOptions } from '@kubetrail/simulator';

export { tarBytes, type TarMember } from '@kubetrail/ingest/testing';

export const SERVER_ROOT = join(import.meta.dirname, '..', '..');
export const REPO_ROOT = join(SERVER_ROOT, '..', '..');
export const CLI = join(SERVER_ROOT, 'src', 'cli.ts');

export const quietLog = { info: (): void => undefined, error: (): void => undefined };

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function prng(seed: number): {
  next(): number;
  int(lo: number, hi: number): number;
  pick<T>(xs: readonly T[]): T;
} {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
  };
}

/** A fresh temp folder; remove it with the returned function. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `kt-hard-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes a simulator bundle as .tar.gz and returns its path and physical line count. */
export async function simBundle(file: string, opts: BundleOptions): Promise<{ file: string; lines: number }> {
  const truth = await writeBundleTarGz(generateBundle(opts), file);
  return { file, lines: truth.lines };
}

/** Listens on an ephemeral loopback port. */
export function listenLoopback(
  app: (req: never, res: never) => void,
): Promise<{ server: Server; port: number; close: () => Promise<void> }> {
  return new Promise((resolve) => {
    const server = (app as unknown as { listen: (p: number, h: string, cb: () => void) => Server }).listen(
      0,
      '127.0.0.1',
      () => {
        const port = (server.address() as AddressInfo).port;
        resolve({
          server,
          port,
          close: () => new Promise<void>((r) => server.close(() => r())),
        });
      },
    );
  });
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

/**
 * One HTTP request to 127.0.0.1 with the path sent exactly as given (no normalisation or
 * encoding), bounded by `timeoutMs`.
 */
export function rawRequest(
  port: number,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: Buffer | string; timeoutMs?: number; host?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: opts.host ?? '127.0.0.1', port, method, path, headers: opts.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(opts.timeoutMs ?? 30_000, () => req.destroy(new Error(`timeout: ${method} ${path}`)));
    req.on('error', reject);
    if (opts.body !== undefined) req.end(opts.body);
    else req.end();
  });
}

/** The kubetrail CLI as one node process (tsx as a loader), in its own process group. */
export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
}

/** Resolves with the exit code and signal; collects stdout/stderr (tails). */
export function waitExit(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout = (stdout + d.toString('utf8')).slice(-256 * 1024);
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-16 * 1024);
  });
  return new Promise((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
}

/**
 * A zip of stored (uncompressed) members, written byte by byte so a test can give a member a wrong
 * CRC-32 (`crc`), as a damaged archive has.
 */
export function zipBytes(members: readonly { name: string; body: Buffer | string; crc?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name);
    const body = Buffer.from(m.body);
    const crc = m.crc ?? crc32(body);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(body.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(body.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
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

/**
 * Protobuf bytes, written by hand (an encoder would recurse): one span whose attribute nests
 * `depth` AnyValues. Length-delimited fields nest as prefixes only, so the value is built inside
 * out as a list of prefixes in front of the innermost bytes: linear in `depth`.
 */
export function deepAnyValueProtobuf(depth: number): Buffer {
  const varint = (n: number): Buffer => {
    const b: number[] = [];
    for (; n > 127; n = Math.floor(n / 128)) b.push((n & 127) | 128);
    b.push(n);
    return Buffer.from(b);
  };
  const prefix = (no: number, len: number): Buffer => Buffer.concat([varint((no << 3) | 2), varint(len)]);
  const field = (no: number, payload: Buffer): Buffer => Buffer.concat([prefix(no, payload.length), payload]);
  const fixed64 = (no: number, v: bigint): Buffer => {
    const b = Buffer.alloc(9);
    b[0] = (no << 3) | 1;
    b.writeBigUInt64LE(v, 1);
    return b;
  };
  // AnyValue{array_value(5): ArrayValue{values(1): AnyValue{…}}}, innermost a string_value(1).
  const inner = field(1, Buffer.from('x'));
  const prefixes: Buffer[] = [];
  let len = inner.length;
  for (let i = 0; i < depth; i++) {
    for (const no of [1, 5]) {
      const p = prefix(no, len);
      prefixes.push(p);
      len += p.length;
    }
  }
  const any = Buffer.concat([...prefixes.reverse(), inner]);
  const kv = Buffer.concat([field(1, Buffer.from('deep')), field(2, any)]);
  const span = Buffer.concat([
    field(1, Buffer.from('5b8efff798038103d269b633813fc60c', 'hex')),
    field(2, Buffer.from('eee19b7ec3c1b17a', 'hex')),
    field(5, Buffer.from('deep')),
    fixed64(7, 1718019340100000000n),
    fixed64(8, 1718019340200000000n),
    field(9, kv),
  ]);
  return field(1, field(2, field(2, span)));
}
