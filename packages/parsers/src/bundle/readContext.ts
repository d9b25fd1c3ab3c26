import type { DecompressBudget } from './decompressBudget.ts';

/** What the readers of one `readBundle` call share. */
export interface ReadContext {
  /** The input's base name: the path of problems about the archive as a whole. */
  archiveName: string;
  budget: DecompressBudget;
  /** Records a member path; false when an earlier member already had it. */
  claimPath(path: string): boolean;
}

export function createReadContext(archiveName: string, budget: DecompressBudget): ReadContext {
  const seen = new Set<string>();
  return {
    archiveName,
    budget,
    claimPath(path) {
      if (seen.has(path)) return false;
      seen.add(path);
      return true;
    },
  };
}

/** 1980-01-01: zip's zero date, and older than any Kubernetes log. */
const MIN_PLAUSIBLE_MS = Date.UTC(1980, 0, 2);

/**
 * A member mtime in ms since the epoch when it could be real, else null: 0 (tar's "unknown"), the zip
 * epoch, and far-future values carry no information about when the logs were written.
 */
export function plausibleMtimeMs(ms: number | null): number | null {
  if (ms === null || !Number.isFinite(ms)) return null;
  if (ms < MIN_PLAUSIBLE_MS || ms > Date.now() + 365 * 24 * 3600 * 1000) return null;
  return ms;
}
