import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { FileInfo, ParsedRecord, RecordKind } from '@kubetrail/model';
import { generateBundle, realShapesBundle, writeBundleDir } from '@kubetrail/simulator';
import { classifyPath, noPathHints } from '../bundle/classifyPath.ts';
import { readBundle } from '../bundle/readBundle.ts';
import { DEFAULT_LIMITS } from '../bundle/types.ts';
import { parseFile } from '../parseFile.ts';
import { REDERIVE, rederive, rederiveOf, type Rederive } from './rederive.ts';

// The store keeps a record's raw text and re-derives its message and fields when it is read
// (ADR 0041). This is the guard: for every record of real bundles and simulator bundles that
// `rederiveOf` says can be re-derived, parsing its raw text again gives the same message and
// fields, exactly.

const CORPUS = [
  fileURLToPath(new URL('../../../../../shared/corpus', import.meta.url)),
  '/work/shared/corpus',
].find((d) => existsSync(d));
const FIXTURES = fileURLToPath(new URL('../bundle/fixtures', import.meta.url));

interface Tally {
  checked: Map<string, number>;
  kept: Map<string, number>;
  mismatches: string[];
}

const add = (m: Map<string, number>, k: string): void => {
  m.set(k, (m.get(k) ?? 0) + 1);
};

async function checkBundle(path: string, t: Tally): Promise<void> {
  for await (const item of readBundle(path, DEFAULT_LIMITS)) {
    if (item.type !== 'entry') continue;
    const { entry } = item;
    let hints;
    try {
      hints = classifyPath(entry.path);
    } catch {
      hints = noPathHints();
    }
    let info: FileInfo | null = null;
    for await (const batch of parseFile(entry.open(), {
      path: entry.path,
      hints,
      mtimeMs: entry.mtimeMs,
      year: 2024,
      tzOffsetMinutes: 0,
      bundleReferenceNs: null,
      limits: DEFAULT_LIMITS,
    })) {
      for (const ev of batch) {
        if (ev.type === 'info') info ??= ev.info;
        if (ev.type !== 'record' || info === null) continue;
        check(ev.record, info, entry.path, t);
      }
    }
  }
}

function check(r: ParsedRecord, info: FileInfo, path: string, t: Tally): void {
  const how: Rederive = rederiveOf(r, info, DEFAULT_LIMITS.maxLineBytes);
  const key = `${r.kind}/${r.format}/${info.mode ?? '-'}`;
  if (how === REDERIVE.KEPT) {
    add(t.kept, key);
    return;
  }
  add(t.checked, key);
  const again = rederive(r.raw, how, info, DEFAULT_LIMITS.maxLineBytes);
  const same =
    again !== null &&
    again.message === r.message &&
    JSON.stringify(again.fields) === JSON.stringify(r.fields);
  if (!same && t.mismatches.length < 10)
    t.mismatches.push(
      `${path}:${r.line} ${key}: ${JSON.stringify(r.message).slice(0, 120)} ≠ ${JSON.stringify(again?.message ?? null).slice(0, 120)}`,
    );
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const checkedOf = (t: Tally, kind: RecordKind): number =>
  [...t.checked].filter(([k]) => k.startsWith(`${kind}/`)).reduce((n, [, v]) => n + v, 0);

const fresh = (): Tally => ({ checked: new Map(), kept: new Map(), mismatches: [] });

describe('re-deriving a record from its raw text', () => {
  it.runIf(CORPUS !== undefined)(
    'gives the same message and fields on every real bundle',
    async () => {
      const t = fresh();
      await checkBundle(CORPUS!, t);
      await checkBundle(FIXTURES, t);
      // Local trials on other public bundles (never in the repository): KUBETRAIL_REDERIVE_EXTRA=dir:dir.
      for (const extra of (process.env.KUBETRAIL_REDERIVE_EXTRA ?? '').split(':').filter(Boolean))
        await checkBundle(extra, t);
      expect(t.mismatches).toEqual([]);
      // Most of what real bundles hold is re-derived, not kept.
      expect(checkedOf(t, 'log')).toBeGreaterThan(10_000);
      expect(checkedOf(t, 'audit')).toBeGreaterThan(100);
      expect(checkedOf(t, 'event')).toBeGreaterThan(100);
      expect(checkedOf(t, 'doc')).toBeGreaterThan(100);
    },
    120_000,
  );

  it('gives the same message and fields on simulator bundles (every wrapper and format)', async () => {
    const t = fresh();
    const bundles = [
      realShapesBundle(),
      generateBundle({ seed: 7, targetLines: 30_000, noise: 6000, workers: 3, traces: true }),
    ];
    for (const bundle of bundles) {
      const dir = mkdtempSync(join(tmpdir(), 'kubetrail-rederive-'));
      dirs.push(dir);
      await writeBundleDir(bundle, dir);
      await checkBundle(dir, t);
    }
    expect(t.mismatches).toEqual([]);
    expect(checkedOf(t, 'log')).toBeGreaterThan(10_000);
    expect(checkedOf(t, 'audit')).toBeGreaterThan(1_000);
  }, 120_000);

  it('keeps what cannot be re-derived: state facts sharing one item, cut text', () => {
    const file = {
      format: 'k8s-object',
      wrapper: 'none',
      component: null,
      node: null,
      mode: 'k8s-object',
    } as const;
    const state: ParsedRecord = {
      line: 1,
      lineCount: 0,
      ts: null,
      severity: 'info',
      kind: 'state',
      format: 'k8s-object',
      component: null,
      node: null,
      caller: null,
      message: 'pod a created',
      fields: {},
      raw: '{"kind":"Pod"}',
      reqId: null,
      auditId: null,
      traceId: null,
      spanId: null,
    };
    expect(rederiveOf(state, file, 1024)).toBe(REDERIVE.KEPT);
    const log = {
      ...state,
      kind: 'log' as const,
      format: 'text' as const,
      lineCount: 1,
      raw: 'x'.repeat(1024),
    };
    const payload = { ...file, format: 'text' as const, mode: 'payload' };
    expect(rederiveOf(log, payload, 1024)).toBe(REDERIVE.KEPT);
    expect(rederiveOf({ ...log, raw: 'x' }, payload, 1024)).toBe(REDERIVE.LINES);
  });
});
