import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '@kubetrail/store';

/** A store in a fresh temporary folder (a real SQLite file). The caller closes it. */
export function tempStore(): { store: Store; dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kt-ingest-'));
  const file = join(dir, 'db', 'kubetrail.db');
  return { store: openStore(file), dir, file };
}
