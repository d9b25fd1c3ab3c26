import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BundleMember, LateListenableSource } from './bundleMember.ts';
import { DecompressBudget } from './decompressBudget.ts';

function member(source: PassThrough, budget = new DecompressBudget(1024 * 1024)): BundleMember {
  return new BundleMember({
    path: 'x.log',
    size: null,
    mtimeMs: null,
    source: new LateListenableSource(source),
    mustDrain: true,
    countSource: false,
    budget,
    describeError: (err) => `broke: ${err.message}`,
  });
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

describe('LateListenableSource', () => {
  it('replays end, error and close to listeners that come late', async () => {
    const raw = new PassThrough();
    const late = new LateListenableSource(raw);
    raw.destroy(new Error('cut'));
    await new Promise((resolve) => setImmediate(resolve));
    const seen: string[] = [];
    late.on('error', (err) => seen.push(`error:${err.message}`));
    late.on('close', () => seen.push('close'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['error:cut', 'close']);
  });
});

describe('BundleMember', () => {
  it('ends the stream and reports when the source failed before anyone opened it', async () => {
    const raw = new PassThrough();
    const m = member(raw);
    raw.destroy(new Error('unexpected end of data'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(await readAll(m.entry().open())).toBe('');
    expect(await m.settle()).toBe('broke: unexpected end of data');
  });

  it('gunzips by magic and keeps bytes that arrive one at a time', async () => {
    const raw = new PassThrough();
    const m = member(raw);
    const out = readAll(m.entry().open());
    for (const byte of gzipSync('hello\n')) raw.write(Buffer.from([byte]));
    raw.end();
    expect(await out).toBe('hello\n');
    expect(await m.settle()).toBeNull();
  });

  it('passes a one-byte file through untouched', async () => {
    const raw = new PassThrough();
    const m = member(raw);
    const out = readAll(m.entry().open());
    raw.end(Buffer.from([0x1f]));
    expect(await out).toBe('\u001f');
    expect(await m.settle()).toBeNull();
  });

  it('drains a member nobody opened', async () => {
    const raw = new PassThrough();
    const m = member(raw);
    const settled = m.settle();
    raw.end(Buffer.alloc(5 * 1024 * 1024));
    expect(await settled).toBeNull();
    expect(() => m.entry().open()).toThrow(/open\(\) may be called once/);
  });
});
