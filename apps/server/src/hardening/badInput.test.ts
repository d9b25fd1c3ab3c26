/**
 * SPEC §9 bad input, through the HTTP upload path and the CLI: each case is a bundle with a good
 * file beside the bad one. The bad one ends in a clear report line (file, line, why), the good one
 * still ingests, nothing is lost and the server keeps serving.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleDetail, IngestReport, SearchResult, UploadAccepted } from '@kubetrail/model';
import { openStore, type Store } from '@kubetrail/store';
import { createApp, type KubetrailApp } from '../index.ts';
import {
  listenLoopback,
  quietLog,
  rawRequest,
  spawnCli,
  tarBytes,
  tempDir,
  waitExit,
  zipBytes,
  type TarMember,
} from './hardeningKit.ts';

const GOOD_PATH =
  'kind-control-plane/pods/kube-system_kube-controller-manager-kind-control-plane_0a1b/kube-controller-manager/0.log';
const cri = (i: number, word: string): string =>
  `2024-06-10T11:35:${String(40 + (i % 19)).padStart(2, '0')}.244334567Z stderr F I0610 11:35:${String(40 + (i % 19)).padStart(2, '0')}.244334       1 replica_set.go:676] "Too few replicas ${word}" replicaSet="shop/web-7d4" need=${i}`;
const goodFile = (word: string): TarMember => ({
  name: GOOD_PATH,
  body: `${Array.from({ length: 20 }, (_, i) => cri(i, word)).join('\n')}\n`,
});

const audit = (id: string): string =>
  JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: id,
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/shop/configmaps',
    verb: 'create',
    user: { username: 'alice' },
    sourceIPs: ['10.0.0.7'],
    userAgent: 'kubectl/v1.30.0',
    objectRef: { resource: 'configmaps', namespace: 'shop', name: 'x', apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 201 },
    requestReceivedTimestamp: '2024-06-10T11:35:38.120000Z',
    stageTimestamp: '2024-06-10T11:35:38.130000Z',
  });

interface Case {
  name: string;
  /** The archive bytes (a .tar.gz unless `ext` says otherwise). */
  bytes: () => Buffer;
  ext?: string;
  /** The member the report must name, and why. Null: no report line required, only a clean ingest. */
  expectReport: { path: RegExp; reason: RegExp; line?: number } | null;
  /** Whether the good file's marker word must be searchable afterwards. */
  goodSurvives: boolean;
  check?: (report: IngestReport, store: Store, bundleId: string) => void;
}

const tgz = (members: TarMember[]): Buffer => gzipSync(tarBytes(members));

const CASES: Case[] = [
  {
    name: 'binary file',
    bytes: () =>
      tgz([
        goodFile('goodbinary'),
        {
          name: 'kind-worker/containers/blob.log',
          body: Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)),
        },
      ]),
    expectReport: { path: /blob\.log/, reason: /binary/i },
    goodSurvives: true,
  },
  {
    name: 'invalid UTF-8',
    bytes: () =>
      tgz([
        goodFile('goodutf'),
        {
          name: 'kind-control-plane/pods/kube-system_kube-scheduler-kind-control-plane_0a1c/kube-scheduler/0.log',
          body: Buffer.concat([
            Buffer.from(`${cri(1, 'before')}\n`),
            Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x0a]),
            Buffer.from(`${cri(2, 'afterutf')}\n`),
          ]),
        },
      ]),
    expectReport: null,
    goodSurvives: true,
    check: (report) => expect(report.totals.records).toBeGreaterThanOrEqual(22),
  },
  {
    name: 'CRLF line endings',
    bytes: () =>
      tgz([
        goodFile('goodcrlf'),
        {
          name: 'kind-control-plane/pods/kube-system_kube-scheduler-kind-control-plane_0a1c/kube-scheduler/0.log',
          body: `${cri(1, 'crlfone')}\r\n${cri(2, 'crlftwo')}\r\n`,
        },
      ]),
    expectReport: null,
    goodSurvives: true,
    check: (_report, store, bundleId) => {
      const hits = store.searchRecords(bundleId, { q: 'crlftwo', offset: 0, limit: 5 });
      expect(hits.total).toBe(1);
      expect(hits.hits[0]!.record.raw).not.toContain('\r');
      expect(hits.hits[0]!.record.message).not.toContain('\r');
    },
  },
  {
    name: 'a 5 MiB line',
    bytes: () =>
      tgz([
        goodFile('goodlong'),
        {
          name: 'kind-control-plane/pods/kube-system_kube-scheduler-kind-control-plane_0a1c/kube-scheduler/0.log',
          body: `${cri(1, 'shortone')}\n${cri(2, 'x'.repeat(5 * 1024 * 1024))}\n${cri(3, 'shortthree')}\n`,
        },
      ]),
    expectReport: { path: /kube-scheduler/, reason: /long|limit|MiB|bytes/i, line: 2 },
    goodSurvives: true,
  },
  {
    name: 'malformed JSON inside an audit log',
    bytes: () =>
      tgz([
        goodFile('goodaudit'),
        {
          name: 'kind-control-plane/kubernetes/kube-apiserver-audit.log',
          body: `${audit('11111111-0000-4000-8000-000000000001')}\n{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":\n${audit('11111111-0000-4000-8000-000000000002')}\n`,
        },
      ]),
    expectReport: { path: /audit/, reason: /json|malformed|parse|invalid|unexpected/i, line: 2 },
    goodSurvives: true,
    check: (report) => expect(report.totals.records).toBeGreaterThanOrEqual(22),
  },
  {
    name: 'unknown format',
    bytes: () =>
      tgz([
        goodFile('goodunknown'),
        { name: 'notes/readme.txt', body: 'Dear operator,\nthis is not a log.\n\n— ops\n' },
      ]),
    expectReport: null,
    goodSurvives: true,
  },
  {
    name: 'empty file',
    bytes: () => tgz([goodFile('goodempty'), { name: 'kind-worker/kubelet.log', body: '' }]),
    expectReport: null,
    goodSurvives: true,
  },
  {
    name: 'zip-slip and absolute member names',
    bytes: () =>
      tgz([
        goodFile('goodslip'),
        { name: '../../evil-slip.log', body: `${cri(1, 'slipped')}\n` },
        { name: '/etc/evil-abs.log', body: `${cri(1, 'absolute')}\n` },
      ]),
    expectReport: { path: /evil-slip/, reason: /\.\.|slip|outside|unsafe|escap|relative/i },
    goodSurvives: true,
  },
  {
    name: 'symlink member',
    bytes: () =>
      tgz([goodFile('goodlink'), { name: 'kind-worker/link.log', type: 'symlink', linkname: '/etc/passwd' }]),
    expectReport: { path: /link\.log/, reason: /symlink|link/i },
    goodSurvives: true,
    check: (_report, store, bundleId) => {
      const leaked = [...store.bundleRecords(bundleId)].filter((x) => x.raw.includes('root:x:0:0'));
      expect(leaked).toEqual([]);
    },
  },
  {
    name: 'truncated tar.gz',
    bytes: () => {
      const whole = tgz([
        goodFile('goodtrunc'),
        { name: 'kind-worker/kubelet-big.log', body: 'y'.repeat(400_000) },
      ]);
      return whole.subarray(0, Math.floor(whole.length * 0.8));
    },
    expectReport: {
      path: /.*/,
      reason: /truncat|unexpected end|corrupt|premature|incomplete|unexpected eof|invalid/i,
    },
    goodSurvives: true,
  },
  {
    name: 'truncated single .gz',
    ext: '.log.gz',
    bytes: () => {
      const whole = gzipSync(
        Buffer.from(`${Array.from({ length: 3000 }, (_, i) => cri(i, 'goodgz')).join('\n')}\n`),
      );
      return whole.subarray(0, Math.floor(whole.length * 0.6));
    },
    expectReport: {
      path: /.*/,
      reason: /truncat|unexpected end|corrupt|premature|incomplete|unexpected eof|invalid/i,
    },
    goodSurvives: true,
  },
  {
    name: 'timestamps outside 1677–2262 and years 0001–0099',
    bytes: () =>
      tgz([
        goodFile('goodtime'),
        {
          name: 'kind-worker/pods/shop_web-1_0a1d/web/0.log',
          body: [
            '2024-06-10T11:35:40.244334567Z stdout F timebefore',
            '9999-06-10T11:35:40.244334567Z stdout F year9999',
            '0001-06-10T11:35:40.244334567Z stdout F year0001',
            '0050-06-10T11:35:40Z stdout F year0050',
            '2024-06-10T11:35:41.244334567Z stdout F timeafter',
            '',
          ].join('\n'),
        },
        {
          name: 'kind-control-plane/pods/kube-system_kube-scheduler-kind-control-plane_0a1c/kube-scheduler/0.log',
          body: [
            JSON.stringify({ ts: 1718019340.5, caller: 'schedule_one.go:1', msg: 'jsonbefore' }),
            JSON.stringify({ ts: 1e20, caller: 'schedule_one.go:1', msg: 'tsone20' }),
            JSON.stringify({ ts: 1718019341.5, caller: 'schedule_one.go:1', msg: 'jsonafter' }),
            '',
          ].join('\n'),
        },
      ]),
    expectReport: { path: /web\/0\.log/, reason: /timestamp out of range \(year 9999\)/, line: 2 },
    goodSurvives: true,
    check: (report, store, bundleId) => {
      const reasons = report.skips.map((s) => `${s.file}:${s.line}: ${s.reason}`).join('\n');
      expect(reasons).toMatch(/web\/0\.log:3: timestamp out of range \(year 1\)/);
      expect(reasons).toMatch(/web\/0\.log:4: timestamp out of range \(year 50\)/);
      expect(reasons).toMatch(/kube-scheduler\/0\.log:2: timestamp out of range/);
      for (const word of ['timebefore', 'timeafter', 'jsonbefore', 'jsonafter'])
        expect(store.searchRecords(bundleId, { q: word, offset: 0, limit: 1 }).total, word).toBe(1);
      for (const word of ['year9999', 'year0001', 'year0050', 'tsone20'])
        expect(store.searchRecords(bundleId, { q: word, offset: 0, limit: 1 }).total, word).toBe(0);
    },
  },
  {
    name: 'JSON nested 5 000 deep',
    bytes: () =>
      tgz([
        goodFile('gooddeep'),
        {
          name: 'kind-control-plane/kubernetes/kube-apiserver-audit.log',
          body: [
            audit('11111111-0000-4000-8000-000000000011'),
            audit('11111111-0000-4000-8000-000000000012').replace(
              /}$/,
              `,"requestObject":{"kind":"Secret","data":${'['.repeat(5000)}${']'.repeat(5000)}}}`,
            ),
            audit('11111111-0000-4000-8000-000000000013'),
            '',
          ].join('\n'),
        },
        {
          name: 'kind-worker/pods/shop_web-1_0a1d/web/0.log',
          body: `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}\n{"msg":"deepafter","ts":1718019340.5,"caller":"a.go:1"}\n`,
        },
        {
          // A klog key/value whose value is JSON: parsed with the same bound, kept as text past it.
          name: 'kind-worker/kubelet.log',
          body: `I0610 11:35:40.244334    2301 kubelet.go:2345] "deep value" v=${'['.repeat(5000)}${']'.repeat(5000)}\nI0610 11:35:41.244334    2301 kubelet.go:2345] "klogafter"\n`,
        },
      ]),
    expectReport: { path: /audit/, reason: /nested deeper than 512 levels/, line: 2 },
    goodSurvives: true,
    check: (report, store, bundleId) => {
      expect(report.totals.records).toBeGreaterThanOrEqual(20 + 2 + 2 + 2);
      for (const word of ['deepafter', 'klogafter'])
        expect(store.searchRecords(bundleId, { q: word, offset: 0, limit: 1 }).total, word).toBe(1);
    },
  },
  {
    name: 'a log that starts with a NUL run (copytruncate)',
    bytes: () =>
      tgz([
        goodFile('goodnul'),
        {
          name: 'kind-control-plane/pods/kube-system_kube-scheduler-kind-control-plane_0a1c/kube-scheduler/0.log',
          body: Buffer.concat([
            Buffer.alloc(4096),
            Buffer.from(`${cri(1, 'afternuls')}\n${cri(2, 'afternuls')}\n`),
          ]),
        },
      ]),
    expectReport: { path: /kube-scheduler/, reason: /4096 NUL bytes at the start/, line: 1 },
    goodSurvives: true,
    check: (_report, store, bundleId) =>
      expect(store.searchRecords(bundleId, { q: 'afternuls', offset: 0, limit: 5 }).total).toBe(2),
  },
  {
    name: 'a member named a:b.log',
    bytes: () => tgz([goodFile('goodcolon'), { name: 'a:b.log', body: `${cri(1, 'colonname')}\n` }]),
    expectReport: null,
    goodSurvives: true,
    check: (report, store, bundleId) => {
      expect(report.files.map((f) => f.path)).toContain('a:b.log');
      expect(store.searchRecords(bundleId, { q: 'colonname', offset: 0, limit: 1 }).total).toBe(1);
    },
  },
  {
    name: 'a JSON-lines audit log whose first line is over 1 MiB',
    bytes: () =>
      tgz([
        goodFile('goodfirst'),
        {
          // No audit hint in the name: the content alone must decide.
          name: 'captures/apiserver-events.jsonl',
          body: [
            audit('11111111-0000-4000-8000-000000000021').replace(/}$/, `,"pad":"${'x'.repeat(1_500_000)}"}`),
            audit('11111111-0000-4000-8000-000000000022'),
            audit('11111111-0000-4000-8000-000000000023'),
            '',
          ].join('\n'),
        },
      ]),
    expectReport: { path: /apiserver-events/, reason: /longer than/, line: 1 },
    goodSurvives: true,
    check: (report) => {
      const f = report.files.find((x) => /apiserver-events/.test(x.path));
      expect(f?.format).toBe('audit');
      expect(f?.records).toBe(2);
    },
  },
  {
    name: 'a zip member whose CRC-32 does not match',
    ext: '.zip',
    bytes: () =>
      zipBytes([
        { name: GOOD_PATH, body: `${Array.from({ length: 20 }, (_, i) => cri(i, 'goodzip')).join('\n')}\n` },
        { name: 'kind-worker/kubelet.log', body: `${cri(1, 'damaged')}\n`, crc: 0x12345678 },
      ]),
    expectReport: { path: /kubelet\.log/, reason: /CRC-32 mismatch/ },
    goodSurvives: true,
  },
];

/** The good file's marker word of each case (searchable afterwards). */
const MARKERS: Record<string, string> = {
  'binary file': 'goodbinary',
  'invalid UTF-8': 'goodutf',
  'CRLF line endings': 'goodcrlf',
  'a 5 MiB line': 'goodlong',
  'malformed JSON inside an audit log': 'goodaudit',
  'unknown format': 'goodunknown',
  'empty file': 'goodempty',
  'zip-slip and absolute member names': 'goodslip',
  'symlink member': 'goodlink',
  'truncated tar.gz': 'goodtrunc',
  'truncated single .gz': 'goodgz',
  'timestamps outside 1677–2262 and years 0001–0099': 'goodtime',
  'JSON nested 5 000 deep': 'gooddeep',
  'a log that starts with a NUL run (copytruncate)': 'goodnul',
  'a member named a:b.log': 'goodcolon',
  'a JSON-lines audit log whose first line is over 1 MiB': 'goodfirst',
  'a zip member whose CRC-32 does not match': 'goodzip',
};

function reportLines(report: IngestReport): { file: string; line: number | null; why: string }[] {
  return [
    ...report.skips.map((s) => ({ file: s.file, line: s.line, why: s.reason })),
    ...report.files.filter((f) => f.error).map((f) => ({ file: f.path, line: null, why: f.error ?? '' })),
    ...report.notes.map((n) => ({ file: n, line: null, why: n })),
  ];
}

function expectReported(c: Case, report: IngestReport): void {
  if (!c.expectReport) return;
  const { path, reason, line } = c.expectReport;
  const lines = reportLines(report);
  const hit = lines.find(
    (l) => path.test(l.file) && reason.test(l.why) && (line === undefined || l.line === line),
  );
  expect(
    hit,
    `${c.name}: no report line for ${String(path)} ${String(reason)} in ${JSON.stringify(lines).slice(0, 1500)}`,
  ).toBeDefined();
}

describe('bad input through the HTTP upload path', () => {
  const tmp = tempDir('bad-http');
  let store: Store;
  let app: KubetrailApp;
  let port = 0;
  let close: () => Promise<void> = () => Promise.resolve();

  beforeAll(async () => {
    store = openStore(join(tmp.dir, 'db', 'kubetrail.db'));
    app = createApp({ store, log: quietLog, ingestDir: join(tmp.dir, 'uploads') });
    ({ port, close } = await listenLoopback(app));
  });

  afterAll(async () => {
    await close();
    await app?.locals.idle();
    store?.close();
    tmp.remove();
  });

  for (const c of CASES) {
    it(
      c.name,
      async () => {
        const body = c.bytes();
        const res = await rawRequest(port, 'POST', `/api/bundles?name=${encodeURIComponent(c.name)}`, {
          body,
          headers: { 'content-type': 'application/octet-stream', 'content-length': String(body.length) },
        });
        expect(res.status, res.text).toBe(202);
        await app.locals.idle();
        const id = (JSON.parse(res.text) as UploadAccepted).bundleId;
        const b = JSON.parse((await rawRequest(port, 'GET', `/api/bundles/${id}`)).text) as BundleDetail;
        expect(b.status, `${c.name}: ${b.error ?? ''}`).toBe('ready');
        expectReported(c, b.report!);
        if (c.goodSurvives) {
          const s = JSON.parse(
            (await rawRequest(port, 'GET', `/api/bundles/${id}/records?q=${MARKERS[c.name]}&limit=5`)).text,
          ) as SearchResult;
          expect(s.total, `${c.name}: the good file's lines`).toBeGreaterThan(0);
        }
        c.check?.(b.report!, store, id);
        // The server keeps serving.
        expect((await rawRequest(port, 'GET', '/api/health')).status).toBe(200);
      },
      60_000,
    );
  }
});

describe('bad input through the CLI', () => {
  const tmp = tempDir('bad-cli');
  afterAll(() => tmp.remove());

  it('ingests every bad case in one CLI run, reporting each and keeping the good files', async () => {
    const paths = CASES.map((c, i) => {
      const p = join(tmp.dir, `case-${i}${c.ext ?? '.tar.gz'}`);
      writeFileSync(p, c.bytes());
      return p;
    });
    // One bundle per case would cost a process start each; each case is its own CLI bundle path
    // list entry instead, so one run reads them all as one bundle.
    const db = join(tmp.dir, 'cli.db');
    const done = await waitExit(spawnCli(['ingest', ...paths, '--db', db, '--json']));
    expect(done.code, done.stderr.slice(-2000)).toBe(0);
    const out = JSON.parse(done.stdout) as IngestReport & { bundleId: string; status: string };
    expect(out.status).toBe('ready');
    for (const c of CASES) expectReported(c, out);
    const store = openStore(db);
    try {
      for (const c of CASES) {
        if (!c.goodSurvives) continue;
        expect(
          store.searchRecords(out.bundleId, { q: MARKERS[c.name]!, offset: 0, limit: 1 }).total,
          c.name,
        ).toBeGreaterThan(0);
      }
    } finally {
      store.close();
    }
  }, 90_000);
});

describe('a single .gz corrupt from its first byte (it hung: exit 13, no message)', () => {
  const tmp = tempDir('bad-gz0');
  let store: Store;
  let app: KubetrailApp;
  let port = 0;
  let close: () => Promise<void> = () => Promise.resolve();
  const garbage = Buffer.concat([
    Buffer.from([0x1f, 0x8b, 0x08, 0x00]),
    Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919 + 13) % 256)),
  ]);

  beforeAll(async () => {
    store = openStore(join(tmp.dir, 'db', 'kubetrail.db'));
    app = createApp({ store, log: quietLog, ingestDir: join(tmp.dir, 'uploads') });
    ({ port, close } = await listenLoopback(app));
  });

  afterAll(async () => {
    await close();
    await app?.locals.idle();
    store?.close();
    tmp.remove();
  });

  it('fails the CLI ingest with the reason', async () => {
    const file = join(tmp.dir, 'kubelet.log.gz');
    writeFileSync(file, garbage);
    const done = await waitExit(spawnCli(['ingest', file, '--db', join(tmp.dir, 'cli.db')]));
    expect(done.code).toBe(1);
    expect(done.stderr).toMatch(/corrupt gzip/);
  }, 60_000);

  it('marks the upload failed with the reason (the worker does not vanish)', async () => {
    const res = await rawRequest(port, 'POST', '/api/bundles?name=gz0', {
      body: garbage,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(res.status, res.text).toBe(202);
    await app.locals.idle();
    const id = (JSON.parse(res.text) as UploadAccepted).bundleId;
    const b = JSON.parse((await rawRequest(port, 'GET', `/api/bundles/${id}`)).text) as BundleDetail;
    expect(b.status).toBe('failed');
    expect(b.error).toMatch(/corrupt gzip/);
  }, 60_000);
});
