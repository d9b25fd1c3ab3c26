/**
 * Security (SPEC §9, issue 6): loopback bind by default, a strict Content-Security-Policy and no
 * inline script, path traversal on static files refused, and secrets in audit bodies redacted at
 * ingest — in the stored fields, the raw line, and the search index.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogRecord, RecordDetail, SearchResult } from '@kubetrail/model';
import { openStore, type Store } from '@kubetrail/store';
import { createApp, DEFAULT_WEB_DIST, ingestPaths, type KubetrailApp } from '../index.ts';
import { listenLoopback, quietLog, rawRequest, spawnCli, tempDir, waitExit } from './hardeningKit.ts';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host, port, timeout: 2000 });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('timeout', () => {
      sock.destroy();
      resolve(false);
    });
    sock.once('error', () => resolve(false));
  });
}

describe('security: bind address', () => {
  const tmp = tempDir('bind');
  afterAll(() => tmp.remove());

  it('serve binds 127.0.0.1 when no --host is given', async () => {
    const port = await freePort();
    const child = spawnCli(['serve', '--port', String(port), '--db', join(tmp.dir, 'serve.db')]);
    const exited = waitExit(child);
    try {
      let up = false;
      for (let i = 0; i < 150 && !up && child.exitCode === null; i++) {
        up = await rawRequest(port, 'GET', '/api/health', { timeoutMs: 2000 }).then(
          (r) => r.status === 200,
          () => false,
        );
        if (!up) await sleep(200);
      }
      expect(up, 'serve did not answer on 127.0.0.1').toBe(true);
      const ss = spawnSync('ss', ['-Hltn'], { encoding: 'utf8' });
      if (ss.status === 0) {
        const listening = ss.stdout
          .split('\n')
          .map((l) => l.trim().split(/\s+/)[3] ?? '')
          .filter((addr) => addr.endsWith(`:${port}`));
        expect(listening).toEqual([`127.0.0.1:${port}`]);
      }
      // And from outside loopback: every non-internal IPv4 address of this machine is refused.
      const external = Object.values(networkInterfaces())
        .flat()
        .filter((i) => i && i.family === 'IPv4' && !i.internal)
        .map((i) => i!.address);
      for (const addr of external) expect(await canConnect(addr, port), addr).toBe(false);
    } finally {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
      const t = setTimeout(
        () => child.pid !== undefined && child.exitCode === null && process.kill(-child.pid, 'SIGKILL'),
        5000,
      );
      await exited;
      clearTimeout(t);
    }
  }, 60_000);
});

describe('security: headers and static files', () => {
  const tmp = tempDir('static');
  let store: Store;
  let app: KubetrailApp;
  let port = 0;
  let close: () => Promise<void> = () => Promise.resolve();
  const web = join(tmp.dir, 'site', 'web');

  beforeAll(async () => {
    mkdirSync(join(web, 'assets'), { recursive: true });
    writeFileSync(
      join(web, 'index.html'),
      '<!doctype html><title>kt</title><script type="module" src="/assets/app.js"></script>',
    );
    writeFileSync(join(web, 'assets', 'app.js'), 'console.log("app");');
    writeFileSync(join(tmp.dir, 'site', 'secret.txt'), 'TOPSECRET-4242');
    writeFileSync(join(tmp.dir, 'site', 'package.json'), '{"name":"SECRET-PACKAGE-4242"}');
    writeFileSync(join(tmp.dir, 'secret.txt'), 'TOPSECRET-4242');
    store = openStore(join(tmp.dir, 'db', 'kubetrail.db'));
    app = createApp({ store, log: quietLog, webDist: web, ingestDir: join(tmp.dir, 'uploads') });
    ({ port, close } = await listenLoopback(app));
  });

  afterAll(async () => {
    await close();
    store?.close();
    tmp.remove();
  });

  const directives = (csp: string): Map<string, string[]> =>
    new Map(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .filter((d) => d[0])
        .map((d) => [d[0]!.toLowerCase(), d.slice(1)]),
    );

  it('sends a strict Content-Security-Policy on pages, assets and the API', async () => {
    for (const path of ['/', '/bundles/x/requests/y', '/assets/app.js', '/api/health', '/api/nope']) {
      const res = await rawRequest(port, 'GET', path);
      const csp = String(res.headers['content-security-policy'] ?? '');
      expect(csp, path).not.toBe('');
      const d = directives(csp);
      const script = d.get('script-src') ?? d.get('default-src') ?? [];
      expect(script, path).toContain("'self'");
      for (const bad of [
        "'unsafe-eval'",
        "'unsafe-inline'",
        '*',
        'data:',
        'http:',
        'https:',
        "'wasm-unsafe-eval'",
      ])
        expect(script, `${path}: script-src ${bad}`).not.toContain(bad);
      expect(d.get('default-src'), path).toBeDefined();
      expect(d.get('object-src'), path).toEqual(["'none'"]);
      expect(d.get('base-uri') ?? [], path).not.toContain('*');
      expect(d.get('frame-ancestors'), path).toBeDefined();
      expect(csp, path).not.toContain("'unsafe-eval'");
      expect(res.headers['x-content-type-options'], path).toBe('nosniff');
    }
  });

  it('the built web app has no inline script (when it is built)', () => {
    const index = join(DEFAULT_WEB_DIST, 'index.html');
    if (!existsSync(index)) return; // `pnpm build` runs after the unit tests; the e2e suite covers it then
    const html = readFileSync(index, 'utf8');
    const inline = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)].filter(
      (m) => !/\bsrc\s*=/.test(m[1] ?? '') && (m[2] ?? '').trim() !== '',
    );
    expect(inline.map((m) => m[0].slice(0, 120))).toEqual([]);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i); // inline event handlers
    expect(html).not.toMatch(/javascript:/i);
  });

  it('refuses path traversal on static files', async () => {
    const attempts = [
      '/../secret.txt',
      '/..%2fsecret.txt',
      '/..%2f..%2fsecret.txt',
      '/%2e%2e/secret.txt',
      '/%2e%2e%2fsecret.txt',
      '/%2e%2e/package.json',
      '/assets/../../secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..\\secret.txt',
      '/..%5csecret.txt',
      '/%2e%2e%5c%2e%2e%5csecret.txt',
      '/..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc/passwd',
      '/..%252f..%252fsecret.txt',
      '/%c0%ae%c0%ae/secret.txt',
      '/....//secret.txt',
      '/assets/app.js%00.html',
      '//etc/passwd',
      '/%2fetc%2fpasswd',
      '/.%2e/secret.txt',
    ];
    for (const path of attempts) {
      const res = await rawRequest(port, 'GET', path);
      expect(res.status, path).toBeLessThan(500);
      expect(res.text, path).not.toContain('TOPSECRET-4242');
      expect(res.text, path).not.toContain('SECRET-PACKAGE-4242');
      expect(res.text, path).not.toMatch(/root:x:0:0/);
    }
    // The real build folder too: its parent holds apps/web/package.json.
    const real = createApp({
      store,
      log: quietLog,
      webDist: DEFAULT_WEB_DIST,
      ingestDir: join(tmp.dir, 'uploads2'),
    });
    const srv = await listenLoopback(real);
    try {
      for (const path of [
        '/%2e%2e/package.json',
        '/..%2fpackage.json',
        '/..%2f..%2f..%2fpackage.json',
        '/..%2f..%2fetc/passwd',
      ]) {
        const res = await rawRequest(srv.port, 'GET', path);
        expect(res.status, path).toBeLessThan(500);
        expect(res.text, path).not.toContain('"@kubetrail/');
        expect(res.text, path).not.toMatch(/root:x:0:0/);
      }
    } finally {
      await srv.close();
    }
  });
});

describe('security: secrets in audit bodies are redacted at ingest', () => {
  const tmp = tempDir('redact');
  let store: Store;
  let app: KubetrailApp;
  let port = 0;
  let close: () => Promise<void> = () => Promise.resolve();
  let bundleId = '';

  const PASSWORD = 'hunter2zebra42';
  const PASSWORD_B64 = Buffer.from(PASSWORD).toString('base64');
  const API_KEY = 'sklivequokka7731';
  const JWT = 'eyJhbGciOiJSUzI1NiIsImtpZCI6InF1b2trYSJ9.eyJzdWIiOiJ3b21iYXQifQ.c2lnbmF0dXJld29tYmF0';
  const BEARER = 'platypustoken9931';
  const HEADER_TOKEN = 'wombatsecret555';
  const SECRETS = [PASSWORD, PASSWORD_B64, API_KEY, JWT, ...JWT.split('.'), BEARER, HEADER_TOKEN];

  const base = (auditID: string, stage: string, verb: string, ref: Record<string, string>, ms: number) => ({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    auditID,
    stage,
    requestURI: `/api/v1/namespaces/shop/${ref.resource}`,
    verb,
    user: { username: 'alice', groups: ['system:authenticated'] },
    sourceIPs: ['10.0.0.7'],
    userAgent: 'kubectl/v1.30.0 (linux/amd64) kubernetes/7c48c2b',
    objectRef: { apiVersion: 'v1', namespace: 'shop', ...ref },
    requestReceivedTimestamp: `2024-06-10T11:35:38.${String(ms).padStart(3, '0')}000Z`,
    stageTimestamp: `2024-06-10T11:35:38.${String(ms + 5).padStart(3, '0')}000Z`,
    annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' },
  });

  beforeAll(async () => {
    const secret = {
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: {
        name: 'db-creds',
        namespace: 'shop',
        annotations: {
          'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: 'db-creds', namespace: 'shop' },
            data: { password: PASSWORD_B64 },
            stringData: { apiKey: API_KEY },
          }),
        },
      },
      type: 'Opaque',
      data: { password: PASSWORD_B64 },
      stringData: { apiKey: API_KEY },
    };
    const ids = [
      '5d1c6a0e-1111-4000-8000-000000000001',
      '5d1c6a0e-1111-4000-8000-000000000002',
      '5d1c6a0e-1111-4000-8000-000000000003',
    ];
    const events = [
      {
        ...base(ids[0]!, 'RequestReceived', 'create', { resource: 'secrets', name: 'db-creds' }, 100),
        requestObject: secret,
      },
      {
        ...base(ids[0]!, 'ResponseComplete', 'create', { resource: 'secrets', name: 'db-creds' }, 100),
        requestObject: secret,
        responseObject: {
          ...secret,
          stringData: undefined,
          metadata: { ...secret.metadata, uid: '0a0a0a0a-0000-4000-8000-00000000000a' },
        },
        responseStatus: { metadata: {}, code: 201 },
      },
      {
        ...base(ids[1]!, 'ResponseComplete', 'create', { resource: 'tokenreviews', name: '' }, 200),
        objectRef: { resource: 'tokenreviews', apiGroup: 'authentication.k8s.io', apiVersion: 'v1' },
        requestObject: { kind: 'TokenReview', apiVersion: 'authentication.k8s.io/v1', spec: { token: JWT } },
        responseObject: {
          kind: 'TokenReview',
          apiVersion: 'authentication.k8s.io/v1',
          spec: { token: JWT },
          status: { authenticated: true, user: { username: 'system:serviceaccount:shop:web' } },
        },
        responseStatus: { metadata: {}, code: 201 },
      },
      {
        ...base(ids[2]!, 'ResponseComplete', 'create', { resource: 'configmaps', name: 'client' }, 300),
        requestObject: {
          kind: 'ConfigMap',
          apiVersion: 'v1',
          metadata: { name: 'client', namespace: 'shop' },
          data: {
            'call.sh': `curl -H 'Authorization: Bearer ${BEARER}' https://api.example.com`,
            'headers.json': JSON.stringify({ Authorization: `Bearer ${HEADER_TOKEN}` }),
          },
        },
        responseStatus: { metadata: {}, code: 201 },
      },
    ];
    const dir = join(tmp.dir, 'bundle', 'kind-control-plane', 'kubernetes');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'kube-apiserver-audit.log'),
      `${events.map((e) => JSON.stringify(e)).join('\n')}\n`,
    );
    store = openStore(join(tmp.dir, 'db', 'kubetrail.db'));
    const r = await ingestPaths(store, [join(tmp.dir, 'bundle')], { name: 'secrets' });
    expect(r.status, r.error ?? '').toBe('ready');
    expect(r.report.totals.records).toBeGreaterThanOrEqual(3);
    bundleId = r.bundleId;
    app = createApp({ store, log: quietLog, ingestDir: join(tmp.dir, 'uploads') });
    ({ port, close } = await listenLoopback(app));
  });

  afterAll(async () => {
    await close();
    store?.close();
    tmp.remove();
  });

  it('stores no secret value in any column of any record', () => {
    const found: string[] = [];
    const records = [...store.bundleRecords(bundleId)];
    expect(records.length).toBeGreaterThanOrEqual(3);
    for (const s of SECRETS) {
      for (const col of ['raw', 'message', 'fields'] as const) {
        const n = records.filter((r) => JSON.stringify(r[col] ?? '').includes(s)).length;
        if (n) found.push(`${col} contains ${s} (${n} records)`);
      }
    }
    // Nor anywhere in the database file's columns (the raw text blocks are compressed: read above).
    for (const s of SECRETS) {
      const n = store.db
        .prepare<[string, string, string], { n: number }>(
          `SELECT count(*) AS n FROM records WHERE instr(raw, ?) > 0 OR instr(message, ?) > 0 OR instr(coalesce(fields, ''), ?) > 0`,
        )
        .get(s, s, s)?.n;
      if (n) found.push(`a record column contains ${s} (${n} records)`);
    }
    expect(found).toEqual([]);
  });

  it('shows [REDACTED] in the stored fields', async () => {
    const hits = JSON.parse(
      (await rawRequest(port, 'GET', `/api/bundles/${bundleId}/records?q=secrets&limit=50`)).text,
    ) as SearchResult;
    const all: LogRecord[] = [];
    for (let id = 0; id < 10; id++) {
      const res = await rawRequest(port, 'GET', `/api/bundles/${bundleId}/records/${id}`);
      if (res.status === 200) all.push((JSON.parse(res.text) as RecordDetail).record);
    }
    expect(all.length + hits.hits.length).toBeGreaterThan(0);
    const secretRecord = all.find((r) => JSON.stringify(r.fields ?? {}).includes('db-creds'));
    expect(secretRecord, 'the Secret create is stored').toBeDefined();
    const fields = JSON.stringify(secretRecord!.fields);
    expect(fields).toContain('[REDACTED]');
    const f = secretRecord!.fields as {
      requestObject?: { data?: Record<string, string>; stringData?: Record<string, string> };
    };
    expect(f.requestObject?.data?.password).toBe('[REDACTED]');
    expect(f.requestObject?.stringData?.apiKey).toBe('[REDACTED]');
    const review = all.find((r) => JSON.stringify(r.fields ?? {}).includes('TokenReview'));
    expect(review, 'the TokenReview is stored').toBeDefined();
    expect(
      (review!.fields as { requestObject?: { spec?: { token?: string } } }).requestObject?.spec?.token,
    ).toBe('[REDACTED]');
    for (const r of all)
      for (const s of SECRETS) expect(JSON.stringify(r), `record ${r.id}`).not.toContain(s);
  });

  it('finds no secret value by search', async () => {
    for (const s of SECRETS) {
      const res = await rawRequest(
        port,
        'GET',
        `/api/bundles/${bundleId}/records?q=${encodeURIComponent(s)}&limit=50`,
      );
      expect(res.status, s).toBe(200);
      const body = JSON.parse(res.text) as SearchResult;
      expect(body.total, s).toBe(0);
      expect(res.text).not.toContain(s);
    }
  });
});
