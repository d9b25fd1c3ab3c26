import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IngestReportSchema, type IngestProgress } from '@kubetrail/model';
import { generateBundle, writeBundleDir, writeBundleTarGz } from '@kubetrail/simulator';
import type { Store } from '@kubetrail/store';
import { IngestInputError, ingestPaths } from './ingestPaths.ts';
import { CORPUS, tarBytes, tempStore } from './testing/index.ts';

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

  it('puts the reason a member broke partway on that file, not on a second row for the same path', async () => {
    const { store, dir } = fresh();
    const tgz = join(dir, 'full.tgz');
    await writeBundleTarGz(generateBundle({ seed: 9, scenarios: ['complete'], noise: 10 }), tgz);
    const bytes = readFileSync(tgz);
    const cut = join(dir, 'cut.tgz');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const r = await ingestPaths(store, [cut]);
    const paths = r.report.files.map((f) => f.path);
    expect(new Set(paths).size).toBe(paths.length);
    // The member being read when the archive ended: its good lines are kept, and it says why it stopped.
    const broken = r.report.files.filter((f) => f.error !== null);
    expect(broken.length).toBeGreaterThan(0);
    const last = broken.at(-1)!;
    expect(last.lines).toBeGreaterThan(0);
    expect(r.report.skips).toContainEqual({ file: last.path, line: null, reason: last.error });
    expect(r.report.totals.skipped).toBe(r.report.files.reduce((n, f) => n + f.skipped, 0));
    const rows = store.db
      .prepare<[string], { n: number }>('SELECT count(*) AS n FROM files WHERE path = ?')
      .get(last.path);
    expect(rows?.n).toBe(1);
  });

  it('keeps a good file clean when the next member is a refused duplicate of its path', async () => {
    const { store, dir } = fresh();
    const tar = join(dir, 'dup.tar');
    const line = 'I0610 11:35:40.244300    1 server.go:484] "Version info" version="v1.30.0"\n';
    writeFileSync(
      tar,
      tarBytes([
        { name: 'kube-proxy.log', body: line },
        { name: 'kube-proxy.log', body: line + line },
        { name: 'kubelet.log', body: line },
      ]),
    );
    const r = await ingestPaths(store, [tar], { year: 2024 });
    expect(r.status).toBe('ready');
    // The year-less file is read after the rest of the archive; the refused copy has a row of its own.
    const first = r.report.files.find((f) => f.path === 'kube-proxy.log' && f.error === null);
    expect(first).toMatchObject({ path: 'kube-proxy.log', records: 1, error: null });
    expect(r.report.skips).toContainEqual({
      file: 'kube-proxy.log',
      line: null,
      reason: 'duplicate path refused (an earlier member has the same path)',
    });
  });

  it("links an application container's own output to the operation that started its pod", async () => {
    const { store, dir } = fresh();
    const root = join(dir, 'sim');
    await writeBundleDir(generateBundle({ seed: 5, scenarios: ['complete'], noise: 0 }), root);
    const first = await ingestPaths(store, [root]);
    expect(first.status).toBe('ready');
    // A workload pod the operation touched, and when the operation ended.
    const obj = store.db
      .prepare<[], { object: string; req_id: string }>(
        "SELECT object, req_id FROM request_objects WHERE object LIKE 'pod %' AND object NOT LIKE 'pod kube-system/%' ORDER BY object LIMIT 1",
      )
      .get();
    expect(obj).toBeDefined();
    const [ns, name] = obj!.object.slice(4).split('/') as [string, string];
    const req = store.getRequest(first.bundleId, obj!.req_id)!;
    const node = readdirSync(root).find((d) => d.includes('worker')) ?? readdirSync(root)[0]!;
    const file = join(root, node, 'pods', `${ns}_${name}_0123`, 'app', '0.log');
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, `${req.endedAt} stdout F listening on :8080\n`);

    const second = await ingestPaths(store, [root]);
    expect(second.status).toBe('ready');
    const hit = store.searchRecords(second.bundleId, { q: 'listening', offset: 0, limit: 10 }).hits[0];
    expect(hit?.record.file).toBe(`${node}/pods/${ns}_${name}_0123/app/0.log`);
    expect(store.recordLinks(second.bundleId, hit!.record.id)).toEqual([
      { reqId: obj!.req_id, kind: 'inferred', evidence: `pod ${ns}/${name} (container log)` },
    ]);
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
});
