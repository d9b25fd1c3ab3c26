/**
 * Issue 12 item 10: what a bundle costs on disk is bounded. The stored-size limit counts what the
 * database grows by (a small, very compressible archive no longer becomes gigabytes); free space is
 * checked before an ingest or upload starts and while it reads; each stop is clean (the bundle is
 * ready with what it stored, the report says why) and earlier bundles are untouched.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '@kubetrail/store';
import { createApp, IngestInputError, ingestPaths } from '../index.ts';
import { freeBytes } from '@kubetrail/ingest';
import {
  listenLoopback,
  quietLog,
  rawRequest,
  simBundle,
  spawnCli,
  tempDir,
  waitExit,
} from './hardeningKit.ts';

const MiB = 1024 ** 2;

/** `mb` MiB of distinct klog lines: compresses ~20×, stores ~1.5× (record, index). */
function logText(mb: number, seed: number): Buffer {
  const lines: string[] = [];
  let bytes = 0;
  for (let i = 0; bytes < mb * MiB; i++) {
    const l = `I0610 11:${String(35 + (i % 20)).padStart(2, '0')}:40.244334    2301 kubelet.go:2345] "SyncLoop UPDATE" pod="shop/web-${seed}-${i % 977}" n=${i} rnd=${(i * 2654435761) % 1000003}\n`;
    lines.push(l);
    bytes += l.length;
  }
  return Buffer.from(lines.join(''));
}

/**
 * A zip whose central directory names one deflated member `n` times under different names (the
 * entries overlap): tiny on disk, `n` × the member decompressed.
 */
function overlappingZip(body: Buffer, n: number): Buffer {
  const data = deflateRawSync(body, { level: 9 });
  const crc = crc32(body);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(body.length, 22);
  const name0 = Buffer.from('m0.log');
  local.writeUInt16LE(name0.length, 26);
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
    c.writeUInt32LE(0, 42);
    centrals.push(c, name);
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(n, 8);
  end.writeUInt16LE(n, 10);
  end.writeUInt32LE(cd.length, 12);
  const offset = local.length + name0.length + data.length;
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([local, name0, data, cd, end]);
}

describe('disk amplification', () => {
  const tmp = tempDir('disk');
  let store: Store;
  let earlierId = '';
  let earlierRecords = 0;
  const bomb = join(tmp.dir, 'bomb.log.gz');
  const zip = join(tmp.dir, 'overlap.zip');

  beforeAll(async () => {
    store = openStore(join(tmp.dir, 'db', 'kubetrail.db'));
    const earlier = await simBundle(join(tmp.dir, 'earlier.tar.gz'), {
      seed: 5,
      scenarios: ['complete'],
      noise: 20,
    });
    const r = await ingestPaths(store, [earlier.file], { name: 'earlier' });
    expect(r.status).toBe('ready');
    earlierId = r.bundleId;
    earlierRecords = r.report.totals.records;
    writeFileSync(bomb, gzipSync(logText(48, 1)));
    writeFileSync(zip, overlappingZip(logText(1, 2), 40));
  }, 120_000);

  afterAll(() => {
    store?.close();
    tmp.remove();
  });

  const earlierIntact = (): void => {
    expect(store.getBundle(earlierId)).toMatchObject({ status: 'ready', records: earlierRecords });
  };

  it('stops a gzip bomb at the stored-size limit: ready, with the reason, the database barely grown', async () => {
    const before = store.usedBytes();
    const r = await ingestPaths(store, [bomb], { name: 'bomb', limits: { maxStoredBytes: 6 * MiB } });
    const grown = store.usedBytes() - before;
    expect(r.status, r.error ?? '').toBe('ready');
    expect(r.report.notes.join('\n')).toMatch(/stored-size limit reached/);
    expect(r.report.skips.some((s) => /stored-size limit reached/.test(s.reason))).toBe(true);
    expect(r.report.totals.records).toBeGreaterThan(1000);
    // 48 MiB of lines would store ~70 MiB.
    expect(grown).toBeLessThan(6 * MiB * 1.1);
    earlierIntact();
  }, 120_000);

  it('counts the decompressed-size limit on what is stored too (an overlapping zip)', async () => {
    const before = store.usedBytes();
    const r = await ingestPaths(store, [zip], { name: 'overlap', limits: { maxDecompressedBytes: 8 * MiB } });
    const grown = store.usedBytes() - before;
    expect(r.status, r.error ?? '').toBe('ready');
    // 8 MiB decompressed stored as records and index grew the file ~1.5×.
    expect(grown).toBeLessThan(8 * MiB * 1.05);
    earlierIntact();
  }, 120_000);

  it('does not start an ingest or an upload without the free space it must leave', async () => {
    const free = freeBytes(tmp.dir)!;
    const huge = free + 1024 ** 4;
    const small = join(tmp.dir, 'small.log');
    writeFileSync(small, logText(0.1, 3));
    await expect(
      ingestPaths(store, [small], { name: 'nospace', limits: { minFreeBytes: huge } }),
    ).rejects.toThrow(IngestInputError);
    await expect(ingestPaths(store, [small], { limits: { minFreeBytes: huge } })).rejects.toThrow(
      /not enough free disk space/,
    );
    const uploads = join(tmp.dir, 'uploads');
    mkdirSync(uploads, { recursive: true });
    const app = createApp({
      store,
      log: quietLog,
      ingestDir: uploads,
      limits: { ingest: { minFreeBytes: huge } },
    });
    const srv = await listenLoopback(app);
    try {
      const res = await rawRequest(srv.port, 'POST', '/api/bundles?name=nospace', {
        body: Buffer.alloc(4096, 0x61),
        headers: { 'content-type': 'application/octet-stream' },
      });
      expect(res.status).toBe(507);
      expect(JSON.parse(res.text)).toMatchObject({ error: { code: 'insufficient_storage' } });
      expect(readdirSync(uploads)).toEqual([]);
    } finally {
      await srv.close();
    }
    expect(store.listBundles().map((b) => b.name)).not.toContain('nospace');
    earlierIntact();
  });

  it('takes --max-stored and --min-free on the command line', async () => {
    const db = join(tmp.dir, 'cli.db');
    const refused = await waitExit(spawnCli(['ingest', bomb, '--db', db, '--min-free', '1000TiB']));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/not enough free disk space/);
    const stopped = await waitExit(spawnCli(['ingest', bomb, '--db', db, '--max-stored', '3MiB', '--json']));
    expect(stopped.code, stopped.stderr.slice(-1000)).toBe(0);
    const report = JSON.parse(stopped.stdout) as { status: string; notes: string[] };
    expect(report.status).toBe('ready');
    expect(report.notes.join('\n')).toMatch(/stored-size limit reached: .* \(limit 3\.0 MiB/);
  }, 120_000);

  it('stops reading when free space runs low during the ingest', async () => {
    // The real file system: keep all but 24 MiB of what is free now; the bundle needs ~70 MiB.
    for (const b of store.listBundles()) if (b.name === 'bomb') store.deleteBundle(b.id);
    let r: Awaited<ReturnType<typeof ingestPaths>> | null = null;
    for (let attempt = 0; attempt < 3 && r === null; attempt++) {
      const minFreeBytes = freeBytes(tmp.dir)! - 24 * MiB;
      r = await ingestPaths(store, [bomb], { name: 'lowspace', limits: { minFreeBytes } }).catch(
        (err: unknown) => {
          // Someone else used the margin before the start: measure again.
          if (err instanceof IngestInputError) return null;
          throw err;
        },
      );
    }
    expect(r?.status, r?.error ?? '').toBe('ready');
    expect(r!.report.notes.join('\n')).toMatch(/free disk space ran low/);
    expect(r!.report.totals.records).toBeGreaterThan(0);
    earlierIntact();
  }, 180_000);
});
