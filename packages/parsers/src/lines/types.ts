import type { Limits, PathHints } from '../bundle/types.ts';

/** Everything a file parser needs to know besides the bytes. */
export interface FileParseOptions {
  path: string;
  hints: PathHints;
  /** Member mtime, for the `mtime` time rule. */
  mtimeMs: number | null;
  /** `--year`, when given. */
  year: number | null;
  /** `--tz` as minutes east of UTC for klog times (which carry no zone); 0 = UTC. */
  tzOffsetMinutes: number;
  /** A full-date time seen elsewhere in the bundle (audit log, wrappers), for the `bundle` rule. */
  bundleReferenceNs: bigint | null;
  limits: Limits;
}
