import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubetrailCommand, OUT, runMeasured, timeShell } from './childProcess.ts';
import { renderProfile, summarizeProfiles } from './cpuProfile.ts';
import type { Figure, Section } from './results.ts';
import { fmtInt, fmtMiB, fmtMs, fmtRatio } from './stats.ts';

export interface IngestBenchOptions {
  /** The bundle (.tar.gz) to ingest. */
  bundle: string;
  /** Physical lines the generator wrote (for the conditions line); null for a bundle not generated here. */
  generatedLines: number | null;
  /** Database to create (deleted first). */
  db: string;
  /** Also time lnav over the extracted files. */
  lnav: boolean;
  /** Profile a second ingest of `profileBundle` with `--cpu-prof` when a target is missed (or always). */
  profile: 'never' | 'on-miss' | 'always';
  profileBundle: string | null;
  timeoutMs: number;
}

interface IngestJson {
  totals?: { lines?: number; records?: number; skipped?: number; files?: number; requests?: number };
}

/** Finds the ingest report's `totals` in whatever envelope the CLI prints. */
function findTotals(x: unknown, depth = 0): IngestJson['totals'] | null {
  if (typeof x !== 'object' || x === null || depth > 4) return null;
  const o = x as Record<string, unknown>;
  if (typeof o.totals === 'object' && o.totals !== null) return o.totals;
  for (const v of Object.values(o)) {
    const t = findTotals(v, depth + 1);
    if (t) return t;
  }
  return null;
}

function parseIngestJson(stdout: string): IngestJson['totals'] | null {
  try {
    return findTotals(JSON.parse(stdout));
  } catch {
    const i = stdout.indexOf('{');
    try {
      return i >= 0 ? findTotals(JSON.parse(stdout.slice(i))) : null;
    } catch {
      return null;
    }
  }
}

/** Runs `kubetrail ingest <bundle> --db <db> --json` as a child; returns the measurement and its report totals. */
export async function ingestOnce(bundle: string, db: string, timeoutMs: number, nodeFlags: string[] = []) {
  for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
  const r = await runMeasured(kubetrailCommand(['ingest', bundle, '--db', db, '--json'], nodeFlags), {
    timeoutMs,
  });
  return { ...r, totals: parseIngestJson(r.stdout) };
}

/**
 * End-to-end ingest of a simulator bundle through the CLI (read, decompress, parse, store, FTS,
 * correlate), against `gzip -dc | wc -l` on the same file, plus lnav's headless load of the
 * extracted files for context.
 */
export async function runIngestBench(o: IngestBenchOptions): Promise<Section> {
  const notes: string[] = [];
  const bytes = statSync(o.bundle).size;
  // Warm the page cache so neither side pays for the first read from disk.
  await timeShell(`cat "${o.bundle}" > /dev/null`, o.timeoutMs);
  const base1 = await timeShell(`gzip -dc "${o.bundle}" | wc -l`, o.timeoutMs);
  const base2 = await timeShell(`gzip -dc "${o.bundle}" | wc -l`, o.timeoutMs);
  const baselineMs = Math.min(base1.wallMs, base2.wallMs);
  const baselineCpuMs = Math.min(base1.cpuMs, base2.cpuMs);
  const loadBefore = loadavg();
  const tarLines = Number(base1.stdout.trim());
  const textBytes = Number((await timeShell(`gzip -dc "${o.bundle}" | wc -c`, o.timeoutMs)).stdout.trim());

  console.error(`ingest: kubetrail ingest ${o.bundle} (${fmtInt(o.generatedLines ?? tarLines)} lines) …`);
  const run = await ingestOnce(o.bundle, o.db, o.timeoutMs);
  if (run.timedOut || run.code !== 0) {
    notes.push(
      `kubetrail ingest failed (exit ${run.code}, signal ${run.signal}${run.timedOut ? ', timed out' : ''}): ${run.stderr.slice(-1500).replace(/\s+/g, ' ')}`,
    );
  }
  const lines = run.totals?.lines ?? o.generatedLines ?? tarLines;
  const dbBytes = [o.db, `${o.db}-wal`].reduce((n, f) => n + (existsSync(f) ? statSync(f).size : 0), 0);
  const ok = !run.timedOut && run.code === 0;
  const loadAfter = loadavg();
  const linesPerCpuSec = lines / (run.cpuMs / 1000);
  const linesPerSec = lines / (run.wallMs / 1000);
  const baseLinesPerSec = tarLines / (baselineMs / 1000);
  const ratio = run.wallMs / baselineMs;

  const figures: Figure[] = [
    {
      name: 'ingest wall time',
      value: fmtMs(run.wallMs),
      baseline: fmtMs(baselineMs),
      ratio: fmtRatio(ratio),
      target: '≤ 5× baseline',
      met: ok && ratio <= 5,
    },
    {
      name: 'ingest lines/s',
      value: fmtInt(linesPerSec),
      baseline: fmtInt(baseLinesPerSec),
      ratio: fmtRatio(baseLinesPerSec / linesPerSec),
      target: '≥ 250 000',
      met: ok && linesPerSec >= 250_000,
    },
    {
      name: 'ingest CPU time (user+sys)',
      value: fmtMs(run.cpuMs),
      baseline: fmtMs(baselineCpuMs),
      ratio: fmtRatio(run.cpuMs / baselineCpuMs),
      target: '(≤ 5× when the machine is shared)',
      met: null,
    },
    {
      name: 'ingest lines per CPU second',
      value: fmtInt(linesPerCpuSec),
      baseline: fmtInt(tarLines / (baselineCpuMs / 1000)),
      ratio: fmtRatio(tarLines / (baselineCpuMs / 1000) / linesPerCpuSec),
      target: '(≥ 250 000 on one core)',
      met: null,
    },
    {
      name: 'database size',
      value: fmtMiB(dbBytes),
      baseline: `${fmtMiB(textBytes)} of text`,
      ratio: fmtRatio(dbBytes / textBytes),
      target: '≤ 0.5× the decompressed bundle',
      met: ok && dbBytes <= textBytes / 2,
    },
    {
      name: 'ingest peak RSS',
      value: fmtMiB(run.peakRssBytes),
      baseline: '—',
      ratio: '—',
      target: '< 400 MiB',
      met: ok && run.peakRssBytes < 400 * 1024 * 1024,
    },
  ];

  if (o.lnav && existsSync('/usr/bin/lnav')) {
    const dir = `${o.bundle}.extracted`;
    if (!existsSync(join(dir, '.complete'))) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const x = await timeShell(
        `tar -xzf "${o.bundle}" -C "${dir}" && touch "${dir}/.complete"`,
        o.timeoutMs,
      );
      notes.push(`extracting the bundle for lnav took ${fmtMs(x.wallMs)} (not counted)`);
    }
    // lnav writes its default formats and configs into its home (~/.lnav); when HOME is not an
    // existing directory it writes them into the working directory instead — how `formats/` and
    // `configs/` once landed at the repository root. A temporary home, removed after the run.
    const lnavHome = mkdtempSync(join(tmpdir(), 'kubetrail-lnav-home-'));
    const lnav = await runMeasured(
      ['lnav', '-n', '-N', '-c', ';SELECT count(*) AS n FROM all_logs', '-r', dir],
      {
        timeoutMs: o.timeoutMs,
        env: { ...process.env, HOME: lnavHome, XDG_CONFIG_HOME: join(lnavHome, '.config') },
        cwd: lnavHome,
      },
    ).finally(() => rmSync(lnavHome, { recursive: true, force: true }));
    const counted = /(\d+)\s*$/.exec(lnav.stdout.trim())?.[1];
    figures.push({
      name: 'lnav headless load (context)',
      value: lnav.timedOut ? 'timed out' : fmtMs(lnav.wallMs),
      baseline: fmtMs(baselineMs),
      ratio: fmtRatio(lnav.wallMs / baselineMs),
      target: `kubetrail ${fmtMs(run.wallMs)} = ${fmtRatio(run.wallMs / lnav.wallMs)} lnav`,
      met: null,
    });
    notes.push(
      `lnav ${'0.11'}: \`lnav -n -N -c ';SELECT count(*) FROM all_logs' -r <extracted>\` — loads and indexes every file, then counts the log messages it recognised (${counted ? fmtInt(Number(counted)) : 'n/a'}); peak RSS ${fmtMiB(lnav.peakRssBytes)}; exit ${lnav.code}. lnav indexes lines and formats; it does not build a full-text index, store parsed fields or correlate.`,
    );
  }

  const details: string[] = [];
  const missed = figures.some((f) => f.met === false);
  if (o.profile === 'always' || (o.profile === 'on-miss' && missed && ok)) {
    const pb = o.profileBundle ?? o.bundle;
    const dir = join(OUT, `prof-ingest-${Date.now()}`);
    mkdirSync(dir, { recursive: true });
    console.error(`ingest: profiling kubetrail ingest ${pb} with --cpu-prof …`);
    const prof = await ingestOnce(pb, `${o.db}.prof.db`, o.timeoutMs, ['--cpu-prof', '--cpu-prof-dir', dir]);
    notes.push(`profiled ingest of ${pb}: ${fmtMs(prof.wallMs)}, exit ${prof.code}; profiles in ${dir}`);
    for (const s of summarizeProfiles(dir, 12).slice(0, 2)) details.push(...renderProfile(s));
  }

  return {
    id: 'ingest',
    title: 'Ingest end to end',
    conditions: [
      `bundle: ${o.bundle} — ${fmtMiB(bytes)} gzip'd tar (${fmtMiB(textBytes)} decompressed), ${o.generatedLines === null ? 'not generated here' : `${fmtInt(o.generatedLines)} generated lines`} (${fmtInt(tarLines)} newline bytes in the decompressed tar); kubetrail report: ${run.totals ? `${fmtInt(run.totals.lines ?? 0)} lines, ${fmtInt(run.totals.records ?? 0)} records, ${fmtInt(run.totals.skipped ?? 0)} skipped, ${fmtInt(run.totals.requests ?? 0)} requests, ${fmtInt(run.totals.files ?? 0)} files` : 'n/a'}`,
      `kubetrail: \`node --import tsx apps/server/src/cli.ts ingest <bundle> --db ${o.db} --json\` (what \`pnpm kubetrail ingest\` runs, without the pnpm wrapper) into a fresh database; wall time includes process start-up; peak RSS from GNU time / VmHWM of the process tree`,
      `baseline: \`gzip -dc <bundle> | wc -l\`, best of 2, page cache warm`,
      `load average (1/5/15 min) before the ingest ${loadBefore.map((x) => x.toFixed(1)).join('/')}, after ${loadAfter.map((x) => x.toFixed(1)).join('/')} on ${cpus().length} cores: wall-clock figures are only comparable with the baseline when the load is near 0; CPU-time figures are less sensitive to other processes`,
    ],
    figures,
    notes,
    details,
    failed: ok
      ? undefined
      : `kubetrail ingest exited ${run.code ?? run.signal}${run.timedOut ? ' (timed out)' : ''}`,
  };
}
