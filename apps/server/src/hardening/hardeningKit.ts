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
