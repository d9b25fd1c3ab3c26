/* eslint-disable no-control-regex -- what reaches a terminal is exactly about control characters */

/**
 * Log text and file names are untrusted: printed raw, an escape sequence can recolour, retitle or
 * rewrite the terminal, a newline can forge a line of output, and a bidi override can reverse
 * what follows. These make them visible instead.
 */

// C0 and C1 controls except tab and newline, DEL, and bidi embeddings/overrides/isolates.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const NEWLINES = /[\n\t]/g;

const visible = (c: string): string => {
  const code = c.charCodeAt(0);
  if (c === '\n') return '\\n';
  if (c === '\t') return '\\t';
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** One table cell or message on one line: every control character, newlines too, made visible. */
export const cellText = (s: string): string => s.replace(UNSAFE, visible).replace(NEWLINES, visible);

/** A multi-line text for a terminal: newlines and tabs kept, every other control made visible. */
export const terminalText = (s: string): string => s.replace(UNSAFE, visible);
