import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/** Leases of in-memory stores (no other process can see those). */
const memoryLeases = new Set<string>();

/** Where the lock file of lease `token` lives: beside the database, one file per running ingest. */
export const leaseFile = (storeFile: string, token: string): string => `${storeFile}-ingest/${token}.lock`;

const isMemory = (storeFile: string): boolean => storeFile === ':memory:';

/**
 * Proof that an ingest is alive (ADR 0011): the ingesting process holds an exclusive SQLite lock on
 * a small lock file of its own for as long as it writes. The operating system drops the lock the
 * moment the process dies (SIGKILL, crash, power loss), so whether an `ingesting` bundle still has
 * a writer is a fact, not a guess from timestamps: no heartbeat, and none missed while a big
 * correlation keeps the event loop busy for minutes.
 */
export class IngestLease {
  private constructor(
    readonly token: string,
    private readonly storeFile: string,
    private db: Database.Database | null,
  ) {}

  /** Takes a new lease (a fresh token and lock file). */
  static acquire(storeFile: string): IngestLease {
    const token = randomBytes(12).toString('hex');
    if (isMemory(storeFile)) {
      memoryLeases.add(token);
      return new IngestLease(token, storeFile, null);
    }
    const file = leaseFile(storeFile, token);
    for (let attempt = 0; ; attempt++) {
      mkdirSync(dirname(file), { recursive: true });
      try {
        const db = new Database(file);
        db.exec('BEGIN EXCLUSIVE');
        return new IngestLease(token, storeFile, db);
      } catch (err) {
        // Another ingest removed the (then empty) folder between our mkdir and open: again.
        if (attempt >= 3 || (err as { code?: unknown }).code !== 'SQLITE_CANTOPEN') throw err;
      }
    }
  }

  /** Gives the lease up (after the bundle's final status is written). Idempotent. */
  release(): void {
    if (isMemory(this.storeFile)) {
      memoryLeases.delete(this.token);
      return;
    }
    const db = this.db;
    if (db === null) return;
    this.db = null;
    try {
      db.exec('ROLLBACK');
    } finally {
      db.close();
      removeLeaseFile(this.storeFile, this.token);
    }
  }
}

/** Whether some process (this one included) still holds lease `token`. */
export function leaseHeld(storeFile: string, token: string): boolean {
  if (isMemory(storeFile)) return memoryLeases.has(token);
  const file = leaseFile(storeFile, token);
  if (!existsSync(file)) return false;
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { fileMustExist: true, timeout: 0 });
    db.exec('BEGIN IMMEDIATE');
    db.exec('ROLLBACK');
    return false;
  } catch (err) {
    return (err as { code?: unknown }).code === 'SQLITE_BUSY';
  } finally {
    db?.close();
  }
}

/** Removes the lock file of a lease nobody holds, and its folder once empty. */
export function removeLeaseFile(storeFile: string, token: string): void {
  if (isMemory(storeFile)) return;
  const file = leaseFile(storeFile, token);
  rmSync(file, { force: true });
  try {
    rmdirSync(dirname(file));
  } catch {
    // another ingest's lock file is still there
  }
}
