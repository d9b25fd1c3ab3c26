import { describe, expect, it } from 'vitest';
import { formatSize, parseSize } from './sizeArg.ts';

describe('parseSize', () => {
  it('reads plain bytes and binary units', () => {
    expect(parseSize('1048576')).toBe(1024 ** 2);
    expect(parseSize('512MiB')).toBe(512 * 1024 ** 2);
    expect(parseSize('2G')).toBe(2 * 1024 ** 3);
    expect(parseSize('1.5 k')).toBe(1536);
  });
  it('refuses what is not a positive size', () => {
    for (const bad of ['', '0', '-1', 'lots', '12 parsecs', '1e9', `${2 ** 60}TiB`])
      expect(parseSize(bad), bad).toBeNull();
  });
  it('formats sizes back', () => {
    expect(formatSize(2 * 1024 ** 3)).toBe('2 GiB');
    expect(formatSize(1000)).toBe('1000 bytes');
  });
});
