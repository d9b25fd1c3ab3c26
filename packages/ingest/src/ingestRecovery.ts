import type { Store } from '@kubetrail/store';

/**
 * Marks bundles whose ingest died (anywhere) failed, so that their content can be ingested again;
 * a busy database only postpones that to the next call.
 */
export function recoverDeadIngestsQuietly(store: Store): void {
  try {
    store.recoverDeadIngests();
  } catch {
    // SQLITE_BUSY: another writer holds the lock; the next caller recovers them.
  }
}
