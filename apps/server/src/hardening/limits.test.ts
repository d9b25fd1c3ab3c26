/**
 * Limits (issue 6, SPEC §9): uploads over the configured maximum are refused with 413 and a clear
 * message, leaving nothing behind; over-long lines and over-large decompressed content are
 * reported in the ingest report while the rest of the bundle still ingests.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError, BundleDetail, BundleList, UploadAccepted } from '@kubetrail/model';
import { DEFAULT_LIMITS } from '@kubetrail/parsers';
import { openStore, type Store } from '@kubetrail/store';
import { createApp, DEFAULT_SERVER_LIMITS, ingestPaths, type KubetrailApp } from '../index.ts';
import { listenLoopback, quietLog, rawRequest, tempDir } from './hardeningKit.ts';

const MAX_UPLOAD = 256 * 1024;

const klog = (i: number): string =>
  `I0610 11:35:${String(40 + (i % 20)).padStart(2, '0')}.244334       1 replica_set.go:676] "Too few replicas" replicaSet="shop/web-7d4" need=${i} creating=1`;

describe('limits', () => {
  const tmp = tempDir('limits');
  let store: Store;
  let app: KubetrailApp;
  let port = 0;
  let close: () => Promise<void> = () => Promise.resolve();
  const uploads = join(tmp.dir, 'uploads');

  beforeAll(async () => {
    store = openStore(join(tmp.dir, 'db', 'kubetrail.db'));
    app = createApp({ store, log: quietLog, ingestDir: uploads, limits: { maxUploadBytes: MAX_UPLOAD } });
    ({ port, close } = await listenLoopback(app));
  });

  afterAll(async () => {
    await close();
    await app?.locals.idle();
    store?.close();
    tmp.remove();
  });

  it('documents sane defaults', () => {
    expect(DEFAULT_SERVER_LIMITS.maxUploadBytes).toBeGreaterThan(0);
    expect(DEFAULT_LIMITS.maxLineBytes).toBe(1024 * 1024);
    expect(DEFAULT_LIMITS.maxDecompressedBytes).toBeGreaterThan(0);
  });

  const expect413 = (res: { status: number; text: string }): void => {
    expect(res.status, res.text).toBe(413);
    const body = JSON.parse(res.text) as ApiError;
    expect(body.error.code).toBe('payload_too_large');
    // A clear message: it names the limit.
    expect(body.error.message).toMatch(/limit|too large/i);
    expect(body.error.message).toMatch(/256\s*KiB|262144/);
  };

  const bundlesNow = async (): Promise<number> =>
    (JSON.parse((await rawRequest(port, 'GET', '/api/bundles')).text) as BundleList).bundles.length;

  it('refuses a raw upload over the limit with 413 (declared length)', async () => {
    const before = await bundlesNow();
    const body = Buffer.alloc(MAX_UPLOAD * 2, 0x61);
    const res = await rawRequest(port, 'POST', '/api/bundles?name=big', {
      body,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(body.length) },
    });
    expect413(res);
    expect(await bundlesNow()).toBe(before);
  });

  it('refuses a chunked upload (no declared length) once it passes the limit', async () => {
    const before = await bundlesNow();
    const body = Buffer.from(`${Array.from({ length: 8000 }, (_, i) => klog(i)).join('\n')}\n`);
    expect(body.length).toBeGreaterThan(MAX_UPLOAD);
    const res = await rawRequest(port, 'POST', '/api/bundles?name=chunked', {
      body,
      headers: { 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' },
    });
    expect413(res);
    expect(await bundlesNow()).toBe(before);
    // Nothing of the refused upload is left on disk.
    expect(existsSync(uploads) ? readdirSync(uploads) : []).toEqual([]);
  });

  it('refuses a multipart upload over the limit', async () => {
    const payload = Buffer.alloc(MAX_UPLOAD + 1024, 0x62);
    const body = Buffer.concat([
      Buffer.from(
        '--kb\r\nContent-Disposition: form-data; name="file"; filename="big.log"\r\nContent-Type: text/plain\r\n\r\n',
      ),
      payload,
      Buffer.from('\r\n--kb--\r\n'),
    ]);
    const res = await rawRequest(port, 'POST', '/api/bundles', {
      body,
      headers: {
        'content-type': 'multipart/form-data; boundary=kb',
        'transfer-encoding': 'chunked',
        'x-requested-by': 'kubetrail',
      },
    });
    expect413(res);
  });

  it('accepts an upload just under the limit', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => klog(i)).join('\n');
    const res = await rawRequest(port, 'POST', '/api/bundles?name=small', {
      body: lines,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(res.status, res.text).toBe(202);
    await app.locals.idle();
    const id = (JSON.parse(res.text) as UploadAccepted).bundleId;
    const b = JSON.parse((await rawRequest(port, 'GET', `/api/bundles/${id}`)).text) as BundleDetail;
    expect(b.status, b.error ?? '').toBe('ready');
  });

  it('reports a line over the line limit and keeps the rest of the file (HTTP upload)', async () => {
    // Default app limits: the line limit is the parsers' 1 MiB.
    const appDefault = createApp({ store, log: quietLog, ingestDir: join(tmp.dir, 'uploads2') });
    const srv = await listenLoopback(appDefault);
    try {
      const long = `${klog(9999)} payload="${'x'.repeat(DEFAULT_LIMITS.maxLineBytes + 512 * 1024)}"`;
      const body = [klog(1), klog(2), long, klog(3), klog(4)].join('\n') + '\n';
      const res = await rawRequest(srv.port, 'POST', '/api/bundles?name=longline', {
        body,
        headers: { 'content-type': 'application/octet-stream' },
      });
      expect(res.status, res.text).toBe(202);
      await appDefault.locals.idle();
      const id = (JSON.parse(res.text) as UploadAccepted).bundleId;
      const b = JSON.parse((await rawRequest(srv.port, 'GET', `/api/bundles/${id}`)).text) as BundleDetail;
      expect(b.status, b.error ?? '').toBe('ready');
      const report = b.report!;
      const lineSkip = report.skips.find((s) => s.line === 3);
      const fileNote = report.files.find((f) => f.skipped > 0 || /long|limit/i.test(f.error ?? ''));
      // The long line is reported with its line number and why (cut, or skipped).
      expect(
        lineSkip?.reason ?? fileNote?.error ?? '',
        `skips: ${JSON.stringify(report.skips)} notes: ${JSON.stringify(report.notes)}`,
      ).toMatch(/long|limit|MiB|bytes/i);
      // The other four lines still ingest.
      expect(report.totals.records).toBeGreaterThanOrEqual(4);
    } finally {
      await srv.close();
    }
  });

  it('stops at the decompressed-size limit (gzip bomb) with a clear problem, and stores what came before', async () => {
    const dir = join(tmp.dir, 'bomb');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'a-kube-controller-manager.log'),
      `${Array.from({ length: 50 }, (_, i) => klog(i)).join('\n')}\n`,
    );
    // 64 MiB of newlines compresses to ~64 KiB.
    writeFileSync(join(dir, 'b-bomb.log.gz'), gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x0a), { level: 9 }));
    const r = await ingestPaths(store, [dir], {
      name: 'bomb',
      limits: { maxDecompressedBytes: 4 * 1024 * 1024 },
    });
    const text = JSON.stringify([
      r.error,
      r.report.files.map((f) => f.error),
      r.report.skips,
      r.report.notes,
    ]);
    expect(text).toMatch(/decompress|limit|bomb|too large/i);
    expect(r.report.totals.records).toBeGreaterThanOrEqual(50);
  });
});
