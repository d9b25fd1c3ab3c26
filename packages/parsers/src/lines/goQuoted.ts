/**
 * Reads a Go-quoted string (`strconv.Quote` output, as klog and logrus write values) starting at
 * the opening quote `s[start] === '"'`. Returns the unescaped value and the index just past the
 * closing quote, or null when the string is not closed.
 */
export function readGoQuoted(s: string, start: number): { value: string; end: number } | null {
  let i = start + 1;
  const close = s.indexOf('"', i);
  if (close === -1) return null;
  const bs = s.indexOf('\\', i);
  if (bs === -1 || bs > close) return { value: s.slice(i, close), end: close + 1 };
  let out = '';
  let from = i;
  const len = s.length;
  while (i < len) {
    const c = s.charCodeAt(i);
    if (c === 34 /* " */) return { value: out + s.slice(from, i), end: i + 1 };
    if (c !== 92 /* \ */) {
      i++;
      continue;
    }
    out += s.slice(from, i);
    const e = s[i + 1];
    let hexLen = 0;
    switch (e) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case '"':
        out += '"';
        break;
      case '\\':
        out += '\\';
        break;
      case "'":
        out += "'";
        break;
      case 'a':
        out += '\x07';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'v':
        out += '\v';
        break;
      case 'x':
        hexLen = 2;
        break;
      case 'u':
        hexLen = 4;
        break;
      case 'U':
        hexLen = 8;
        break;
      case undefined:
        return null;
      default:
        // Octal \NNN or an unknown escape: keep it verbatim.
        if (e >= '0' && e <= '7' && i + 3 < len) {
          out += String.fromCharCode(parseInt(s.slice(i + 1, i + 4), 8));
          i += 4;
          from = i;
          continue;
        }
        out += `\\${e}`;
    }
    if (hexLen > 0) {
      const code = parseInt(s.slice(i + 2, i + 2 + hexLen), 16);
      out += Number.isNaN(code) || code > 0x10ffff ? '\uFFFD' : String.fromCodePoint(code);
      i += 2 + hexLen;
    } else {
      i += 2;
    }
    from = i;
  }
  return null;
}
