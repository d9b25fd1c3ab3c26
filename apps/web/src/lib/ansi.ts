/* eslint-disable no-control-regex -- matching control characters is the point of this module */
// CSI (colours, cursor moves), OSC (titles, hyperlinks) and lone escape sequences.
const ANSI =
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]/g;
// C0 controls except tab and newline, and DEL: shown as their Control Pictures (␀, ␛, ␡).
const C0 = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
/**
 * Invisible characters that change how text reads: C1 controls, bidi marks, embeddings,
 * overrides and isolates (`…//\u202eexe.txt` would show as `…//txt.exe`), zero-width characters
 * and the BOM. Shown as `⟨U+202E⟩`.
 */
const INVISIBLE = /[\u0080-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
/** Combining marks kept on one character at most: more stack into towers that overflow lines. */
export const MAX_COMBINING = 2;
const COMBINING_RUN = new RegExp(`(\\p{M}{${MAX_COMBINING}})\\p{M}+`, 'gu');

const picture = (c: string): string => {
  const code = c.charCodeAt(0);
  return code === 0x7f ? '\u2421' : String.fromCharCode(0x2400 + code);
};
const codePoint = (c: string): string =>
  `⟨U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}⟩`;

/**
 * Makes log text safe and readable as plain text (it is still rendered as text, never as HTML):
 * strips ANSI escape sequences, shows other control characters as visible pictures and invisible
 * or direction-changing characters as `⟨U+XXXX⟩`, and clamps runaway stacks of combining marks.
 * Tabs and newlines stay.
 */
export function cleanLogText(s: string): string {
  return s.replace(ANSI, '').replace(C0, picture).replace(INVISIBLE, codePoint).replace(COMBINING_RUN, '$1');
}
