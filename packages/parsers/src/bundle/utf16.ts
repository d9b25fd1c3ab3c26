/**
 * Windows shells save redirected output as UTF-16 (`minikube logs > logs.txt` in PowerShell 5 writes
 * UTF-16LE with a BOM). Such a file is text, not binary: it is transcoded to UTF-8 before reading.
 */
export type Utf16 = 'utf-16le' | 'utf-16be';

/**
 * The UTF-16 flavour of a file's first bytes: a byte-order mark, or (without one) text whose every
 * other byte is NUL. Null for anything else.
 */
export function detectUtf16(head: Buffer): Utf16 | null {
  if (head.length >= 2) {
    if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
    if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  }
  const n = Math.min(head.length, 4096) & ~1;
  if (n < 16) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) evenNul++;
    if (head[i + 1] === 0) oddNul++;
  }
  const half = n / 2;
  if (oddNul > half * 0.9 && evenNul < half * 0.05) return 'utf-16le';
  if (evenNul > half * 0.9 && oddNul < half * 0.05) return 'utf-16be';
  return null;
}

/** Transcodes a UTF-16 byte stream to UTF-8, chunk by chunk (a BOM is dropped). */
export async function* transcodeUtf16(source: AsyncIterable<unknown>, enc: Utf16): AsyncGenerator<Buffer> {
  const decoder = new TextDecoder(enc, { fatal: false, ignoreBOM: false });
  for await (const chunk of source) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    const text = decoder.decode(b, { stream: true });
    if (text.length > 0) yield Buffer.from(text, 'utf8');
  }
  const rest = decoder.decode();
  if (rest.length > 0) yield Buffer.from(rest, 'utf8');
}
