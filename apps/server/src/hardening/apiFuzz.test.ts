/**
 * API fuzz: a bounded run (fixed count, fixed seed) of random and boundary values for every route
 * parameter, query and body, sent as exact bytes over loopback. Malformed input is a 4xx, never a
 * 5xx (SPEC §7.2), and /api errors keep the `{ error: { code, message } }` shape.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '@kubetrail/store';
import { createApp, type KubetrailApp } from '../index.ts';
import { SEED, seedBundle } from '../testing/seedBundle.ts';
import { listenLoopback, prng, quietLog, rawRequest, tempDir } from './hardeningKit.ts';

const COUNT = 2000;
const FUZZ_SEED = 20261122;

/** Boundary and hostile values for ids, numbers, times and text. */
const VALUES: readonly string[] = [
  '',
  ' ',
  '0',
  '-1',
  '1',
  '-0',
  '1.5',
  '1e3',
  '1e309',
  '-1e309',
  'NaN',
  'Infinity',
  '-Infinity',
  '0x1f',
  '9007199254740993',
  '99999999999999999999999999999999',
  '2147483648',
  '-2147483649',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '..',
  '../',
  '../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  '%2e%2e%2f',
  '%00',
  '\u0000',
  '%',
  '%zz',
  '%ff%fe',
  '日本語',
  '🦄💥',
  '\u202eevil',
  'e\u0301',
  '\ud800',
  'a'.repeat(10 * 1024),
  '<script>alert(1)</script>',
  'javascript:alert(1)',
  "' OR 1=1 --",
  '"; DROP TABLE records; --',
  '"',
  '"unterminated',
  'NEAR(',
  'AND',
  'OR OR',
  'NOT',
  '*',
  'a*',
  '^',
  'message:x',
  'rowid:1',
  '(',
  ')',
  '-',
  '+',
  '\\',
  '\x1b[31mred',
  '\r\n',
  '2024-06-10T11:35:40Z',
  '2024-13-45T99:99:99Z',
  '2024-06-10T11:35:40.1234567890Z',
  '0000-00-00',
  '9999-12-31T23:59:59Z',
  'complete',
  'failed',
  'rejected',
  'incomplete',
  'time',
  '-time',
  'user',
  'outcome',
  'deployments',
  'create',
  SEED.bundleId,
  SEED.reqId,
  SEED.otherReqId,
  `${SEED.bundleId}x`,
  'b0000000000000000',
];

const QUERY_KEYS = [
  'q',
  'outcome',
  'verb',
  'resource',
  'namespace',
  'user',
  'from',
  'to',
  'sort',
  'offset',
  'limit',
  'width',
  'errorsOnly',
  'reqId',
  'buckets',
  'name',
  '__proto__',
  'constructor',
  'q[]',
  'x'.repeat(300),
];

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=xyz',
  'application/octet-stream',
  'application/x-protobuf',
  'application/gzip',
  '',
  'nonsense/%%%',
];

function bodies(r: ReturnType<typeof prng>): Buffer {
  switch (r.int(0, 9)) {
    case 0:
      return Buffer.from('{"bad json');
    case 1:
      return Buffer.from(JSON.stringify({ [r.pick(QUERY_KEYS)]: r.pick(VALUES) }));
    case 2:
      return Buffer.from(r.pick(VALUES));
    case 3:
      return Buffer.from('x'.repeat(10 * 1024));
    case 4:
      return Buffer.from(Array.from({ length: r.int(1, 4096) }, () => r.int(0, 255)));
    case 5:
      return gzipSync(
        Buffer.from('I0610 11:35:40.244334       1 httplog.go:132] "HTTP" verb="GET"\n'.repeat(r.int(1, 50))),
      );
    case 6:
      return Buffer.from(
        '--xyz\r\nContent-Disposition: form-data; name="file"; filename="../../x.log"\r\n\r\nhello\r\n--xyz--\r\n',
      );
    case 7:
      return Buffer.from('--xyz\r\nContent-Disposition: form-data; name="file"\r\n\r\ntruncated');
    case 8:
      return Buffer.from('{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"zz"}]}]}]}');
    default:
      return Buffer.alloc(0);
  }
}

/** A value for a path segment: usually encoded, sometimes raw (but always a valid request line). */
function segment(r: ReturnType<typeof prng>): string {
  const v = r.pick(VALUES);
  if (r.next() < 0.2 && /^[\x21-\x7e]*$/.test(v) && !v.includes('?') && !v.includes('#')) return v;
  try {
    return encodeURIComponent(v);
  } catch {
    return '%ED%A0%80'; // a lone surrogate cannot be encoded: send its raw UTF-8 bytes instead
  }
}

function query(r: ReturnType<typeof prng>): string {
  const n = r.int(0, 5);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    let v: string;
    try {
      v = encodeURIComponent(r.pick(VALUES));
    } catch {
      v = '%ED%A0%80';
    }
    parts.push(`${encodeURIComponent(r.pick(QUERY_KEYS))}=${v}`);
    if (r.next() < 0.1) parts.push(`${r.pick(QUERY_KEYS)}`); // key without value
  }
  if (r.next() < 0.05) parts.push('q=a&q=b'); // repeated key: an array
  return parts.length ? `?${parts.join('&')}` : '';
}

const TEMPLATES: readonly ((r: ReturnType<typeof prng>) => string)[] = [
  () => '/api/health',
  () => '/api/bundles',
  (r) => `/api/bundles/${segment(r)}`,
  (r) => `/api/bundles/${r.next() < 0.7 ? SEED.bundleId : segment(r)}/requests`,
  (r) =>
    `/api/bundles/${r.next() < 0.7 ? SEED.bundleId : segment(r)}/requests/${r.next() < 0.5 ? SEED.reqId : segment(r)}`,
  (r) =>
    `/api/bundles/${r.next() < 0.7 ? SEED.bundleId : segment(r)}/requests/${r.next() < 0.6 ? SEED.reqId : segment(r)}/timeline`,
  (r) => `/api/bundles/${r.next() < 0.7 ? SEED.bundleId : segment(r)}/records`,
  (r) =>
    `/api/bundles/${r.next() < 0.7 ? SEED.bundleId : segment(r)}/records/${r.next() < 0.4 ? String(r.int(-2, 80)) : segment(r)}`,
  (r) => `/api/bundles/${r.next() < 0.7 ? SEED.bundleId : segment(r)}/histogram`,
  (r) => `/api/${segment(r)}`,
  () => '/v1/traces',
  (r) => `/${segment(r)}`,
  (r) => `/bundles/${segment(r)}/requests/${segment(r)}`,
];

const METHODS = ['GET', 'GET', 'GET', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** Values at the edges of what each parameter's type can hold (numbers, times, text). */
const BOUNDARY: readonly string[] = [
  '',
  '-1',
  '0',
  '1.5',
  '1e32',
  '-1e32',
  '9007199254740993',
  '1e309',
  'NaN',
  '9999-12-31T23:59:59Z',
  '0001-01-01T00:00:00Z',
  '1969-12-31T23:59:59.999999999Z',
  '2262-04-11T23:47:17Z',
  '2024-06-10T11:35:40+14:00',
  'a'.repeat(10 * 1024),
  '"',
  'NEAR(',
  '*',
  '日本語',
  '\u0000',
  '\u202e',
];

/** Every route with its query parameters. */
const PARAM_ROUTES: readonly { path: string; params: readonly string[] }[] = [
  {
    path: `/api/bundles/${SEED.bundleId}/requests`,
    params: [
      'q',
      'outcome',
      'verb',
      'resource',
      'namespace',
      'user',
      'from',
      'to',
      'sort',
      'offset',
      'limit',
    ],
  },
  {
    path: `/api/bundles/${SEED.bundleId}/requests/${SEED.reqId}/timeline`,
    params: ['from', 'to', 'width', 'errorsOnly'],
  },
  { path: `/api/bundles/${SEED.bundleId}/records`, params: ['q', 'offset', 'limit'] },
  { path: `/api/bundles/${SEED.bundleId}/histogram`, params: ['from', 'to', 'reqId', 'buckets', 'q'] },
];

describe('API fuzz', () => {
  const tmp = tempDir('fuzz');
  let store: Store;
  let app: KubetrailApp;
  let port = 0;
  let close: () => Promise<void> = () => Promise.resolve();

  beforeAll(async () => {
    store = openStore(join(tmp.dir, 'db', 'kubetrail.db'));
    seedBundle(store);
    const web = join(tmp.dir, 'web');
    mkdirSync(join(web, 'assets'), { recursive: true });
    writeFileSync(
      join(web, 'index.html'),
      '<!doctype html><title>kubetrail</title><script type="module" src="/assets/app.js"></script>',
    );
    writeFileSync(join(web, 'assets', 'app.js'), 'console.log(1);');
    app = createApp({
      store,
      log: quietLog,
      webDist: web,
      ingestDir: join(tmp.dir, 'uploads'),
      limits: { maxUploadBytes: 64 * 1024 },
    });
    ({ port, close } = await listenLoopback(app));
  });

  afterAll(async () => {
    await close();
    await app?.locals.idle();
    store?.close();
    tmp.remove();
  });

  it('answers every boundary value of every query parameter and path parameter without a 5xx', async () => {
    const failures: string[] = [];
    const enc = encodeURIComponent;
    const urls: string[] = [];
    for (const route of PARAM_ROUTES) {
      for (const p of route.params) for (const v of BOUNDARY) urls.push(`${route.path}?${p}=${enc(v)}`);
      // Both ends of a window at once, in either order.
      for (const a of ['9999-12-31T23:59:59Z', '1e32', '0'])
        for (const b of ['0001-01-01T00:00:00Z', '-1e32', '1'])
          urls.push(`${route.path}?from=${enc(a)}&to=${enc(b)}`, `${route.path}?from=${enc(b)}&to=${enc(a)}`);
    }
    for (const v of BOUNDARY) {
      const x = enc(v) || '%20';
      urls.push(
        `/api/bundles/${x}`,
        `/api/bundles/${SEED.bundleId}/requests/${x}`,
        `/api/bundles/${SEED.bundleId}/requests/${x}/timeline`,
        `/api/bundles/${SEED.bundleId}/records/${x}`,
      );
    }
    for (const url of urls) {
      const res = await rawRequest(port, 'GET', url, { timeoutMs: 20_000 });
      if (res.status >= 500) failures.push(`GET ${url.slice(0, 160)} → ${res.status}`);
    }
    expect(failures).toEqual([]);
  }, 60_000);

  it(`answers ${COUNT} random requests without a 5xx`, async () => {
    const r = prng(FUZZ_SEED);
    const failures: string[] = [];
    const shapes: string[] = [];
    const statusCounts = new Map<number, number>();
    for (let i = 0; i < COUNT; i++) {
      let method = r.pick(METHODS);
      const path = r.pick(TEMPLATES)(r) + query(r);
      // Keep the seeded bundle: deleting it would turn the rest of the run into 404s.
      if (method === 'DELETE' && path.startsWith(`/api/bundles/${SEED.bundleId}`)) method = 'GET';
      const headers: Record<string, string> = {};
      let body: Buffer | undefined;
      if (method === 'POST' || method === 'PUT' || method === 'PATCH' || r.next() < 0.05) {
        body = bodies(r);
        const ct = r.pick(CONTENT_TYPES);
        if (ct) headers['content-type'] = ct;
        if (r.next() < 0.05) headers['content-encoding'] = r.pick(['gzip', 'br', 'bogus']);
        if (r.next() < 0.05) headers['transfer-encoding'] = 'chunked';
        else headers['content-length'] = String(body.length);
      }
      if (r.next() < 0.05) headers.accept = r.pick(['text/html', '*/*', 'application/json', '']);
      let res;
      try {
        res = await rawRequest(port, method, path, { headers, body, timeoutMs: 20_000 });
      } catch (err) {
        failures.push(`#${i} ${method} ${path.slice(0, 200)} → no answer: ${String(err)}`);
        continue;
      }
      statusCounts.set(res.status, (statusCounts.get(res.status) ?? 0) + 1);
      // The OTLP receiver (issue 5) is not built yet and says so with 501 Not Implemented: the only
      // 5xx tolerated, and only on that route.
      if (res.status >= 500 && !(path.split('?')[0] === '/v1/traces' && res.status === 501)) {
        failures.push(
          `#${i} ${method} ${path.slice(0, 200)} [${headers['content-type'] ?? ''}] → ${res.status}: ${res.text.slice(0, 300)}`,
        );
      }
      if (path.startsWith('/api/') && res.status >= 400 && method !== 'HEAD') {
        let ok = false;
        try {
          const j = JSON.parse(res.text) as { error?: { code?: unknown; message?: unknown } };
          ok = typeof j.error?.code === 'string' && typeof j.error.message === 'string';
        } catch {
          ok = false;
        }
        if (!ok)
          shapes.push(`#${i} ${method} ${path.slice(0, 120)} → ${res.status}: ${res.text.slice(0, 120)}`);
      }
      if (method === 'POST' && path.startsWith('/api/bundles') && i % 20 === 0) await app.locals.idle();
    }
    await app.locals.idle();
    // The server is still healthy and the seeded data still answers.
    const health = await rawRequest(port, 'GET', '/api/health');
    expect(health.status).toBe(200);
    const req = await rawRequest(
      port,
      'GET',
      `/api/bundles/${SEED.bundleId}/requests/${SEED.reqId}/timeline`,
    );
    expect(req.status).toBe(200);
    expect(failures, `status counts ${JSON.stringify([...statusCounts])}`).toEqual([]);
    expect(shapes).toEqual([]);
  }, 120_000);
});
