import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export const ROOT = join(import.meta.dirname, '..');
export const OUT = join(import.meta.dirname, 'out');
const GNU_TIME = '/usr/bin/time';

/** The kubetrail CLI as `pnpm kubetrail` runs it, but as one node process (tsx as a loader). */
export function kubetrailCommand(args: readonly string[], nodeFlags: readonly string[] = []): string[] {
  return [process.execPath, ...nodeFlags, '--import', 'tsx', join(ROOT, 'apps/server/src/cli.ts'), ...args];
}

export interface Measured {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  wallMs: number;
  /** Peak resident set size of the largest process in the tree, in bytes (NaN when unknown). */
  peakRssBytes: number;
  /** User + system CPU time of the process tree in ms (GNU time; NaN when unknown). */
  cpuMs: number;
  stdout: string;
  stderr: string;
}

/** Pids of `pid` and all its descendants, read from /proc (Linux). */
function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // the process ended while we looked
    }
  }
  const out: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(children.get(p) ?? []));
  }
  return out;
}

function vmHwmBytes(pid: number): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Runs a command, measuring wall time and peak RSS: GNU time's "Maximum resident set size" when
 * /usr/bin/time exists, and /proc VmHWM polling of the process tree (every 100 ms) in any case;
 * the larger wins. The child gets its own process group, killed whole on timeout.
 */
export async function runMeasured(
  argv: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number; captureStdout?: boolean },
): Promise<Measured> {
  const timeFile = join(OUT, `time-${process.pid}-${Date.now()}.txt`);
  const useTime = existsSync(GNU_TIME);
  const full = useTime ? [GNU_TIME, '-v', '-o', timeFile, ...argv] : [...argv];
  const started = performance.now();
  const child = spawn(full[0]!, full.slice(1), {
    cwd: opts.cwd ?? ROOT,
    env: opts.env ?? process.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    if (opts.captureStdout !== false && stdout.length < 64 * 1024 * 1024) stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-64 * 1024); // keep the tail: progress bars are long
  });
  let polled = 0;
  const poll = setInterval(() => {
    if (child.pid === undefined) return;
    for (const p of processTree(child.pid)) polled = Math.max(polled, vmHwmBytes(p));
  }, 100);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  }, opts.timeoutMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (c, s) => resolve([c, s])),
  );
  const wallMs = performance.now() - started;
  clearInterval(poll);
  clearTimeout(timer);
  let timeRss = 0;
  let cpuMs = Number.NaN;
  if (useTime && existsSync(timeFile)) {
    const text = readFileSync(timeFile, 'utf8');
    const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(text);
    if (m) timeRss = Number(m[1]) * 1024;
    const user = /User time \(seconds\): ([\d.]+)/.exec(text);
    const sys = /System time \(seconds\): ([\d.]+)/.exec(text);
    if (user && sys) cpuMs = (Number(user[1]) + Number(sys[1])) * 1000;
    rmSync(timeFile, { force: true });
  }
  const peak = Math.max(timeRss, polled);
  return { code, signal, timedOut, wallMs, peakRssBytes: peak || Number.NaN, cpuMs, stdout, stderr };
}

/** Runs a shell pipeline and returns its wall time and stdout (for baselines such as `gzip -dc | wc -l`). */
export async function timeShell(
  script: string,
  timeoutMs: number,
): Promise<{ wallMs: number; cpuMs: number; stdout: string; code: number | null }> {
  const r = await runMeasured(['bash', '-c', script], { timeoutMs });
  if (r.timedOut) throw new Error(`timed out after ${timeoutMs} ms: ${script}`);
  return { wallMs: r.wallMs, cpuMs: r.cpuMs, stdout: r.stdout, code: r.code };
}
