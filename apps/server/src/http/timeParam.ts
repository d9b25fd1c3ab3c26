import { parseRfc3339Ns } from '@kubetrail/model';
import { AppError } from './appError.ts';

/** Nanosecond times are SQLite INTEGERs: years 1678–2262 fit, anything else is refused. */
const MIN_NS = -(2n ** 63n);
const MAX_NS = 2n ** 63n - 1n;

/** Parses an optional RFC 3339 query parameter to UTC ns; a 400 when invalid or out of range. */
export function timeParam(value: string | undefined, name: string): bigint | null {
  if (value === undefined || value === '') return null;
  const ns = parseRfc3339Ns(value);
  if (ns === null)
    throw AppError.badRequest(`${name}: expected an RFC 3339 time, got ${JSON.stringify(value)}`);
  if (ns < MIN_NS || ns > MAX_NS)
    throw AppError.badRequest(`${name}: ${value} is out of range (years 1678–2262)`);
  return ns;
}

/** Clamps a computed ns value into what SQLite can bind. */
export const clampNs = (ns: bigint): bigint => (ns < MIN_NS ? MIN_NS : ns > MAX_NS ? MAX_NS : ns);
