import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Section, SectionedLayout } from './sections.ts';
import { sectionedLayout, splitSections } from './sections.ts';

const fixture = (name: string): string => new URL(`./fixtures/${name}`, import.meta.url).pathname;
/** The shared corpus: `KUBETRAIL_CORPUS`, else `../shared/corpus` beside the repository, else the workplace's. */
const CORPUS =
  [
    process.env['KUBETRAIL_CORPUS'],
    new URL('../../../../../shared/corpus', import.meta.url).pathname,
    '/work/shared/corpus',
  ].find((d): d is string => d !== undefined && existsSync(d)) ?? '/nonexistent';
const REAL_DUMP = `${CORPUS}/real/vagrant-cluster-info-dump/cluster-info-dump.json`;

interface Read {
  name: string;
  firstLine: number;
  lines: string[];
  section: Section;
}

async function read(source: AsyncIterable<Buffer>, layout: SectionedLayout): Promise<Read[]> {
  const out: Read[] = [];
  for await (const s of splitSections(source, layout)) {
    const chunks: Buffer[] = [];
    for await (const c of s.body) chunks.push(c);
    const text = Buffer.concat(chunks).toString('utf8');
    out.push({
      name: s.head.name,
      firstLine: s.firstLine,
      lines: text === '' ? [] : text.slice(0, -1).split('\n'),
      section: s,
    });
  }
  return out;
}

const headOf = (path: string): string[] => readFileSync(path, 'utf8').slice(0, 65536).split('\n');

describe('sectionedLayout', () => {
  it('recognises minikube logs, single-stream dumps and dumps pasted into Markdown', () => {
    expect(sectionedLayout(headOf(fixture('minikube-logs.txt')), 'minikube-logs.txt')).toBe('minikube-logs');
    expect(sectionedLayout(headOf(fixture('cluster-info-dump.json')), 'dump.json')).toBe(
      'cluster-info-stream',
    );
    expect(sectionedLayout(headOf(fixture('cluster-info-dump.md')), 'notes.md')).toBe('cluster-info-stream');
    expect(sectionedLayout(headOf(REAL_DUMP), 'cluster-info-dump.json')).toBe('cluster-info-stream');
  });

  it('leaves a lone nodes.json of a dump directory and ordinary logs alone', () => {
    const nodes = JSON.stringify({ kind: 'NodeList', items: [] }, null, 4).split('\n');
    expect(sectionedLayout(nodes, 'dump/nodes.json')).toBeNull();
    expect(sectionedLayout(['I0610 11:35:40.123456 1 x.go:1] hi'], 'kubelet.log')).toBeNull();
    expect(sectionedLayout(['{"a":1}', '{"b":2}'], 'x.jsonl')).toBeNull();
  });
});

describe('splitSections: minikube logs', () => {
  it('gives each section its component, node and physical lines; the Audit zone goes to Last Start', async () => {
    const sections = await read(createReadStream(fixture('minikube-logs.txt')), 'minikube-logs');
    expect(sections.map((s) => s.name)).toEqual([
      'text',
      'Audit',
      'Last Start',
      'Docker',
      'container status',
      'coredns [9d41be232292]',
      'describe nodes',
      'dmesg',
      'etcd [c72ed6eb4d5a]',
      'kernel',
      'kube-apiserver [0e43ac4c291d]',
      'kube-controller-manager [33acbe841216]',
      'kube-scheduler [915770e05fae]',
      'kubelet',
    ]);
    const by = new Map(sections.map((s) => [s.name, s]));
    expect(by.get('Audit')?.section.head.hints).toMatchObject({
      component: 'minikube',
      content: 'minikube-audit',
    });
    expect(by.get('Last Start')?.section.head.zoneMinutes).toBe(7 * 60);
    expect(by.get('kubelet')?.section.head.hints).toMatchObject({ component: 'kubelet', node: 'minikube' });
    expect(by.get('kube-apiserver [0e43ac4c291d]')?.section.head.hints.component).toBe('kube-apiserver');
    expect(by.get('describe nodes')?.section.head.hints.content).toBe('document');
    // Section lines are the file's lines, numbered as in the file.
    const file = readFileSync(fixture('minikube-logs.txt'), 'utf8').split('\n');
    for (const s of sections) s.lines.forEach((l, i) => expect(file[s.firstLine - 1 + i]).toBe(l));
    const headers = file.filter((l) => l.startsWith('==> ')).length;
    expect(sections.reduce((n, s) => n + s.lines.length, 0) + headers).toBe(file.length - 1);
  });

  it("drops old minikube's `* ` prefix from a section's first line", async () => {
    const text = [
      '* ',
      '* ==> Audit <==',
      '* |---|---|',
      '| Command | Args |',
      '* ==> kubelet <==',
      '* Jun 10 11:35:40 m kubelet[1]: x',
    ].join('\n');
    const sections = await read(Readable.from([Buffer.from(text)]), 'minikube-logs');
    expect(sections.find((s) => s.name === 'Audit')?.lines).toEqual(['|---|---|', '| Command | Args |']);
    expect(sections.find((s) => s.name === 'kubelet')?.lines).toEqual(['Jun 10 11:35:40 m kubelet[1]: x']);
  });
});

describe('splitSections: cluster-info dump', () => {
  it('splits the JSON lists (named from their kind) and the pod log sections', async () => {
    const sections = await read(createReadStream(fixture('cluster-info-dump.json')), 'cluster-info-stream');
    expect(sections.map((s) => s.name)).toEqual([
      'nodes',
      'events',
      'replicationcontrollers',
      'services',
      'daemonsets',
      'deployments',
      'replicasets',
      'pods',
      'logs kube-system/kube-proxy-6k6bf/kube-proxy',
      'events',
      'replicationcontrollers',
      'services',
      'daemonsets',
      'deployments',
      'replicasets',
      'pods',
      'logs shop/web-7c5ddbdf54-x8k2p/web',
    ]);
    const proxy = sections.find((s) => s.name.startsWith('logs kube-system'))!;
    expect(proxy.section.head.hints).toMatchObject({
      pod: { namespace: 'kube-system', name: 'kube-proxy-6k6bf', uid: null },
      container: 'kube-proxy',
      component: 'kube-proxy',
    });
    expect(proxy.lines).toHaveLength(2);
    expect(JSON.parse(sections[0]!.lines.join('\n'))).toMatchObject({ kind: 'NodeList' });
    expect(sections.find((s) => s.name === 'pods')?.section.head.hints).toMatchObject({
      content: 'k8s-objects',
      resource: 'pods',
    });
  });

  it('keeps the prose and fences around a dump pasted into Markdown as document sections', async () => {
    const sections = await read(createReadStream(fixture('cluster-info-dump.md')), 'cluster-info-stream');
    expect(sections[0]).toMatchObject({ name: 'text', firstLine: 1 });
    expect(sections[0]!.lines.at(-1)).toBe('```json');
    expect(sections[0]!.section.head.hints.content).toBe('document');
    expect(sections.at(-1)!.lines).toContain('Asked on Slack, no answer yet.');
    expect(sections.filter((s) => s.name === 'pods')).toHaveLength(2);
  });

  it('reads an old dump without `kind` by its selfLink, with namespaces (real 2018 dump)', async () => {
    const sections = await read(createReadStream(REAL_DUMP), 'cluster-info-stream');
    const names = sections.map((s) => s.name);
    expect(names.slice(0, 8)).toEqual([
      'nodes',
      'kube-system/events',
      'kube-system/replicationcontrollers',
      'kube-system/services',
      'kube-system/daemonsets',
      'kube-system/deployments',
      'kube-system/replicasets',
      'kube-system/pods',
    ]);
    expect(names).toContain('logs kube-system/traefik-ingress-controller-djl85/traefik-ingress-lb');
    const traefik = sections.find((s) => s.name.includes('traefik'))!;
    expect(traefik.lines).toHaveLength(29_027);
  });

  it('skips what a reader leaves unread and goes on with the next section', async () => {
    const taken: string[] = [];
    for await (const s of splitSections(
      createReadStream(fixture('cluster-info-dump.json')),
      'cluster-info-stream',
    )) {
      taken.push(s.head.name);
      if (s.head.name === 'nodes') {
        // Read one chunk's first line only.
        for await (const c of s.body) {
          expect(c.toString('utf8').startsWith('{')).toBe(true);
          break;
        }
      }
    }
    expect(taken.slice(0, 3)).toEqual(['nodes', 'events', 'replicationcontrollers']);
    expect(taken).toHaveLength(17);
  });
});
