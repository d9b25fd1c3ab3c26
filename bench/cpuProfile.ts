import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The parts of a V8 `.cpuprofile` (as `node --cpu-prof` writes it) this summary reads. */
interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  /** Self time by function (`name file:line`), biggest first. */
  selfByFunction: { what: string; ms: number; share: number }[];
  /** Inclusive time by function, biggest first (recursion counted once per sample). */
  totalByFunction: { what: string; ms: number; share: number }[];
  /** Self time by area: a workspace package/app, a dependency, node internals, GC, idle. */
  selfByArea: { what: string; ms: number; share: number }[];
  /** The hottest call-tree nodes by self time, each with its chain of callers (nearest first). */
  hotPaths: { share: number; chain: string[] }[];
}

function area(url: string, fn: string): string {
  if (fn === '(garbage collector)') return '(gc)';
  if (fn === '(idle)' || fn === '(program)') return fn;
  if (!url) return '(native/v8)';
  const ws = /\/(packages\/[^/]+|apps\/[^/]+|bench)\//.exec(url);
  if (ws && !url.includes('node_modules')) return ws[1]!;
  const dep = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dep) return `dep:${dep[1]}`;
  if (url.startsWith('node:')) return 'node internals';
  return url;
}

function shortUrl(url: string): string {
  return url
    .replace(/^file:\/\/.*?\/node_modules\/\.pnpm\/[^/]+\/node_modules\//, '')
    .replace(/^file:\/\/.*?\/(packages|apps|bench|node_modules)\//, '$1/');
}

/** Summarises one `.cpuprofile`: self and inclusive time per function, self time per area. */
export function summarizeProfile(file: string, top = 15): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const key = (id: number): string => {
    const n = byId.get(id)!;
    const name = n.callFrame.functionName || '(anonymous)';
    return n.callFrame.url
      ? `${name} ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}:${n.callFrame.columnNumber + 1}`
      : name;
  };
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  const areas = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = (p.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    const k = key(id);
    self.set(k, (self.get(k) ?? 0) + dt);
    const n = byId.get(id)!;
    const a = area(n.callFrame.url, n.callFrame.functionName);
    areas.set(a, (areas.get(a) ?? 0) + dt);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const ck = key(cur);
      if (seen.has(ck)) continue;
      seen.add(ck);
      incl.set(ck, (incl.get(ck) ?? 0) + dt);
    }
  });
  const rank = (m: Map<string, number>, skipRoot = false) =>
    [...m.entries()]
      .filter(([k]) => !skipRoot || !/^\((root|program|idle)\)$/.test(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([what, ms]) => ({ what, ms, share: total ? ms / total : 0 }));
  const selfByNode = new Map<number, number>();
  p.samples.forEach((id, i) => selfByNode.set(id, (selfByNode.get(id) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000));
  const hotPaths = [...selfByNode.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, Math.min(top, 10))
    .map(([id, ms]) => {
      const chain: string[] = [];
      for (let cur: number | undefined = id; cur !== undefined && chain.length < 6; cur = parent.get(cur)) {
        const n = byId.get(cur)!;
        if (n.callFrame.functionName === '(root)') break;
        chain.push(key(cur));
      }
      return { share: total ? ms / total : 0, chain };
    });
  return {
    file,
    totalMs: total,
    hotPaths,
    selfByFunction: rank(self),
    totalByFunction: rank(incl, true),
    selfByArea: rank(areas),
  };
}

/** Every `.cpuprofile` in a folder (one per thread) that did real work (under 90 % idle), summarised. */
export function summarizeProfiles(dir: string, top = 15): ProfileSummary[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => summarizeProfile(join(dir, f), top))
    .filter((s) => (s.selfByArea.find((a) => a.what === '(idle)')?.share ?? 0) < 0.9)
    .sort((a, b) => b.totalMs - a.totalMs);
}

export function renderProfile(s: ProfileSummary): string[] {
  const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
  const out = [`profile ${s.file.split('/').pop()} — ${(s.totalMs / 1000).toFixed(1)} s sampled`];
  out.push('self time by area: ' + s.selfByArea.map((a) => `${a.what} ${pct(a.share)}`).join(', '));
  out.push('top self time:');
  for (const f of s.selfByFunction) out.push(`  ${pct(f.share).padStart(7)}  ${f.what}`);
  out.push('top inclusive time:');
  for (const f of s.totalByFunction) out.push(`  ${pct(f.share).padStart(7)}  ${f.what}`);
  out.push('hottest frames with their callers (← caller):');
  for (const h of s.hotPaths) out.push(`  ${pct(h.share).padStart(7)}  ${h.chain.join(' ← ')}`);
  return out;
}
