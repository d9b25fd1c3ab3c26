/**
 * Real bundles from real clusters (../shared/corpus/real, licensed; SOURCES.md says what each is),
 * ingested as a user would, and checked as a user would: it reads `ready`, every file is read with
 * the right layout and format, the log lines carry a time, a component and a severity, every year
 * is the one a full-dated line of the same bundle shows, no line is stored twice, and the objects
 * of its List files are searchable as state.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FileReport, IngestReport } from '@kubetrail/model';
import type { Store } from '@kubetrail/store';
import { CORPUS, tempStore } from './testing/index.ts';
import { ingestPaths } from './ingestPaths.ts';

const stores: Store[] = [];
afterAll(() => {
  for (const s of stores.splice(0)) s.close();
});

interface Quality {
  logLines: number;
  dated: number;
  withComponent: number;
  years: Set<number>;
  /**
   * Lines stored in two files with the same text, time and component (two containers of one pod
   * printing the same lines in the same second are two lines, not one stored twice).
   */
  twice: number;
}

/** What a user would measure in the stored bundle. */
function quality(store: Store, bundleId: string): Quality {
  const q: Quality = { logLines: 0, dated: 0, withComponent: 0, years: new Set(), twice: 0 };
  const files = new Map<string, Set<string>>();
  for (const r of store.bundleRecords(bundleId)) {
    if (r.ts !== null) q.years.add(Number(r.ts.slice(0, 4)));
    if (r.kind === 'log') {
      q.logLines++;
      if (r.ts !== null) q.dated++;
      if (r.component !== '' && r.component !== 'unknown') q.withComponent++;
    }
    if ((r.kind === 'log' || r.kind === 'audit' || r.kind === 'event') && r.ts !== null) {
      const k = `${r.raw}\u0000${r.ts}\u0000${r.component}`;
      const seen = files.get(k) ?? new Set<string>();
      seen.add(r.file);
      files.set(k, seen);
    }
  }
  for (const seen of files.values()) if (seen.size > 1) q.twice++;
  return q;
}

async function ingest(rel: string): Promise<{ store: Store; bundleId: string; report: IngestReport }> {
  const t = tempStore();
  stores.push(t.store);
  const r = await ingestPaths(t.store, [join(CORPUS, 'real', rel)]);
  expect(r.status).toBe('ready');
  return { store: t.store, bundleId: r.bundleId, report: r.report };
}

const file = (report: IngestReport, suffix: string): FileReport => {
  const f = report.files.find((x) => x.path.endsWith(suffix));
  if (!f) throw new Error(`${suffix} not in the report`);
  return f;
};

/** ≥ 98 % of log lines dated and with a component; every severity is set by the schema. */
function expectUsable(q: Quality): void {
  expect(q.logLines).toBeGreaterThan(0);
  expect(q.dated / q.logLines).toBeGreaterThanOrEqual(0.98);
  expect(q.withComponent / q.logLines).toBeGreaterThanOrEqual(0.98);
  expect(q.twice).toBe(0);
}

/** A state record of `name` found by searching for the name, as a user would. */
function expectState(store: Store, bundleId: string, name: string): void {
  const hits = store.searchRecords(bundleId, { q: name, offset: 0, limit: 50 }).hits;
  expect(hits.some((h) => h.record.kind === 'state' && h.record.message.includes(name))).toBe(true);
}

describe('real bundles (../shared/corpus/real)', () => {
  it('a single-stream cluster-info dump from 2018, Go field names, ingests section by section', async () => {
    const { store, bundleId, report } = await ingest('vagrant-cluster-info-dump');
    const dump = file(report, 'cluster-info-dump.json');
    expect(dump).toMatchObject({ layout: 'cluster-info-stream', sections: 22 });
    expect(file(report, 'cluster-info-dump.json › kube-system/events')).toMatchObject({
      format: 'k8s-event',
      records: 35,
    });
    expect(file(report, 'cluster-info-dump.json › kube-system/pods')).toMatchObject({ format: 'k8s-object' });
    expect(file(report, 'traefik-ingress-controller-djl85/traefik-ingress-lb')).toMatchObject({
      format: 'logfmt',
      component: 'traefik-ingress-lb',
      records: 29_027,
    });
    // `"creationTimestamp": "2018-02-24T05:27:59Z"` on the first node: the dump is from 2018.
    const q = quality(store, bundleId);
    expect([...q.years]).toEqual([2018]);
    expectUsable(q);
    expectState(store, bundleId, 'coredns-5984fb8cbb-fw45p');
    expectState(store, bundleId, 'kubernetes-dashboard');
  });

  it('a troubleshoot support bundle: lists as state, pod logs dated, symlinked copies stored once', async () => {
    const { store, bundleId, report } = await ingest('troubleshoot-k3d-support-bundle/support-bundle.tar.gz');
    expect(file(report, 'cluster-resources/pods/default.json')).toMatchObject({
      layout: 'support-bundle',
      format: 'k8s-object',
    });
    expect(file(report, 'cluster-resources/events/default.json')).toMatchObject({
      format: 'k8s-event',
      records: 5,
    });
    // `all-logs/…` and `static-hi.log` are symlinks to the pod logs: read once, under their targets.
    const links = report.files.filter((f) => f.duplicateOf?.includes('cluster-resources/pods/logs/'));
    expect(links.map((f) => f.path.replace('support-bundle/', '')).sort()).toEqual(
      expect.arrayContaining(['static-hi.log', 'all-logs/coredns-b96499967-tncf4/coredns.log']),
    );
    expect(links).toHaveLength(19); // every symlink of the archive (`tar tvzf … | grep -c ^l`)
    // `kubectl logs` output has no timestamps: coredns's lines start at its container's start.
    expect(file(report, 'pods/logs/kube-system/coredns-b96499967-tncf4/coredns.log')).toMatchObject({
      format: 'text',
      timeRule: 'approx',
    });
    // `Hello from k3s (Evans Secret): Wed Dec 21 09:42:42 UTC 2022`: each line dates itself.
    const hellos = store.searchRecords(bundleId, { q: 'Hello from k3s', offset: 0, limit: 20 }).hits;
    expect(hellos.length).toBeGreaterThan(0);
    for (const h of hellos) {
      const said = /(\w{3} \d\d \d\d:\d\d:\d\d) UTC (\d{4})/.exec(h.record.raw)!;
      expect(Date.parse(h.record.ts!)).toBe(Date.parse(`${said[1]!} ${said[2]!} UTC`));
    }
    const q = quality(store, bundleId);
    expect([...q.years]).toEqual([2022]);
    expectUsable(q);
    expectState(store, bundleId, 'nginx-deployment-7986654d4-ztx2g');
    expectState(store, bundleId, 'local-path-provisioner');
  });

  it('kind kubelet journals without a year are dated by their own full dates or the Events beside them (2023)', async () => {
    for (const rel of ['kivi-c3-spread-constraint', 'kivi-c7-taint-loop']) {
      const { store, bundleId, report } = await ingest(rel);
      const kubelet = report.files.filter((f) => f.path.includes('-kubelet-kind-') && f.records > 0);
      expect(kubelet.length).toBeGreaterThan(0);
      for (const k of kubelet) {
        expect(k).toMatchObject({ wrapper: 'journald', format: 'klog' });
        // Their own full dates (`time="2023-04-24 03:59:36 …"` in eviction-manager lines) when they
        // have one, else the Events beside them: never a guess.
        if (k.timeRule === 'file') expect(k.timeEvidence).toMatch(/full date in line \d+/);
        else {
          expect(k.timeRule).toBe('bundle');
          expect(k.timeEvidence).toMatch(/events\.log\.txt/);
        }
      }
      const sched = file(report, '-scheduler.log.txt');
      expect(sched).toMatchObject({ component: 'kube-scheduler' });
      expect(['file', 'bundle']).toContain(sched.timeRule);
      // `-- No entries --`: nothing to date, and no request for --year.
      for (const f of report.files.filter((x) => x.records === 0))
        expect(f.timeEvidence ?? '').not.toMatch(/--year/);
      expect(report.notes.join('\n')).not.toMatch(/pass --year/);
      // `"lastTimestamp": "2023-…Z"` in the events file.
      const q = quality(store, bundleId);
      expect([...q.years]).toEqual([2023]);
      expectUsable(q);
    }
  });

  it('a microk8s audit log (2023) stays an audit log', async () => {
    const { store, bundleId, report } = await ingest('immudb-microk8s-audit');
    expect(file(report, 'k8s.log')).toMatchObject({ format: 'audit', records: 1484 });
    expect(file(report, 'LICENSE')).toMatchObject({ format: 'text' });
    const q = quality(store, bundleId);
    expect([...q.years]).toEqual([2023]);
    expect(q.twice).toBe(0);
  });
});
