import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IngestReportSchema, type IngestProgress } from '@kubetrail/model';
import { generateBundle, writeBundleTarGz } from '@kubetrail/simulator';
import type { Store } from '@kubetrail/store';
import { tempStore } from '../testing/seedBundle.ts';
import { IngestInputError, ingestPaths } from './ingest.service.ts';
import { ingestInWorker } from './ingestInWorker.ts';

const CORPUS = '/work/shared/corpus';
const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

function fresh() {
  const t = tempStore();
  stores.push(t.store);
  return t;
}

/** A small kind-like folder: an audit log and a CRI-wrapped klog file, plus one junk line. */
function smallBundle(dir: string): string {
  const root = join(dir, 'bundle');
  mkdirSync(join(root, 'kind-control-plane', 'kubernetes'), { recursive: true });
  copyFileSync(
    join(CORPUS, 'audit2rbac/demo.log'),
    join(root, 'kind-control-plane/kubernetes/kube-apiserver-audit.log'),
  );
  const pod = join(root, 'kind-worker/pods/kube-system_kube-proxy-abcde_0000/kube-proxy');
  mkdirSync(pod, { recursive: true });
  writeFileSync(
    join(pod, '0.log'),
    [
      '2024-06-10T11:35:40.244334567Z stderr F I0610 11:35:40.244300       1 server.go:484] "Version info" version="v1.30.0"',
      '2024-06-10T11:35:41.000000000Z stderr F E0610 11:35:41.000000       1 proxier.go:1503] "Failed to sync" err="boom"',
      '',
    ].join('\n'),
  );
  return root;
}

describe('ingestPaths', () => {
  it('ingests a folder, reports every file, and reuses the bundle for the same content', async () => {
    const { store, dir } = fresh();
    const root = smallBundle(dir);
    const progress: IngestProgress[] = [];
    const r = await ingestPaths(store, [root], { name: 'small', onProgress: (p) => progress.push(p) });
    expect(r.error).toBeNull();
    expect(r.status).toBe('ready');
    expect(r.reused).toBe(false);
    const report = IngestReportSchema.parse(r.report);
    expect(report.files.map((f) => f.path).sort()).toEqual([
      'kind-control-plane/kubernetes/kube-apiserver-audit.log',
      'kind-worker/pods/kube-system_kube-proxy-abcde_0000/kube-proxy/0.log',
    ]);
    expect(report.files.find((f) => f.format === 'audit')?.records).toBeGreaterThan(10);
    expect(report.totals.records).toBe(report.files.reduce((n, f) => n + f.records, 0));
    expect(report.timeRange).not.toBeNull();
    expect(report.nodes).toContain('kind-worker');
    expect(progress.map((p) => p.stage)).toContain('reading');
    expect(progress.at(-1)?.stage).toBe('done');
    const stored = store.getBundle(r.bundleId);
    expect(stored?.status).toBe('ready');
    expect(stored?.name).toBe('small');
    expect(stored?.records).toBe(report.totals.records);

    const again = await ingestPaths(store, [root]);
    expect(again).toMatchObject({ bundleId: r.bundleId, reused: true, status: 'ready' });
    expect(store.listBundles()).toHaveLength(1);
  });

  it('keeps going past a refused file and lists why', async () => {
    const { store, dir } = fresh();
    const root = smallBundle(dir);
    writeFileSync(
      join(root, 'core.bin'),
      Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 31) % 256)),
    );
    copyFileSync(join(CORPUS, 'falco-k8s-audit/fal_01_003.json'), join(root, 'fal_01_003.json'));
    const r = await ingestPaths(store, [root]);
    expect(r.status).toBe('ready');
    const bin = r.report.files.find((f) => f.path === 'core.bin');
    expect(bin?.error).toBeTruthy();
    expect(r.report.skips.some((s) => s.file === 'core.bin' && s.line === null)).toBe(true);
    expect(r.report.skips.some((s) => s.file === 'fal_01_003.json')).toBe(true);
    expect(r.report.files.find((f) => f.format === 'audit')?.records).toBeGreaterThan(10);
  });

  it('survives a truncated archive: what was read is kept and the problem reported', async () => {
    const { store, dir } = fresh();
    const tgz = join(dir, 'full.tgz');
    await writeBundleTarGz(generateBundle({ seed: 9, scenarios: ['complete'], noise: 10 }), tgz);
    const bytes = readFileSync(tgz);
    const cut = join(dir, 'cut.tgz');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const r = await ingestPaths(store, [cut]);
    expect(r.status).toBe('ready');
    expect(r.report.totals.records).toBeGreaterThan(0);
    expect(r.report.skips.some((s) => s.line === null)).toBe(true);
  });

  it('marks a bundle failed when nothing can be read, and throws for a missing path', async () => {
    const { store, dir } = fresh();
    const junk = join(dir, 'junk.bin');
    writeFileSync(junk, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7) % 256)));
    const r = await ingestPaths(store, [junk]);
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/nothing could be read/);
    const b = store.getBundle(r.bundleId);
    expect(b?.status).toBe('failed');
    expect(b?.report?.files).toHaveLength(1);
    // Retrying the same content replaces the failed bundle instead of refusing it.
    const retry = await ingestPaths(store, [junk]);
    expect(retry.status).toBe('failed');
    await expect(ingestPaths(store, [join(dir, 'nope')])).rejects.toBeInstanceOf(IngestInputError);
    await expect(ingestPaths(store, [junk], { tz: 'Mars/Olympus' })).rejects.toThrow(/unknown time zone/);
  });

  it('reads zone-less klog times in the --tz zone, with daylight saving time at the date of the lines', async () => {
    const from = async (tz: string) => {
      const { store, dir } = fresh();
      const file = join(dir, 'kube-proxy.log');
      writeFileSync(file, 'I0610 11:35:40.244300    1 server.go:484] "Version info" version="v1.30.0"\n');
      const r = await ingestPaths(store, [file], { year: 2024, tz });
      expect(r.status).toBe('ready');
      return r.report.timeRange?.from;
    };
    expect(await from('UTC')).toBe('2024-06-10T11:35:40.244300000Z');
    expect(await from('+02:00')).toBe('2024-06-10T09:35:40.244300000Z');
    expect(await from('Europe/Berlin')).toBe('2024-06-10T09:35:40.244300000Z'); // CEST in June
    expect(await from('America/New_York')).toBe('2024-06-10T15:35:40.244300000Z'); // EDT
  });

  it('runs the same ingest in a worker thread', async () => {
    const { store, dir } = fresh();
    const root = smallBundle(dir);
    let begun = false;
    const r = await ingestInWorker(store, [root], { name: 'in a worker', onBegin: () => (begun = true) });
    expect(begun).toBe(true);
    expect(r.status).toBe('ready');
    expect(store.getBundle(r.bundleId)?.name).toBe('in a worker');
  });
});
