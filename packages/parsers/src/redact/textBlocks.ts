import { REDACTED, type Removed } from './credentialText.ts';

/**
 * A Secret printed as pretty JSON or YAML and read line by line (a `secrets.json` the sniffer did
 * not take as one document, a `kubectl get secret -o yaml` pasted into a text file) spreads its
 * `data` over lines that say nothing about being secret, and `kubectl` prints `data` *before*
 * `kind: Secret`. So every `data`/`stringData` block of such text is treated as secret: its values
 * are redacted until the block closes. (A ConfigMap's `data` printed the same way is redacted too:
 * line by line there is no telling them apart.)
 *
 * One `TextBlocks` per file: a block opened on one record continues on the next.
 */
export class TextBlocks {
  /** JSON: brace depth inside the block; YAML: the indentation of the `data:` key. */
  private block: { kind: 'json'; depth: number; lines: number } | { kind: 'yaml'; indent: number } | null =
    null;

  /** A copy, to redact a second text (the message) from the same starting point. */
  snapshot(): TextBlocks {
    const copy = new TextBlocks();
    copy.block = this.block === null ? null : { ...this.block };
    return copy;
  }

  /** True when nothing is open and `text` opens nothing: the common case, decided cheaply. */
  idle(text: string): boolean {
    if (this.block !== null) return false;
    // An opener ends its line with `{` (JSON) or `:` (YAML); most log lines end otherwise.
    if (text.indexOf('\n') === -1) {
      const c = lastNonSpace(text);
      return c !== 123 && c !== 58;
    }
    return !/(?:data|Data)"?\s*:\s*\{?\s*$/m.test(text);
  }

  /** Redacts the block values in `text` (one or more lines), carrying block state across calls. */
  redact(text: string, removed: Removed): string {
    if (this.idle(text)) return text;
    const lines = text.split('\n');
    let changed = false;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      const out = this.line(line, removed);
      if (out !== line) {
        lines[i] = out;
        changed = true;
      }
    }
    return changed ? lines.join('\n') : text;
  }

  private line(line: string, removed: Removed): string {
    const b = this.block;
    if (b?.kind === 'json') {
      const out = redactJsonStrings(line, removed);
      b.depth += braceDelta(line);
      // A block that never closes (broken text) stops being one after this many lines.
      if (b.depth <= 0 || ++b.lines > MAX_BLOCK_LINES) this.block = null;
      return out;
    }
    if (b?.kind === 'yaml') {
      if (line.trim().length === 0) return line;
      const indent = line.length - line.trimStart().length;
      if (indent > b.indent) return redactYamlLine(line, removed);
      this.block = null;
    }
    return this.open(line, removed);
  }

  /** A line that may open a block: `"data": {` (pretty JSON) or `data:` alone (YAML). */
  private open(line: string, removed: Removed): string {
    const json = JSON_OPENER.exec(line);
    if (json) {
      const rest = line.slice(json.index + json[0].length);
      const depth = 1 + braceDelta(rest);
      const out = line.slice(0, json.index + json[0].length) + redactJsonStrings(rest, removed);
      if (depth > 0) this.block = { kind: 'json', depth, lines: 0 };
      return out;
    }
    const yaml = YAML_OPENER.exec(line);
    if (yaml) {
      const inline = yaml[3] ?? '';
      if (inline.startsWith('{'))
        return `${yaml[1] ?? ''}${yaml[2] ?? ''}: ${redactJsonStrings(inline, removed)}`;
      if (inline.length === 0) this.block = { kind: 'yaml', indent: (yaml[1] ?? '').length };
    }
    return line;
  }
}

const MAX_BLOCK_LINES = 100_000;
const JSON_OPENER = /"(?:data|stringData|binaryData)"\s*:\s*\{/;
const YAML_OPENER = /^(\s*)(data|stringData|binaryData):\s*(.*?)\s*$/;
/** A JSON string literal, and whether a `:` follows it (then it is a key). */
const JSON_STRING = /"((?:[^"\\]|\\.)*)"(\s*:)?/g;
const YAML_PAIR = /^(\s*(?:-\s+)?[^:#\s][^:#]*:)(\s*)(.*)$/;
const BLOCK_SCALAR = /^[|>][-+]?\d*$/;

function lastNonSpace(s: string): number {
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return c;
  }
  return -1;
}

/** Brace/bracket depth change of a line of JSON text (strings honoured). */
function braceDelta(line: string): number {
  let d = 0;
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) d++;
    else if (c === 125 || c === 93) d--;
  }
  return d;
}

/** Every JSON string on the line that is a value (not a key) becomes `[REDACTED]`. */
function redactJsonStrings(line: string, removed: Removed): string {
  return line.replace(JSON_STRING, (m, body: string, colon: string | undefined) => {
    if (colon !== undefined || body === REDACTED) return m;
    removed.add(body);
    return `"${REDACTED}"`;
  });
}

/** A YAML line inside a `data:` block: `key: value` keeps the key; anything else is content. */
function redactYamlLine(line: string, removed: Removed): string {
  const m = YAML_PAIR.exec(line);
  if (m) {
    const value = m[3] ?? '';
    if (value.length === 0 || BLOCK_SCALAR.test(value) || value === REDACTED) return line;
    removed.add(value.replace(/^["']|["']$/g, ''));
    return `${m[1] ?? ''}${m[2] || ' '}${REDACTED}`;
  }
  const indent = line.length - line.trimStart().length;
  removed.add(line.trim());
  return `${line.slice(0, indent)}${REDACTED}`;
}
