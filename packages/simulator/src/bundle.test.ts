import { describe, expect, it } from 'vitest';
import {
  AUDIT_PATH,
  EVENTS_PATH,
  generateBundle,
  renderBundle,
  runBundle,
  truthForLine,
  truthLines,
} from './index.ts';
import type { RenderedBundle } from './index.ts';

const lineCount = (s: string): number => (s.length === 0 ? 0 : s.split('\n').length - 1);

function linesOf(r: RenderedBundle, path: string): string[] {
  const c = r.files.get(path);
  if (c === undefined) throw new Error(`no file ${path}`);
  return c.split('\n').slice(0, -1);
}

describe('generateBundle', () => {
  it('is deterministic: the same seed gives the same bytes, another seed other bytes', () => {
    const a = renderBundle(generateBundle({ seed: 11, scenarios: ['complete', 'bad-image'] }));
    const b = renderBundle(generateBundle({ seed: 11, scenarios: ['complete', 'bad-image'] }));
    const c = renderBundle(generateBundle({ seed: 12, scenarios: ['complete', 'bad-image'] }));
    expect([...a.files.entries()]).toEqual([...b.files.entries()]);
    expect(a.truth).toEqual(b.truth);
    expect([...c.files.entries()]).not.toEqual([...a.files.entries()]);
  });

  it('rejects unknown scenarios and bad start times', () => {
    expect(() => generateBundle({ scenarios: ['nope' as never] })).toThrow(/unknown scenario/);
    expect(() => generateBundle({ startTime: 'yesterday' })).toThrow(/RFC 3339/);
  });

  it('has truth for every physical line of every file', () => {
    const r = renderBundle(generateBundle({ seed: 3 }));
    let total = 0;
    for (const [path, content] of r.files) {
      const f = r.truth.files.find((x) => x.path === path);
      expect(f, path).toBeDefined();
      expect(f?.lines, path).toBe(lineCount(content));
      total += lineCount(content);
    }
    expect(r.truth.files.map((f) => f.path).sort()).toEqual([...r.files.keys()].sort());
    expect(r.truth.lines).toBe(total);
    expect([...truthLines(r.truth)].length).toBe(total);
  });

  it('uses the kind export logs layout', () => {
    const r = renderBundle(generateBundle({ seed: 4 }));
    const paths = [...r.files.keys()];
    for (const p of paths) {
      expect(p).toMatch(
        /^(cluster\/events\.json|kind-control-plane\/kubernetes\/kube-apiserver-audit\.log|kind-(control-plane|worker\d?)\/(kubelet\.log|containerd\.log|pods\/[a-z0-9-]+_[a-z0-9.-]+_[0-9a-f-]+\/[a-z0-9-]+\/\d+\.log))$/,
      );
    }
    for (const node of ['kind-control-plane', 'kind-worker', 'kind-worker2']) {
      expect(paths).toContain(`${node}/kubelet.log`);
    }
    for (const c of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd']) {
      expect(paths.some((p) => p.includes(`_${c}-kind-control-plane_`) && p.endsWith(`/${c}/0.log`))).toBe(
        true,
      );
    }
    expect(paths).toContain(AUDIT_PATH);
    expect(paths).toContain(EVENTS_PATH);
  });

  it('writes well-formed wrappers and klog headers', () => {
    const r = renderBundle(generateBundle({ seed: 5 }));
    const cri = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z (stdout|stderr) F /;
    const journal = /^[A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} kind-[a-z0-9-]+ (kubelet|containerd)\[\d+\]: /;
    const klog = /^[IWE]\d{4} \d{2}:\d{2}:\d{2}\.\d{6} {1,7}\d+ [\w.]+\.go:\d+\] /;
    for (const [path, content] of r.files) {
      const lines = content.split('\n').slice(0, -1);
      if (path.includes('/pods/')) for (const l of lines) expect(l, path).toMatch(cri);
      if (path.endsWith('kubelet.log') || path.endsWith('containerd.log'))
        for (const l of lines) expect(l, path).toMatch(journal);
      if (path.endsWith('kubelet.log'))
        for (const l of lines) expect(l.replace(journal, ''), path).toMatch(klog);
      if (path.endsWith('containerd.log')) {
        for (const l of lines)
          expect(l.replace(journal, '')).toMatch(/^time="[^"]+" level=(info|warning|error) msg="/);
      }
    }
    for (const l of linesOf(r, AUDIT_PATH)) {
      const ev = JSON.parse(l) as { kind: string; apiVersion: string; stage: string };
      expect(ev.kind).toBe('Event');
      expect(ev.apiVersion).toBe('audit.k8s.io/v1');
      expect(['RequestReceived', 'ResponseComplete']).toContain(ev.stage);
    }
    const events = JSON.parse(r.files.get(EVENTS_PATH) ?? '') as { kind: string; items: { kind: string }[] };
    expect(events.kind).toBe('List');
    expect(events.items.length).toBeGreaterThan(20);
  });

  it('pairs audit stages and ties each op to its first mutating call and httplog line', () => {
    const r = renderBundle(generateBundle({ seed: 6 }));
    const stages = new Map<string, string[]>();
    const events = linesOf(r, AUDIT_PATH).map(
      (l) =>
        JSON.parse(l) as {
          auditID: string;
          stage: string;
          verb: string;
          user: { username: string };
          objectRef?: { name?: string };
        },
    );
    for (const e of events) stages.set(e.auditID, [...(stages.get(e.auditID) ?? []), e.stage]);
    for (const s of stages.values()) expect(s).toEqual(['RequestReceived', 'ResponseComplete']);
    const apiserver = [...r.files.entries()].find(([p]) => p.endsWith('/kube-apiserver/0.log'))?.[1] ?? '';
    for (const op of r.truth.ops) {
      expect(op.auditId, op.key).not.toBeNull();
      const e = events.find((x) => x.auditID === op.auditId && x.stage === 'ResponseComplete');
      expect(e?.verb, op.key).toBe(op.verb);
      expect(e?.user.username, op.key).toBe(op.user);
      expect(e?.objectRef?.name, op.key).toBe(op.name);
      expect(apiserver).toContain(`audit-ID="${op.auditId ?? ''}"`);
    }
  });

  it('marks noise lines with no op, and scenario lines with theirs', () => {
    const r = renderBundle(generateBundle({ seed: 7, scenarios: ['complete'], noise: 200 }));
    const all = [...truthLines(r.truth)];
    expect(all.some((l) => l.op === null)).toBe(true);
    const op = r.truth.ops[0];
    expect(op?.key).toBe('create deployments shop/frontend');
    const mine = all.filter((l) => l.op === op?.key);
    expect(mine.length).toBeGreaterThan(100);
    expect(new Set(mine.map((l) => l.component))).toEqual(
      new Set([
        'audit',
        'events',
        'kube-apiserver',
        'kube-controller-manager',
        'kube-scheduler',
        'kubelet',
        'containerd',
        'frontend',
      ]),
    );
    for (const l of mine) expect(l.auditId).toBe(op?.auditId);
    // Every lease renewal is noise.
    const audit = linesOf(r, AUDIT_PATH);
    audit.forEach((l, i) => {
      if (l.includes('"resource":"leases"')) expect(truthForLine(r.truth, AUDIT_PATH, i + 1)?.op).toBeNull();
    });
    // A line naming the op's pods belongs to it.
    const kubelet = linesOf(r, 'kind-worker/kubelet.log');
    kubelet.forEach((l, i) => {
      if (l.includes('frontend-'))
        expect(truthForLine(r.truth, 'kind-worker/kubelet.log', i + 1)?.op).toBe(op?.key);
    });
  });

  it('keeps events.json one valid List across windows', () => {
    const r = renderBundle(
      generateBundle({ seed: 12, scenarios: ['complete', 'bad-image'], noise: 0, targetLines: 3000 }),
    );
    const list = JSON.parse(r.files.get(EVENTS_PATH) ?? '') as {
      items: { involvedObject: { name: string } }[];
    };
    expect(list.items.some((e) => e.involvedObject.name === 'frontend')).toBe(true);
    expect(list.items.some((e) => e.involvedObject.name === 'frontend-2')).toBe(true);
    const empty = renderBundle(generateBundle({ seed: 12, scenarios: [], noise: 0 }));
    expect(JSON.parse(empty.files.get(EVENTS_PATH) ?? '')).toEqual({
      apiVersion: 'v1',
      items: [],
      kind: 'List',
      metadata: { resourceVersion: '' },
    });
  });

  it('repeats windows until targetLines, with unique op keys, and streams window by window', () => {
    const appends = new Map<string, number>();
    let lines = 0;
    const truth = runBundle(generateBundle({ seed: 8, targetLines: 200_000, noise: 3000 }), {
      append(path, text) {
        appends.set(path, (appends.get(path) ?? 0) + 1);
        lines += lineCount(text);
      },
    });
    expect(truth.lines).toBeGreaterThanOrEqual(200_000);
    expect(lines).toBe(truth.lines);
    const windows = Math.round((Date.parse(truth.to) - Date.parse(truth.from)) / 300_000);
    expect(windows).toBeGreaterThan(1);
    expect(appends.get(AUDIT_PATH)).toBe(windows);
    expect(new Set(truth.ops.map((o) => o.key)).size).toBe(truth.ops.length);
    expect(truth.ops.some((o) => o.key === 'create deployments shop/frontend-2')).toBe(true);
  });
});
