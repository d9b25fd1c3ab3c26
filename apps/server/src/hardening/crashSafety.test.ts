/**
 * SPEC §9: "A killed ingest leaves the database consistent and the bundle marked failed." A CLI
 * ingest is SIGKILLed at 20 seeded random points after an earlier bundle was ingested into the same
 * database; after each kill the database must open, pass integrity checks, show the killed bundle
 * as failed (after recoverDeadIngests, which `serve` runs at start) or absent, and keep the earlier
 * bundle intact.
 */
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '@kubetrail/store';
import { bundleIdForPaths, ingestPaths } from '../index.ts';
import { prng, simBundle, spawnCli, tempDir, waitExit } from './hardeningKit.ts';

const RUNS = 20;
/**
 * The kill points count from the CLI's first progress line on stderr, and the CLI prints no
 * progress when `CI` is set: the children run without it, wherever the suite runs.
 */
const PROGRESS_ENV: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => k !== 'CI'),
);
const PARALLEL = 2;
const SEED = 0x5eed_c0de;

interface Snapshot {
  records: number;
  requests: number;
  searchTotal: number;
  firstHit: number | null;
}

function snapshot(store: Store, bundleId: string): Snapshot {
  const b = store.getBundle(bundleId);
  const search = store.searchRecords(bundleId, { q: 'pod', offset: 0, limit: 5 });
  return {
    records: b?.records ?? -1,
    requests: store.listRequests(bundleId, { sort: 'time', offset: 0, limit: 1 }).total,
    searchTotal: search.total,
    firstHit: search.hits[0]?.record.id ?? null,
  };
}

describe('crash safety: SIGKILL during a CLI ingest', () => {
  const tmp = tempDir('crash');
  let baseDb = '';
  let earlierId = '';
  let victim = '';
  let victimId = '';
  let before: Snapshot;
  /** From the CLI's first progress output (start-up done, bundle begun) to its exit. */
  let ingestMs = 0;
  let victimComplete: Snapshot;

  beforeAll(async () => {
    const earlier = await simBundle(join(tmp.dir, 'earlier.tar.gz'), {
      seed: 101,
      scenarios: ['complete', 'bad-image', 'unschedulable'],
      noise: 60,
    });
    victim = (await simBundle(join(tmp.dir, 'victim.tar.gz'), { seed: 202, targetLines: 8_000, noise: 3000 }))
      .file;
    victimId = (await bundleIdForPaths([victim])).id;
    baseDb = join(tmp.dir, 'base.db');
    const store = openStore(baseDb);
    try {
      const r = await ingestPaths(store, [earlier.file], { name: 'earlier' });
      expect(r.status).toBe('ready');
      earlierId = r.bundleId;
      before = snapshot(store, earlierId);
      expect(before.records).toBeGreaterThan(0);
      expect(before.searchTotal).toBeGreaterThan(0);
    } finally {
      store.close(); // checkpoints the WAL: the .db file alone is the whole database
    }
    expect(existsSync(`${baseDb}-wal`)).toBe(false);

    // One uninterrupted run: it must succeed, and its duration spreads the kill points over the
    // whole ingest after start-up (reading, indexing, correlating, finishing).
    const db = join(tmp.dir, 'control.db');
    copyFileSync(baseDb, db);
    const control = spawnCli(['ingest', victim, '--db', db, '--json'], PROGRESS_ENV);
    let firstOutput = 0;
    control.stderr?.once('data', () => (firstOutput = Date.now()));
    const done = await waitExit(control);
    ingestMs = Date.now() - (firstOutput || Date.now());
    expect(done.code, done.stderr).toBe(0);
    const s = openStore(db);
    try {
      expect(s.getBundle(victimId)?.status).toBe('ready');
      victimComplete = snapshot(s, victimId);
    } finally {
      s.close();
    }
  }, 120_000);

  afterAll(() => tmp.remove());

  it(`leaves a consistent database after each of ${RUNS} kills`, async () => {
    const rng = prng(SEED);
    // Kill points are counted from the CLI's first progress line, so they land in the ingest itself
    // rather than in module loading (which is most of the wall time for a small bundle).
    const delays = Array.from({ length: RUNS }, () => rng.int(0, Math.max(300, Math.round(ingestMs * 1.05))));
    const outcomes: string[] = [];

    const runOne = async (i: number): Promise<void> => {
      const db = join(tmp.dir, `run-${i}.db`);
      copyFileSync(baseDb, db);
      const child = spawnCli(['ingest', victim, '--db', db, '--json'], PROGRESS_ENV);
      const exited = waitExit(child);
      let killed = false;
      let timer: NodeJS.Timeout | undefined;
      child.stderr?.once('data', () => {
        timer = setTimeout(() => {
          if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
            killed = true;
            process.kill(-child.pid, 'SIGKILL');
          }
        }, delays[i]);
      });
      const res = await exited;
      clearTimeout(timer);

      const store = openStore(db); // migrations check the schema history: a torn database throws here
      try {
        store.recoverDeadIngests();
        expect(store.db.pragma('integrity_check', { simple: true }), `run ${i}`).toBe('ok');
        expect(store.db.pragma('foreign_key_check'), `run ${i}`).toEqual([]);
        // FTS5's own structure (rank 0: do not compare with the external content table, which
        // legitimately holds rows of the interrupted bundle that were never indexed).
        expect(() =>
          store.db.prepare("INSERT INTO records_fts (records_fts, rank) VALUES ('integrity-check', 0)").run(),
        ).not.toThrow();

        const killedBundle = store.getBundle(victimId);
        if (killed && killedBundle?.status === 'ready') {
          // The kill landed after the ingest committed (while the process was printing or closing):
          // then the bundle must be whole.
          expect(snapshot(store, victimId), `run ${i}: a ready bundle after a late kill`).toEqual(
            victimComplete,
          );
        } else if (killed) {
          expect(res.signal, `run ${i}`).toBe('SIGKILL');
          expect([undefined, 'failed'], `run ${i}: killed bundle status`).toContain(killedBundle?.status);
        } else {
          expect(res.code, `run ${i} finished before its kill: ${res.stderr}`).toBe(0);
          expect(killedBundle?.status).toBe('ready');
        }
        outcomes.push(`${i}@${delays[i]}ms:${killed ? (killedBundle?.status ?? 'absent') : 'completed'}`);

        expect(store.getBundle(earlierId)?.status, `run ${i}`).toBe('ready');
        expect(snapshot(store, earlierId), `run ${i}: earlier bundle`).toEqual(before);
      } finally {
        store.close();
      }
    };

    for (let i = 0; i < RUNS; i += PARALLEL) {
      await Promise.all(Array.from({ length: Math.min(PARALLEL, RUNS - i) }, (_, k) => runOne(i + k)));
    }
    console.info(`crash safety: ingest after start-up ${ingestMs} ms; kills: ${outcomes.join(' ')}`);
    // At least some kills must land while the ingest was running, or the test proves nothing.
    expect(
      outcomes.filter((o) => !o.endsWith('completed')).length,
      outcomes.join(' '),
    ).toBeGreaterThanOrEqual(RUNS / 2);

    // "or is resumable": the interrupted bundle ingests again into the same database.
    const db = join(tmp.dir, 'run-0.db');
    const store = openStore(db);
    try {
      store.recoverDeadIngests();
      const again = await ingestPaths(store, [victim], { name: 'again' });
      expect(again.status, again.error ?? '').toBe('ready');
      expect(snapshot(store, earlierId)).toEqual(before);
    } finally {
      store.close();
    }
  }, 180_000);
});
