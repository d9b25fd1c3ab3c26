import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { afterAll, describe, expect, it } from 'vitest';
import {
  benchBundle,
  demoBundle,
  generateBundle,
  renderBundle,
  writeBundleDir,
  writeBundleTarGz,
} from './index.ts';

const tmp = mkdtempSync(join(tmpdir(), 'kubetrail-sim-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

async function untar(file: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: unknown) => {
      chunks.push(c as Buffer);
    });
    stream.on('end', () => {
      out.set(header.name, Buffer.concat(chunks).toString('utf8'));
      next();
    });
  });
  await new Promise<void>((resolve, reject) => {
    extract.on('finish', resolve);
    extract.on('error', reject);
    createReadStream(file).pipe(createGunzip()).pipe(extract);
  });
  return out;
}

describe('writers', () => {
  it('writes a directory whose files match the in-memory rendering and the truth', async () => {
    const sim = generateBundle({ seed: 31, scenarios: ['complete', 'volume-timeout'] });
    const dir = join(tmp, 'dir');
    const truthFile = join(tmp, 'truth.json');
    const truth = await writeBundleDir(sim, dir, { truthFile });
    const mem = renderBundle(sim);
    const files = walk(dir).map((p) => relative(dir, p).split('\\').join('/'));
    expect(files.sort()).toEqual([...mem.files.keys()].sort());
    let lines = 0;
    for (const f of files) {
      const content = readFileSync(join(dir, f), 'utf8');
      expect(content).toBe(mem.files.get(f));
      const n = content.split('\n').length - 1;
      expect(truth.files.find((x) => x.path === f)?.lines).toBe(n);
      lines += n;
    }
    expect(truth.lines).toBe(lines);
    expect(JSON.parse(readFileSync(truthFile, 'utf8'))).toEqual(truth);
  });

  it('writes a .tar.gz that tar-stream reads back, byte-identical across runs', async () => {
    const sim = demoBundle();
    const a = join(tmp, 'a.tar.gz');
    const b = join(tmp, 'b.tar.gz');
    const truth = await writeBundleTarGz(sim, a);
    await writeBundleTarGz(sim, b);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    const entries = await untar(a);
    const mem = renderBundle(sim);
    expect([...entries.keys()].sort()).toEqual([...mem.files.keys()].sort());
    for (const [name, content] of entries) expect(content, name).toBe(mem.files.get(name));
    expect(truth.ops.map((o) => o.scenario)).toEqual(
      expect.arrayContaining([
        'complete',
        'bad-image',
        'unschedulable',
        'volume-timeout',
        'concurrency',
        'drain-node',
      ]),
    );
  });

  it('streams a 200k-line benchmark bundle to disk', async () => {
    const dir = join(tmp, 'bench');
    const truth = await writeBundleDir(benchBundle(200_000), dir);
    expect(truth.lines).toBeGreaterThanOrEqual(200_000);
    let lines = 0;
    for (const p of walk(dir)) lines += readFileSync(p, 'utf8').split('\n').length - 1;
    expect(lines).toBe(truth.lines);
  });
});
