/**
 * kubetrail benchmarks: `pnpm bench [ingest|queries|ui|all] [--lines N] [--quick] [--profile]
 * [--no-lnav]`. Each prints its figures beside a same-run baseline and records them in
 * bench/RESULTS.md. Defaults: `all`, 5 000 000 lines; `--quick` is a 200 000-line smoke run.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { OUT } from './childProcess.ts';
import { runIngestBench } from './ingestBench.ts';
import { describeMachine } from './machine.ts';
import { runQueryBench } from './queryBench.ts';
import { printSection, recordSection, type Section } from './results.ts';
import { ensureSimBundle } from './simBundle.ts';
import { runUiBench } from './uiBench.ts';

interface Options {
  what: Set<'ingest' | 'queries' | 'ui'>;
  lines: number;
  quick: boolean;
  profile: 'never' | 'on-miss' | 'always';
  lnav: boolean;
  record: boolean;
  /** A prepared bundle to ingest instead of the simulator's (e.g. from bench/repeatBundle.ts). */
  bundle: string | null;
}

const USAGE = `usage: pnpm bench [ingest|queries|ui|all]… [--lines N] [--quick] [--profile|--no-profile] [--no-lnav] [--no-record]
  ingest    end-to-end CLI ingest of a simulator bundle vs gzip -dc | wc -l (and lnav)
  queries   timeline and search p50/p95 through the HTTP API vs GET /api/health
  ui        timeline time-to-interactive and pan/zoom frame cost in Chromium vs an empty page
  all       all three (default)
  --lines N     bundle size in physical lines (default 5000000)
  --quick       a 200 000-line smoke run (and a smaller UI bundle)
  --profile     always profile the ingest (default: only when a target is missed)
  --bundle F    ingest a prepared .tar.gz instead of the simulator's (its own RESULTS.md section)
  --no-record   print only, do not touch bench/RESULTS.md`;

function parseArgs(argv: readonly string[]): Options {
  const o: Options = {
    what: new Set(),
    lines: 5_000_000,
    quick: false,
    profile: 'on-miss',
    lnav: true,
    record: true,
    bundle: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === 'ingest' || a === 'queries' || a === 'ui') o.what.add(a);
    else if (a === 'all') for (const w of ['ingest', 'queries', 'ui'] as const) o.what.add(w);
    else if (a === '--quick') o.quick = true;
    else if (a === '--profile') o.profile = 'always';
    else if (a === '--no-profile') o.profile = 'never';
    else if (a === '--no-lnav') o.lnav = false;
    else if (a === '--no-record') o.record = false;
    else if (a === '--bundle') {
      const f = argv[++i];
      if (!f) throw new Error('--bundle needs a .tar.gz path');
      o.bundle = f;
    } else if (a === '--lines') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1000)
        throw new Error(`--lines needs an integer ≥ 1000, got ${argv[i]}`);
      o.lines = n;
    } else if (a === '--') continue;
    else if (a === '-h' || a === '--help') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  if (o.quick && !argv.includes('--lines')) o.lines = 200_000;
  if (o.what.size === 0) for (const w of ['ingest', 'queries', 'ui'] as const) o.what.add(w);
  return o;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  mkdirSync(OUT, { recursive: true });
  const machine = describeMachine();
  const sections: Section[] = [];
  const db = join(OUT, `bench-${o.lines}.db`);
  const timeoutMs = 60 * 60_000;
  const finish = (section: Section): void => {
    // Smoke runs get their own sections, so they never overwrite the full run's figures.
    const s = o.quick
      ? { ...section, id: `${section.id}-quick`, title: `${section.title} (quick smoke run)` }
      : section;
    printSection(s);
    // A run whose subject failed measures nothing: keep the previous figures in RESULTS.md.
    if (s.failed) console.error(`${s.id}: ${s.failed} — not recorded in RESULTS.md`);
    else if (o.record) recordSection(s, machine);
    sections.push(s);
  };

  if (o.what.has('ingest') && o.bundle !== null) {
    const name = basename(o.bundle).replace(/\.(tar\.gz|tgz)$/, '');
    const section = await runIngestBench({
      bundle: o.bundle,
      generatedLines: null,
      db: join(OUT, `bench-${name}.db`),
      lnav: o.lnav,
      profile: o.profile,
      profileBundle: null,
      timeoutMs,
    });
    finish({ ...section, id: `ingest-${name}`, title: `Ingest end to end: ${name}` });
  } else if (o.what.has('ingest')) {
    const sim = await ensureSimBundle(o.lines);
    if (sim.generateMs !== null)
      console.error(`bench bundle: ${sim.file}, ${sim.lines} lines, generated in ${sim.generateMs} ms`);
    const profileBundle = o.lines > 1_000_000 ? (await ensureSimBundle(1_000_000)).file : sim.file;
    finish(
      await runIngestBench({
        bundle: sim.file,
        generatedLines: sim.lines,
        db,
        lnav: o.lnav,
        profile: o.profile,
        profileBundle,
        timeoutMs,
      }),
    );
  }
  if (o.what.has('queries')) {
    if (!existsSync(db))
      throw new Error(`no store at ${db}: run \`pnpm bench ingest --lines ${o.lines}\` first`);
    finish(await runQueryBench({ db, port: 7801, requests: 20, reps: o.quick ? 3 : 10 }));
  }
  if (o.what.has('ui')) {
    finish(
      await runUiBench({
        smallMarks: 50_000,
        bigMarks: o.quick ? 200_000 : 1_000_000,
        port: 7802,
        navigations: 3,
        timeoutMs: 120_000,
      }),
    );
  }
  const missed = sections.flatMap((s) =>
    s.figures.filter((f) => f.met === false).map((f) => `${s.id}: ${f.name}`),
  );
  console.log(missed.length ? `\nmissed targets:\n  ${missed.join('\n  ')}` : '\nall measured targets met');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});
