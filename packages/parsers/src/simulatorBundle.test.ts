import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateBundle, truthLines, writeBundleDir, type BundleTruth } from '@kubetrail/simulator';
import { DEFAULT_LIMITS } from './bundle/types.ts';
import { classifyPath } from './bundle/classifyPath.ts';
import { readBundle } from './bundle/readBundle.ts';
import { parseFile } from './parseFile.ts';

// Issue 2's acceptance: a simulator bundle ingests with every physical line accounted for (part of
// a record or reported as skipped) and each line's component and node as the simulator meant them.

interface Seen {
  component: string | null;
  node: string | null;
  how: 'record' | 'skip';
  kind: string | null;
}

interface ParsedFile {
  /** Start line of each record (and of each line it covers, when its lines are contiguous). */
  lines: Map<number, Seen>;
  /** Physical lines consumed by records plus line-level skips. */
  accounted: number;
}

async function parseBundle(dir: string): Promise<Map<string, ParsedFile>> {
  const files = new Map<string, ParsedFile>();
  for await (const item of readBundle(dir, DEFAULT_LIMITS)) {
    if (item.type !== 'entry') throw new Error(`unexpected ${item.type} ${item.path}`);
    const { entry } = item;
    const hints = classifyPath(entry.path);
    const lines = new Map<number, Seen>();
    const file: ParsedFile = { lines, accounted: 0 };
    files.set(entry.path, file);
    let fileComponent: string | null = hints.component;
    let fileNode: string | null = hints.node;
    for await (const batch of parseFile(entry.open(), {
      path: entry.path,
      hints,
      mtimeMs: entry.mtimeMs,
      year: null,
      tzOffsetMinutes: 0,
      bundleReferenceNs: null,
      limits: DEFAULT_LIMITS,
    })) {
      for (const ev of batch) {
        if (ev.type === 'info') {
          fileComponent = ev.info.component;
          fileNode = ev.info.node;
        } else if (ev.type === 'record') {
          const r = ev.record;
          file.accounted += r.lineCount;
          const seen: Seen = {
            component: r.component ?? fileComponent,
            node: r.node ?? fileNode,
            how: 'record',
            kind: r.kind,
          };
          // A merged audit event's stages are not adjacent lines: only its first line is known.
          const span = r.kind === 'audit' ? 1 : Math.max(1, r.lineCount);
          for (let i = 0; i < span; i++) lines.set(r.line + i, seen);
        } else if (ev.type === 'skip' && ev.skip.line !== null) {
          file.accounted += 1;
          lines.set(ev.skip.line, { component: null, node: null, how: 'skip', kind: null });
        }
      }
    }
  }
  return files;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function check(options: Parameters<typeof generateBundle>[0]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kubetrail-sim-'));
  dirs.push(dir);
  const truth: BundleTruth = await writeBundleDir(generateBundle(options), dir);
  const seen = await parseBundle(dir);
  // Every physical line of every file is in a record or reported as skipped…
  for (const f of truth.files) {
    expect(seen.get(f.path)?.accounted, f.path).toBe(f.lines);
  }
  // …and each line we can place carries the component and node the simulator gave it.
  let total = 0;
  const unaccounted: string[] = [];
  const wrongComponent: string[] = [];
  const wrongNode: string[] = [];
  for (const t of truthLines(truth)) {
    total++;
    const s = seen.get(t.file)?.lines.get(t.line);
    if (!s) {
      if (!t.file.endsWith('audit.log')) unaccounted.push(`${t.file}:${t.line}`);
      continue;
    }
    // A Kubernetes Event is placed on the component and node that reported it (source.component,
    // source.host), which the simulator's per-file truth (`events`, no node) does not carry.
    if (s.how === 'skip' || s.kind === 'event') continue;
    // The simulator labels the audit log by its role (`audit`); its events are kube-apiserver's,
    // which writes them, and that is where kubetrail puts them.
    const expected = t.component === 'audit' ? 'kube-apiserver' : t.component;
    if (s.component !== expected) wrongComponent.push(`${t.file}:${t.line} ${s.component} ≠ ${expected}`);
    if (s.node !== t.node) wrongNode.push(`${t.file}:${t.line} ${s.node} ≠ ${t.node}`);
  }
  expect(total).toBe(truth.lines);
  expect(unaccounted.slice(0, 10), `${unaccounted.length} of ${total} lines unaccounted`).toEqual([]);
  expect(wrongComponent.slice(0, 10), `${wrongComponent.length} lines with the wrong component`).toEqual([]);
  expect(wrongNode.slice(0, 10), `${wrongNode.length} lines with the wrong node`).toEqual([]);
}

describe('a simulator bundle, parsed', () => {
  it('accounts for every line with the right component and node (text logging)', async () => {
    await check({ seed: 11, noise: 60 });
  });
  it('does so with components logging JSON and no audit log', async () => {
    await check({ seed: 12, noise: 60, logFormat: 'json', audit: 'none' });
  });
});
