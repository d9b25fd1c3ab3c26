import { describe, expect, it } from 'vitest';
import { cleanLogText } from './ansi';

describe('cleanLogText', () => {
  it('strips colour codes', () => {
    expect(cleanLogText('\u001b[31mE0610\u001b[0m failed')).toBe('E0610 failed');
  });
  it('strips OSC hyperlinks and titles', () => {
    expect(cleanLogText('\u001b]8;;http://x\u0007link\u001b]8;;\u0007')).toBe('link');
  });
  it('neutralises other control characters but keeps tabs and newlines', () => {
    expect(cleanLogText('a\u0000b\tc\nd\u0008')).toBe('a\ufffdb\tc\nd\ufffd');
  });
  it('leaves markup as text', () => {
    expect(cleanLogText('<script>alert(1)</script>')).toBe('<script>alert(1)</script>');
  });
});
