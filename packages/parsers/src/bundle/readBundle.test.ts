import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readBundle } from './readBundle.ts';
import { buildTar, buildZip, gzipSync, removeTempDirs, tempDir, writeTemp } from './testArchives.ts';

afterAll(removeTempDirs);
import { DEFAULT_LIMITS, type BundleItem, type Limits } from './types.ts';

type Seen =
  | { type: 'entry'; path: string; text: string; size: number | null; mtimeMs: number | null }
  | { type: 'problem'; path: string; reason: string };

/** Reads a bundle the way ingest does: each entry read to its end before the next item. */
async function collect(path: string, limits: Limits = DEFAULT_LIMITS): Promise<Seen[]> {
  const seen: Seen[] = [];
  for await (const item of readBundle(path, limits)) seen.push(await settleItem(item));
  return seen;
}

async function settleItem(item: BundleItem): Promise<Seen> {
  if (item.type === 'problem') return item;
  if (item.type === 'link') return { type: 'problem', path: item.path, reason: `link to ${item.target}` };
  const chunks: Buffer[] = [];
  for await (const chunk of item.entry.open()) chunks.push(chunk as Buffer);
  const { path, size, mtimeMs } = item.entry;
  return { type: 'entry', path, text: Buffer.concat(chunks).toString('utf8'), size, mtimeMs };
}

const entries = (seen: Seen[]): string[] => seen.filter((s) => s.type === 'entry').map((s) => s.path);
const problems = (seen: Seen[]): { path: string; reason: string }[] =>
  seen.flatMap((s) => (s.type === 'problem' ? [{ path: s.path, reason: s.reason }] : []));

/** Incompressible bytes (a fixed LCG), so cutting the gzip of them really cuts the stream. */
function noise(length: number): Buffer {
  const out = Buffer.alloc(length);
  let x = 12345;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = 32 + ((x >>> 16) % 95);
  }
  return out;
}

const KUBELET = 'I0610 11:35:40.244334    2301 kubelet.go:2345] "SyncLoop ADD" source="api"\n';
const AUDIT = '{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"a1"}\n';

describe('readBundle: archive kinds', () => {
  it('reads a directory recursively, sorted by path, with sizes and mtimes', async () => {
    const dir = tempDir('dir');
    mkdirSync(join(dir, 'kind-worker/pods/default_web-1_uid/web'), { recursive: true });
    mkdirSync(join(dir, 'kind-control-plane'));
    writeFileSync(join(dir, 'kind-worker/kubelet.log'), KUBELET);
    writeFileSync(join(dir, 'kind-worker/pods/default_web-1_uid/web/0.log'), 'x\n');
    writeFileSync(join(dir, 'kind-control-plane/kubelet.log'), KUBELET);
    writeFileSync(join(dir, 'docker-info.txt'), 'info\n');
    const seen = await collect(dir);
    expect(entries(seen)).toEqual([
      'docker-info.txt',
      'kind-control-plane/kubelet.log',
      'kind-worker/kubelet.log',
      'kind-worker/pods/default_web-1_uid/web/0.log',
    ]);
    const first = seen[1];
    expect(first).toMatchObject({ type: 'entry', text: KUBELET, size: KUBELET.length });
    expect(first?.type === 'entry' && typeof first.mtimeMs === 'number').toBe(true);
  });

  it('reads a .tar in archive order, keeping the top folder', async () => {
    const dir = tempDir('tar');
    const tar = await buildTar([
      { name: 'logs/kind-worker/', type: 'directory' },
      { name: 'logs/kind-worker/kubelet.log', body: KUBELET },
      { name: './logs/audit.log', body: AUDIT },
    ]);
    const seen = await collect(writeTemp(dir, 'bundle.tar', tar));
    expect(seen).toEqual([
      {
        type: 'entry',
        path: 'logs/kind-worker/kubelet.log',
        text: KUBELET,
        size: KUBELET.length,
        mtimeMs: Date.parse('2024-06-10T11:35:40Z'),
      },
      {
        type: 'entry',
        path: 'logs/audit.log',
        text: AUDIT,
        size: AUDIT.length,
        mtimeMs: Date.parse('2024-06-10T11:35:40Z'),
      },
    ]);
  });

  it('reads a .tar.gz and a .tgz, and detects gzip/tar by magic bytes, not the name', async () => {
    const dir = tempDir('tgz');
    const tar = await buildTar([
      { name: 'a.log', body: 'A\n' },
      { name: 'b.log', body: 'B\n' },
    ]);
    for (const name of ['bundle.tar.gz', 'bundle.tgz', 'upload-7f3a']) {
      const seen = await collect(writeTemp(dir, name, gzipSync(tar)));
      expect(seen.map((s) => (s.type === 'entry' ? `${s.path}=${s.text}` : s.reason))).toEqual([
        'a.log=A\n',
        'b.log=B\n',
      ]);
    }
    // A plain tar under a misleading name is still a tar.
    expect(entries(await collect(writeTemp(dir, 'bundle.txt', tar)))).toEqual(['a.log', 'b.log']);
  });

  it('reads a .zip in central-directory order', async () => {
    const dir = tempDir('zip');
    const zip = buildZip([
      { name: 'kind-worker/kubelet.log', body: KUBELET },
      { name: 'kind-worker/', mode: 0o040755 },
      { name: 'audit.log', body: AUDIT, method: 0 },
    ]);
    const seen = await collect(writeTemp(dir, 'bundle.zip', zip));
    expect(seen).toEqual([
      {
        type: 'entry',
        path: 'kind-worker/kubelet.log',
        text: KUBELET,
        size: KUBELET.length,
        mtimeMs: Date.parse('2024-06-10T11:35:40Z'),
      },
      {
        type: 'entry',
        path: 'audit.log',
        text: AUDIT,
        size: AUDIT.length,
        mtimeMs: Date.parse('2024-06-10T11:35:40Z'),
      },
    ]);
  });

  it('reads a single .gz file as one entry named without .gz', async () => {
    const dir = tempDir('gz');
    const seen = await collect(writeTemp(dir, 'kube-apiserver.log.gz', gzipSync(KUBELET)));
    expect(seen).toMatchObject([{ type: 'entry', path: 'kube-apiserver.log', text: KUBELET, size: null }]);
  });

  it('reads a plain file as one entry, an empty file as an empty entry', async () => {
    const dir = tempDir('plain');
    expect(await collect(writeTemp(dir, 'kubelet.log', Buffer.from(KUBELET)))).toMatchObject([
      { type: 'entry', path: 'kubelet.log', text: KUBELET, size: KUBELET.length },
    ]);
    expect(await collect(writeTemp(dir, 'empty.log', Buffer.alloc(0)))).toMatchObject([
      { type: 'entry', path: 'empty.log', text: '', size: 0 },
    ]);
    expect(await collect(writeTemp(dir, 'one.log', Buffer.from('x')))).toMatchObject([
      { type: 'entry', path: 'one.log', text: 'x' },
    ]);
  });

  it('gunzips rotated .gz members transparently, in tar, zip and directories', async () => {
    const dir = tempDir('members');
    const rotated = gzipSync(AUDIT.repeat(3));
    const tar = await buildTar([
      { name: 'var/log/kubernetes/audit/audit-2024-06-10T11-35-40.123.log.gz', body: rotated },
      { name: 'var/log/kube-apiserver.log', body: KUBELET },
    ]);
    const tarSeen = await collect(writeTemp(dir, 'host.tar', tar));
    expect(tarSeen).toMatchObject([
      {
        path: 'var/log/kubernetes/audit/audit-2024-06-10T11-35-40.123.log.gz',
        text: AUDIT.repeat(3),
        size: null,
      },
      { path: 'var/log/kube-apiserver.log', text: KUBELET },
    ]);
    const zipSeen = await collect(
      writeTemp(dir, 'host.zip', buildZip([{ name: 'kube-apiserver.log.1.gz', body: rotated }])),
    );
    expect(zipSeen).toMatchObject([{ path: 'kube-apiserver.log.1.gz', text: AUDIT.repeat(3) }]);
    const tree = join(dir, 'tree');
    mkdirSync(tree);
    writeFileSync(join(tree, 'audit.log.1.gz'), rotated);
    expect(await collect(tree)).toMatchObject([{ path: 'audit.log.1.gz', text: AUDIT.repeat(3) }]);
  });
});

describe('readBundle: archives made by real tools', () => {
  it('reads GNU and POSIX tars from the system tar, with long names, refusing their symlinks', async () => {
    const dir = tempDir('systar');
    const long = `kind-worker/pods/default_${'a'.repeat(60)}_5f7c1b2a-3d4e-4f60-8a9b-0c1d2e3f4a5b/${'c'.repeat(40)}`;
    mkdirSync(join(dir, 'src', long), { recursive: true });
    writeFileSync(join(dir, 'src', long, '0.log'), KUBELET);
    writeFileSync(join(dir, 'src', 'kind-worker', 'kubelet.log'), KUBELET);
    symlinkSync('/etc/passwd', join(dir, 'src', 'kind-worker', 'passwd'));
    for (const format of ['gnu', 'posix', 'ustar']) {
      const out = join(dir, `${format}.tgz`);
      try {
        execFileSync('tar', [`--format=${format}`, '--sort=name', '-czf', out, '-C', join(dir, 'src'), '.']);
      } catch {
        if (format === 'ustar') continue; // ustar cannot hold the long name; other formats must work
        throw new Error(`system tar failed for ${format}`);
      }
      const seen = await collect(out);
      expect(entries(seen)).toEqual(['kind-worker/kubelet.log', `${long}/0.log`]);
      expect(problems(seen)).toEqual([
        {
          path: 'kind-worker/passwd',
          reason: 'symlink refused: its target /etc/passwd is outside the bundle',
        },
      ]);
    }
  });
});

describe('readBundle: the consumer contract', () => {
  it('drains unopened tar members and skips unopened files, so later entries still read', async () => {
    const dir = tempDir('skip');
    const big = 'y'.repeat(3 * 1024 * 1024);
    const tar = await buildTar([
      { name: 'big.log', body: big },
      { name: 'small.log', body: 'small\n' },
    ]);
    for (const path of [writeTemp(dir, 'b.tar', tar), writeTemp(dir, 'b.tar.gz', gzipSync(tar))]) {
      const texts: string[] = [];
      for await (const item of readBundle(path, DEFAULT_LIMITS)) {
        if (item.type === 'entry' && item.entry.path === 'small.log')
          texts.push((await settleItem(item)).type);
      }
      expect(texts).toEqual(['entry']);
    }
  });

  it('ends a half-read entry when the next item is requested, and refuses a second open()', async () => {
    const dir = tempDir('abandon');
    const tar = await buildTar([
      { name: 'big.log', body: 'z'.repeat(4 * 1024 * 1024) },
      { name: 'next.log', body: 'next\n' },
    ]);
    const seen: string[] = [];
    for await (const item of readBundle(writeTemp(dir, 'a.tar', tar), DEFAULT_LIMITS)) {
      if (item.type !== 'entry') continue;
      if (item.entry.path === 'big.log') {
        const stream = item.entry.open();
        expect(() => item.entry.open()).toThrow(/open\(\) may be called once/);
        // Read one chunk and walk away.
        await new Promise<void>((resolve) => stream.once('data', () => resolve()));
        stream.pause();
        continue;
      }
      const got = await settleItem(item);
      seen.push(got.type === 'entry' ? got.text : '');
    }
    expect(seen).toEqual(['next\n']);
  });

  it('stops cleanly when the consumer breaks out early', async () => {
    const dir = tempDir('break');
    const tar = await buildTar([
      { name: 'a.log', body: 'a'.repeat(2 * 1024 * 1024) },
      { name: 'b.log', body: 'b' },
    ]);
    for await (const item of readBundle(writeTemp(dir, 'x.tar.gz', gzipSync(tar)), DEFAULT_LIMITS)) {
      expect(item.type).toBe('entry');
      break;
    }
  });
});

describe('readBundle: hostile and broken input (SPEC §9)', () => {
  it('reports a truncated tar naming the member, keeping the members before it', async () => {
    const dir = tempDir('trunc-tar');
    const tar = await buildTar([
      { name: 'kind-worker/kubelet.log', body: KUBELET },
      { name: 'kind-worker/containerd.log', body: 'c'.repeat(8192) },
      { name: 'kind-worker/journal.log', body: 'j\n' },
    ]);
    // 512 header + 512 body + 512 header + half of the 8 KiB body.
    const cut = tar.subarray(0, 1536 + 4096);
    for (const [name, data] of [
      ['cut.tar', cut],
      ['cut.tar.gz', gzipSync(cut)],
    ] as const) {
      const seen = await collect(writeTemp(dir, name, data));
      expect(seen[0]).toMatchObject({ type: 'entry', path: 'kind-worker/kubelet.log', text: KUBELET });
      expect(entries(seen)).toEqual(['kind-worker/kubelet.log', 'kind-worker/containerd.log']);
      expect(problems(seen)).toEqual([
        { path: 'kind-worker/containerd.log', reason: 'truncated archive: unexpected end of data' },
      ]);
    }
  });

  it('reports a .tar.gz whose gzip stream is cut, naming the member being read', async () => {
    const dir = tempDir('trunc-tgz');
    const tar = await buildTar([
      { name: 'first.log', body: KUBELET },
      { name: 'noise.log', body: noise(200_000) },
    ]);
    const gz = gzipSync(tar);
    const seen = await collect(writeTemp(dir, 'cut.tgz', gz.subarray(0, gz.length - 5000)));
    expect(entries(seen)).toEqual(['first.log', 'noise.log']);
    expect(problems(seen)).toEqual([
      { path: 'noise.log', reason: 'truncated archive: unexpected end of file in the gzip stream' },
    ]);
  });

  it('reports a truncated tar cut inside a header after the member it follows', async () => {
    const dir = tempDir('trunc-header');
    const tar = await buildTar([
      { name: 'a.log', body: 'a\n' },
      { name: 'b.log', body: 'b\n' },
    ]);
    const seen = await collect(writeTemp(dir, 'cut.tar', tar.subarray(0, 1024 + 300)));
    expect(entries(seen)).toEqual(['a.log']);
    expect(problems(seen)).toEqual([
      { path: 'cut.tar', reason: 'truncated archive: unexpected end of data (after a.log)' },
    ]);
  });

  it('reports a truncated single .gz and a truncated .gz member, with the good bytes delivered', async () => {
    const dir = tempDir('trunc-gz');
    const body = noise(100_000);
    const gz = gzipSync(body);
    const cutGz = gz.subarray(0, gz.length - 2000);
    const single = await collect(writeTemp(dir, 'kubelet.log.gz', cutGz));
    expect(single).toHaveLength(2);
    expect(single[0]).toMatchObject({ type: 'entry', path: 'kubelet.log' });
    expect(single[0]?.type === 'entry' && body.toString().startsWith(single[0].text)).toBe(true);
    expect(problems(single)).toEqual([
      { path: 'kubelet.log', reason: 'truncated gzip: unexpected end of file' },
    ]);

    const tar = await buildTar([
      { name: 'before.log', body: 'before\n' },
      { name: 'audit.log.1.gz', body: cutGz },
      { name: 'after.log', body: 'after\n' },
    ]);
    const inTar = await collect(writeTemp(dir, 'b.tar', tar));
    expect(entries(inTar)).toEqual(['before.log', 'audit.log.1.gz', 'after.log']);
    expect(problems(inTar)).toEqual([
      { path: 'audit.log.1.gz', reason: 'truncated gzip: unexpected end of file' },
    ]);
    expect(inTar.at(-1)).toMatchObject({ path: 'after.log', text: 'after\n' });
  });

  it('bounds a gzip bomb member by maxDecompressedBytes and keeps the other members', async () => {
    const dir = tempDir('bomb');
    const limits = { ...DEFAULT_LIMITS, maxDecompressedBytes: 1024 * 1024 };
    // 64 MiB of zeros: ~64 KiB compressed, 64× the limit.
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    const tar = await buildTar([
      { name: 'a.log', body: 'a\n' },
      { name: 'bomb.log.gz', body: bomb },
      { name: 'c.log', body: 'c\n' },
    ]);
    const seen = await collect(writeTemp(dir, 'bomb.tar', tar), limits);
    expect(entries(seen)).toEqual(['a.log', 'bomb.log.gz', 'c.log']);
    expect(problems(seen)).toEqual([
      { path: 'bomb.log.gz', reason: 'decompressed size limit of 1048576 bytes exceeded' },
    ]);
    const bombEntry = seen.find((s) => s.type === 'entry' && s.path === 'bomb.log.gz');
    expect(bombEntry?.type === 'entry' && bombEntry.text.length).toBe(1024 * 1024);
    expect(seen.at(-1)).toMatchObject({ path: 'c.log', text: 'c\n' });

    // The same bomb as a zip member (inflate) and as the whole input.
    // The limit is for the whole bundle: once spent, later compressed members stop at once too
    // (bounded work), while stored members still come through.
    const zip = buildZip([
      { name: 'bomb.log', body: Buffer.alloc(16 * 1024 * 1024) },
      { name: 'stored.log', body: 'ok\n', method: 0 },
      { name: 'deflated.log', body: 'late\n' },
    ]);
    const zipSeen = await collect(writeTemp(dir, 'bomb.zip', zip), limits);
    expect(entries(zipSeen)).toEqual(['bomb.log', 'stored.log', 'deflated.log']);
    expect(zipSeen.find((s) => s.path === 'stored.log')).toMatchObject({ text: 'ok\n' });
    expect(problems(zipSeen)).toEqual([
      { path: 'bomb.log', reason: 'decompressed size limit of 1048576 bytes exceeded' },
      { path: 'deflated.log', reason: 'decompressed size limit of 1048576 bytes exceeded' },
    ]);
    const single = await collect(writeTemp(dir, 'bomb.log.gz', bomb), limits);
    expect(problems(single)).toEqual([
      { path: 'bomb.log', reason: 'decompressed size limit of 1048576 bytes exceeded' },
    ]);
  });

  it('stops reading a .tar.gz whose own stream exceeds the limit, naming the member and keeping earlier ones', async () => {
    const dir = tempDir('bomb-tgz');
    const limits = { ...DEFAULT_LIMITS, maxDecompressedBytes: 1024 * 1024 };
    const tar = await buildTar([
      { name: 'a.log', body: 'a\n' },
      { name: 'zeros.log', body: Buffer.alloc(8 * 1024 * 1024) },
      { name: 'never.log', body: 'never\n' },
    ]);
    const seen = await collect(writeTemp(dir, 'bomb.tar.gz', gzipSync(tar, { level: 9 })), limits);
    expect(entries(seen)).toEqual(['a.log', 'zeros.log']);
    expect(problems(seen)).toEqual([
      {
        path: 'zeros.log',
        reason: 'decompressed size limit of 1048576 bytes exceeded; the rest of the archive was not read',
      },
    ]);
  });

  it('refuses zip-slip and absolute paths in tar and zip, keeping the other members', async () => {
    const dir = tempDir('slip');
    const hostile = ['../../etc/passwd', '/etc/passwd', 'C:\\x', 'logs/../../escape.log', '..\\..\\win.ini'];
    const tar = await buildTar([
      { name: 'ok/before.log', body: 'before\n' },
      ...hostile.map((name) => ({ name, body: 'root:x:0:0\n' })),
      { name: 'ok/after.log', body: 'after\n' },
    ]);
    const zip = buildZip([
      { name: 'ok/before.log', body: 'before\n' },
      ...hostile.map((name) => ({ name, body: 'root:x:0:0\n' })),
      { name: 'ok/after.log', body: 'after\n' },
    ]);
    const expected = [
      { path: '../../etc/passwd', reason: "path traversal refused ('..' segment)" },
      { path: '/etc/passwd', reason: 'absolute path refused' },
      { path: 'C:\\x', reason: 'absolute path refused' },
      { path: 'logs/../../escape.log', reason: "path traversal refused ('..' segment)" },
      { path: '..\\..\\win.ini', reason: "path traversal refused ('..' segment)" },
    ];
    for (const file of [writeTemp(dir, 'slip.tar', tar), writeTemp(dir, 'slip.zip', zip)]) {
      const seen = await collect(file);
      expect(entries(seen)).toEqual(['ok/before.log', 'ok/after.log']);
      expect(problems(seen)).toEqual(expected);
    }
  });

  it('refuses symlinks, hardlinks, devices and fifos in tar; skips directories silently', async () => {
    const dir = tempDir('links');
    const tar = await buildTar([
      { name: 'd/', type: 'directory' },
      { name: 'd/a.log', body: 'a\n' },
      { name: 'd/passwd', type: 'symlink', linkname: '/etc/passwd' },
      { name: 'd/hard', type: 'link', linkname: 'd/a.log' },
      { name: 'd/tty', type: 'character-device' },
      { name: 'd/sda', type: 'block-device' },
      { name: 'd/pipe', type: 'fifo' },
      { name: 'd/z.log', body: 'z\n' },
    ]);
    const seen = await collect(writeTemp(dir, 'links.tar', tar));
    expect(entries(seen)).toEqual(['d/a.log', 'd/z.log']);
    expect(problems(seen)).toEqual([
      { path: 'd/passwd', reason: 'symlink refused: its target /etc/passwd is outside the bundle' },
      // A hard link to another member is read once, under its target's path.
      { path: 'd/hard', reason: 'link to d/a.log' },
      { path: 'd/tty', reason: 'device file refused (character-device)' },
      { path: 'd/sda', reason: 'device file refused (block-device)' },
      { path: 'd/pipe', reason: 'fifo refused' },
    ]);
  });

  it('refuses symlink, device and fifo members in zip by their unix mode', async () => {
    const dir = tempDir('zip-links');
    const zip = buildZip([
      { name: 'a.log', body: 'a\n' },
      { name: 'passwd', body: '/etc/passwd', mode: 0o120777, method: 0 },
      { name: 'tty', mode: 0o020666, method: 0 },
      { name: 'pipe', mode: 0o010644, method: 0 },
      { name: 'secret.log', body: 'x', encrypted: true },
      { name: 'b.log', body: 'b\n' },
    ]);
    const seen = await collect(writeTemp(dir, 'links.zip', zip));
    expect(entries(seen)).toEqual(['a.log', 'b.log']);
    expect(problems(seen)).toEqual([
      { path: 'passwd', reason: 'symlink refused' },
      { path: 'tty', reason: 'device file refused (character-device)' },
      { path: 'pipe', reason: 'fifo refused' },
      { path: 'secret.log', reason: 'encrypted zip member not supported' },
    ]);
  });

  it('does not follow symlinks in a directory bundle', async () => {
    const dir = tempDir('dir-links');
    const outside = tempDir('outside');
    writeFileSync(join(outside, 'secret.log'), 'secret\n');
    writeFileSync(join(dir, 'a.log'), 'a\n');
    symlinkSync(join(outside, 'secret.log'), join(dir, 'link.log'));
    symlinkSync(outside, join(dir, 'linkdir'));
    // A link to a file inside the bundle is a copy of it: reported, never followed or read twice.
    symlinkSync('a.log', join(dir, 'same.log'));
    const seen = await collect(dir);
    expect(entries(seen)).toEqual(['a.log']);
    expect(problems(seen)).toEqual([
      { path: 'link.log', reason: 'symlink refused: its target is outside the bundle' },
      { path: 'linkdir', reason: 'symlink refused: its target is outside the bundle' },
      { path: 'same.log', reason: 'link to a.log' },
    ]);
  });

  it('refuses fifos in a directory bundle without opening them', async () => {
    const dir = tempDir('fifo');
    writeFileSync(join(dir, 'a.log'), 'a\n');
    execFileSync('mkfifo', [join(dir, 'pipe.log')]);
    const seen = await collect(dir);
    expect(entries(seen)).toEqual(['a.log']);
    expect(problems(seen)).toEqual([{ path: 'pipe.log', reason: 'fifo refused' }]);
  });

  it('still reports a truncated member that the consumer never opened', async () => {
    const dir = tempDir('trunc-unopened');
    const tar = await buildTar([
      { name: 'a.log', body: 'a\n' },
      { name: 'b.log', body: 'b'.repeat(8192) },
    ]);
    const items: BundleItem[] = [];
    for await (const item of readBundle(writeTemp(dir, 'cut.tar', tar.subarray(0, 2048)), DEFAULT_LIMITS)) {
      items.push(item);
    }
    expect(
      items.map((i) =>
        i.type === 'entry' ? i.entry.path : i.type === 'link' ? i.target : `${i.path}: ${i.reason}`,
      ),
    ).toEqual(['a.log', 'b.log', 'b.log: truncated archive: unexpected end of data']);
  });

  it('refuses nested archives and duplicate paths, keeping the rest', async () => {
    const dir = tempDir('nested');
    const inner = await buildTar([{ name: 'x.log', body: 'x' }]);
    const tar = await buildTar([
      { name: 'a.log', body: 'a\n' },
      { name: 'inner.tar.gz', body: gzipSync(inner) },
      { name: 'inner.zip', body: buildZip([{ name: 'y.log', body: 'y' }]) },
      { name: 'a.log', body: 'again\n' },
      { name: 'b.log', body: 'b\n' },
    ]);
    const seen = await collect(writeTemp(dir, 'nested.tar', tar));
    expect(seen).toMatchObject([
      { type: 'entry', path: 'a.log', text: 'a\n' },
      { type: 'problem', path: 'inner.tar.gz', reason: 'nested archive not supported' },
      { type: 'problem', path: 'inner.zip', reason: 'nested archive not supported' },
      {
        type: 'problem',
        path: 'a.log',
        reason: 'duplicate path refused (an earlier member has the same path)',
      },
      { type: 'entry', path: 'b.log', text: 'b\n' },
    ]);
  });

  it('reports empty archives and directories', async () => {
    const dir = tempDir('empty');
    const emptyTar = await buildTar([]);
    expect(await collect(writeTemp(dir, 'empty.tar', emptyTar))).toEqual([
      { type: 'problem', path: 'empty.tar', reason: 'empty archive: no files' },
    ]);
    expect(await collect(writeTemp(dir, 'empty.tgz', gzipSync(emptyTar)))).toEqual([
      { type: 'problem', path: 'empty.tgz', reason: 'empty archive: no files' },
    ]);
    expect(
      await collect(writeTemp(dir, 'dirs-only.tar', await buildTar([{ name: 'a/', type: 'directory' }]))),
    ).toEqual([{ type: 'problem', path: 'dirs-only.tar', reason: 'empty archive: no files' }]);
    expect(await collect(writeTemp(dir, 'empty.zip', buildZip([])))).toEqual([
      { type: 'problem', path: 'empty.zip', reason: 'empty archive: no files' },
    ]);
    const tree = join(dir, 'tree');
    mkdirSync(join(tree, 'sub'), { recursive: true });
    expect(await collect(tree)).toEqual([
      { type: 'problem', path: 'tree', reason: 'empty bundle: no files' },
    ]);
  });

  it('reports a single .gz corrupt from its first byte instead of waiting forever', async () => {
    const dir = tempDir('gz0');
    const garbage = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), noise(4096)]);
    const seen = await collect(writeTemp(dir, 'kubelet.log.gz', garbage));
    expect(entries(seen)).toEqual(['kubelet.log']);
    expect(problems(seen)).toEqual([
      { path: 'kubelet.log', reason: expect.stringMatching(/^corrupt gzip/) as unknown },
    ]);
  }, 10_000);

  it('verifies zip CRC-32s: a damaged member is reported, the others read', async () => {
    const dir = tempDir('zipcrc');
    const zip = buildZip([
      { name: 'good.log', body: KUBELET },
      { name: 'damaged.log', body: KUBELET, crc: 0x1234abcd },
      { name: 'stored.log', body: KUBELET, method: 0, crc: 1 },
    ]);
    const seen = await collect(writeTemp(dir, 'b.zip', zip));
    expect(entries(seen)).toEqual(['good.log', 'damaged.log', 'stored.log']);
    expect(problems(seen)).toEqual([
      {
        path: 'damaged.log',
        reason: expect.stringMatching(/^corrupt zip member: CRC-32 mismatch/) as unknown,
      },
      {
        path: 'stored.log',
        reason: expect.stringMatching(/^corrupt zip member: CRC-32 mismatch/) as unknown,
      },
    ]);
  });

  it('reports a zip with its central directory cut off, and garbage posing as a tar', async () => {
    const dir = tempDir('corrupt');
    const zip = buildZip([{ name: 'a.log', body: 'a\n' }]);
    const cut = await collect(writeTemp(dir, 'cut.zip', zip.subarray(0, zip.length - 30)));
    expect(cut).toHaveLength(1);
    expect(cut[0]).toMatchObject({ type: 'problem', path: 'cut.zip' });
    expect(cut[0]?.type === 'problem' && cut[0].reason).toMatch(/^truncated or corrupt archive: /);

    const garbage = Buffer.alloc(2048, 0x41);
    const seen = await collect(writeTemp(dir, 'garbage.tar', garbage));
    expect(seen).toEqual([
      { type: 'problem', path: 'garbage.tar', reason: expect.stringMatching(/^corrupt archive: /) as string },
    ]);
  });

  it('reports a missing input as a problem instead of throwing', async () => {
    const dir = tempDir('missing');
    expect(await collect(join(dir, 'nope.tar.gz'))).toEqual([
      { type: 'problem', path: 'nope.tar.gz', reason: 'read error: ENOENT' },
    ]);
  });
});
