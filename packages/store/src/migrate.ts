import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from 'better-sqlite3';
import { StoreError } from './storeError.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

interface Migration {
  id: number;
  name: string;
  sql: string;
  checksum: string;
}

/** The numbered `NNNN_name.sql` files beside this module, in order. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const sql = readFileSync(`${dir}/${file}`, 'utf8');
      return {
        id: Number(file.slice(0, 4)),
        name: file,
        sql,
        checksum: createHash('sha256').update(sql).digest('hex').slice(0, 16),
      };
    });
}

/**
 * Applies pending migrations, each in its own transaction. Refuses a database whose applied
 * history is not a prefix of ours (a newer kubetrail wrote it, or a migration file was edited).
 */
export function migrate(db: Database, migrations = loadMigrations()): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = db
    .prepare<[], { id: number; name: string; checksum: string }>(
      'SELECT id, name, checksum FROM schema_migrations ORDER BY id',
    )
    .all();
  applied.forEach((row, i) => {
    const ours = migrations[i];
    if (!ours || ours.id !== row.id || ours.checksum !== row.checksum) {
      throw new StoreError(
        'migration_drift',
        `database history does not match this kubetrail: applied migration ${row.name} (${row.checksum}) ` +
          (ours ? `differs from ${ours.name} (${ours.checksum})` : 'is unknown to this version'),
      );
    }
  });
  const record = db.prepare(
    'INSERT INTO schema_migrations (id, name, checksum, applied_at) VALUES (?, ?, ?, ?)',
  );
  for (const m of migrations.slice(applied.length)) {
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.id, m.name, m.checksum, new Date().toISOString());
    })();
  }
}
