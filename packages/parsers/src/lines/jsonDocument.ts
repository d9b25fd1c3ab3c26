/** One object of a JSON document's item list, with its physical lines (1-based, inclusive). */
export interface JsonItem {
  text: string;
  start: number;
  end: number;
}

/** Keys whose array value is a document's item list. */
/** `Items`: lists written with Go field names (cluster-info dumps before k8s 1.14). */
const LIST_KEYS = new Set(['items', 'Items', 'resourceSpans']);

/**
 * Streams the items of one JSON document — the objects of a top-level array, or of the `items` /
 * `resourceSpans` array of a top-level object — so an EventList or events.json of any size is read
 * one item at a time. Until an item list is found the text is kept as the "envelope" (a single
 * pretty-printed event is all envelope), up to `maxChars`; items over `maxChars` are reported in
 * `oversize` and dropped. Strings are honoured; the JSON is not validated beyond bracket nesting.
 */
export class JsonItemStream {
  private readonly stack: number[] = []; // 1 = object, 2 = array
  private inString = false;
  private escaped = false;
  private line = 1;
  private listDepth = -1;
  private inItem = false;
  private itemStart = 0;
  private itemPieces: string[] = [];
  private itemChars = 0;
  private itemOversize = false;
  private itemLine = 0;
  private keyStart = -1;
  /** The part of a possible key read in earlier chunks; null once it is too long to be one. */
  private keyCarry: string | null = null;
  private lastString = '';
  private envelope: string[] | null = [];
  private envelopeChars = 0;
  /** Start lines of items dropped for being larger than `maxChars`. */
  readonly oversize: number[] = [];
  /** True when an item list was found (then `envelope()` is null). */
  get hasList(): boolean {
    return this.listDepth !== -1;
  }
  /** True when brackets are balanced (the document is complete). */
  get balanced(): boolean {
    return this.stack.length === 0 && !this.inString;
  }
  /** True when the envelope outgrew `maxChars` (and was dropped). */
  envelopeTooBig = false;

  constructor(private readonly maxChars: number) {}

  /** Feeds decoded text; returns the items completed in it. */
  push(text: string): JsonItem[] {
    const out: JsonItem[] = [];
    const len = text.length;
    if (this.inItem) this.itemStart = 0;
    // A string continued from the last chunk: keep collecting it only if it may still be a key.
    if (this.inString) this.keyStart = this.keyCarry === null ? -1 : 0;
    for (let i = 0; i < len; i++) {
      const c = text.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 92) this.escaped = true;
        else if (c === 34) {
          this.inString = false;
          this.lastString = this.keyStart === -1 ? '' : (this.keyCarry ?? '') + text.slice(this.keyStart, i);
          this.keyCarry = null;
        } else if (c === 10) this.line++;
        continue;
      }
      switch (c) {
        case 10:
          this.line++;
          break;
        case 34:
          this.inString = true;
          this.keyStart = i + 1;
          this.keyCarry = '';
          break;
        case 123:
        case 91: {
          const parent = this.stack.length;
          this.stack.push(c === 123 ? 1 : 2);
          if (this.listDepth === -1 && c === 91) {
            if (parent === 0 || (parent === 1 && this.stack[0] === 1 && LIST_KEYS.has(this.lastString))) {
              this.listDepth = parent + 1;
              this.envelope = null;
            }
          } else if (c === 123 && this.listDepth !== -1 && parent === this.listDepth) {
            this.inItem = true;
            this.itemStart = i;
            this.itemPieces = [];
            this.itemChars = 0;
            this.itemOversize = false;
            this.itemLine = this.line;
          }
          break;
        }
        case 125:
        case 93: {
          const depth = this.stack.length;
          this.stack.pop();
          if (this.inItem && c === 125 && depth === this.listDepth + 1) {
            this.inItem = false;
            const piece = text.slice(this.itemStart, i + 1);
            if (!this.itemOversize && this.itemChars + piece.length <= this.maxChars) {
              this.itemPieces.push(piece);
              out.push({ text: this.itemPieces.join(''), start: this.itemLine, end: this.line });
            } else {
              this.oversize.push(this.itemLine);
            }
            this.itemPieces = [];
          }
          break;
        }
        default:
          break;
      }
      this.lastStringReset(c);
    }
    if (this.inString) {
      const rest =
        this.keyStart === -1 || this.keyCarry === null ? null : this.keyCarry + text.slice(this.keyStart);
      this.keyCarry = rest !== null && rest.length <= 32 ? rest : null;
    }
    if (this.inItem) {
      const piece = text.slice(this.itemStart);
      this.itemChars += piece.length;
      if (this.itemChars > this.maxChars) {
        this.itemOversize = true;
        this.itemPieces = [];
      } else if (!this.itemOversize) this.itemPieces.push(piece);
    }
    if (this.envelope !== null) {
      this.envelopeChars += len;
      if (this.envelopeChars > this.maxChars) {
        this.envelope = null;
        this.envelopeTooBig = true;
      } else this.envelope.push(text);
    }
    return out;
  }

  private lastStringReset(c: number): void {
    // A key is the string right before `:`; anything else but whitespace and `:` forgets it.
    if (c !== 34 && c !== 58 && c !== 32 && c !== 10 && c !== 13 && c !== 9 && c !== 91) this.lastString = '';
  }

  /** The whole text when no item list was found (null when there was one, or it was too big). */
  envelopeText(): string | null {
    return this.envelope === null ? null : this.envelope.join('');
  }
}
