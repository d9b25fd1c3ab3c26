import { rfc3339Ns } from './timestamp.ts';

/** One docker json-file line: `{"log":"…\n","stream":"stderr","time":"…"}`. */
export interface DockerLine {
  ts: bigint | null;
  year: number;
  month: number;
  stream: string;
  /** True when docker split the line (no trailing newline): more of it follows. */
  partial: boolean;
  content: string;
}

/** True for an object with docker json-file's shape. */
export function isDockerJson(o: Record<string, unknown>): boolean {
  return typeof o.log === 'string' && (typeof o.time === 'string' || typeof o.stream === 'string');
}

/** Reads a parsed docker json-file object (see {@link isDockerJson}). */
export function readDockerJson(o: Record<string, unknown>): DockerLine {
  const log = typeof o.log === 'string' ? o.log : '';
  const time = typeof o.time === 'string' ? o.time : '';
  const partial = !log.endsWith('\n');
  let content = partial ? log : log.slice(0, -1);
  if (content.endsWith('\r')) content = content.slice(0, -1);
  return {
    ts: time ? rfc3339Ns(time) : null,
    year: Number(time.slice(0, 4)) || 0,
    month: Number(time.slice(5, 7)) || 0,
    stream: typeof o.stream === 'string' ? o.stream : 'stdout',
    partial,
    content,
  };
}
