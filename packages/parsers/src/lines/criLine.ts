import { rfc3339Ns } from './timestamp.ts';

/** One CRI log line: `2024-06-10T11:35:40.244334567Z stderr F <content>`. */
export interface CriLine {
  ts: bigint;
  year: number;
  month: number;
  stream: string;
  /** `P`: the runtime split a long line and more follows; `F`: the line is complete. */
  partial: boolean;
  content: string;
}

/** Parses a CRI line; null when the line is not one. Older runtimes wrote no P/F tag. */
export function parseCriLine(line: string): CriLine | null {
  if (line.charCodeAt(4) !== 45 /* - */ || line.charCodeAt(10) !== 84 /* T */) return null;
  const sp1 = line.indexOf(' ', 19);
  if (sp1 === -1 || sp1 > 40) return null;
  const ts = rfc3339Ns(line.slice(0, sp1));
  if (ts === null) return null;
  const sp2 = line.indexOf(' ', sp1 + 1);
  const streamEnd = sp2 === -1 ? line.length : sp2;
  const stream = line.slice(sp1 + 1, streamEnd);
  if (stream !== 'stdout' && stream !== 'stderr') return null;
  let partial = false;
  let contentStart = streamEnd + 1;
  const tag = line.charCodeAt(streamEnd + 1);
  const afterTag = line.charCodeAt(streamEnd + 2);
  if ((tag === 70 /* F */ || tag === 80) /* P */ && (Number.isNaN(afterTag) || afterTag === 32)) {
    partial = tag === 80;
    contentStart = streamEnd + 3;
  }
  const year = Number(line.slice(0, 4));
  const month = (line.charCodeAt(5) - 48) * 10 + (line.charCodeAt(6) - 48);
  return {
    ts,
    year,
    month,
    stream,
    partial,
    content: contentStart >= line.length ? '' : line.slice(contentStart),
  };
}
