/**
 * The layouts people upload, from fixtures written for the suite with the shapes of real ones
 * (packages/parsers/src/bundle/fixtures: a `minikube logs` file, a single-stream cluster-info dump
 * and the same pasted into Markdown, a microk8s inspection report, a troubleshoot support bundle),
 * plus kind-like folders built
 * here to check dating and each-line-once.
 */
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FileReport, IngestReport, LogRecord } from '@kubetrail/model';
import type { Store } from '@kubetrail/store';
import { tempStore } from './testing/index.ts';
import { ingestPaths } from './ingestPaths.ts';

const FIXTURES = new URL('../../parsers/src/bundle/fixtures/', import.meta.url).pathname;
const stores: Store[] = [];
afterAll(() => {
  for (const s of stores.splice(0)) s.close();
});

async function ingest(paths: string[], opts: { year?: number } = {}) {
  const t = tempStore();
  stores.push(t.store);
  const r = await ingestPaths(t.store, paths, opts);
  expect(r.status).toBe('ready');
  return { ...r, store: t.store, dir: t.dir };
}

const row = (report: IngestReport, suffix: string): FileReport => {
  const f = report.files.find((x) => x.path.endsWith(suffix));
  if (!f) throw new Error(`${suffix} not in the report: ${report.files.map((x) => x.path).join(', ')}`);
  return f;
};

/** Every stored record of a file, in line order. */
function records(store: Store, bundleId: string, path: string): LogRecord[] {
  const key = store.db
    .prepare<[string], { key: number }>('SELECT key FROM bundles WHERE id = ?')
    .get(bundleId)!.key;
  const ids = store.db
    .prepare<[number, string], { id: number }>(
      `SELECT r.rid & 1099511627775 AS id FROM records r JOIN files f ON f.bundle = r.rid >> 40 AND f.file_id = r.file_id
       WHERE r.rid >> 40 = ? AND f.path = ? ORDER BY r.rid`,
    )
    .all(key, path);
  return ids.map((r) => store.getRecord(bundleId, r.id)!);
}

describe('minikube logs', () => {
  it('reads every section as the log of its component, dated and zoned', async () => {
    const file = join(FIXTURES, 'minikube-logs.txt');
    const { report, store, bundleId } = await ingest([file]);
    expect(row(report, 'minikube-logs.txt')).toMatchObject({ layout: 'minikube-logs', sections: 14 });
    // The Audit table: minikube's own commands, at their start (17:05 in +07 is 10:05 UTC).
    const audit = records(store, bundleId, 'minikube-logs.txt › Audit');
    expect(audit.map((r) => [r.ts, r.message, r.severity])).toEqual([
      [
        '2025-03-12T09:58:00.000000000Z',
        'minikube start --driver=docker (profile minikube, user alice, v1.34.0, took 120 s)',
        'info',
      ],
      [
        '2025-03-12T10:05:00.000000000Z',
        'minikube image load shop/web:dev (profile minikube, user alice, v1.34.0, took 0 s)',
        'info',
      ],
      [
        '2025-03-12T10:09:00.000000000Z',
        'minikube service web --url -n shop (profile minikube, user alice, v1.34.0, did not finish)',
        'warning',
      ],
    ]);
    // Last Start is minikube's own klog on the user's machine: local time, in the Audit table's zone.
    const last = records(store, bundleId, 'minikube-logs.txt › Last Start');
    expect(row(report, '› Last Start')).toMatchObject({ format: 'klog', timeRule: 'file' });
    expect(last.find((r) => r.message.startsWith('Setting OutFile'))?.ts).toBe(
      '2025-03-12T09:58:40.134489000Z',
    );
    expect(last.find((r) => r.severity === 'warning')?.message).toContain('waiting for the node');
    // Component sections: klog in the node's (UTC) time, the year from the bundle's full dates.
    expect(row(report, '› kube-scheduler [915770e05fae]')).toMatchObject({
      component: 'kube-scheduler',
      node: 'minikube',
      timeRule: 'bundle',
    });
    expect(records(store, bundleId, 'minikube-logs.txt › kube-scheduler [915770e05fae]')[0]?.ts).toBe(
      '2025-03-12T10:05:19.930114000Z',
    );
    expect(row(report, '› kubelet')).toMatchObject({ wrapper: 'journald', component: 'kubelet' });
    expect(row(report, '› etcd [c72ed6eb4d5a]')).toMatchObject({ format: 'klog-json', component: 'etcd' });
    // container status: one state record per container; describe nodes: a document.
    const containers = records(store, bundleId, 'minikube-logs.txt › container status');
    expect(containers.map((r) => [r.kind, r.message])).toEqual([
      ['state', 'container web of pod web-6d8f7c9b5d-tnl8s Running, attempt 0, created 4 minutes ago'],
      [
        'state',
        'container coredns of pod coredns-6f6b679f8f-289xk Running, attempt 0, created 11 minutes ago',
      ],
    ]);
    expect(
      records(store, bundleId, 'minikube-logs.txt › describe nodes').every((r) => r.kind === 'doc'),
    ).toBe(true);
    // dmesg -H: `[Mar12 09:50]` then `[  +0.000012]` relative to it.
    expect(records(store, bundleId, 'minikube-logs.txt › dmesg').map((r) => r.ts)).toEqual([
      '2025-03-12T09:50:00.000000000Z',
      '2025-03-12T09:50:00.000012000Z',
    ]);
  });

  it('reads the same file saved as UTF-16 by a Windows shell', async () => {
    const text = readFileSync(join(FIXTURES, 'minikube-logs.txt'), 'utf8');
    const utf8 = await ingest([join(FIXTURES, 'minikube-logs.txt')]);
    const t = tempStore();
    stores.push(t.store);
    const file = join(t.dir, 'minikube-logs-windows.txt');
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const r = await ingestPaths(t.store, [file]);
    expect(r.status).toBe('ready');
    expect(r.report.totals.records).toBe(utf8.report.totals.records);
    const a = records(t.store, r.bundleId, 'minikube-logs-windows.txt › kube-apiserver [0e43ac4c291d]');
    const b = records(utf8.store, utf8.bundleId, 'minikube-logs.txt › kube-apiserver [0e43ac4c291d]');
    expect(a.map((x) => [x.ts, x.message])).toEqual(b.map((x) => [x.ts, x.message]));
  });
});

describe('kubectl cluster-info dump, one stream', () => {
  it('turns its lists into Events and object state, and its log sections into pod logs', async () => {
    const { report, store, bundleId } = await ingest([join(FIXTURES, 'cluster-info-dump.json')]);
    expect(row(report, 'cluster-info-dump.json')).toMatchObject({
      layout: 'cluster-info-stream',
      sections: 17,
    });
    const proxy = row(report, 'logs kube-system/kube-proxy-6k6bf/kube-proxy');
    expect(proxy).toMatchObject({ format: 'klog', component: 'kube-proxy', records: 2, timeRule: 'bundle' });
    const hits = store.searchRecords(bundleId, { q: 'web-7c5ddbdf54-x8k2p', offset: 0, limit: 50 }).hits;
    const waiting = hits.find((h) => h.record.kind === 'state' && h.record.message.includes('waiting'));
    expect(waiting?.record.message).toContain('container web waiting: ImagePullBackOff');
    const deadline = store.searchRecords(bundleId, {
      q: 'ProgressDeadlineExceeded',
      offset: 0,
      limit: 5,
    }).hits;
    expect(
      deadline.some((h) => h.record.kind === 'state' && h.record.ts === '2024-10-29T12:41:03.000000000Z'),
    ).toBe(true);
    const failed = store.searchRecords(bundleId, { q: 'Failed to pull image', offset: 0, limit: 5 }).hits;
    expect(failed[0]?.record).toMatchObject({ kind: 'event', severity: 'warning' });
  });

  it('reads a dump pasted into a Markdown file the same, with the prose kept as a document', async () => {
    const json = await ingest([join(FIXTURES, 'cluster-info-dump.json')]);
    const md = await ingest([join(FIXTURES, 'cluster-info-dump.md')]);
    const kinds = (r: IngestReport) =>
      r.files.reduce(
        (n, f) => n + (f.format === 'k8s-object' || f.format === 'k8s-event' ? f.records : 0),
        0,
      );
    expect(kinds(md.report)).toBe(kinds(json.report));
    const prose = records(md.store, md.bundleId, 'cluster-info-dump.md › text (line 1)');
    expect(prose.map((r) => [r.kind, r.message])).toEqual([
      ['doc', '# Incident notes'],
      ['doc', 'The web rollout never came up. Here is the dump:'],
      ['doc', '```json'],
    ]);
  });
});

describe('microk8s inspect report', () => {
  it("splits kubelite's journal by klog caller and reads it in the node's zone (+05:30)", async () => {
    const { report, store, bundleId } = await ingest([join(FIXTURES, 'microk8s')]);
    const journal = 'inspection-report/snap.microk8s.daemon-kubelite/journal.log';
    expect(row(report, journal)).toMatchObject({
      layout: 'microk8s',
      wrapper: 'journald',
      node: 'microk8s-vm',
    });
    expect(row(report, journal).timeEvidence).toContain('+05:30 shown by other files of microk8s-vm');
    const rs = records(store, bundleId, journal);
    const by = (caller: string) => rs.find((r) => r.caller?.startsWith(caller));
    expect(by('httplog.go')?.component).toBe('kube-apiserver');
    expect(by('replica_set.go')?.component).toBe('kube-controller-manager');
    expect(by('schedule_one.go')?.component).toBe('kube-scheduler');
    expect(by('kubelet.go')?.component).toBe('kubelet');
    expect(by('kuberuntime_manager.go')?.component).toBe('kubelet');
    // Shared callers and the snap's shell trace stay with the process.
    expect(by('reflector.go')?.component).toBe('kubelite');
    // `Oct 29 17:23:15` in +05:30.
    expect(by('schedule_one.go')?.ts).toBe('2024-10-29T11:53:15.144501000Z');
    expect(row(report, 'k8s/cluster-info-dump')).toMatchObject({
      layout: 'cluster-info-stream',
      sections: 3,
    });
    expect(records(store, bundleId, 'inspection-report/args/kubelet').every((r) => r.kind === 'doc')).toBe(
      true,
    );
  });
});

/** A kind node folder: its journal, its units' journals, and the same container log twice. */
function kindNode(root: string): void {
  const node = join(root, 'kind-worker');
  const cri = [
    '2025-03-21T14:51:30.101000000Z stderr F I0321 14:51:30.100912       1 server_linux.go:69] "Using iptables proxy"',
    '2025-03-21T14:51:31.222000000Z stderr F I0321 14:51:31.221001       1 proxier.go:243] "Setting route_localnet=1"',
    '',
  ].join('\n');
  const kubelet = [
    'Mar 21 14:51:20 kind-worker systemd[1]: Started kubelet.service - kubelet: The Kubernetes Node Agent.',
    'Mar 21 14:51:21 kind-worker kubelet[296]: I0321 14:51:21.000111     296 kubelet.go:2430] "SyncLoop ADD" source="api" pods=["kube-system/kube-proxy-5sj54"]',
    'Mar 21 14:51:40 kind-worker kubelet[296]: E0321 14:51:40.117000     296 pod_workers.go:1301] "Error syncing pod, skipping" err="failed to \\"StartContainer\\""',
    '',
  ].join('\n');
  const containerd = [
    'Mar 21 14:51:17 kind-worker systemd[1]: Starting containerd.service - containerd container runtime...',
    'Mar 21 14:51:17 kind-worker containerd[101]: time="2025-03-21T14:51:17.462059078Z" level=info msg="starting containerd"',
    '',
  ].join('\n');
  // journal.log holds every unit: the two above, interleaved, and systemd's own lines.
  const journal = [
    'Mar 21 14:51:16 kind-worker systemd-journald[90]: Journal started',
    containerd.split('\n')[0],
    containerd.split('\n')[1],
    kubelet.split('\n')[0],
    kubelet.split('\n')[1],
    'Mar 21 14:51:35 kind-worker systemd[1]: Started cri-containerd-1f2e.scope - libcontainer container 1f2e.',
    kubelet.split('\n')[2],
    '',
  ].join('\n');
  mkdirSync(join(node, 'containers'), { recursive: true });
  mkdirSync(join(node, 'pods/kube-system_kube-proxy-5sj54_3e843632-6ff0-4a3c-b453-fb0485688c7c/kube-proxy'), {
    recursive: true,
  });
  writeFileSync(join(node, 'kubelet.log'), kubelet);
  writeFileSync(join(node, 'containerd.log'), containerd);
  writeFileSync(join(node, 'journal.log'), journal);
  writeFileSync(
    join(
      node,
      'containers/kube-proxy-5sj54_kube-system_kube-proxy-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.log',
    ),
    cri,
  );
  writeFileSync(
    join(node, 'pods/kube-system_kube-proxy-5sj54_3e843632-6ff0-4a3c-b453-fb0485688c7c/kube-proxy/0.log'),
    cri,
  );
}

describe('kind exports: dates and each line once', () => {
  it('dates year-less files by the bundle, not by the mtime a clone gives them', async () => {
    const t = tempStore();
    stores.push(t.store);
    const root = join(t.dir, 'logs');
    kindNode(root);
    // Every file's mtime is "now" (a git clone, an unzip): it says nothing about 2025.
    const now = new Date();
    utimesSync(join(root, 'kind-worker/kubelet.log'), now, now);
    const r = await ingestPaths(t.store, [root]);
    expect(r.status).toBe('ready');
    const kubelet = row(r.report, 'kind-worker/kubelet.log');
    expect(kubelet).toMatchObject({ wrapper: 'journald', timeRule: 'bundle', records: 3 });
    const rs = records(t.store, r.bundleId, 'kind-worker/kubelet.log');
    expect(rs.map((x) => x.ts?.slice(0, 19))).toEqual([
      '2025-03-21T14:51:20',
      '2025-03-21T14:51:21',
      '2025-03-21T14:51:40',
    ]);
    // containerd.log dates itself by its own `time="2025-…"` (line 2).
    expect(row(r.report, 'kind-worker/containerd.log')).toMatchObject({ timeRule: 'file' });
  });

  it("stores each line once: the container log's copy, and the journal's lines of units that have files", async () => {
    const t = tempStore();
    stores.push(t.store);
    const root = join(t.dir, 'logs');
    kindNode(root);
    const r = await ingestPaths(t.store, [root]);
    expect(r.status).toBe('ready');
    const copies = r.report.files.filter((f) => f.duplicateOf);
    expect(copies).toHaveLength(1);
    expect(copies[0]!.duplicateOf).toMatch(/kube-proxy/);
    const journal = row(r.report, 'kind-worker/journal.log');
    expect(journal.duplicates).toEqual([
      { of: 'kind-worker/containerd.log', lines: 2 },
      { of: 'kind-worker/kubelet.log', lines: 3 },
    ]);
    // What only the journal has stays: journald's start, systemd's scope line.
    expect(records(t.store, r.bundleId, 'kind-worker/journal.log').map((x) => x.component)).toEqual([
      'systemd-journald',
      'systemd',
    ]);
    expect(r.report.notes.join('\n')).toMatch(/each line stored once: 1 file and \d+ lines/);
  });

  it('never dates a year-less line after the newest full date of its bundle', async () => {
    const t = tempStore();
    stores.push(t.store);
    const root = join(t.dir, 'logs');
    mkdirSync(join(root, 'n1'), { recursive: true });
    // The only full date says March 2025; the journal's lines are from December: 2024, not 2025.
    writeFileSync(
      join(root, 'n1/events.json'),
      JSON.stringify({
        kind: 'EventList',
        apiVersion: 'v1',
        items: [
          {
            metadata: { name: 'n1.1', namespace: 'default' },
            involvedObject: { kind: 'Node', name: 'n1' },
            reason: 'Starting',
            message: 'Starting kubelet.',
            lastTimestamp: '2025-03-02T10:00:00Z',
            type: 'Normal',
          },
        ],
      }),
    );
    writeFileSync(
      join(root, 'n1/kubelet.log'),
      'Dec 30 23:59:58 n1 kubelet[1]: I1230 23:59:58.000001       1 kubelet.go:1] "a"\n',
    );
    const r = await ingestPaths(t.store, [root]);
    expect(records(t.store, r.bundleId, 'n1/kubelet.log')[0]?.ts).toBe('2024-12-30T23:59:58.000001000Z');
  });
});

describe('troubleshoot support bundle', () => {
  it('reads its lists as state and Events, dates kubectl-logs output from the container start, and finds the operation', async () => {
    const { report, store, bundleId } = await ingest([join(FIXTURES, 'support-bundle')]);
    expect(row(report, 'cluster-resources/pods/shop.json')).toMatchObject({
      layout: 'support-bundle',
      format: 'k8s-object',
    });
    expect(row(report, 'cluster-resources/events/shop.json')).toMatchObject({
      format: 'k8s-event',
      records: 5,
    });
    // `kubectl logs` output has no time: the first line at the container's start (state), the
    // rest at the line before's.
    const log = row(report, 'cluster-resources/pods/logs/shop/web-5d9c7b8f6-x2k4p/web.log');
    expect(log).toMatchObject({ component: 'web', timeRule: 'approx', records: 3 });
    expect(
      records(store, bundleId, 'cluster-resources/pods/logs/shop/web-5d9c7b8f6-x2k4p/web.log').map(
        (r) => r.ts,
      ),
    ).toEqual(Array(3).fill('2024-11-05T14:02:17.000000000Z'));
    // all-logs/ is a symlink farm: stored once.
    expect(row(report, 'all-logs/web-5d9c7b8f6-x2k4p/web.log')).toMatchObject({
      records: 0,
      duplicateOf: 'cluster-resources/pods/logs/shop/web-5d9c7b8f6-x2k4p/web.log',
    });
    // The Deployment's creation, from its Events and state: complete, the pull retried once.
    const list = store.listRequests(bundleId, { sort: 'time', offset: 0, limit: 10 });
    expect(list.requests).toHaveLength(1);
    const t = list.requests[0]!.targets[0]!;
    expect(t).toMatchObject({
      operation: 'create-deployment',
      namespace: 'shop',
      name: 'web',
      outcome: 'complete',
    });
    expect(t.stages.find((x) => x.id === 'images-pulled')!.reason).toMatch(
      /^1 of 1 pods, after 4 s of Failed to pull image "ghcr\.io\/example\/web:1\.4\.2"/,
    );
    expect(t.stages.find((x) => x.id === 'deployment-available')).toMatchObject({
      status: 'done',
      reason: 'Available condition true',
    });
  });
});
