/**
 * `tsx packages/simulator/src/cli.ts --out DIR | --tgz FILE [--seed N] [--scenarios a,b] [--demo]
 * [--real-shapes] [--bench N] [--target N] [--noise N] [--audit LEVEL] [--json] [--reqids]
 * [--workers 3] [--window SECONDS] [--truth FILE]`: writes a simulated bundle and prints a one-line
 * summary.
 */
import type { BundleOptions, SimBundle } from './bundle.ts';
import { generateBundle } from './bundle.ts';
import type { AuditLevel } from './epoch.ts';
import { benchBundle, demoBundle, realShapesBundle } from './presets.ts';
import type { ScenarioName } from './scenarios.ts';
import { writeBundleDir, writeBundleTarGz } from './write.ts';

function parse(argv: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (!a.startsWith('--')) throw new Error(`unexpected argument: ${a}`);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) out.set(a.slice(2), 'true');
    else {
      out.set(a.slice(2), next);
      i++;
    }
  }
  return out;
}

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  const num = (k: string): number | undefined => (args.has(k) ? Number(args.get(k)) : undefined);
  let sim: SimBundle;
  if (args.has('demo')) sim = demoBundle(num('seed'));
  else if (args.has('bench')) sim = benchBundle(num('bench') ?? 1_000_000, num('seed'));
  else if (args.has('real-shapes')) sim = realShapesBundle(num('seed'));
  else {
    const opts: BundleOptions = {};
    const seed = num('seed');
    if (seed !== undefined) opts.seed = seed;
    if (args.has('scenarios'))
      opts.scenarios = (args.get('scenarios') ?? '').split(',').filter(Boolean) as ScenarioName[];
    const target = num('target');
    if (target !== undefined) opts.targetLines = target;
    const noise = num('noise');
    if (noise !== undefined) opts.noise = noise;
    if (args.has('audit')) opts.audit = args.get('audit') as AuditLevel;
    if (args.has('json')) opts.logFormat = 'json';
    if (args.has('reqids')) opts.explicitReqIds = true;
    if (args.get('workers') === '3') opts.workers = 3;
    if (args.has('start')) opts.startTime = args.get('start') ?? '';
    const window = num('window');
    if (window !== undefined) opts.windowSeconds = window;
    sim = generateBundle(opts);
  }
  const truthFile = args.get('truth');
  const w = truthFile ? { truthFile } : {};
  const started = performance.now();
  const out = args.get('out');
  const tgz = args.get('tgz');
  if (!out && !tgz) throw new Error('give --out DIR or --tgz FILE');
  const truth = tgz ? await writeBundleTarGz(sim, tgz, w) : await writeBundleDir(sim, out ?? '', w);
  const ms = Math.round(performance.now() - started);
  process.stdout.write(
    `${truth.lines} lines in ${truth.files.length} files, ${truth.ops.length} operations, ${truth.from} .. ${truth.to} (${ms} ms)\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
