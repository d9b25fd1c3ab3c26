import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machineLine, type Machine } from './machine.ts';

/** One measured figure, printed beside its same-run baseline and the ratio between them. */
export interface Figure {
  name: string;
  value: string;
  baseline: string;
  ratio: string;
  target: string;
  /** null when the figure has no target (context only). */
  met: boolean | null;
}

/** What one benchmark contributes to RESULTS.md. */
export interface Section {
  /** `ingest`, `queries`, `ui`: the marker the section is stored under. */
  id: string;
  title: string;
  conditions: string[];
  figures: Figure[];
  notes: string[];
  /** Preformatted evidence (profile summaries), rendered as a code block. */
  details?: string[];
  /** Set when the thing measured did not work (the CLI failed): printed, never recorded. */
  failed?: string;
}

export const RESULTS_FILE = join(import.meta.dirname, 'RESULTS.md');

const HEADER = `# kubetrail benchmarks

Measured by \`pnpm bench [ingest|queries|ui|all] [--lines N] [--quick]\` (see \`bench/run.ts\`).
Every figure is printed beside a baseline measured in the same run on the same machine, and the
ratio between them, so numbers from different machines can be compared by their ratios. The
sections between the \`bench:\` markers are rewritten by each run; the history table at the end
gets one row per figure per run. Hand-written findings (profiles, likely fixes) live outside the
markers and are kept.
`;

const met = (m: boolean | null): string => (m === null ? '' : m ? '✅ met' : '❌ missed');

export function renderSection(s: Section, machine: Machine): string {
  const out: string[] = [];
  out.push(`### ${s.title}`, '');
  out.push(`Machine: ${machineLine(machine)}`, '');
  for (const c of s.conditions) out.push(`- ${c}`);
  if (s.conditions.length) out.push('');
  out.push('| figure | value | baseline (same run) | ratio | target | |');
  out.push('|---|---|---|---|---|---|');
  for (const f of s.figures) {
    out.push(`| ${f.name} | ${f.value} | ${f.baseline} | ${f.ratio} | ${f.target} | ${met(f.met)} |`);
  }
  if (s.notes.length) {
    out.push('');
    for (const n of s.notes) out.push(`> ${n}`);
  }
  if (s.details?.length) out.push('', '```', ...s.details, '```');
  return out.join('\n');
}

/** Prints a section to stdout in a terminal-friendly form. */
export function printSection(s: Section): void {
  console.log(`\n== ${s.title}`);
  for (const c of s.conditions) console.log(`   ${c}`);
  const w = Math.max(...s.figures.map((f) => f.name.length), 10);
  for (const f of s.figures) {
    const mark = f.met === null ? '' : f.met ? '  [met]' : '  [MISSED]';
    console.log(
      `   ${f.name.padEnd(w)}  ${f.value.padStart(14)}   baseline ${f.baseline.padStart(12)}   ratio ${f.ratio.padStart(8)}   target ${f.target}${mark}`,
    );
  }
  for (const n of s.notes) console.log(`   note: ${n}`);
  for (const d of s.details ?? []) console.log(`   ${d}`);
}

/**
 * Writes the section into RESULTS.md between `<!-- bench:<id> -->` markers (replacing the previous
 * run's) and appends its figures to the history table.
 */
export function recordSection(s: Section, machine: Machine, file = RESULTS_FILE): void {
  let text = existsSync(file)
    ? readFileSync(file, 'utf8')
    : `${HEADER}\n## Latest figures\n\n## Findings\n\n## History\n\n| date | machine | bench | figure | value | baseline | ratio | target |\n|---|---|---|---|---|---|---|---|\n`;
  const start = `<!-- bench:${s.id} -->`;
  const end = `<!-- /bench:${s.id} -->`;
  const block = `${start}\n${renderSection(s, machine)}\n${end}`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i >= 0 && j > i) {
    text = text.slice(0, i) + block + text.slice(j + end.length);
  } else {
    const anchor = text.indexOf('## Findings');
    text = anchor >= 0 ? `${text.slice(0, anchor)}${block}\n\n${text.slice(anchor)}` : `${text}\n${block}\n`;
  }
  const short = `${machine.cpu} ×${machine.cores}`;
  const rows = s.figures
    .map(
      (f) =>
        `| ${machine.date.slice(0, 16)}Z | ${short} | ${s.id} | ${f.name} | ${f.value} | ${f.baseline} | ${f.ratio} | ${f.target} ${met(f.met)} |`,
    )
    .join('\n');
  text = `${text.trimEnd()}\n${rows}\n`;
  writeFileSync(file, text);
}
