import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Store } from '@kubetrail/store';

/** Limits on what an ingest may cost on disk (ADR 0012). Sizes in bytes. */
export interface StorageLimits {
  /**
   * How much one bundle may grow the database. Reading stops at {@link READING_SHARE} of it; the
   * full-text index, time order and correlation built afterwards take the rest (a fifth of what
   * reading stored on real bundles, up to a half on lines full of unique numbers). Default: the
   * decompressed-size limit when one is given, else 20 GiB.
   */
  maxStoredBytes: number;
  /** Free space an ingest leaves on the database's file system: it does not start, or stops reading, below it. Default 512 MiB. */
  minFreeBytes: number;
}

export const DEFAULT_STORAGE_LIMITS: StorageLimits = {
  maxStoredBytes: 20 * 1024 ** 3,
  minFreeBytes: 512 * 1024 ** 2,
};

/** The share of `maxStoredBytes` reading may use; what derives from the records needs the rest. */
export const READING_SHARE = 2 / 3;
/** How often the free space is looked at while reading. */
const CHECK_EVERY_MS = 200;

/** `1.5 GiB`, `300 MiB`: sizes in messages. */
export function humanBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} bytes` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** Bytes free for this user on the file system holding `dir` (null when it cannot be known). */
export function freeBytes(dir: string): number | null {
  try {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

/** The storage limits in force, from what the caller gave (`ingest.limits`). */
export function storageLimits(
  given: Partial<StorageLimits & { maxDecompressedBytes: number }> = {},
): StorageLimits {
  return {
    maxStoredBytes:
      given.maxStoredBytes ?? given.maxDecompressedBytes ?? DEFAULT_STORAGE_LIMITS.maxStoredBytes,
    minFreeBytes: given.minFreeBytes ?? DEFAULT_STORAGE_LIMITS.minFreeBytes,
  };
}

/** Why there is not room to start writing `incoming` more bytes into `dir`, or null when there is. */
export function lowSpaceReason(dir: string, limits: StorageLimits, incoming = 0): string | null {
  const free = freeBytes(dir);
  if (free === null || free - incoming >= limits.minFreeBytes) return null;
  return `not enough free disk space: ${humanBytes(free)} free on ${dir}${incoming > 0 ? ` for ${humanBytes(incoming)} more` : ''}, and ${humanBytes(limits.minFreeBytes)} must stay free (--min-free)`;
}

/**
 * Watches one ingest's cost on disk while it reads: the database's growth (used pages, so reused
 * free pages count too) and what is read but written to the database only afterwards (`pending`:
 * the text the full-text index is built from, which takes about as many bytes as the text; raw
 * text is stored compressed, so the index is no longer a small share of a bundle) against the
 * stored-size limit, and the free space left. `check()` says why reading must stop, once; the
 * ingest then stops cleanly and finishes what it stored.
 */
export class StorageGuard {
  private readonly startUsed: number;
  private readonly dir: string | null;
  private lastCheck = 0;

  constructor(
    private readonly store: Store,
    private readonly limits: StorageLimits,
    private readonly pending: () => number = () => 0,
  ) {
    this.startUsed = store.usedBytes();
    this.dir = store.file === ':memory:' ? null : dirname(store.file);
  }

  /** Bytes the database grew by since this ingest began, and those it will grow by from what was read. */
  get stored(): number {
    return Math.max(0, this.store.usedBytes() - this.startUsed) + this.pending();
  }

  /**
   * Why reading must stop now, or null. The database's size is looked at every call (three
   * pragmas, no I/O); the free space at most every 200 ms.
   */
  check(): string | null {
    const stored = this.stored;
    const budget = Math.floor(this.limits.maxStoredBytes * READING_SHARE);
    if (stored >= budget)
      return `stored-size limit reached: the bundle takes ${humanBytes(stored)} in the database (limit ${humanBytes(this.limits.maxStoredBytes)}, --max-stored, ${Math.round(READING_SHARE * 100)} % of it for the lines); the rest of the bundle was not read`;
    const t = Date.now();
    if (this.dir !== null && t - this.lastCheck >= CHECK_EVERY_MS) {
      this.lastCheck = t;
      const free = freeBytes(this.dir);
      if (free !== null && free < this.limits.minFreeBytes)
        return `free disk space ran low: ${humanBytes(free)} left on ${this.dir}, below the ${humanBytes(this.limits.minFreeBytes)} kept free (--min-free); the rest of the bundle was not read`;
    }
    return null;
  }
}
