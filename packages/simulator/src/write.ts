/**
 * Output: in memory (small bundles, tests), a directory, or a .tar.gz. The directory and the
 * archive are written window by window, so memory stays flat for bundles of millions of lines.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import type { BundleSink, SimBundle } from './bundle.ts';
import { runBundle } from './bundle.ts';
import type { BundleTruth } from './truth.ts';

/** A bundle rendered in memory: file path → content. For tests and small bundles only. */
export interface RenderedBundle {
  files: Map<string, string>;
  truth: BundleTruth;
}

/** Renders the whole bundle in memory. Keep `targetLines` small. */
export function renderBundle(sim: SimBundle): RenderedBundle {
  const chunks = new Map<string, string[]>();
  const truth = runBundle(sim, {
    append(path, text) {
      let c = chunks.get(path);
      if (!c) {
        c = [];
        chunks.set(path, c);
      }
      c.push(text);
    },
  });
  const files = new Map<string, string>();
  for (const path of [...chunks.keys()].sort()) files.set(path, (chunks.get(path) ?? []).join(''));
  return { files, truth };
}

function dirSink(root: string): BundleSink {
  const made = new Set<string>();
  return {
    append(path, text) {
      const file = join(root, path);
      const dir = dirname(file);
      if (!made.has(dir)) {
        mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      appendFileSync(file, text);
    },
  };
}

export interface WriteOptions {
  /** Also write the ground truth as JSON here. Must be outside the bundle directory. */
  truthFile?: string;
}

/**
 * Writes the bundle under `dir` (created if missing; existing files are appended to, so pass an
 * empty or new directory). Returns the ground truth; nothing is written beside the bundle unless
 * `truthFile` is given.
 */
export async function writeBundleDir(
  sim: SimBundle,
  dir: string,
  opts: WriteOptions = {},
): Promise<BundleTruth> {
  mkdirSync(dir, { recursive: true });
  const truth = runBundle(sim, dirSink(dir));
  if (opts.truthFile) await writeTruth(truth, opts.truthFile);
  return truth;
}

/**
 * Writes the bundle as a gzip-compressed tar. Files are generated into a temporary directory first
 * (tar needs each member's size before its data), then streamed into the archive in path order
 * with fixed metadata, so the same options give the same bytes.
 */
export async function writeBundleTarGz(
  sim: SimBundle,
  file: string,
  opts: WriteOptions = {},
): Promise<BundleTruth> {
  const tmp = mkdtempSync(join(tmpdir(), 'kubetrail-sim-'));
  try {
    const truth = runBundle(sim, dirSink(tmp));
    const mtime = new Date(Date.parse(truth.to));
    const pack = tar.pack();
    mkdirSync(dirname(file), { recursive: true });
    const done = pipeline(pack, createGzip({ level: 6 }), createWriteStream(file));
    for (const f of truth.files) {
      const src = join(tmp, f.path);
      const size = statSync(src).size;
      await new Promise<void>((resolve, reject) => {
        const entry = pack.entry(
          { name: f.path, size, mode: 0o644, mtime, uid: 0, gid: 0, uname: 'root', gname: 'root' },
          (err) => {
            if (err) reject(err);
            else resolve();
          },
        );
        createReadStream(src).on('error', reject).pipe(entry);
      });
    }
    pack.finalize();
    await done;
    if (opts.truthFile) await writeTruth(truth, opts.truthFile);
    return truth;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Writes the truth as pretty JSON (`truth.json`); keep it outside the bundle. */
export function writeTruth(truth: BundleTruth, file: string): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(truth)}\n`);
  return Promise.resolve();
}
