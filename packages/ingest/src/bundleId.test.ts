import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLE_ID_PATTERN, bundleIdForPaths } from './bundleId.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'kt-bid-'));

describe('bundleIdForPaths', () => {
  it('hashes a file by its bytes', async () => {
    const d = tmp();
    writeFileSync(join(d, 'a.log'), 'hello\n');
    const { id, bytes } = await bundleIdForPaths([join(d, 'a.log')]);
    expect(id).toMatch(BUNDLE_ID_PATTERN);
    expect(id).toBe(`b${createHash('sha256').update('hello\n').digest('hex').slice(0, 16)}`);
    expect(bytes).toBe(6);
  });

  it('gives two copies of a directory the same id, and a changed one another', async () => {
    const make = (content: string) => {
      const d = tmp();
      mkdirSync(join(d, 'node-1'), { recursive: true });
      writeFileSync(join(d, 'node-1', 'kubelet.log'), content);
      writeFileSync(join(d, 'audit.log'), '{}\n');
      return d;
    };
    const a = await bundleIdForPaths([make('x\n')]);
    const b = await bundleIdForPaths([make('x\n')]);
    const c = await bundleIdForPaths([make('y\n')]);
    expect(a.id).toBe(b.id);
    expect(c.id).not.toBe(a.id);
  });

  it('combines several paths in order', async () => {
    const d = tmp();
    writeFileSync(join(d, '1'), 'one');
    writeFileSync(join(d, '2'), 'two');
    const ab = await bundleIdForPaths([join(d, '1'), join(d, '2')]);
    const ba = await bundleIdForPaths([join(d, '2'), join(d, '1')]);
    expect(ab.id).toMatch(BUNDLE_ID_PATTERN);
    expect(ab.id).not.toBe(ba.id);
    expect(ab.bytes).toBe(6);
  });
});
