import type { Limits, PathHints } from '../bundle/types.ts';
import type { DatingDecision } from '../dating/decideDating.ts';

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
  /**
   * How year-less stamps are dated, decided by the caller from the whole bundle's evidence
   * (`decideDating`); wins over `year`/`bundleReferenceNs`/`mtimeMs`/`tzOffsetMinutes` for them.
   */
  dating?: DatingDecision | null;
  /** Time for lines with no time of their own before the first dated one (a container's start). */
  undatedBaseNs?: bigint | null;
}
