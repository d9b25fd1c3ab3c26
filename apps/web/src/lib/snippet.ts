import { cleanLogText } from './ansi';

export interface SnippetPart {
  text: string;
  match: boolean;
}

/**
 * Splits a search snippet whose matches the server wrapped in \u0002…\u0003 into parts, so the
 * page renders matches as <mark> elements (React nodes, never HTML). Unbalanced markers are
 * tolerated: an unclosed match runs to the end.
 */
export function parseSnippet(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let match = false;
  let buf = '';
  const flush = () => {
    if (buf) parts.push({ text: cleanLogText(buf), match });
    buf = '';
  };
  for (const ch of snippet) {
    if (ch === '\u0002') {
      flush();
      match = true;
    } else if (ch === '\u0003') {
      flush();
      match = false;
    } else buf += ch;
  }
  flush();
  return parts;
}
