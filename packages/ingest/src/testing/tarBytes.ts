/** One member of a hand-built tar: a regular file, a symlink, or a directory. */
export interface TarMember {
  name: string;
  body?: Buffer | string;
  type?: 'file' | 'symlink' | 'dir';
  linkname?: string;
}

/**
 * A ustar archive built byte by byte, so tests can make members no well-behaved tool would:
 * `../` and absolute names, symlinks pointing outside, and truncated endings.
 */
export function tarBytes(members: readonly TarMember[]): Buffer {
  const blocks: Buffer[] = [];
  for (const m of members) {
    const body = m.type === 'file' || m.type === undefined ? Buffer.from(m.body ?? '') : Buffer.alloc(0);
    const h = Buffer.alloc(512, 0);
    h.write(m.name.slice(0, 100), 0, 'utf8');
    h.write('0000644\0', 100, 'ascii');
    h.write('0000000\0', 108, 'ascii');
    h.write('0000000\0', 116, 'ascii');
    h.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
    h.write(
      `${Math.floor(Date.UTC(2024, 5, 10) / 1000)
        .toString(8)
        .padStart(11, '0')}\0`,
      136,
      'ascii',
    );
    h.write('        ', 148, 'ascii');
    h.write(m.type === 'symlink' ? '2' : m.type === 'dir' ? '5' : '0', 156, 'ascii');
    if (m.linkname) h.write(m.linkname.slice(0, 100), 157, 'utf8');
    h.write('ustar\0', 257, 'ascii');
    h.write('00', 263, 'ascii');
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
    blocks.push(h, body, Buffer.alloc((512 - (body.length % 512)) % 512, 0));
  }
  blocks.push(Buffer.alloc(1024, 0));
  return Buffer.concat(blocks);
}
