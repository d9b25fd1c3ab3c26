import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

/** The machine a benchmark ran on, for RESULTS.md. */
export interface Machine {
  cpu: string;
  cores: number;
  ramGiB: number;
  node: string;
  date: string;
}

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m?.[1]) return m[1].trim();
  } catch {
    // not Linux: fall back to what node reports
  }
  return cpus()[0]?.model ?? 'unknown';
}

export function describeMachine(): Machine {
  return {
    cpu: cpuModel(),
    cores: cpus().length,
    ramGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    date: new Date().toISOString(),
  };
}

export function machineLine(m: Machine): string {
  return `${m.cpu}, ${m.cores} cores, ${m.ramGiB} GiB RAM, node ${m.node}, ${m.date}`;
}

/** The 1/5/15-minute load averages, for conditions lines: other processes distort wall-clock figures. */
export function loadLine(): string {
  return `load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join('/')} on ${cpus().length} cores`;
}
