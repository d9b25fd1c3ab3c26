/**
 * Issue 12, "done when": a bounded attack run (fixed count, fixed seed) of hostile archives, JSON,
 * times and OTLP extremes against a real server on loopback, ingesting in worker threads, and
 * through the CLI. Zero 5xx, zero crashes (a bundle fails only with "nothing could be read"; no
 * ingest dies), no bundle left ingesting, nothing already stored lost, the database intact.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleDetail, BundleList, RequestList, UploadAccepted } from '@kubetrail/model';
import { openStore, type Store } from '@kubetrail/store';
import { createApp, ingestPaths, type KubetrailApp } from '../index.ts';
import {
  deepAnyValueProtobuf,
  listenLoopback,
  prng,
  quietLog,
  rawRequest,
  simBundle,
  spawnCli,
  tarBytes,
  tempDir,
  waitExit,
  zipBytes,
  type TarMember,
} from './hardeningKit.ts';

const ATTACK_SEED = 0x0a77ac;
const BUNDLES = 36;
const OTLP_POSTS = 60;

type Rng = ReturnType<typeof prng>;

// ── hostile values ────────────────────────────────────────────────────────────────────────────

const TIMES: readonly unknown[] = [
  1e20,
  -1e20,
  1e308,
  -1,
  0,
  9.2233720368547758e18,
  1718019340.5,
  1718019340500,
  '9999-12-31T23:59:59.999999999Z',
  '0001-01-01T00:00:00Z',
  '0099-06-10T11:35:40Z',
  '1677-09-21T00:12:43.145224191Z',
  '2262-04-11T23:47:16.854775808Z',
  '2024-06-10T11:35:60Z',
  '2024-02-30T11:35:40Z',
  '2024-06-10T11:35:40.1234567890123456789Z',
  'yesterday',
  '',
  null,
  [],
];

const OTLP_NANOS: readonly unknown[] = [
  '0',
  '1718019340100000000',
  '9223372036854775807',
  '9223372036854775808',
  '18446744073709551615',
  '99999999999999999999',
  '-1',
  'abc',
  1e300,
  -5,
  1.5,
  null,
];

const TEXT: readonly string[] = [
  'I0610 11:35:40.244334    2301 kubelet.go:2345] "SyncLoop ADD" source="api"',
  'E0610 11:35:41.000001       1 replica_set.go:676] "Too few replicas" replicaSet="shop/web" need=3',
  '2024-06-10T11:35:40.244334567Z stderr F I0610 11:35:40.244334 1 a.go:1] "x"',
  'Jun 10 11:35:40 worker-1 kubelet[23617]: I0610 11:35:40.244334 23617 kubelet.go:1] "y"',
  '\u0000\u0001\u0002binary',
  '\u001b[31mred\u001b[0m',
  '<script>alert(1)</script>',
  'Authorization: Bearer attacktoken',
  '',
  ' ',
  '\r',
];

function deepJson(r: Rng): string {
  const depth = r.pick([10, 100, 511, 513, 2000, 6000]);
  const open = r.next() < 0.5 ? '{"a":' : '[';
  const close = open === '[' ? ']' : '}';
  return `${open.repeat(depth)}1${close.repeat(depth)}`;
}

/** Deep values are spliced in as text: building them as objects would overflow this test's own stack. */
const withDeep = (json: string, r: Rng): string => json.replace('"__DEEP__"', deepJson(r));

function componentJson(r: Rng): string {
  const base: Record<string, unknown> = { ts: r.pick(TIMES), caller: 'x.go:1', msg: r.pick(TEXT) };
  if (r.next() < 0.3) base.nested = '__DEEP__';
  if (r.next() < 0.2)
    base[r.pick(['__proto__', 'constructor', 'Authorization', '\u0053ecret'])] = r.pick(TEXT);
  return withDeep(JSON.stringify(base), r);
}

function auditEvent(r: Rng, id: string): string {
  return JSON.stringify({
    kind: r.pick(['Event', undefined, 'EventList']),
    apiVersion: 'audit.k8s.io/v1',
    auditID: id,
    stage: r.pick(['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic', '', 42]),
    verb: r.pick(['create', 'patch', 'list', 'watch', null]),
    requestURI: '/api/v1/namespaces/shop/secrets',
    objectRef: r.pick([{ resource: 'secrets', name: 's' }, { resource: 'pods' }, null, 'x']),
    requestReceivedTimestamp: r.pick(TIMES),
    stageTimestamp: r.pick(TIMES),
    requestObject: r.pick([
      { kind: 'Secret', data: { p: 'cGFzcw==' } },
      [{ op: 'add', path: '/data/x', value: 'v' }],
      null,
    ]),
    responseStatus: r.pick([{ code: 201 }, { code: 'x' }, null]),
  });
}

function otlpDoc(r: Rng): Record<string, unknown> {
  const spans = Array.from({ length: r.int(0, 6) }, () => ({
    traceId: r.pick([
      '5b8efff798038103d269b633813fc60c',
      'W47/95gDgQPSabYzgT/GDA==',
      '',
      'zz',
      '0'.repeat(32),
      7,
    ]),
    spanId: r.pick(['eee19b7ec3c1b174', '7uGbfsPBsXQ=', '', 'x'.repeat(100)]),
    name: r.pick(['HTTP GET', '', 'x'.repeat(5000), null, { a: 1 }]),
    startTimeUnixNano: r.pick(OTLP_NANOS),
    endTimeUnixNano: r.pick(OTLP_NANOS),
    attributes: [
      { key: 'http.request.header.authorization', value: { stringValue: 'Bearer otlpsecret' } },
      {
        key: 'deep',
        value: r.next() < 0.3 ? '__DEEP__' : { intValue: '99999999999999999999999' },
      },
    ],
    events: [{ timeUnixNano: r.pick(OTLP_NANOS), name: 'e' }],
    status: { code: r.pick([0, 1, 2, 'STATUS_CODE_ERROR', -7]) },
  }));
  return {
    resourceSpans: r.pick([
      [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'apiserver' } }] },
          scopeSpans: [{ spans }],
        },
      ],
      [{ scopeSpans: [{ spans }] }, null, 3],
      [],
    ]),
  };
}

/** One line of a hostile log file. */
function line(r: Rng, auditId: string): string {
  switch (r.int(0, 5)) {
    case 0:
      return r.pick(TEXT);
    case 1:
      return componentJson(r);
    case 2:
      return auditEvent(r, r.next() < 0.5 ? auditId : `id-${r.int(0, 5)}`);
    case 3:
      return deepJson(r);
    case 4:
      return `${r.pick(['2024-06-10T11:35:40.244334567Z', '9999-06-10T11:35:40Z', '0001-01-01T00:00:00Z', '2024-13-40T99:99:99Z'])} stderr ${r.pick(['F', 'P'])} ${r.pick(TEXT)}`;
    default:
      return withDeep(JSON.stringify(otlpDoc(r)), r);
  }
}

function logBody(r: Rng): Buffer {
  const id = `same-${r.int(0, 3)}`;
  const lines = Array.from({ length: r.int(1, 80) }, () => line(r, id));
  // Many events of one audit ID (the merge is bounded per ID).
  if (r.next() < 0.15) for (let i = 0; i < 3000; i++) lines.push(auditEvent(r, 'one-id'));
  let body = Buffer.from(`${lines.join(r.pick(['\n', '\r\n']))}\n`);
  if (r.next() < 0.15) body = Buffer.concat([Buffer.alloc(r.int(1, 8192)), body]);
  if (r.next() < 0.1) body = body.subarray(0, r.int(0, body.length));
  return body;
}

const MEMBER_NAMES = [
  'kind-control-plane/kubernetes/kube-apiserver-audit.log',
  'kind-worker/kubelet.log',
  'kind-worker/pods/shop_web-1_uid/web/0.log',
  'kind-control-plane/traces/apiserver.otlp.jsonl',
  'a:b.log',
  'C:\\evil.log',
  '../../escape.log',
  '/etc/abs.log',
  'ctl\u0007name\n.log',
  `${'d/'.repeat(60)}deep.log`,
  'events.json',
  'rotated.log.gz',
];

function member(r: Rng): TarMember {
  const name = r.pick(MEMBER_NAMES);
  let body = logBody(r);
  if (name.endsWith('.gz')) {
    body = gzipSync(body);
    if (r.next() < 0.4)
      body = Buffer.concat([body.subarray(0, 2), Buffer.from(body.subarray(2).map((b) => b ^ 0x5a))]);
  }
  return r.next() < 0.05 ? { name, type: 'symlink', linkname: '/etc/passwd' } : { name, body };
}

/** A hostile bundle: tar.gz, tar, zip (stored, damaged, overlapping), a lone .gz or a plain file. */
function bundle(r: Rng): Buffer {
  const members = Array.from({ length: r.int(1, 5) }, () => member(r));
  switch (r.int(0, 6)) {
    case 0:
      return gzipSync(tarBytes(members));
    case 1: {
      const tgz = gzipSync(tarBytes(members));
      return tgz.subarray(0, r.int(10, tgz.length)); // truncated anywhere
    }
    case 2:
      return tarBytes(members);
    case 3:
      return zipBytes(
        members
          .filter((m) => m.body !== undefined)
          .map((m, i) => ({
            name: `${i}-${m.name}`,
            body: m.body!,
            ...(r.next() < 0.3 ? { crc: r.int(0, 2 ** 31) } : {}),
          })),
      );
    case 4: {
      // An overlapping zip: one deflated body behind many names.
      const body = logBody(r);
      const data = deflateRawSync(body);
      return overlapZip(body, data, r.int(2, 30));
    }
    case 5: {
      const gz = gzipSync(logBody(r));
      return r.next() < 0.5
        ? gz
        : Buffer.concat([gz.subarray(0, 2), Buffer.from(gz.subarray(2).map((b) => b ^ 0xa5))]);
    }
    default:
      return logBody(r);
  }
}

function overlapZip(body: Buffer, data: Buffer, n: number): Buffer {
  const crc = crc32(body);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(body.length, 22);
  local.writeUInt16LE(1, 26);
  const centrals: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const name = Buffer.from(`m${i}.log`);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(8, 10);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(data.length, 20);
    c.writeUInt32LE(body.length, 24);
    c.writeUInt16LE(name.length, 28);
    centrals.push(c, name);
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(n, 8);
  end.writeUInt16LE(n, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(31 + data.length, 16);
  return Buffer.concat([local, Buffer.from('m'), data, cd, end]);
}

// ── the run ───────────────────────────────────────────────────────────────────────────────────

interface Snapshot {
  records: number;
  requests: number;
  search: number;
  firstHit: number | null;
}

const snapshot = (store: Store, id: string): Snapshot => {
  const s = store.searchRecords(id, { q: 'pod', offset: 0, limit: 3 });
  return {
    records: store.getBundle(id)?.records ?? -1,
    requests: store.listRequests(id, { sort: 'time', offset: 0, limit: 1 }).total,
    search: s.total,
    firstHit: s.hits[0]?.record.id ?? null,
  };
};

describe(`attack run (seed ${ATTACK_SEED}: ${BUNDLES} hostile bundles, ${OTLP_POSTS} OTLP posts, one CLI run)`, () => {
  const tmp = tempDir('attack');
  let store: Store;
  let app: KubetrailApp;
  let port = 0;
  let close: () => Promise<void> = () => Promise.resolve();
  let earlierId = '';
  let before: Snapshot;
  const statuses: string[] = [];
  const files: string[] = [];

  const call = async (method: string, path: string, opts: Parameters<typeof rawRequest>[3] = {}) => {
    const res = await rawRequest(port, method, path, { timeoutMs: 120_000, ...opts });
    statuses.push(`${res.status} ${method} ${path.slice(0, 80)}`);
    return res;
  };

  beforeAll(async () => {
    store = openStore(join(tmp.dir, 'db', 'kubetrail.db'));
    const earlier = await simBundle(join(tmp.dir, 'earlier.tar.gz'), {
      seed: 11,
      scenarios: ['complete', 'unschedulable'],
      noise: 40,
    });
    const r = await ingestPaths(store, [earlier.file], { name: 'earlier' });
    expect(r.status).toBe('ready');
    earlierId = r.bundleId;
    before = snapshot(store, earlierId);
    app = createApp({
      store,
      log: quietLog,
      ingestDir: join(tmp.dir, 'uploads'),
      limits: { ingest: { maxDecompressedBytes: 64 * 1024 ** 2 } },
      liveDebounceMs: 20,
    });
    ({ port, close } = await listenLoopback(app));
  }, 120_000);

  afterAll(async () => {
    await close();
    await app?.locals.idle();
    store?.close();
    tmp.remove();
  });

  it('survives every hostile bundle and OTLP request with no 5xx and no crash', async () => {
    const r = prng(ATTACK_SEED);
    const ids = new Set<string>();
    for (let i = 0; i < BUNDLES; i++) {
      const body = bundle(r);
      const file = join(tmp.dir, `attack-${i}.bin`);
      writeFileSync(file, body);
      files.push(file);
      const res = await call('POST', `/api/bundles?name=attack-${i}`, {
        body,
        headers: { 'content-type': 'application/octet-stream' },
      });
      if (res.status === 202) ids.add((JSON.parse(res.text) as UploadAccepted).bundleId);
      else expect(res.status, `bundle ${i}: ${res.text}`).toBe(400); // an empty body
      if (i % 6 === 5) await app.locals.idle();
    }
    for (let i = 0; i < OTLP_POSTS; i++) {
      const doc = Buffer.from(withDeep(JSON.stringify(otlpDoc(r)), r));
      const gz = r.next() < 0.3;
      await call('POST', '/v1/traces', {
        body: gz ? gzipSync(doc) : doc,
        headers: { 'content-type': 'application/json', ...(gz ? { 'content-encoding': 'gzip' } : {}) },
      });
    }
    // Protobuf has no depth bound of its own.
    for (const depth of [r.int(50, 200), r.int(1000, 5000), r.int(10_000, 40_000)])
      await call('POST', '/v1/traces', {
        body: deepAnyValueProtobuf(depth),
        headers: { 'content-type': 'application/x-protobuf' },
      });
    await app.locals.idle();
    app.locals.live.flush();

    // Every bundle settled, and read back through the API: status, records, requests, timelines.
    for (const id of [...ids, 'live']) {
      const b = JSON.parse((await call('GET', `/api/bundles/${id}`)).text) as BundleDetail;
      expect(b.status, `${id}: ${b.error ?? ''}`).not.toBe('ingesting');
      if (b.status === 'failed') expect(b.error, id).toMatch(/^nothing could be read from this bundle/);
      for (let rec = 0; rec < Math.min(b.records, 25); rec++)
        await call('GET', `/api/bundles/${id}/records/${rec}`);
      await call('GET', `/api/bundles/${id}/records?q=attacktoken`);
      await call('GET', `/api/bundles/${id}/histogram`);
      const reqs = JSON.parse((await call('GET', `/api/bundles/${id}/requests`)).text) as RequestList;
      for (const q of (reqs.requests ?? []).slice(0, 3)) {
        await call('GET', `/api/bundles/${id}/requests/${encodeURIComponent(q.reqId)}/timeline`);
        await call('GET', `/api/bundles/${id}/requests/${encodeURIComponent(q.reqId)}/otlp`);
      }
    }
    const list = JSON.parse((await call('GET', '/api/bundles')).text) as BundleList;
    expect(list.bundles.filter((b) => b.status === 'ingesting').map((b) => b.id)).toEqual([]);
    const byStatus = new Map<string, number>();
    for (const s of statuses) byStatus.set(s.slice(0, 3), (byStatus.get(s.slice(0, 3)) ?? 0) + 1);
    console.info(
      `attack run: ${ids.size} bundles (${list.bundles.filter((b) => b.status === 'ready').length - 1} ready, ` +
        `${list.bundles.filter((b) => b.status === 'failed').length} failed), ` +
        `${list.bundles.reduce((n, b) => n + b.records, 0)} records; answers ${[...byStatus].map(([k, v]) => `${k}×${v}`).join(' ')}`,
    );
    // The run must reach the parsers, not stop at the door.
    expect(list.bundles.filter((b) => b.status === 'ready').length).toBeGreaterThan(BUNDLES / 2);

    const fivexx = statuses.filter((s) => s.startsWith('5'));
    expect(fivexx, fivexx.join('\n')).toEqual([]);
    expect(
      JSON.stringify(
        store.db.prepare("SELECT count(*) AS n FROM records WHERE instr(raw, 'otlpsecret') > 0").get(),
      ),
    ).toBe('{"n":0}');
    expect(snapshot(store, earlierId)).toEqual(before);
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect((await call('GET', '/api/health')).status).toBe(200);
  }, 600_000);

  it('ingests the same inputs as one CLI bundle without an unexpected error', async () => {
    const db = join(tmp.dir, 'cli.db');
    const done = await waitExit(
      spawnCli(['ingest', ...files, '--db', db, '--json', '--max-decompressed', '64MiB']),
    );
    expect(done.stderr).not.toMatch(/unexpected error/);
    expect(done.code, done.stderr.slice(-2000)).toBe(0);
    const out = JSON.parse(done.stdout) as { status: string; totals: { files: number } };
    expect(out.status).toBe('ready');
    expect(out.totals.files).toBeGreaterThanOrEqual(BUNDLES);
    const cli = openStore(db);
    try {
      expect(cli.db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      cli.close();
    }
  }, 300_000);
});
