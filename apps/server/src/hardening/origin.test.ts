/**
 * Issue 12 item 2, SPEC §9: the server answers only to its own host names (no DNS rebinding) and
 * obeys no state-changing request a foreign page makes. First exact HTTP requests, then a real
 * Chromium on a foreign page trying what a hostile site would (no-cors text/plain and multipart
 * posts, a rebound host name).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleList } from '@kubetrail/model';
import { openStore, type Store } from '@kubetrail/store';
import { createApp, startServer, type KubetrailApp } from '../index.ts';
import { SEED, seedBundle } from '../testing/seedBundle.ts';
import { listenLoopback, quietLog, rawRequest, spawnCli, tempDir, waitExit } from './hardeningKit.ts';
import { setTimeout as sleep } from 'node:timers/promises';

const CHROMIUM = process.env.KUBETRAIL_CHROMIUM ?? '/usr/bin/chromium';
const LOG_LINE = 'I0610 11:35:40.244334    2301 kubelet.go:2345] "SyncLoop ADD" source="api" csrfmarker\n';
const W = { 'x-requested-by': 'kubetrail' };

describe('requests a foreign page could make', () => {
  const tmp = tempDir('origin');
  let store: Store;
  let app: KubetrailApp;
  let port = 0;
  let close: () => Promise<void> = () => Promise.resolve();

  beforeAll(async () => {
    store = openStore(join(tmp.dir, 'db', 'kubetrail.db'));
    seedBundle(store);
    app = createApp({ store, log: quietLog, ingestDir: join(tmp.dir, 'uploads'), ingestInWorker: false });
    ({ port, close } = await listenLoopback(app));
  });

  afterAll(async () => {
    await close();
    await app?.locals.idle();
    store?.close();
    tmp.remove();
  });

  const bundles = (): string[] => store.listBundles().map((b) => b.id);

  it('refuses any request addressed to a host name that is not its own (DNS rebinding)', async () => {
    for (const host of [
      'attacker.rebind.example',
      `attacker.rebind.example:${port}`,
      'localhost.evil.example',
    ]) {
      const read = await rawRequest(port, 'GET', '/api/bundles', { headers: { host } });
      expect(read.status, host).toBe(403);
      expect(JSON.parse(read.text)).toMatchObject({ error: { code: 'host_not_allowed' } });
      expect(read.text).not.toContain(SEED.bundleId);
      const page = await rawRequest(port, 'GET', '/', { headers: { host } });
      expect(page.status, host).toBe(403);
    }
    const del = await rawRequest(port, 'DELETE', `/api/bundles/${SEED.bundleId}`, {
      headers: { host: 'attacker.rebind.example', ...W },
    });
    expect(del.status).toBe(403);
    expect(bundles()).toContain(SEED.bundleId);
  });

  it('answers to loopback names and IP addresses', async () => {
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `LOCALHOST.:${port}`,
      `[::1]:${port}`,
      '10.9.8.7',
      `[fd00::1]:${port}`,
    ]) {
      const res = await rawRequest(port, 'GET', '/api/bundles', { headers: { host } });
      expect(res.status, host).toBe(200);
    }
  });

  it('refuses writes without the write header or a non-form Content-Type (no-cors posts)', async () => {
    const before = bundles();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'text/plain;charset=UTF-8']) {
      const res = await rawRequest(port, 'POST', '/api/bundles?name=csrf', {
        body: LOG_LINE,
        headers: { 'content-type': type },
      });
      expect(res.status, type).toBe(403);
      expect(JSON.parse(res.text)).toMatchObject({ error: { code: 'write_header_required' } });
    }
    const multipart = await rawRequest(port, 'POST', '/api/bundles', {
      body: `--kb\r\nContent-Disposition: form-data; name="file"; filename="a.log"\r\n\r\n${LOG_LINE}\r\n--kb--\r\n`,
      headers: { 'content-type': 'multipart/form-data; boundary=kb' },
    });
    expect(multipart.status).toBe(403);
    const del = await rawRequest(port, 'DELETE', `/api/bundles/${SEED.bundleId}`);
    expect(del.status).toBe(403);
    await app.locals.idle();
    expect(bundles()).toEqual(before);
  });

  it('refuses writes whose Origin or Sec-Fetch-Site names another site, even with the header', async () => {
    const before = bundles();
    const foreignHeaders: Record<string, string>[] = [
      { origin: 'http://evil.example' },
      { origin: `http://127.0.0.1:${port + 1}` },
      { origin: 'null' },
      { origin: `http://localhost:${port}` }, // another origin than the Host it addressed
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of foreignHeaders) {
      const res = await rawRequest(port, 'DELETE', `/api/bundles/${SEED.bundleId}`, {
        headers: { ...headers, ...W },
      });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(JSON.parse(res.text)).toMatchObject({ error: { code: 'foreign_origin' } });
    }
    expect(bundles()).toEqual(before);
  });

  it('accepts what the web app and the CLI-style clients send', async () => {
    const upload = await rawRequest(port, 'POST', '/api/bundles?name=ok', {
      body: LOG_LINE,
      headers: {
        'content-type': 'text/plain',
        origin: `http://127.0.0.1:${port}`,
        'sec-fetch-site': 'same-origin',
        ...W,
      },
    });
    expect(upload.status, upload.text).toBe(202);
    const raw = await rawRequest(port, 'POST', '/api/bundles?name=raw', {
      body: `${LOG_LINE}x\n`,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(raw.status, raw.text).toBe(202);
    await app.locals.idle();
    const otlp = await rawRequest(port, 'POST', '/v1/traces', {
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(otlp.status).toBe(200);
  });
});

describe('--host and --allowed-host', () => {
  const tmp = tempDir('hosts');
  afterAll(() => tmp.remove());

  it('adds the bound name and the allowed names to the loopback ones', async () => {
    const server = await startServer({
      dbFile: join(tmp.dir, 'hosts.db'),
      port: 0,
      host: '127.0.0.1',
      allowedHosts: ['kubetrail.internal'],
      log: quietLog,
    });
    try {
      const get = (host: string) => rawRequest(server.port, 'GET', '/api/health', { headers: { host } });
      expect((await get('kubetrail.internal:7788')).status).toBe(200);
      expect((await get('KubeTrail.Internal')).status).toBe(200);
      expect((await get('other.internal')).status).toBe(403);
    } finally {
      await server.close();
    }
  });
});

describe('kubetrail serve --allowed-host', () => {
  const tmp = tempDir('allowed-host');
  afterAll(() => tmp.remove());

  it('takes the flag, repeatable, from the command line', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const child = spawnCli([
      'serve',
      '--port',
      String(port),
      '--db',
      join(tmp.dir, 'serve.db'),
      '--allowed-host',
      'one.internal',
      '--allowed-host',
      'two.internal',
    ]);
    const exited = waitExit(child);
    try {
      let up = false;
      for (let i = 0; i < 150 && !up; i++) {
        up = await rawRequest(port, 'GET', '/api/health', { timeoutMs: 2000 }).then(
          (r) => r.status === 200,
          () => false,
        );
        if (!up) await sleep(200);
      }
      expect(up).toBe(true);
      const get = (host: string) => rawRequest(port, 'GET', '/api/health', { headers: { host } });
      expect((await get('one.internal')).status).toBe(200);
      expect((await get('two.internal')).status).toBe(200);
      expect((await get('three.internal')).status).toBe(403);
    } finally {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
      await exited;
    }
  }, 60_000);
});

describe('a foreign page in Chromium', () => {
  const tmp = tempDir('foreign');
  let store: Store;
  let app: KubetrailApp;
  let port = 0;
  let close: () => Promise<void> = () => Promise.resolve();
  let foreign: Server;
  let foreignPort = 0;
  let browser: Browser;

  beforeAll(async () => {
    store = openStore(join(tmp.dir, 'db', 'kubetrail.db'));
    seedBundle(store);
    app = createApp({ store, log: quietLog, ingestDir: join(tmp.dir, 'uploads'), ingestInWorker: false });
    ({ port, close } = await listenLoopback(app));
    // The attacker's site: a page that fires what a page may send to another origin unasked.
    foreign = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<!doctype html><title>evil</title><script>
        const target = 'http://127.0.0.1:${port}';
        const line = ${JSON.stringify(LOG_LINE)};
        const form = new FormData();
        form.append('file', new Blob([line]), 'a.log');
        Promise.allSettled([
          fetch(target + '/api/bundles?name=csrf', { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body: line }),
          fetch(target + '/api/bundles?name=csrf2', { method: 'POST', mode: 'no-cors', body: form }),
          fetch(target + '/api/bundles/${SEED.bundleId}', { method: 'DELETE', headers: { 'X-Requested-By': 'kubetrail' } }),
          fetch(target + '/v1/traces', { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body: '{}' }),
        ]).then(() => { document.title = 'done'; });
      </script>`);
    });
    await new Promise<void>((r) => foreign.listen(0, '127.0.0.1', r));
    foreignPort = (foreign.address() as AddressInfo).port;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--host-resolver-rules=MAP evil.example 127.0.0.1, MAP attacker.rebind.example 127.0.0.1',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((r) => (foreign ? foreign.close(() => r()) : r()));
    await close();
    await app?.locals.idle();
    store?.close();
    tmp.remove();
  });

  it('cannot upload, delete or post spans through the browser', async () => {
    const page = await browser.newPage();
    await page.goto(`http://evil.example:${foreignPort}/`);
    await page.waitForFunction('document.title === "done"', undefined, { timeout: 20_000 });
    await app.locals.idle();
    expect(store.listBundles().map((b) => b.id)).toEqual([SEED.bundleId]);
    await page.close();
  }, 60_000);

  it('cannot read the API through a rebound host name', async () => {
    const page = await browser.newPage();
    const res = await page.goto(`http://attacker.rebind.example:${port}/api/bundles`);
    expect(res?.status()).toBe(403);
    const text = await page.textContent('body');
    expect(text).toContain('host_not_allowed');
    expect(text).not.toContain(SEED.bundleId);
    // The same browser on the real name reads it.
    const own = await page.goto(`http://127.0.0.1:${port}/api/bundles`);
    expect(((await own?.json()) as BundleList).bundles.map((b) => b.id)).toEqual([SEED.bundleId]);
    await page.close();
  }, 60_000);
});
