import type { Limits } from '@kubetrail/parsers';
import type { StorageLimits } from '@kubetrail/ingest';
import type { Store } from '@kubetrail/store';
import type { QueryRunner } from '../queries/queries.ts';

/** Limits of the HTTP server. Sizes in bytes. */
export interface ServerLimits {
  /** Largest accepted upload. Default 2 GiB. */
  maxUploadBytes: number;
  /**
   * Ingest limits for uploaded bundles (decompressed size, line length, stored size, free space);
   * the defaults otherwise.
   */
  ingest: Partial<Limits & StorageLimits>;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = { maxUploadBytes: 2 * 1024 ** 3, ingest: {} };

export interface Logger {
  info(msg: string): void;
  error(msg: string, err?: unknown): void;
}

export const consoleLogger: Logger = {
  info: (msg) => console.error(msg),
  error: (msg, err) => console.error(msg, err instanceof Error ? (err.stack ?? err.message) : (err ?? '')),
};

/** What every service needs: the store, where uploads go, limits, a logger, background jobs. */
export interface AppContext {
  store: Store;
  /** Folder for uploaded bundles while they ingest (deleted afterwards). */
  ingestDir: string;
  limits: ServerLimits;
  log: Logger;
  /** Run upload ingests in a worker thread (file databases only), so queries keep answering. */
  ingestInWorker: boolean;
  /** Background ingests started by uploads; settled promises remove themselves. */
  jobs: Set<Promise<unknown>>;
  /** Searches and other queries whose cost depends on the input: run off the HTTP thread. */
  queries: QueryRunner;
}

/** What the read-only services need (the CLI builds just this). */
export type StoreContext = Pick<AppContext, 'store'>;
