import { describe, expect, it } from 'vitest';
import { cleanLogText } from './ansi';

describe('cleanLogText', () => {
  it('strips colour codes', () => {
    expect(cleanLogText('\u001b[31mE0610\u001b[0m failed')).toBe('E0610 failed');
  });
  it('strips OSC hyperlinks and titles', () => {
    expect(cleanLogText('\u001b]8;;http://x\u0007link\u001b]8;;\u0007')).toBe('link');
  });
  it('shows other control characters as visible pictures, keeping tabs and newlines', () => {
    expect(cleanLogText('a\u0000b\tc\nd\u0008\u007f\r')).toBe('a\u2400b\tc\nd\u2408\u2421\u240d');
  });
  it('shows bidi overrides and invisible characters by their code point, so nothing reads reversed', () => {
    expect(cleanLogText('/tmp/\u202eexe.txt')).toBe('/tmp/⟨U+202E⟩exe.txt');
    expect(cleanLogText('a\u200bb\u2066c\u2069\ufeff\u0085')).toBe(
      'a⟨U+200B⟩b⟨U+2066⟩c⟨U+2069⟩⟨U+FEFF⟩⟨U+0085⟩',
    );
    // Right-to-left letters themselves are text, not tricks.
    expect(cleanLogText('שלום')).toBe('שלום');
  });
  it('clamps runaway stacks of combining marks', () => {
    const zalgo = `Z${'\u0301\u0302\u0303'.repeat(40)}a`;
    expect(cleanLogText(zalgo)).toBe('Z\u0301\u0302a');
    expect(cleanLogText('é')).toBe('é');
  });
  it('leaves markup as text', () => {
    expect(cleanLogText('<script>alert(1)</script>')).toBe('<script>alert(1)</script>');
  });
});
