import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateBundle, writeBundleTarGz } from '@kubetrail/simulator';
import { OUT } from './childProcess.ts';

/** A simulator bench bundle on disk, with the physical line count the generator reports. */
export interface SimBundle {
  file: string;
  lines: number;
  generateMs: number | null;
}

/**
 * The bench bundle: the simulator's `benchBundle` preset (every operation scenario repeated window
 * after window, 6000 noise lines a minute, seed 7) with three workers instead of two, so four
 * nodes' kubelet, containerd and pod logs plus the audit log, events and traces.
 */
export const benchSpec = (targetLines: number) => ({
  seed: 7,
  targetLines,
  noise: 6000,
  workers: 3 as const,
});

/**
 * Generates (once; cached under bench/out/) a simulator bundle of at least `targetLines` physical
 * lines as a gzip'd tar.
 */
export async function ensureSimBundle(targetLines: number): Promise<SimBundle> {
  const file = join(OUT, `sim-${targetLines}.tar.gz`);
  const meta = `${file}.json`;
  if (existsSync(file) && existsSync(meta)) {
    return { ...(JSON.parse(readFileSync(meta, 'utf8')) as { lines: number }), file, generateMs: null };
  }
  const t0 = Date.now();
  const tmp = `${file}.partial`;
  rmSync(tmp, { force: true });
  console.error(`bench: generating a ${targetLines}-line simulator bundle into ${file} …`);
  const truth = await writeBundleTarGz(generateBundle(benchSpec(targetLines)), tmp);
  renameSync(tmp, file);
  writeFileSync(
    meta,
    JSON.stringify({ lines: truth.lines, targetLines, files: truth.files.length, ops: truth.ops.length }),
  );
  return { file, lines: truth.lines, generateMs: Date.now() - t0 };
}
