/**
 * Issue 12 (low): an upload a server was receiving when it was SIGKILLed leaves its temp folder
 * behind; the next start removes it, and keeps the uploads of servers still running.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../index.ts';
import { quietLog, rawRequest, spawnCli, tempDir, waitExit } from './hardeningKit.ts';

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

describe('upload temp files after a SIGKILL', () => {
  const tmp = tempDir('uploads');
  afterAll(() => tmp.remove());

  it('are removed at the next start; a live server’s uploads are kept', async () => {
    const db = join(tmp.dir, 'kt.db');
    const uploads = join(tmp.dir, 'uploads');
    const port = await freePort();
    const child = spawnCli(['serve', '--port', String(port), '--db', db]);
    const exited = waitExit(child);
    for (let i = 0; i < 150; i++) {
      const up = await rawRequest(port, 'GET', '/api/health', { timeoutMs: 2000 }).then(
        (r) => r.status === 200,
        () => false,
      );
      if (up) break;
      await sleep(200);
    }
    // An upload that is half sent when the server dies.
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/api/bundles?name=half',
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(64 * 1024 * 1024) },
    });
    req.on('error', () => undefined);
    req.write(Buffer.alloc(1024 * 1024, 0x61));
    const partial = (): string[] => (existsSync(uploads) ? readdirSync(uploads) : []);
    for (let i = 0; i < 100 && partial().length === 0; i++) await sleep(50);
    const left = partial();
    expect(left).toHaveLength(1);
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
    req.destroy();
    expect(partial()).toEqual(left);

    // A folder of a server that is still running (this process) must survive the start.
    const mine = join(uploads, `upload-${process.pid}-${Date.now()}-abcdef`);
    mkdirSync(mine);
    writeFileSync(join(mine, '.partial'), 'still receiving');
    const server = await startServer({ dbFile: db, port: 0, log: quietLog });
    try {
      expect(readdirSync(uploads).sort()).toEqual([mine.slice(uploads.length + 1)]);
    } finally {
      await server.close();
    }
  }, 90_000);
});
